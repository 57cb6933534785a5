import type { Server } from "bun";
import type { StreamEvent } from "../../ir/event.ts";
import { GatewayError, toGatewayError } from "../../ir/errors.ts";
import { ResponseCollector } from "../../ir/collect.ts";
import type { Usage } from "../../ir/usage.ts";
import type { ClientProtocol, EncodeContext } from "../../protocols/types.ts";
import { sendWithRetries, type AnswerEvents, type AttemptRecord } from "../../pool/attempt.ts";
import { resolveMedia } from "../../media/index.ts";
import type { RequestLogRow } from "../../store/index.ts";
import { SSE_HEADERS } from "../../sse/encode.ts";
import type { GatewayContext } from "../context.ts";
import { errorResponse } from "../error-response.ts";
import { readJsonBody } from "../read-body.ts";

/** Per-request bookkeeping that ends up as one request-log row. */
class Exchange {
  readonly id = crypto.randomUUID();
  readonly startedAt = Date.now();
  readonly started = performance.now();
  /** Response headers, as a plain object: cheaper than a Headers instance per request. */
  readonly headers: Record<string, string> = { "x-request-id": this.id };
  readonly attempts: AttemptRecord[] = [];
  readonly log: RequestLogRow;
  private done = false;

  constructor(
    route: string,
    protocol: string,
    private readonly context: GatewayContext,
  ) {
    this.log = { id: this.id, startedAt: this.startedAt, route, protocol, stream: false, status: 0, attempts: 0 };
  }

  firstByte(): void {
    this.log.ttfbMs ??= Math.round(performance.now() - this.started);
  }

  usage(usage: Usage | undefined): void {
    if (!usage) return;
    this.log.inputTokens = usage.input.total;
    this.log.outputTokens = usage.output.total;
  }

  finish(status: number, errorClass?: string): void {
    if (this.done) return;
    this.done = true;
    this.log.status = status;
    this.log.latencyMs = Math.round(performance.now() - this.started);
    this.log.attempts = this.attempts.length;
    if (errorClass !== undefined) this.log.errorClass = errorClass;
    if (this.context.config.logging.requests) this.context.store.requestLogs.record(this.log);
  }
}

/**
 * Serves one chat request in any client protocol: decode → map the model →
 * inline media → send with retries → encode the answer as JSON or SSE.
 */
export function chatHandler(protocol: ClientProtocol, route: string, context: GatewayContext) {
  return async (request: Request, server: Server<unknown>): Promise<Response> => {
    const exchange = new Exchange(route, protocol.name, context);
    // Long thinking and long streams must not hit the server's idle timeout.
    server.timeout(request, 0);
    try {
      const body = await readJsonBody(request, context.config.limits.maxBodyBytes);
      const decoded = protocol.decodeRequest(body);
      const chat = decoded.request;
      exchange.log.requestedModel = chat.model;
      exchange.log.stream = chat.stream;
      const target = context.router.resolve(chat.model);
      if (target === undefined) throw modelNotFound(chat.model, context);
      exchange.log.provider = target.provider;
      exchange.log.mappedModel = target.model;
      exchange.headers["x-mapped-model"] = target.model;
      const provider = context.providers.get(target.provider);
      if (provider === undefined) throw modelNotFound(chat.model, context);
      await resolveMedia(chat, context.media);

      const { account, events } = await sendWithRetries({
        request: chat,
        provider,
        providerName: target.provider,
        model: target.model,
        pool: context.pool,
        maxAttempts: context.config.retry.maxAttempts,
        signal: request.signal,
        attempts: exchange.attempts,
      });
      exchange.log.accountId = account.id;
      exchange.headers["x-account-email"] = account.id;
      exchange.firstByte();

      const encodeContext: EncodeContext<unknown> = {
        id: protocol.idPrefix + exchange.id.replaceAll("-", ""),
        model: chat.model,
        created: Math.floor(exchange.startedAt / 1000),
        options: decoded.options,
      };
      if (chat.stream) return streamResponse(protocol, encodeContext, events, exchange);
      return await jsonResponse(protocol, encodeContext, events, exchange);
    } catch (thrown) {
      const error = toGatewayError(thrown);
      if (error.kind === "internal") console.error(`agw: request ${exchange.id} failed:`, thrown);
      exchange.finish(error.status, error.code ?? error.kind);
      return errorResponse(protocol, error, exchange.headers);
    }
  };
}

async function jsonResponse(
  protocol: ClientProtocol,
  context: EncodeContext<unknown>,
  events: AnswerEvents,
  exchange: Exchange,
): Promise<Response> {
  const collector = new ResponseCollector();
  for (let event = await events.next(); event !== undefined; event = await events.next()) collector.add(event);
  const response = collector.result();
  exchange.usage(response.usage);
  exchange.finish(200);
  return Response.json(protocol.encodeResponse(response, context), { headers: exchange.headers });
}

/**
 * Encodes the event stream as the protocol's SSE. Pull-based, so a slow
 * client slows the upstream read instead of buffering; a client that goes
 * away cancels the upstream request.
 */
function streamResponse(
  protocol: ClientProtocol,
  context: EncodeContext<unknown>,
  events: AnswerEvents,
  exchange: Exchange,
): Response {
  const machine = protocol.encodeStream(context);
  const state = machine.start();
  let closed = false;
  // A "direct" stream (Bun): frames are written as strings straight to the
  // socket, with no queue and no per-chunk encoding step in between.
  const body = new ReadableStream({
    type: "direct",
    async pull(controller) {
      let errorClass: string | undefined;
      const write = (frames: string[]) => {
        if (frames.length === 0 || closed) return;
        for (const frame of frames) controller.write(frame);
        controller.flush();
      };
      for (;;) {
        let event: StreamEvent | undefined;
        try {
          event = await events.next();
        } catch (thrown) {
          event = { type: "error", error: upstreamStreamError(thrown) };
        }
        if (closed) return;
        if (event === undefined) break;
        if (event.type === "usage") exchange.usage(event.usage);
        write(machine.step(state, event));
        if (event.type === "error") {
          errorClass = event.error.code ?? event.error.kind;
          events.cancel();
          break;
        }
      }
      if (machine.finish) write(machine.finish(state));
      closed = true;
      controller.close();
      exchange.finish(200, errorClass);
    },
    // The client went away: cancelling the upstream read closes its connection.
    cancel() {
      if (closed) return;
      closed = true;
      events.cancel();
      exchange.finish(499, "client_closed");
    },
  });
  return new Response(body, { headers: Object.assign(exchange.headers, SSE_HEADERS) });
}

function upstreamStreamError(thrown: unknown): GatewayError {
  if (thrown instanceof GatewayError) return thrown;
  return new GatewayError("upstream", `the upstream stream broke off: ${(thrown as Error)?.message ?? "unknown error"}`);
}

function modelNotFound(model: string, context: GatewayContext): GatewayError {
  const names = context.router.listModels().map((m) => m.id);
  const known = names.length === 0 ? "no models are configured" : `available models: ${names.join(", ")}`;
  return new GatewayError("not_found", `the model '${model}' does not exist or is not mapped (${known})`, {
    code: "model_not_found",
    param: "model",
  });
}

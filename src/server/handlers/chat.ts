import type { Server } from "bun";
import type { StreamEvent } from "../../ir/event.ts";
import { GatewayError, toGatewayError } from "../../ir/errors.ts";
import { ResponseCollector } from "../../ir/collect.ts";
import type { Usage } from "../../ir/usage.ts";
import type { ClientProtocol, EncodeContext } from "../../protocols/types.ts";
import { sendWithRetries, type AttemptRecord } from "../../pool/attempt.ts";
import { resolveMedia } from "../../media/index.ts";
import type { RequestLogRow } from "../../store/index.ts";
import { SSE_HEADERS } from "../../sse/encode.ts";
import type { GatewayContext } from "../context.ts";
import { errorResponse } from "../error-response.ts";
import { readJsonBody } from "../read-body.ts";

const encoder = new TextEncoder();

/** Per-request bookkeeping that ends up as one request-log row. */
class Exchange {
  readonly id = crypto.randomUUID();
  readonly startedAt = Date.now();
  readonly started = performance.now();
  readonly headers = new Headers({ "x-request-id": this.id });
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
    const abort = new AbortController();
    request.signal.addEventListener("abort", () => abort.abort(), { once: true });
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
      exchange.headers.set("x-mapped-model", target.model);
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
        signal: abort.signal,
        attempts: exchange.attempts,
      });
      exchange.log.accountId = account.id;
      exchange.headers.set("x-account-email", account.id);
      exchange.firstByte();

      const encodeContext: EncodeContext<unknown> = {
        id: protocol.idPrefix + exchange.id.replaceAll("-", ""),
        model: chat.model,
        created: Math.floor(exchange.startedAt / 1000),
        options: decoded.options,
      };
      if (chat.stream) return streamResponse(protocol, encodeContext, events, exchange, abort);
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
  events: ReadableStream<StreamEvent>,
  exchange: Exchange,
): Promise<Response> {
  const collector = new ResponseCollector();
  for await (const event of events as unknown as AsyncIterable<StreamEvent>) collector.add(event);
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
  events: ReadableStream<StreamEvent>,
  exchange: Exchange,
  abort: AbortController,
): Response {
  const machine = protocol.encodeStream(context);
  const state = machine.start();
  const reader = events.getReader();
  let errorClass: string | undefined;
  /** Enqueues the frames as one chunk; false when there were none. */
  const emit = (controller: ReadableStreamDefaultController<Uint8Array>, frames: string[]): boolean => {
    if (frames.length === 0) return false;
    controller.enqueue(encoder.encode(frames.length === 1 ? frames[0]! : frames.join("")));
    return true;
  };
  const end = (controller: ReadableStreamDefaultController<Uint8Array>) => {
    if (machine.finish) emit(controller, machine.finish(state));
    controller.close();
    exchange.finish(200, errorClass);
  };
  const body = new ReadableStream<Uint8Array>(
    {
      // Bun's response sink does not pull again after a pull that enqueued
      // nothing, so keep reading until an event produces a frame.
      async pull(controller) {
        for (;;) {
          let event: StreamEvent;
          try {
            const result = await reader.read();
            if (result.done) return end(controller);
            event = result.value;
          } catch (thrown) {
            event = { type: "error", error: upstreamStreamError(thrown) };
          }
          if (event.type === "usage") exchange.usage(event.usage);
          if (event.type === "error") {
            errorClass = event.error.code ?? event.error.kind;
            emit(controller, machine.step(state, event));
            reader.cancel().catch(() => {});
            return end(controller);
          }
          if (emit(controller, machine.step(state, event))) return;
        }
      },
      cancel() {
        abort.abort();
        reader.cancel().catch(() => {});
        exchange.finish(499, "client_closed");
      },
    },
    { highWaterMark: 0 },
  );
  for (const [name, value] of Object.entries(SSE_HEADERS)) exchange.headers.set(name, value);
  return new Response(body, { headers: exchange.headers });
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

import type { Server } from "bun";
import { GatewayError, toGatewayError } from "../../ir/errors.ts";
import type { ChatRequest } from "../../ir/request.ts";
import { asBackgroundRequest, detectBackgroundTask, isWarmupRequest, warmupEvents } from "../../intercept/index.ts";
import { resolveMedia } from "../../media/index.ts";
import { AnswerEvents, sendWithRetries } from "../../pool/attempt.ts";
import { conversationKey } from "../../pool/conversation-key.ts";
import type { ClientProtocol, Decoded, EncodeContext } from "../../protocols/types.ts";
import type { ChatResponse } from "../../ir/response.ts";
import type { GatewayContext } from "../context.ts";
import { errorResponse } from "../error-response.ts";
import { readJsonBody } from "../read-body.ts";
import { Exchange } from "./exchange.ts";
import { jsonResponse, streamResponse } from "./respond.ts";
import { relayPassthrough } from "./passthrough.ts";

/** What a route may add around the common chat flow; `State` travels from prepare to onAnswer. */
export interface ChatHooks<State = unknown> {
  /**
   * Adjusts the parsed body before decoding: Gemini takes the model and the
   * streaming mode from the URL, Responses expands previous_response_id.
   * Throws a GatewayError to refuse the request.
   */
  prepare?(body: unknown, request: Request): { body: unknown; state: State };
  /** Receives the complete answer (after the stream ended, for streams): Responses stores it. */
  onAnswer?(answer: ChatResponse, context: EncodeContext<unknown>, decoded: Decoded<unknown>, state: State | undefined): void;
}

/**
 * Serves one chat request in any client protocol: decode → intercept
 * (warm-ups answered locally, background tasks slimmed) → map the model →
 * inline media → send with retries → encode the answer as JSON or SSE.
 */
export function chatHandler<State>(protocol: ClientProtocol, route: string, context: GatewayContext, hooks: ChatHooks<State> = {}) {
  const intercept = context.config.intercept;
  const keepAliveMs = context.config.limits.keepAliveMs;
  const sticky = context.config.scheduling.mode === "sticky";
  return async (request: Request, server: Server<unknown>): Promise<Response> => {
    const exchange = new Exchange(route, protocol.name, context);
    // Long thinking and long streams must not hit the server's idle timeout.
    server.timeout(request, 0);
    try {
      let body = await readJsonBody(request, context.config.limits.maxBodyBytes);
      let state: State | undefined;
      if (hooks.prepare) ({ body, state } = hooks.prepare(body, request));
      const relayed = passThrough(protocol, body, request, exchange, context);
      if (relayed) return await relayed;
      const decoded = protocol.decodeRequest(body);
      let chat: ChatRequest = decoded.request;
      exchange.log.requestedModel = chat.model;
      exchange.log.stream = chat.stream;
      const encodeContext: EncodeContext<unknown> = {
        id: protocol.idPrefix + exchange.id.replaceAll("-", ""),
        model: chat.model,
        created: Math.floor(exchange.startedAt / 1000),
        options: decoded.options,
      };
      const onAnswer = hooks.onAnswer && ((answer: ChatResponse) => hooks.onAnswer!(answer, encodeContext, decoded, state));

      if (intercept.warmup && isWarmupRequest(chat)) {
        exchange.log.intercepted = "warmup";
        exchange.headers["x-warmup-intercepted"] = "true";
        const events = AnswerEvents.of(warmupEvents(chat.model));
        return chat.stream
          ? streamResponse(protocol, encodeContext, events, exchange, keepAliveMs, onAnswer)
          : await jsonResponse(protocol, encodeContext, events, exchange, onAnswer);
      }
      let routedModel = chat.model;
      const task = intercept.background ? detectBackgroundTask(chat) : undefined;
      if (task !== undefined) {
        exchange.log.intercepted = task;
        chat = asBackgroundRequest(chat);
        routedModel = intercept.backgroundModel ?? chat.model;
      }

      const target = context.router.resolve(routedModel);
      const provider = target && context.providers.get(target.provider);
      if (target === undefined || provider === undefined) throw modelNotFound(routedModel, context);
      exchange.log.provider = target.provider;
      exchange.log.mappedModel = target.model;
      exchange.headers["x-mapped-model"] = target.model;
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
        warnings: exchange.warnings,
        maxWaitMs: context.config.retry.maxWaitMs,
        deadlineMs: context.config.retry.deadlineMs,
        ...(sticky ? { conversation: conversationKey(chat, request.headers) } : {}),
      });
      exchange.log.accountId = account.id;
      exchange.headers["x-account-email"] = account.id;
      exchange.firstByte();
      if (chat.stream) return streamResponse(protocol, encodeContext, events, exchange, keepAliveMs, onAnswer);
      return await jsonResponse(protocol, encodeContext, events, exchange, onAnswer);
    } catch (thrown) {
      const error = toGatewayError(thrown);
      if (error.kind === "internal") console.error(`agw: request ${exchange.id} failed:`, thrown);
      exchange.finish(error.status, error.code ?? error.kind);
      return errorResponse(protocol, error, exchange.headers);
    }
  };
}

/** Client headers a same-protocol upstream must see. */
const FORWARDED_HEADERS = ["anthropic-beta", "anthropic-version"];

/**
 * Same protocol on both sides (an Anthropic client on an Anthropic provider,
 * an OpenAI Chat client on an OpenAI-compatible one): the request goes
 * through with only the model replaced, unknown fields and beta features
 * intact, and the answer is relayed as it arrives. Undefined when the
 * mapping sends the request elsewhere.
 */
function passThrough(
  protocol: ClientProtocol,
  body: unknown,
  request: Request,
  exchange: Exchange,
  context: GatewayContext,
): Promise<Response> | undefined {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return undefined;
  const fields = body as Record<string, unknown>;
  if (typeof fields.model !== "string") return undefined;
  const target = context.router.resolve(fields.model);
  const provider = target && context.providers.get(target.provider);
  if (!target || !provider?.passthrough || provider.nativeProtocol !== protocol.name) return undefined;
  exchange.log.requestedModel = fields.model;
  exchange.log.stream = fields.stream === true;
  exchange.log.provider = target.provider;
  exchange.log.mappedModel = target.model;
  exchange.headers["x-mapped-model"] = target.model;
  const headers: Record<string, string> = {};
  for (const name of FORWARDED_HEADERS) {
    const value = request.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  const query = request.url.indexOf("?");
  return relayPassthrough(
    {
      provider,
      target,
      operation: query === -1 ? "" : request.url.slice(query),
      body: JSON.stringify({ ...fields, model: target.model }),
      headers,
      signal: request.signal,
    },
    exchange,
    context,
  );
}

export function modelNotFound(model: string, context: GatewayContext): GatewayError {
  const names = context.router.listModels().map((m) => m.id);
  const known = names.length === 0 ? "no models are configured" : `available models: ${names.join(", ")}`;
  return new GatewayError("not_found", `the model '${model}' does not exist or is not mapped (${known})`, {
    code: "model_not_found",
    param: "model",
  });
}

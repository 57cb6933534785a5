import type { Server } from "bun";
import { GatewayError, toGatewayError } from "../../ir/errors.ts";
import type { ChatRequest } from "../../ir/request.ts";
import { asBackgroundRequest, detectBackgroundTask, isWarmupRequest, warmupEvents } from "../../intercept/index.ts";
import { resolveMedia } from "../../media/index.ts";
import { AnswerEvents, type AttemptSuccess, type RetryTarget, sendWithRetries } from "../../pool/attempt.ts";
import { conversationKey } from "../../pool/conversation-key.ts";
import type { ClientProtocol, Decoded, EncodeContext } from "../../protocols/types.ts";
import type { ChatResponse } from "../../ir/response.ts";
import type { Provider } from "../../providers/types.ts";
import type { ModelTarget } from "../../routing/model-router.ts";
import { estimateRequestTokens } from "../../tokens/index.ts";
import type { GatewayContext } from "../context.ts";
import { errorResponse } from "../error-response.ts";
import { logInternalError } from "../log-internal-error.ts";
import { parseJsonBody, readBodyText } from "../read-body.ts";
import { replaceTopLevelString } from "../replace-top-level-string.ts";
import { Exchange } from "./exchange.ts";
import { jsonResponse, streamResponse, untilStopped } from "./respond.ts";
import { relayFramingOf, relayPassthrough } from "./passthrough.ts";
import { within } from "./within.ts";
import type { Awaitable } from "../../util/awaitable.ts";
import type { Caller } from "../auth.ts";

/** What a route may add around the common chat flow; `State` travels from prepare to onAnswer. */
export interface ChatHooks<State = unknown> {
  /**
   * Adjusts the parsed body before decoding: Gemini takes the model and the
   * streaming mode from the URL, Responses expands previous_response_id.
   * Throws a GatewayError to refuse the request.
   */
  prepare?(body: unknown, request: Request): Awaitable<{ body: unknown; state: State }>;
  /** Receives the complete answer (after the stream ended, for streams): Responses stores it. */
  onAnswer?(answer: ChatResponse, context: EncodeContext<unknown>, decoded: Decoded<unknown>, state: State | undefined): Awaitable<void>;
  /**
   * The upstream operation of a pass-through request, when the route names it
   * (Gemini: `streamGenerateContent?alt=sse`, from the URL). By default the
   * provider's own chat operation.
   */
  operation?(request: Request): string;
}

/** Client headers a same-protocol upstream must see. */
const FORWARDED_HEADERS = ["anthropic-beta", "anthropic-version"];

/**
 * Serves one chat request in any client protocol. Everything about the
 * request is decided once, in order: read and decode → intercept (warm-ups
 * answered locally, background tasks slimmed and rerouted) → map the model
 * → the retry target (pool, stickiness, limits) → then lowered one of two
 * ways: passed through untouched but for the model when the provider speaks
 * the client's protocol, else translated (media inlined, the IR lowered)
 * and encoded back as JSON or SSE.
 */
export function chatHandler<State>(protocol: ClientProtocol, route: string, context: GatewayContext, hooks: ChatHooks<State> = {}) {
  const intercept = context.config.intercept;
  const keepAliveMs = context.config.limits.keepAliveMs;
  const sticky = context.config.scheduling.mode === "sticky";
  return (request: Request, server: Server<unknown>, caller?: Caller): Promise<Response> => {
    const exchange = new Exchange(route, protocol.name, context);
    return untilStopped(protocol, exchange, serve(request, server, exchange, caller));
  };

  async function serve(request: Request, server: Server<unknown>, exchange: Exchange, caller: Caller | undefined): Promise<Response> {
    try {
      // The body has its own deadline (limits.bodyTimeoutMs); only then may
      // the answer outlast the server's idle timeout (long thinking, long streams).
      const text = await readBodyText(request, context.config.limits);
      const sent = parseJsonBody(text, context.config.limits);
      server.timeout(request, 0);
      let body = sent;
      let state: State | undefined;
      if (hooks.prepare) {
        // A promise only when the store answers later (Postgres): no extra turn of the event loop otherwise.
        const prepared = hooks.prepare(body, request);
        ({ body, state } = prepared instanceof Promise ? await prepared : prepared);
      }
      const decoded = protocol.decodeRequest(body);
      let chat: ChatRequest = decoded.request;
      exchange.log.requestedModel = chat.model;
      exchange.log.stream = chat.stream;
      // The input's estimate walks every text of the request: made once, for the key's admission and the answer's start alike.
      let estimate: { of: ChatRequest; tokens: number } | undefined;
      const estimateInputTokens = () => (estimate?.of === chat ? estimate : (estimate = { of: chat, tokens: estimateRequestTokens(chat) })).tokens;
      // Admission by the client key, before interception: a warm-up answered locally still counts as a request.
      exchange.admit(caller, chat.model, () => estimateInputTokens() + (chat.maxOutputTokens ?? 0));
      const encodeContext: EncodeContext<unknown> = {
        id: protocol.idPrefix + exchange.id.replaceAll("-", ""),
        model: chat.model,
        created: Math.floor(exchange.startedAt / 1000),
        options: decoded.options,
        estimateInputTokens,
      };
      const onAnswer = hooks.onAnswer && ((answer: ChatResponse) => hooks.onAnswer!(answer, encodeContext, decoded, state));

      // Interception.
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

      // Routing.
      const { target, provider } = mapModel(context, routedModel);
      exchange.mapped(target);

      // Scheduling: one retry target, whichever way the request is lowered.
      const retryTarget = retryTargetFor(context, target, request, exchange, sticky ? conversationKey(chat, request.headers) : undefined);

      // Lowering: the client's own format when the provider speaks it and
      // the request is still the client's (a slimmed background task is not).
      if (task === undefined && isPassthrough(provider, protocol)) {
        return await relayPassthrough(
          {
            provider,
            target,
            operation: hooks.operation?.(request) ?? clientQuery(request, protocol),
            body: passthroughBody(text, sent, target, provider, exchange),
            headers: forwardedHeaders(request),
            signal: request.signal,
            stream: chat.stream,
          },
          retryTarget,
          exchange,
          relayFramingOf(protocol, encodeContext, keepAliveMs),
        );
      }
      exchange.warnings.push(...(decoded.warnings ?? [])); // translated, so what the decoder accepted and dropped reaches no upstream
      await resolveMedia(chat, context.media);
      const sending = sendWithRetries({ ...retryTarget, request: chat, provider, warnings: exchange.warnings, whole: !chat.stream });
      const answered = (success: AttemptSuccess) => {
        exchange.log.accountId = success.account.id;
        exchange.headers["x-account-email"] = success.account.id;
        return success.events;
      };
      if (chat.stream) {
        // A stream waiting long for its upstream (rate-limit waits, slow accounts, failover) starts
        // anyway, with keep-alive frames, so the client does not give up; what follows is the same
        // answer, or the final failure as the protocol's error event. Failover stays invisible.
        const early = await within(sending, keepAliveMs);
        exchange.firstByte();
        const events = early ? answered(early) : AnswerEvents.later(sending.then(answered));
        return streamResponse(protocol, encodeContext, events, exchange, keepAliveMs, onAnswer);
      }
      const events = answered(await sending);
      exchange.firstByte();
      return await jsonResponse(protocol, encodeContext, events, exchange, onAnswer);
    } catch (thrown) {
      const error = toGatewayError(thrown);
      if (error.kind === "internal") logInternalError(`request ${exchange.id} failed`, thrown);
      exchange.finish(error.status, error.code ?? error.kind);
      return errorResponse(protocol, error, exchange.headers);
    }
  }
}

/** Where a request's attempts go and how long they may take (`retry`), with the conversation for sticky scheduling. */
export function retryTargetFor(
  context: GatewayContext,
  target: ModelTarget,
  request: Request,
  exchange: Exchange,
  conversation?: string,
): RetryTarget {
  const retry = context.config.retry;
  return {
    providerName: target.provider,
    model: target.model,
    pool: context.pool,
    maxAttempts: retry.maxAttempts,
    signal: request.signal,
    attempts: exchange.attempts,
    maxWaitMs: retry.maxWaitMs,
    deadlineMs: retry.deadlineMs,
    ...(conversation !== undefined ? { conversation } : {}),
  };
}

/** Whether the provider takes this protocol's requests as they are. */
export function isPassthrough(provider: Provider, protocol: ClientProtocol): boolean {
  return provider.passthrough !== undefined && provider.nativeProtocol === protocol.name;
}

/**
 * The client's body as the upstream gets it: untouched (unknown fields, betas
 * and cache_control included) but for the model, when the body names one
 * (Gemini's is in the URL), and what the provider knows the upstream would
 * refuse (an output budget above the model's limit, clamped). Such changes
 * are warnings, announced before a relayed stream's headers go out. When
 * only the model changes, it is replaced in the client's text rather than
 * the parsed body serialised again (a long conversation costs less than
 * half as much that way, and the client's bytes stay as they were).
 */
function passthroughBody(text: string, sent: unknown, target: ModelTarget, provider: Provider, exchange: Exchange): string {
  const fields = sent as Record<string, unknown>;
  const prepared = provider.preparePassthrough?.(fields, target.model, exchange.warnings) ?? fields;
  exchange.announceWarnings();
  const named = typeof fields.model === "string";
  if (prepared === fields) {
    if (!named) return text;
    const replaced = replaceTopLevelString(text, "model", target.model);
    if (replaced !== undefined) return replaced;
  }
  return JSON.stringify(named ? { ...prepared, model: target.model } : prepared);
}

/** The client's query parameters the upstream may see: only those its protocol names, never the gateway's `key`. */
function clientQuery(request: Request, protocol: ClientProtocol): string {
  const query = request.url.indexOf("?");
  if (query === -1 || protocol.forwardedQuery === undefined) return "";
  const params = new URLSearchParams(request.url.slice(query + 1));
  const kept = new URLSearchParams();
  for (const name of protocol.forwardedQuery) for (const value of params.getAll(name)) kept.append(name, value);
  const text = kept.toString();
  return text === "" ? "" : `?${text}`;
}

function forwardedHeaders(request: Request): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of FORWARDED_HEADERS) {
    const value = request.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  return headers;
}

/** Where a requested model goes: a configured provider and its upstream model, else the 404 listing the models there are. */
export function mapModel(context: GatewayContext, model: string): { target: ModelTarget; provider: Provider } {
  const target = context.router.resolve(model);
  const provider = target && context.providers.get(target.provider);
  if (target === undefined || provider === undefined) throw modelNotFound(model, context);
  return { target, provider };
}

export function modelNotFound(model: string, context: GatewayContext): GatewayError {
  const names = context.router.listModels().map((m) => m.id);
  const known = names.length === 0 ? "no models are configured" : `available models: ${names.join(", ")}`;
  return new GatewayError("not_found", `the model '${model}' does not exist or is not mapped (${known})`, {
    code: "model_not_found",
    param: "model",
  });
}

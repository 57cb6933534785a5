import type { Server } from "bun";
import { GatewayError, toGatewayError } from "../../ir/errors.ts";
import {
  decodeGeminiCountTokensRequest,
  encodeGeminiCountTokens,
  encodeGeminiModel,
  encodeGeminiModelList,
  knownGeminiModel,
  decodeGeminiEmbedRequest,
  encodeGeminiEmbedResponse,
  retargetGeminiEmbedBody,
  type GeminiEmbedAction,
} from "../../protocols/gemini/index.ts";
import type { ClientProtocol } from "../../protocols/types.ts";
import type { GatewayContext } from "../context.ts";
import { errorResponse } from "../error-response.ts";
import { readBodyText } from "../read-body.ts";
import { chatHandler, isPassthrough, modelNotFound, retryTargetFor } from "./chat.ts";
import { countTokensHandler } from "./count-tokens.ts";
import { checkModel } from "../../keys/index.ts";
import type { Caller } from "../auth.ts";
import { Exchange } from "./exchange.ts";
import { JSON_ANSWER, relayPassthrough } from "./passthrough.ts";
import { embeddingsHandler, noEmbeddings } from "./embeddings.ts";
import { readJsonBody } from "../read-body.ts";
import { estimateTextTokens } from "../../tokens/index.ts";
import type { ModelTarget } from "../../routing/model-router.ts";
import type { Provider } from "../../providers/types.ts";

const ROUTE = "/v1beta/models";


/** The input tokens of a Gemini embed body, estimated from its texts (Gemini's answer carries no count). */
function estimateEmbedTokens(body: unknown, action: GeminiEmbedAction): number {
  const fields = (body ?? {}) as { content?: { parts?: Array<{ text?: unknown }> }; requests?: Array<{ content?: { parts?: Array<{ text?: unknown }> } }> };
  const contents = action === "embedContent" ? [fields.content] : Array.isArray(fields.requests) ? fields.requests.map((request) => request?.content) : [];
  let tokens = 0;
  for (const content of contents) for (const part of content?.parts ?? []) if (typeof part?.text === "string") tokens += estimateTextTokens(part.text);
  return tokens;
}
const ACTIONS = new Set(["generateContent", "streamGenerateContent", "countTokens", "embedContent", "batchEmbedContents", "predict"]);
const EMBED_ACTIONS = new Set(["embedContent", "batchEmbedContents"]);

interface GeminiCall {
  model: string;
  action: string;
  alt: string | null;
}

/** `gemini-2.5-flash:streamGenerateContent?alt=sse` from the request's path and query. */
function readCall(request: Request): GeminiCall {
  const url = new URL(request.url);
  const target = decodePathPart(url.pathname.slice(ROUTE.length + 1));
  const colon = target.lastIndexOf(":");
  const model = (colon === -1 ? target : target.slice(0, colon)).replace(/^models\//, "");
  const action = colon === -1 ? "" : target.slice(colon + 1);
  if (!ACTIONS.has(action)) {
    throw new GatewayError("not_found", `unknown method '${action || target}': use :generateContent, :streamGenerateContent, :countTokens, :embedContent, :batchEmbedContents or :predict`, {
      code: "method_not_found",
    });
  }
  return { model, action, alt: url.searchParams.get("alt") };
}

/** The upstream operation a Gemini call names: its method, and its `alt` framing when given. */
function operationOf(call: GeminiCall): string {
  return call.alt ? `${call.action}?alt=${encodeURIComponent(call.alt)}` : call.action;
}

/** A percent-encoded path segment; bad encoding (`%ff%fe`) is the client's 400, not a gateway error. */
function decodePathPart(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new GatewayError("invalid_request", `the model name in the path is not valid percent-encoded UTF-8: ${text.slice(0, 100)}`, {
      code: "invalid_path",
    });
  }
}

const paramsOf = (request: Request) => (request as Request & { params?: Record<string, string> }).params ?? {};

/**
 * Gemini's native API. When the mapped provider speaks Gemini itself, the
 * request goes through untouched but for the model (pass-through: nothing
 * the client sent or the upstream answered is lost); otherwise it is
 * translated like every other protocol.
 */
export function geminiNativeRoutes(protocol: ClientProtocol, context: GatewayContext) {
  const translate = chatHandler(protocol, ROUTE, context, {
    prepare(body, request) {
      const call = readCall(request);
      const fields = body !== null && typeof body === "object" && !Array.isArray(body) ? body : {};
      return { body: { ...fields, model: call.model, stream: call.action === "streamGenerateContent", alt: call.alt }, state: undefined };
    },
    operation: (request) => operationOf(readCall(request)),
  });
  const count = countTokensHandler(
    protocol,
    {
      decode: (body, request) => decodeGeminiCountTokensRequest(body, readCall(request).model).request,
      encode: encodeGeminiCountTokens,
    },
    ROUTE,
    context,
  );
  // Embeddings for a model a translated upstream serves (OpenAI-compatible): decoded, embedded through the pool, encoded back.
  const translatedEmbed = embeddingsHandler<GeminiEmbedAction>(
    {
      route: ROUTE,
      protocol,
      decode: (body, request) => {
        const call = readCall(request);
        const action = call.action as GeminiEmbedAction;
        return { request: decodeGeminiEmbedRequest(body, call.model, action), options: action };
      },
      encode: (response, _request, action) => encodeGeminiEmbedResponse(response, action),
    },
    context,
  );
  const fail = (error: unknown, exchange?: Exchange) => {
    const gatewayError = toGatewayError(error);
    exchange?.finish(gatewayError.status, gatewayError.code ?? gatewayError.kind);
    return errorResponse(protocol, gatewayError, exchange?.headers ?? { "x-request-id": crypto.randomUUID() });
  };

  async function post(request: Request, server: Server<unknown>, caller?: Caller): Promise<Response> {
    let call: GeminiCall;
    try {
      call = readCall(request);
    } catch (error) {
      return fail(error);
    }
    const target = context.router.resolve(call.model);
    const provider = target && context.providers.get(target.provider);
    // The model is in the URL: an unknown one is a 404 whatever the body says.
    if (!target || !provider) return fail(modelNotFound(call.model, context));
    if (call.action === "predict") {
      // Imagen's pictures: only a Gemini upstream has :predict; its body goes through untouched (the model is in the URL).
      if (!isPassthrough(provider, protocol)) {
        return fail(
          new GatewayError("invalid_request", `:predict (Imagen) is served only for models mapped to a gemini provider; '${call.model}' maps to ${target.provider} (type ${provider.type})`, {
            code: "predict_unsupported",
          }),
        );
      }
      return relayJson(request, call, target, provider, caller, "predict");
    }
    if (EMBED_ACTIONS.has(call.action)) {
      if (provider.embed === undefined) return fail(noEmbeddings(call.model, target, provider));
      return isPassthrough(provider, protocol) ? relayJson(request, call, target, provider, caller, "embed") : translatedEmbed(request, server, caller);
    }
    if (call.action !== "countTokens") return translate(request, server, caller);
    if (!isPassthrough(provider, protocol)) return count(request, server, caller);
    // Counting on a Gemini upstream: its own countTokens, untouched.
    const exchange = new Exchange(ROUTE, protocol.name, context);
    exchange.countsUsage = false;
    exchange.log.requestedModel = call.model;
    if (caller?.key !== undefined) {
      exchange.log.keyId = caller.key.record.id;
      try {
        checkModel(caller.key, call.model);
      } catch (error) {
        return fail(error, exchange);
      }
    }
    exchange.mapped(target);
    try {
      const body = await readBodyText(request, context.config.limits);
      return await relayPassthrough(
        { provider, target, operation: operationOf(call), body, signal: request.signal, stream: false, quick: true },
        retryTargetFor(context, target, request, exchange),
        exchange,
        JSON_ANSWER,
      );
    } catch (error) {
      return fail(error, exchange);
    }
  }

  /**
   * Embeddings and Imagen's pictures on a Gemini upstream: the client's body
   * goes through as it is but for the model (an embed batch names it per
   * request; :predict only in the URL), and the answer comes back untouched.
   * Neither answer counts tokens: the log and the limits get an estimate
   * from the texts; :predict logs the pictures asked for.
   */
  async function relayJson(request: Request, call: GeminiCall, target: ModelTarget, provider: Provider, caller: Caller | undefined, kind: "embed" | "predict"): Promise<Response> {
    const exchange = new Exchange(ROUTE, protocol.name, context);
    exchange.log.requestedModel = call.model;
    exchange.mapped(target);
    try {
      const body = await readJsonBody(request, context.config.limits);
      let tokens: number;
      let text: string;
      if (kind === "predict") {
        const fields = (body ?? {}) as { instances?: Array<{ prompt?: unknown }>; parameters?: { sampleCount?: unknown } };
        tokens = (fields.instances ?? []).reduce((sum, instance) => sum + (typeof instance?.prompt === "string" ? estimateTextTokens(instance.prompt) : 0), 0);
        const count = fields.parameters?.sampleCount;
        exchange.images = typeof count === "number" && Number.isInteger(count) && count > 0 ? count : 4;
        text = JSON.stringify(body);
      } else {
        const action = call.action as GeminiEmbedAction;
        tokens = estimateEmbedTokens(body, action);
        text = JSON.stringify(retargetGeminiEmbedBody(body, target.model, action));
      }
      exchange.admit(caller, call.model, () => tokens);
      exchange.usage({ input: { total: tokens }, output: { total: 0 } });
      return await relayPassthrough(
        { provider, target, operation: call.action, body: text, signal: request.signal, stream: false, quick: kind === "embed" },
        retryTargetFor(context, target, request, exchange),
        exchange,
        JSON_ANSWER,
      );
    } catch (error) {
      return fail(error, exchange);
    }
  }

  function list(): Response {
    const ids = context.router.listModels().map((model) => model.id);
    return Response.json(encodeGeminiModelList(ids), { headers: { "x-request-id": crypto.randomUUID() } });
  }

  function get(request: Request): Response {
    let id: string;
    try {
      id = decodePathPart(paramsOf(request).target ?? "").replace(/^models\//, "");
    } catch (error) {
      return fail(error);
    }
    if (context.router.resolve(id) === undefined) return fail(modelNotFound(id, context));
    return Response.json(encodeGeminiModel(id, knownGeminiModel(id)), { headers: { "x-request-id": crypto.randomUUID() } });
  }

  return { post, list, get };
}

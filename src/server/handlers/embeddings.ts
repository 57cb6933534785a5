import type { EmbeddingRequest, EmbeddingResponse } from "../../ir/embedding.ts";
import { GatewayError, toGatewayError } from "../../ir/errors.ts";
import { withRetries } from "../../pool/attempt.ts";
import type { ClientProtocol } from "../../protocols/types.ts";
import type { Provider } from "../../providers/types.ts";
import type { ModelTarget } from "../../routing/model-router.ts";
import { estimateTextTokens } from "../../tokens/index.ts";
import type { Caller } from "../auth.ts";
import type { GatewayContext } from "../context.ts";
import { errorResponse } from "../error-response.ts";
import { logInternalError } from "../log-internal-error.ts";
import { readJsonBody } from "../read-body.ts";
import { mapModel, retryTargetFor } from "./chat.ts";
import { Exchange } from "./exchange.ts";
import { untilStopped } from "./respond.ts";

/** How one protocol's embeddings route reads its request and writes its answer. */
export interface EmbeddingsShape<Options> {
  /** The route as logged. */
  route: string;
  /** The protocol whose error shape the route answers in. */
  protocol: ClientProtocol;
  /** The requested model may come from the path (Gemini); `decode` gets it. */
  decode(body: unknown, request: Request): { request: EmbeddingRequest; options: Options };
  encode(response: EmbeddingResponse, request: EmbeddingRequest, options: Options, inputTokens: number): unknown;
}

/**
 * Serves embeddings in a client protocol, decided like a chat: decode, the
 * client key's admission, the model mapping, then the pool's attempts
 * (rotation on 429s and transient errors) against the provider's `embed`.
 * A provider without embeddings is a 400 naming it. The input tokens are
 * the upstream's count, else an estimate; they are logged and count against
 * the account's and the key's limits like a chat's.
 */
export function embeddingsHandler<Options>(shape: EmbeddingsShape<Options>, context: GatewayContext) {
  return (request: Request, _server: unknown, caller?: Caller): Promise<Response> => {
    const exchange = new Exchange(shape.route, shape.protocol.name, context);
    return untilStopped(shape.protocol, exchange, serve(request, exchange, caller));
  };

  async function serve(request: Request, exchange: Exchange, caller: Caller | undefined): Promise<Response> {
    try {
      const body = await readJsonBody(request, context.config.limits);
      const { request: embedding, options } = shape.decode(body, request);
      exchange.log.requestedModel = embedding.model;
      const estimate = () => embedding.inputs.reduce((sum, input) => sum + (typeof input === "string" ? estimateTextTokens(input) : input.length), 0);
      exchange.admit(caller, embedding.model, estimate);
      const { target, provider } = embeddingTarget(context, embedding.model);
      exchange.mapped(target);
      const { account, value } = await withRetries(retryTargetFor(context, target, request, exchange), (_account, credentials, signal, _answering, abort) =>
        provider.embed!(embedding, { model: target.model, account: credentials, signal, abort }),
      );
      exchange.log.accountId = account.id;
      exchange.headers["x-account-email"] = account.id;
      exchange.firstByte();
      const inputTokens = value.inputTokens ?? estimate();
      exchange.usage({ input: { total: inputTokens }, output: { total: 0 } });
      exchange.finish(200);
      return Response.json(shape.encode(value, embedding, options, inputTokens), { headers: exchange.headers });
    } catch (thrown) {
      const error = toGatewayError(thrown);
      if (error.kind === "internal") logInternalError(`request ${exchange.id} failed`, thrown);
      exchange.finish(error.status, error.code ?? error.kind);
      return errorResponse(shape.protocol, error, exchange.headers);
    }
  }
}

/** Where embeddings for a model go: a mapped provider that has them, else a 404 (no mapping) or a 400 naming the provider. */
export function embeddingTarget(context: GatewayContext, model: string): { target: ModelTarget; provider: Provider } {
  const { target, provider } = mapModel(context, model);
  if (provider.embed === undefined) throw noEmbeddings(model, target, provider);
  return { target, provider };
}

/** The 400 for a model whose provider has no embeddings, naming it. */
export function noEmbeddings(model: string, target: ModelTarget, provider: Provider): GatewayError {
  return new GatewayError(
    "invalid_request",
    `the model '${model}' is mapped to the provider '${target.provider}' (type ${provider.type}), which has no embeddings: map it to a gemini or openai provider`,
    { code: "embeddings_unsupported", param: "model" },
  );
}

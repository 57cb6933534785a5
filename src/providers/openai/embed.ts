import type { EmbeddingRequest, EmbeddingResponse } from "../../ir/embedding.ts";
import { GatewayError } from "../../ir/errors.ts";
import { readJsonAnswer } from "../http/read-json-answer.ts";
import type { ProviderCall, ProviderSettings } from "../types.ts";
import { postOpenAI } from "./openai-post.ts";
import { redactSecrets } from "./redact-secrets.ts";

/**
 * Embeddings from an OpenAI-compatible `POST {baseUrl}/embeddings`: the
 * inputs as sent (token ids included), `dimensions` and `user` passed on,
 * always asked for as `float` (the gateway encodes base64 for the clients
 * that want it, byte for byte as OpenAI does).
 */
export async function embedOpenAI(baseUrl: string, settings: ProviderSettings, request: EmbeddingRequest, call: ProviderCall): Promise<EmbeddingResponse> {
  const body = {
    model: call.model,
    input: request.inputs,
    encoding_format: "float",
    ...(request.dimensions === undefined ? {} : { dimensions: request.dimensions }),
    ...(request.user === undefined ? {} : { user: request.user }),
  };
  const answer = (await readJsonAnswer(await postOpenAI(baseUrl, settings, call, body, "/embeddings"), redactSecrets)) as {
    data?: Array<{ index?: number; embedding?: unknown }>;
    usage?: { prompt_tokens?: number };
  };
  const data = answer.data;
  if (!Array.isArray(data) || data.length !== request.inputs.length || data.some((item) => !Array.isArray(item?.embedding))) {
    throw new GatewayError("upstream", `the upstream answered ${request.inputs.length} inputs with something else: ${redactSecrets(JSON.stringify(answer).slice(0, 200))}`, {
      retryable: true,
    });
  }
  // OpenAI lists them in input order with their index; an upstream that does not is put in order by it.
  const vectors: number[][] = new Array(data.length);
  data.forEach((item, position) => (vectors[typeof item.index === "number" ? item.index : position] = item.embedding as number[]));
  const tokens = answer.usage?.prompt_tokens;
  return { vectors, ...(typeof tokens === "number" ? { inputTokens: tokens } : {}) };
}

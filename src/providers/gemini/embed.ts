import type { EmbeddingRequest, EmbeddingResponse } from "../../ir/embedding.ts";
import { GatewayError } from "../../ir/errors.ts";
import type { ProviderCall, ProviderSettings } from "../types.ts";
import { geminiModelName, postGemini } from "./gemini-post.ts";
import { redactSecrets } from "./parse-error.ts";
import { readJsonAnswer } from "../http/read-json-answer.ts";

/** The most requests Gemini takes in one `batchEmbedContents` ("at most 100 requests can be in one batch"). */
export const GEMINI_EMBED_BATCH = 100;

/**
 * Embeddings from `POST {baseUrl}/v1beta/models/{model}:batchEmbedContents`:
 * each input a request of its own (`model` must repeat the URL's, as
 * `models/{model}`), more than 100 inputs split into batches sent one after
 * the other and joined back in order. Gemini takes text only: token ids are
 * a 400 before any call. Its answer carries no token count; the gateway
 * estimates one.
 */
export async function embedGemini(baseUrl: string, settings: ProviderSettings, request: EmbeddingRequest, call: ProviderCall): Promise<EmbeddingResponse> {
  const texts = request.inputs.map((input, index) => {
    if (typeof input === "string") return input;
    throw new GatewayError("invalid_request", `input[${index}]: this model's upstream (Gemini) embeds text only, not token ids: send the text itself`, {
      param: "input",
      code: "tokens_unsupported",
    });
  });
  const model = `models/${geminiModelName(call)}`;
  const vectors: number[][] = [];
  for (let start = 0; start < texts.length; start += GEMINI_EMBED_BATCH) {
    const requests = texts.slice(start, start + GEMINI_EMBED_BATCH).map((text) => ({
      model,
      content: { parts: [{ text }] },
      ...(request.taskType === undefined ? {} : { taskType: request.taskType }),
      ...(request.dimensions === undefined ? {} : { outputDimensionality: request.dimensions }),
    }));
    const response = await postGemini(baseUrl, settings, call, "batchEmbedContents", { requests });
    const answer = await readJsonAnswer(response, redactSecrets);
    const embeddings = (answer as { embeddings?: Array<{ values?: unknown }> }).embeddings;
    if (!Array.isArray(embeddings) || embeddings.length !== requests.length || embeddings.some((e) => !Array.isArray(e?.values))) {
      throw new GatewayError("upstream", `the upstream answered ${requests.length} embedding requests with something else: ${redactSecrets(JSON.stringify(answer).slice(0, 200))}`, {
        retryable: true,
      });
    }
    for (const embedding of embeddings) vectors.push(embedding.values as number[]);
  }
  return { vectors };
}

import * as z from "zod/mini";
import "../../util/zod-english.ts";
import type { EmbeddingRequest, EmbeddingResponse } from "../../ir/embedding.ts";
import { GatewayError } from "../../ir/errors.ts";
import { formatPath } from "../../util/format-path.ts";

/** Gemini's `EmbedContentRequest`: text parts only (the embedding models take nothing else). */
const embedContentSchema = z.object({
  model: z.optional(z.string()),
  content: z.object({
    parts: z.array(z.object({ text: z.string().check(z.minLength(1, "text must not be empty")) })).check(z.minLength(1)),
  }),
  taskType: z.optional(z.string()),
  title: z.optional(z.string()),
  outputDimensionality: z.optional(z.number().check(z.int(), z.positive())),
});
const batchSchema = z.object({ requests: z.array(embedContentSchema).check(z.minLength(1)) });

export type GeminiEmbedAction = "embedContent" | "batchEmbedContents";

/**
 * A Gemini embed call (`:embedContent` or `:batchEmbedContents`, model from
 * the path) as an embedding request for a translated upstream. One task
 * type and one output size for the whole batch: requests that differ are a
 * 400 (a Gemini upstream gets the body as it is instead).
 */
export function decodeGeminiEmbedRequest(body: unknown, model: string, action: GeminiEmbedAction): EmbeddingRequest {
  const parsed = (action === "embedContent" ? embedContentSchema : batchSchema).safeParse(body, { reportInput: true });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new GatewayError("invalid_request", `invalid ${action} request: ${formatPath(issue.path) || "body"}: ${issue.message}`, {
      param: formatPath(issue.path) || undefined,
    });
  }
  const requests = action === "embedContent" ? [parsed.data as z.infer<typeof embedContentSchema>] : (parsed.data as z.infer<typeof batchSchema>).requests;
  const same = <T>(field: string, values: T[]): T | undefined => {
    if (values.some((value) => value !== values[0])) {
      throw new GatewayError("invalid_request", `every request of a batch must ask for the same ${field} when the model is not served by Gemini`, {
        param: `requests[].${field}`,
      });
    }
    return values[0];
  };
  const dimensions = same("outputDimensionality", requests.map((request) => request.outputDimensionality));
  const taskType = same("taskType", requests.map((request) => request.taskType));
  return {
    model,
    inputs: requests.map((request) => request.content.parts.map((part) => part.text).join("\n")),
    ...(dimensions === undefined ? {} : { dimensions }),
    ...(taskType === undefined ? {} : { taskType }),
  };
}

/** The answer in Gemini's shape: `{embedding: {values}}`, or `{embeddings: [{values}, …]}` for a batch. */
export function encodeGeminiEmbedResponse(response: EmbeddingResponse, action: GeminiEmbedAction): unknown {
  return action === "embedContent"
    ? { embedding: { values: response.vectors[0] } }
    : { embeddings: response.vectors.map((values) => ({ values })) };
}

/**
 * A Gemini upstream gets the client's own body with the model the mapping
 * chose: `model` (optional in `:embedContent`, required per request of a
 * batch) must name the one in the URL, as `models/{model}`.
 */
export function retargetGeminiEmbedBody(body: unknown, model: string, action: GeminiEmbedAction): unknown {
  const name = `models/${model}`;
  const fields = (body ?? {}) as Record<string, unknown>;
  if (action === "embedContent") return fields.model === undefined ? fields : { ...fields, model: name };
  const requests = Array.isArray(fields.requests) ? fields.requests : [];
  return { ...fields, requests: requests.map((request) => (request !== null && typeof request === "object" ? { ...request, model: name } : request)) };
}

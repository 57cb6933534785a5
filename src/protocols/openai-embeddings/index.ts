import * as z from "zod/mini";
import "../../util/zod-english.ts";
import { GatewayError } from "../../ir/errors.ts";
import type { EmbeddingRequest, EmbeddingResponse } from "../../ir/embedding.ts";
import { formatPath } from "../../util/format-path.ts";

/**
 * OpenAI's `POST /v1/embeddings`: `input` as a string, an array of strings,
 * an array of token ids or an array of token-id arrays (at most 2048 inputs,
 * none empty), `dimensions`, `encoding_format` (`float` or `base64`: the
 * vector's little-endian float32 bytes, which the official SDKs ask for by
 * default and decode themselves), `user`.
 */
const buildEmbeddingsSchema = () => {
  const tokens = z.array(z.number().check(z.int(), z.gte(0))).check(z.minLength(1));
  const text = z.string().check(z.minLength(1, "an input must not be empty"));
  return z.strictObject({
    model: z.string().check(z.minLength(1)),
    input: z.union([text, z.array(text).check(z.minLength(1), z.maxLength(2048)), tokens, z.array(tokens).check(z.minLength(1), z.maxLength(2048))]),
    dimensions: z.optional(z.number().check(z.int(), z.positive())),
    encoding_format: z.optional(z.enum(["float", "base64"])),
    user: z.optional(z.string()),
  });
};

// Built at the first embeddings request, not at start-up (most gateways never see one).
let embeddingsSchema: ReturnType<typeof buildEmbeddingsSchema> | undefined;

export type EmbeddingsEncoding = "float" | "base64";

export function decodeOpenAIEmbeddingsRequest(body: unknown): { request: EmbeddingRequest; encoding: EmbeddingsEncoding } {
  const parsed = (embeddingsSchema ??= buildEmbeddingsSchema()).safeParse(body, { reportInput: true });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const param = issue.code === "unrecognized_keys" ? issue.keys[0]! : formatPath(issue.path);
    const what = issue.code === "unrecognized_keys" ? `unknown field '${param}'` : `${param || "body"}: ${issue.message}`;
    throw new GatewayError("invalid_request", `invalid embeddings request: ${what}`, param ? { param } : {});
  }
  const { model, input, dimensions, encoding_format, user } = parsed.data;
  const inputs: Array<string | number[]> =
    typeof input === "string" ? [input] : input.length > 0 && typeof input[0] === "number" ? [input as number[]] : (input as Array<string | number[]>);
  return {
    request: { model, inputs, ...(dimensions === undefined ? {} : { dimensions }), ...(user === undefined ? {} : { user }) },
    encoding: encoding_format ?? "float",
  };
}

/** The answer in OpenAI's shape; `base64` is each vector as little-endian float32 bytes, exactly as OpenAI encodes it. */
export function encodeOpenAIEmbeddingsResponse(response: EmbeddingResponse, model: string, encoding: EmbeddingsEncoding, inputTokens: number) {
  return {
    object: "list",
    data: response.vectors.map((vector, index) => ({ object: "embedding", index, embedding: encoding === "base64" ? float32Base64(vector) : vector })),
    model,
    usage: { prompt_tokens: inputTokens, total_tokens: inputTokens },
  };
}

function float32Base64(vector: readonly number[]): string {
  const floats = Float32Array.from(vector);
  // Typed arrays are in the machine's byte order: little-endian on every platform agw is built for.
  return Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength).toString("base64");
}

/**
 * What the fake upstreams answer to embedding requests, strict like the real
 * APIs (from their reference docs): OpenAI's `POST /v1/embeddings` and
 * Gemini's `:embedContent` / `:batchEmbedContents`. Vectors are made from the
 * text (the same text always gives the same vector), unit length, with every
 * component a float32 value (as the real services' are), so a client that
 * decodes OpenAI's base64 gets exactly the numbers of the float answer.
 */

/** The vector the fakes give a text: `dimensions` components from a generator seeded by the text. */
export function fakeVector(text: string, dimensions: number): number[] {
  let seed = Number(Bun.hash.wyhash(text) & 0xffffffffn) || 1;
  const raw: number[] = [];
  for (let i = 0; i < dimensions; i++) {
    // xorshift32
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    raw.push(((seed >>> 0) / 0xffffffff) * 2 - 1);
  }
  const norm = Math.hypot(...raw) || 1;
  return raw.map((value) => Math.fround(value / norm));
}

/** A fake's error: its status and message, in the fake's own error shape. */
export interface EmbeddingRefusal {
  status: number;
  message: string;
  param?: string;
}

/** Dimensions of OpenAI's embedding models, and whether `dimensions` may shorten them (the text-embedding-3 family). */
const OPENAI_MODELS: Record<string, { dimensions: number; shortens: boolean }> = {
  "text-embedding-3-small": { dimensions: 1536, shortens: true },
  "text-embedding-3-large": { dimensions: 3072, shortens: true },
  "text-embedding-ada-002": { dimensions: 1536, shortens: false },
};

/** `POST /v1/embeddings` as OpenAI answers it (always floats here: the gateway asks for them). */
export function openAIEmbeddingsAnswer(body: any): { refusal: EmbeddingRefusal } | { answer: unknown } {
  const known = new Set(["model", "input", "dimensions", "encoding_format", "user"]);
  const unknown = Object.keys(body ?? {}).find((name) => !known.has(name));
  if (unknown !== undefined) return { refusal: { status: 400, message: `Unrecognized request argument supplied: ${unknown}` } };
  const model = OPENAI_MODELS[body.model];
  if (model === undefined) return { refusal: { status: 404, message: `The model \`${body.model}\` does not exist or you do not have access to it.` } };
  const input = body.input;
  const inputs: Array<string | number[]> =
    typeof input === "string" ? [input] : Array.isArray(input) && input.length > 0 && typeof input[0] === "number" ? [input] : Array.isArray(input) ? input : [];
  if (inputs.length === 0 || inputs.length > 2048 || inputs.some((item) => (typeof item === "string" ? item === "" : !Array.isArray(item) || item.length === 0))) {
    return { refusal: { status: 400, message: "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.", param: "input" } };
  }
  if (body.encoding_format !== undefined && body.encoding_format !== "float" && body.encoding_format !== "base64") {
    return { refusal: { status: 400, message: `'${body.encoding_format}' is not one of ['float', 'base64'] - 'encoding_format'`, param: "encoding_format" } };
  }
  let dimensions = model.dimensions;
  if (body.dimensions !== undefined) {
    if (!model.shortens) return { refusal: { status: 400, message: "This model does not support specifying dimensions.", param: "dimensions" } };
    if (!Number.isInteger(body.dimensions) || body.dimensions < 1 || body.dimensions > model.dimensions) {
      return { refusal: { status: 400, message: `Invalid value for 'dimensions' = ${body.dimensions}. Must be between 1 and ${model.dimensions}.`, param: "dimensions" } };
    }
    dimensions = body.dimensions;
  }
  const texts = inputs.map((item) => (typeof item === "string" ? item : `tokens:${item.join(",")}`));
  const tokens = inputs.reduce<number>((sum, item) => sum + (typeof item === "string" ? Math.ceil(item.length / 4) : item.length), 0);
  return {
    answer: {
      object: "list",
      data: texts.map((text, index) => ({ object: "embedding", index, embedding: fakeVector(text, dimensions) })),
      model: body.model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    },
  };
}

/** Dimensions of Gemini's embedding models (`outputDimensionality` may shorten them). */
const GEMINI_MODELS: Record<string, number> = { "gemini-embedding-001": 3072, "text-embedding-004": 768 };

/** One `EmbedContentRequest` (at `where`), checked like the Gemini API checks it; its vector, or why not. */
function geminiEmbedOne(model: string, request: any, where: string): { refusal: EmbeddingRefusal } | { values: number[] } {
  const known = new Set(["model", "content", "taskType", "title", "outputDimensionality"]);
  const unknown = Object.keys(request ?? {}).find((name) => !known.has(name));
  if (unknown !== undefined) return { refusal: { status: 400, message: `Invalid JSON payload received. Unknown name "${unknown}" at '${where}': Cannot find field.` } };
  if (request.model !== undefined && request.model !== `models/${model}`) {
    return { refusal: { status: 400, message: `* ${where}.model: model in the request (${request.model}) does not match the model in the URL (models/${model})` } };
  }
  const parts = request.content?.parts;
  if (!Array.isArray(parts) || parts.length === 0 || parts.some((part: any) => typeof part?.text !== "string" || part.text === "")) {
    return { refusal: { status: 400, message: `* ${where}.content.parts: text must be given and not empty` } };
  }
  const full = GEMINI_MODELS[model]!;
  const wanted = request.outputDimensionality;
  if (wanted !== undefined && (!Number.isInteger(wanted) || wanted < 1 || wanted > full)) {
    return { refusal: { status: 400, message: `* ${where}.output_dimensionality: must be between 1 and ${full}` } };
  }
  return { values: fakeVector(parts.map((part: any) => part.text).join("\n"), wanted ?? full) };
}

/** `:embedContent` and `:batchEmbedContents` as the Gemini API answers them (at most 100 requests a batch). */
export function geminiEmbedAnswer(model: string, action: "embedContent" | "batchEmbedContents", body: any): { refusal: EmbeddingRefusal } | { answer: unknown } {
  if (GEMINI_MODELS[model] === undefined) {
    return { refusal: { status: 404, message: `models/${model} is not found for API version v1beta, or is not supported for ${action}.` } };
  }
  if (action === "embedContent") {
    const one = geminiEmbedOne(model, body, "EmbedContentRequest");
    return "refusal" in one ? one : { answer: { embedding: { values: one.values } } };
  }
  const unknown = Object.keys(body ?? {}).find((name) => name !== "requests");
  if (unknown !== undefined) return { refusal: { status: 400, message: `Invalid JSON payload received. Unknown name "${unknown}": Cannot find field.` } };
  const requests = body?.requests;
  if (!Array.isArray(requests) || requests.length === 0) return { refusal: { status: 400, message: "* BatchEmbedContentsRequest.requests: requests must not be empty" } };
  if (requests.length > 100) return { refusal: { status: 400, message: "* BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch" } };
  const embeddings: Array<{ values: number[] }> = [];
  for (const [index, request] of requests.entries()) {
    if (request?.model === undefined) return { refusal: { status: 400, message: `* BatchEmbedContentsRequest.requests[${index}].model: model is required` } };
    const one = geminiEmbedOne(model, request, `BatchEmbedContentsRequest.requests[${index}]`);
    if ("refusal" in one) return one;
    embeddings.push({ values: one.values });
  }
  return { answer: { embeddings } };
}

/**
 * OpenAI's `POST /v1/images/generations` as the fake answers it, checked like
 * the API reference: gpt-image models answer base64 only (no
 * `response_format`) with token usage; dall-e-3 makes one image per request
 * in its own sizes; dall-e-2 squares only. The picture is PNG's signature
 * bytes and a description of the request, base64.
 */
const MODELS: Record<string, { sizes: string[]; maxN: number; responseFormat: boolean; usage: boolean }> = {
  "gpt-image-1": { sizes: ["1024x1024", "1536x1024", "1024x1536", "auto"], maxN: 10, responseFormat: false, usage: true },
  "dall-e-3": { sizes: ["1024x1024", "1792x1024", "1024x1792"], maxN: 1, responseFormat: true, usage: false },
  "dall-e-2": { sizes: ["256x256", "512x512", "1024x1024"], maxN: 10, responseFormat: true, usage: false },
};
const FIELDS = new Set(["model", "prompt", "n", "size", "quality", "response_format", "output_format", "output_compression", "background", "moderation", "style", "user", "stream", "partial_images"]);

export function openAIImagesAnswer(body: any): { refusal: { status: number; message: string; param?: string } } | { answer: unknown } {
  const unknown = Object.keys(body ?? {}).find((name) => !FIELDS.has(name));
  if (unknown !== undefined) return { refusal: { status: 400, message: `Unknown parameter: '${unknown}'.`, param: unknown } };
  const model = MODELS[body.model ?? "dall-e-2"];
  if (model === undefined) return { refusal: { status: 400, message: `Invalid value for 'model' = ${body.model}.`, param: "model" } };
  if (typeof body.prompt !== "string" || body.prompt === "") return { refusal: { status: 400, message: "Missing required parameter: 'prompt'.", param: "prompt" } };
  const n = body.n ?? 1;
  if (!Number.isInteger(n) || n < 1 || n > model.maxN) return { refusal: { status: 400, message: `Invalid 'n': must be between 1 and ${model.maxN} for ${body.model}.`, param: "n" } };
  if (body.size !== undefined && !model.sizes.includes(body.size)) {
    return { refusal: { status: 400, message: `Invalid value: '${body.size}'. Supported values are: ${model.sizes.map((size) => `'${size}'`).join(", ")}.`, param: "size" } };
  }
  if (body.response_format !== undefined && !model.responseFormat) return { refusal: { status: 400, message: "Unknown parameter: 'response_format'.", param: "response_format" } };
  const picture = (index: number) =>
    Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from(`openai image ${index}: ${body.prompt}`)]).toString("base64");
  const data = Array.from({ length: n }, (_, index) =>
    body.response_format === "url" ? { url: `https://images.example/${index}.png` } : { b64_json: picture(index) },
  );
  const tokens = Math.ceil(body.prompt.length / 4);
  return {
    answer: {
      created: 1_700_000_000,
      data,
      ...(model.usage ? { usage: { total_tokens: tokens + 272 * n, input_tokens: tokens, output_tokens: 272 * n, input_tokens_details: { text_tokens: tokens, image_tokens: 0 } } } : {}),
    },
  };
}

/**
 * What the Gemini API refuses in a `generateContent` /
 * `streamGenerateContent` body before generating, worded as it answers
 * (400 INVALID_ARGUMENT), for the fake Gemini upstream
 * (test/harness/fake-gemini.ts). Thought signatures are checked there, not
 * here. Each rule names where it comes from:
 * - the API reference, "Generating content" and its GenerateContentRequest,
 *   Content and GenerationConfig types (https://ai.google.dev/api/generate-content):
 *   the request fields (proto JSON: lowerCamelCase or the proto's
 *   snake_case names; anything else is "Unknown name … Cannot find field"),
 *   `role` "user" or "model", non-empty contents and parts;
 * - the function-calling guide (https://ai.google.dev/gemini-api/docs/function-calling):
 *   a function call turn follows a user turn, and the turn after it answers
 *   each call with a functionResponse part;
 * and the messages are the ones the API answers, as its users quote them.
 */

/** GenerateContentRequest's fields, as lowerCamelCase JSON names and the proto's snake_case ones. */
const REQUEST_FIELDS = withSnakeCase(["model", "contents", "tools", "toolConfig", "safetySettings", "systemInstruction", "generationConfig", "cachedContent"]);

/** GenerationConfig's fields. */
const GENERATION_CONFIG_FIELDS = withSnakeCase([
  "stopSequences",
  "responseMimeType",
  "responseSchema",
  "responseJsonSchema",
  "responseModalities",
  "candidateCount",
  "maxOutputTokens",
  "temperature",
  "topP",
  "topK",
  "seed",
  "presencePenalty",
  "frequencyPenalty",
  "responseLogprobs",
  "logprobs",
  "enableEnhancedCivicAnswers",
  "speechConfig",
  "thinkingConfig",
  "imageConfig",
  "mediaResolution",
]);

function withSnakeCase(names: string[]): Set<string> {
  return new Set(names.flatMap((name) => [name, name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)]));
}

/** The first rule a generation body breaks, as Gemini words it; undefined when Gemini would accept it. */
export function geminiRequestRefusal(body: any): string | undefined {
  const unknown = Object.keys(body ?? {}).find((name) => !REQUEST_FIELDS.has(name));
  if (unknown !== undefined) return `Invalid JSON payload received. Unknown name "${unknown}": Cannot find field.`;
  const config = body.generationConfig ?? body.generation_config ?? {};
  const unknownConfig = Object.keys(config).find((name) => !GENERATION_CONFIG_FIELDS.has(name));
  if (unknownConfig !== undefined) return `Invalid JSON payload received. Unknown name "${unknownConfig}" at 'generation_config': Cannot find field.`;
  const imageRefusal = imageSettingsRefusal(config);
  if (imageRefusal !== undefined) return imageRefusal;
  const contents: any[] = Array.isArray(body.contents) ? body.contents : [];
  if (contents.length === 0) return "* GenerateContentRequest.contents: contents is not specified\n";
  for (const [index, content] of contents.entries()) {
    if (content?.role !== undefined && content.role !== "user" && content.role !== "model") return "Please use a valid role: user, model.";
    if (!Array.isArray(content?.parts) || content.parts.length === 0) {
      return `* GenerateContentRequest.contents[${index}].parts: contents.parts must not be empty.\n`;
    }
  }
  return functionTurnRefusal(contents);
}

/** A model turn with function calls follows a user turn, and the next turn answers every call. */
function functionTurnRefusal(contents: any[]): string | undefined {
  for (const [index, content] of contents.entries()) {
    const calls = content.parts.filter((part: any) => part?.functionCall).length;
    if (content.role !== "model" || calls === 0) continue;
    if (index === 0 || contents[index - 1].role === "model") {
      return "Please ensure that function call turn comes immediately after a user turn or after a function response turn.";
    }
    const next = contents[index + 1];
    if (next === undefined) continue;
    const responses = next.parts.filter((part: any) => part?.functionResponse).length;
    if (responses !== calls) {
      return "Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.";
    }
  }
  return undefined;
}

const MODALITIES = new Set(["TEXT", "IMAGE", "AUDIO"]);
const ASPECT_RATIOS = new Set(["1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9"]);

/** `responseModalities` and `imageConfig` as the API checks them (image generation docs: aspect ratios, 1K/2K/4K). */
function imageSettingsRefusal(config: any): string | undefined {
  const modalities = config.responseModalities ?? config.response_modalities;
  if (modalities !== undefined) {
    const bad = Array.isArray(modalities) ? modalities.find((modality: unknown) => !MODALITIES.has(String(modality))) : modalities;
    if (bad !== undefined) return `Invalid value at 'generation_config.response_modalities' (type.googleapis.com/google.ai.generativelanguage.v1beta.GenerationConfig.Modality), "${bad}"`;
  }
  const image = config.imageConfig ?? config.image_config;
  if (image === undefined) return undefined;
  const unknown = Object.keys(image).find((name) => name !== "aspectRatio" && name !== "imageSize");
  if (unknown !== undefined) return `Invalid JSON payload received. Unknown name "${unknown}" at 'generation_config.image_config': Cannot find field.`;
  if (image.aspectRatio !== undefined && !ASPECT_RATIOS.has(image.aspectRatio)) return `* GenerateContentRequest.generation_config.image_config.aspect_ratio: unsupported aspect ratio ${image.aspectRatio}`;
  if (image.imageSize !== undefined && !["1K", "2K", "4K"].includes(image.imageSize)) return `* GenerateContentRequest.generation_config.image_config.image_size: unsupported image size ${image.imageSize}`;
  return undefined;
}

import { GatewayError, isGatewayError } from "../../ir/errors.ts";
import type { ChatRequest, TextPart } from "../../ir/request.ts";
import type { Decoded } from "../types.ts";
import type { Warning } from "../../ir/warning.ts";
import { describeZodIssue } from "../shared/describe-zod-issue.ts";
import { beyond, type IgnoredField, ignoredFieldWarnings } from "../shared/ignored-fields.ts";
import { invalidField } from "../shared/invalid-field.ts";
import { decodeGeminiContents } from "./decode-contents.ts";
import { decodeGenerationConfig } from "./decode-generation-config.ts";
import { decodeGeminiTools } from "./decode-tools.ts";
import { normalizeGeminiKeys } from "./normalize-keys.ts";
import { compiledGeminiRequestSchema, type GeminiRequest } from "./schema.ts";
import type { GeminiStreamFraming } from "./types.ts";

/** What only the Gemini encoders (and a Gemini pass-through) need to know about the request. */
export interface GeminiNativeOptions {
  /** `alt=sse` asks for SSE; without it Google streams one JSON array. */
  framing: GeminiStreamFraming;
  /** `thinkingConfig.includeThoughts`: Gemini returns thought parts only when asked. */
  includeThoughts: boolean;
  /** Only Gemini honours these; kept for a pass-through. */
  safetySettings?: Array<Record<string, unknown>>;
  /** A Gemini context cache name: only meaningful to Gemini itself. */
  cachedContent?: string;
}

/**
 * What only Gemini itself honours: kept in the options or the body for a
 * pass-through, reported when the request is translated for another
 * upstream. Labels (billing tags) change nothing in the answer and are not.
 */
const IGNORED_FIELDS: readonly IgnoredField[] = [
  {
    name: "safetySettings",
    code: "safety_settings_ignored",
    effect: "the upstream applies its own safety settings",
    asks: (value) => Array.isArray(value) && value.length > 0,
  },
  { name: "cachedContent", code: "cached_content_ignored", effect: "a Gemini context cache means nothing to this upstream" },
];

const IGNORED_GENERATION_FIELDS: readonly IgnoredField[] = [
  { name: "responseLogprobs", code: "response_logprobs_ignored", effect: "no log probabilities are returned" },
  { name: "logprobs", code: "logprobs_ignored", effect: "no log probabilities are returned" },
  { name: "responseModalities", code: "response_modalities_ignored", effect: "the answer is text only", asks: beyond("text") },
  { name: "speechConfig", code: "speech_config_ignored", effect: "the answer is text only" },
  { name: "imageConfig", code: "image_config_ignored", effect: "the answer is text only" },
  { name: "mediaResolution", code: "media_resolution_ignored", effect: "media are read at the upstream's own resolution" },
];

/**
 * Validates a parsed `generateContent` / `streamGenerateContent` body and
 * converts it to the IR. The model comes from the URL (`models/{model}:…`),
 * `stream` from the method, `alt` is the URL's `alt` query parameter.
 * Field names may be lowerCamelCase or snake_case, as Google accepts both.
 * Throws GatewayError("invalid_request") naming the first offending field.
 */
export function decodeGeminiRequest(
  body: unknown,
  model: string,
  stream: boolean,
  alt?: string | null,
): Decoded<GeminiNativeOptions> {
  const modelName = model.replace(/^models\//, "");
  if (modelName === "") throw invalidField(["model"], "missing, expected a model name");
  const framing = decodeAlt(alt);
  const data = parseGeminiBody(body);
  const request: ChatRequest = { model: modelName, messages: [], stream };
  const system = decodeSystemInstruction(data.systemInstruction);
  if (system.length > 0) request.messages.push({ role: "system", content: system });
  request.messages.push(...decodeGeminiContents(data.contents));

  const { tools, webSearch, toolChoice } = decodeGeminiTools(data.tools, data.toolConfig);
  if (tools) request.tools = tools;
  if (webSearch) request.webSearch = webSearch;
  if (toolChoice !== undefined) request.toolChoice = toolChoice;
  Object.assign(request, decodeGenerationConfig(data.generationConfig));

  const options: GeminiNativeOptions = {
    framing,
    includeThoughts: data.generationConfig?.thinkingConfig?.includeThoughts ?? false,
  };
  if (data.safetySettings != null) options.safetySettings = data.safetySettings;
  if (data.cachedContent != null) options.cachedContent = data.cachedContent;
  const warnings = ignoredWarnings(data);
  return warnings ? { request, options, warnings } : { request, options };
}

function ignoredWarnings(data: GeminiRequest): Warning[] | undefined {
  const top = ignoredFieldWarnings(data, IGNORED_FIELDS);
  const generation = ignoredFieldWarnings(data.generationConfig, IGNORED_GENERATION_FIELDS);
  return top && generation ? [...top, ...generation] : (top ?? generation);
}

/**
 * `ClientProtocol.decodeRequest` for Gemini: the server passes the body
 * augmented with what Gemini carries outside it, `{...body, model, stream,
 * alt}` — `model` from the URL, `stream` true for `:streamGenerateContent`,
 * `alt` the URL's `alt` parameter (absent for Google's default JSON array).
 */
export function decodeGeminiAugmentedRequest(body: unknown): Decoded<GeminiNativeOptions> {
  if (!isObject(body)) throw invalidField([], `expected an object, got ${Array.isArray(body) ? "an array" : String(body)}`);
  const { model, stream, alt, ...rest } = body;
  if (typeof model !== "string") throw invalidField(["model"], "missing, expected a model name");
  if (stream !== undefined && typeof stream !== "boolean") throw invalidField(["stream"], "expected a boolean");
  if (alt !== undefined && alt !== null && typeof alt !== "string") throw invalidField(["alt"], "expected a string");
  return decodeGeminiRequest(rest, model, stream ?? false, alt);
}

/**
 * A `countTokens` body: either `{contents}` or `{generateContentRequest:
 * {…}}` (which also counts the system instruction and tools).
 */
export function decodeGeminiCountTokensRequest(body: unknown, model: string): Decoded<GeminiNativeOptions> {
  const normalized = normalizeGeminiKeys(body);
  if (isObject(normalized) && isObject(normalized.generateContentRequest)) {
    try {
      return decodeGeminiRequest(normalized.generateContentRequest, model, false);
    } catch (error) {
      throw prefixPath(error, "generateContentRequest");
    }
  }
  const contents = isObject(normalized) ? { contents: normalized.contents } : normalized;
  return decodeGeminiRequest(contents, model, false);
}

export function parseGeminiBody(body: unknown): GeminiRequest {
  const parsed = compiledGeminiRequestSchema.safeParse(normalizeGeminiKeys(body), { reportInput: true });
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  if (!issue) throw invalidField([], "invalid request");
  const { path, message } = describeZodIssue(issue);
  throw invalidField(path, message);
}

function decodeAlt(alt: string | null | undefined): GeminiStreamFraming {
  if (alt == null || alt === "" || alt === "json") return "json-array";
  if (alt === "sse") return "sse";
  throw invalidField(["alt"], `expected json or sse, got ${JSON.stringify(alt)}`);
}

function decodeSystemInstruction(instruction: GeminiRequest["systemInstruction"]): TextPart[] {
  if (instruction == null) return [];
  if (typeof instruction === "string") return instruction === "" ? [] : [{ type: "text", text: instruction }];
  return instruction.parts.flatMap((part, index): TextPart[] => {
    if (part.text == null) {
      throw invalidField(["systemInstruction", "parts", index], "only text parts are supported in a system instruction");
    }
    return part.text === "" ? [] : [{ type: "text", text: part.text }];
  });
}

/** An error inside `generateContentRequest`, with the field named from the top of the body. */
function prefixPath(error: unknown, prefix: string): unknown {
  if (!isGatewayError(error) || error.kind !== "invalid_request") return error;
  if (error.param === undefined) {
    return new GatewayError("invalid_request", `${prefix}: ${error.message.replace(/^request body: /, "")}`, { param: prefix });
  }
  return new GatewayError("invalid_request", `${prefix}.${error.message}`, { param: `${prefix}.${error.param}` });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

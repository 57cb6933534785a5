import { z } from "zod";
import { lazyCompile } from "../shared/lazy-compile.ts";

/**
 * Gemini's `GenerateContentRequest` body (`POST
 * /v1beta/models/{model}:generateContent` and `:streamGenerateContent`),
 * after normalizeGeminiKeys turned snake_case names into lowerCamelCase.
 *
 * Strict where the decoder branches (roles, calling modes), tolerant
 * elsewhere: unknown fields are dropped, optional fields also accept `null`,
 * and fields only Gemini itself can honour (safety settings, media
 * resolution, speech…) are accepted and left to pass-through.
 */

const ignored = z.unknown().optional();
const jsonObject = z.record(z.string(), z.unknown());

const blob = z.object({ mimeType: z.string().min(1), data: z.string() });

const fileData = z.object({ mimeType: z.string().nullish(), fileUri: z.string().min(1) });

const functionCall = z.object({
  id: z.string().nullish(),
  name: z.string().min(1),
  args: jsonObject.nullish(),
});

const functionResponse = z.object({
  id: z.string().nullish(),
  name: z.string().min(1),
  response: jsonObject.nullish(),
  /** Gemini 3: media the function returned, beside its JSON response. */
  parts: z.array(z.object({ inlineData: blob.nullish(), fileData: fileData.nullish() })).nullish(),
  willContinue: ignored,
  scheduling: ignored,
});

const part = z.object({
  text: z.string().nullish(),
  thought: z.boolean().nullish(),
  thoughtSignature: z.string().nullish(),
  inlineData: blob.nullish(),
  fileData: fileData.nullish(),
  functionCall: functionCall.nullish(),
  functionResponse: functionResponse.nullish(),
  executableCode: z.object({ language: z.string().nullish(), code: z.string() }).nullish(),
  codeExecutionResult: z.object({ outcome: z.string().nullish(), output: z.string().nullish() }).nullish(),
  videoMetadata: ignored,
  mediaResolution: ignored,
  partMetadata: ignored,
});

// "function" was the role of function responses in early v1beta; it is read as "user".
const content = z.object({ role: z.enum(["user", "model", "function"]).nullish(), parts: z.array(part) });

const systemInstruction = z.union([z.string(), z.object({ role: z.string().nullish(), parts: z.array(part) })], {
  error: "expected a string or a content with text parts",
});

const functionDeclaration = z.object({
  name: z.string().min(1),
  description: z.string().nullish(),
  /** Gemini's OpenAPI-style Schema (`type: "OBJECT"`…). */
  parameters: jsonObject.nullish(),
  /** A plain JSON Schema, the newer alternative to `parameters`. */
  parametersJsonSchema: jsonObject.nullish(),
  behavior: ignored,
  response: ignored,
  responseJsonSchema: ignored,
});

const emptyConfig = jsonObject.nullish();

/** One entry of `tools`; kinds other than these are refused by name in decodeTools. */
const tool = z
  .object({
    functionDeclarations: z.array(functionDeclaration).nullish(),
    googleSearch: emptyConfig,
    googleSearchRetrieval: emptyConfig,
    codeExecution: emptyConfig,
  })
  .catchall(z.unknown());

const toolConfig = z.object({
  functionCallingConfig: z
    .object({
      mode: z.enum(["MODE_UNSPECIFIED", "AUTO", "ANY", "NONE", "VALIDATED"]).nullish(),
      allowedFunctionNames: z.array(z.string()).nullish(),
    })
    .nullish(),
  retrievalConfig: ignored,
});

const thinkingConfig = z.object({
  includeThoughts: z.boolean().nullish(),
  thinkingBudget: z.number().int().min(-1).nullish(),
  /** MINIMAL, LOW, MEDIUM, HIGH in either case; checked in decodeGenerationConfig. */
  thinkingLevel: z.string().nullish(),
});

const generationConfig = z.object({
  temperature: z.number().min(0).max(2).nullish(),
  topP: z.number().min(0).max(1).nullish(),
  topK: z.number().int().min(1).nullish(),
  candidateCount: z.number().int().min(1).nullish(),
  maxOutputTokens: z.number().int().min(1).nullish(),
  stopSequences: z.array(z.string()).nullish(),
  seed: z.number().int().nullish(),
  presencePenalty: z.number().nullish(),
  frequencyPenalty: z.number().nullish(),
  responseMimeType: z.string().nullish(),
  responseSchema: jsonObject.nullish(),
  responseJsonSchema: jsonObject.nullish(),
  thinkingConfig: thinkingConfig.nullish(),
  responseModalities: ignored,
  responseLogprobs: ignored,
  logprobs: ignored,
  mediaResolution: ignored,
  speechConfig: ignored,
  imageConfig: ignored,
  enableEnhancedCivicAnswers: ignored,
});

export const geminiRequestSchema = z.object({
  contents: z.array(content).min(1),
  systemInstruction: systemInstruction.nullish(),
  tools: z.array(tool).nullish(),
  toolConfig: toolConfig.nullish(),
  generationConfig: generationConfig.nullish(),
  safetySettings: z.array(jsonObject).nullish(),
  cachedContent: z.string().nullish(),
  labels: ignored,
});

/** Compiled once at start-up; only invalid input falls back to the interpreted parser that reports issues. */
export const compiledGeminiRequestSchema = lazyCompile(geminiRequestSchema);

export type GeminiRequest = z.infer<typeof geminiRequestSchema>;
export type GeminiContent = GeminiRequest["contents"][number];
export type GeminiPart = GeminiContent["parts"][number];
export type GeminiTool = NonNullable<GeminiRequest["tools"]>[number];
export type GeminiToolConfig = NonNullable<GeminiRequest["toolConfig"]>;
export type GeminiGenerationConfig = NonNullable<GeminiRequest["generationConfig"]>;
export type GeminiFunctionDeclaration = z.infer<typeof functionDeclaration>;

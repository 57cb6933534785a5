import * as z from "zod/mini";
import "../../util/zod-english.ts";
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

const ignored = z.optional(z.unknown());
const jsonObject = z.record(z.string(), z.unknown());

const blob = z.object({ mimeType: z.string().check(z.minLength(1)), data: z.string() });

const fileData = z.object({ mimeType: z.nullish(z.string()), fileUri: z.string().check(z.minLength(1)) });

const functionCall = z.object({
  id: z.nullish(z.string()),
  name: z.string().check(z.minLength(1)),
  args: z.nullish(jsonObject),
});

const functionResponse = z.object({
  id: z.nullish(z.string()),
  name: z.string().check(z.minLength(1)),
  response: z.nullish(jsonObject),
  /** Gemini 3: media the function returned, beside its JSON response. */
  parts: z.nullish(z.array(z.object({ inlineData: z.nullish(blob), fileData: z.nullish(fileData) }))),
  willContinue: ignored,
  scheduling: ignored,
});

const part = z.object({
  text: z.nullish(z.string()),
  thought: z.nullish(z.boolean()),
  thoughtSignature: z.nullish(z.string()),
  inlineData: z.nullish(blob),
  fileData: z.nullish(fileData),
  functionCall: z.nullish(functionCall),
  functionResponse: z.nullish(functionResponse),
  executableCode: z.nullish(z.object({ language: z.nullish(z.string()), code: z.string() })),
  codeExecutionResult: z.nullish(z.object({ outcome: z.nullish(z.string()), output: z.nullish(z.string()) })),
  videoMetadata: ignored,
  mediaResolution: ignored,
  partMetadata: ignored,
});

// "function" was the role of function responses in early v1beta; it is read as "user".
const content = z.object({ role: z.nullish(z.enum(["user", "model", "function"])), parts: z.array(part) });

const systemInstruction = z.union([z.string(), z.object({ role: z.nullish(z.string()), parts: z.array(part) })], {
  error: "expected a string or a content with text parts",
});

const functionDeclaration = z.object({
  name: z.string().check(z.minLength(1)),
  description: z.nullish(z.string()),
  /** Gemini's OpenAPI-style Schema (`type: "OBJECT"`…). */
  parameters: z.nullish(jsonObject),
  /** A plain JSON Schema, the newer alternative to `parameters`. */
  parametersJsonSchema: z.nullish(jsonObject),
  behavior: ignored,
  response: ignored,
  responseJsonSchema: ignored,
});

const emptyConfig = z.nullish(jsonObject);

/** One entry of `tools`; kinds other than these are refused by name in decodeTools. */
const tool = z.catchall(
  z.object({
    functionDeclarations: z.nullish(z.array(functionDeclaration)),
    googleSearch: emptyConfig,
    googleSearchRetrieval: emptyConfig,
    codeExecution: emptyConfig,
  }),
  z.unknown(),
);

const toolConfig = z.object({
  functionCallingConfig: z.nullish(
    z.object({
      mode: z.nullish(z.enum(["MODE_UNSPECIFIED", "AUTO", "ANY", "NONE", "VALIDATED"])),
      allowedFunctionNames: z.nullish(z.array(z.string())),
    }),
  ),
  retrievalConfig: ignored,
});

const thinkingConfig = z.object({
  includeThoughts: z.nullish(z.boolean()),
  thinkingBudget: z.nullish(z.number().check(z.int(), z.gte(-1))),
  /** MINIMAL, LOW, MEDIUM, HIGH in either case; checked in decodeGenerationConfig. */
  thinkingLevel: z.nullish(z.string()),
});

const generationConfig = z.object({
  temperature: z.nullish(z.number().check(z.gte(0), z.lte(2))),
  topP: z.nullish(z.number().check(z.gte(0), z.lte(1))),
  topK: z.nullish(z.number().check(z.int(), z.gte(1))),
  candidateCount: z.nullish(z.number().check(z.int(), z.gte(1))),
  maxOutputTokens: z.nullish(z.number().check(z.int(), z.gte(1))),
  stopSequences: z.nullish(z.array(z.string())),
  seed: z.nullish(z.number().check(z.int())),
  presencePenalty: z.nullish(z.number()),
  frequencyPenalty: z.nullish(z.number()),
  responseMimeType: z.nullish(z.string()),
  responseSchema: z.nullish(jsonObject),
  responseJsonSchema: z.nullish(jsonObject),
  thinkingConfig: z.nullish(thinkingConfig),
  responseModalities: ignored,
  responseLogprobs: ignored,
  logprobs: ignored,
  mediaResolution: ignored,
  speechConfig: ignored,
  imageConfig: ignored,
  enableEnhancedCivicAnswers: ignored,
});

export const geminiRequestSchema = z.object({
  contents: z.array(content).check(z.minLength(1)),
  systemInstruction: z.nullish(systemInstruction),
  tools: z.nullish(z.array(tool)),
  toolConfig: z.nullish(toolConfig),
  generationConfig: z.nullish(generationConfig),
  safetySettings: z.nullish(z.array(jsonObject)),
  cachedContent: z.nullish(z.string()),
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

import { z } from "zod";
import { IMAGE_QUALITIES, IMAGE_SIZES } from "../shared/image-options.ts";
import { lazyCompile } from "../shared/lazy-compile.ts";

/**
 * The OpenAI Chat Completions request body (`POST /v1/chat/completions`).
 *
 * Strict where the decoder branches (roles, part types, tool choice, response
 * format, reasoning effort), tolerant elsewhere: unknown fields are dropped,
 * and every optional field also accepts `null`, which many clients send for
 * "not set".
 */

const textPart = z.object({ type: z.literal("text"), text: z.string() });

const refusalPart = z.object({ type: z.literal("refusal"), refusal: z.string() });

const imageUrlPart = z.object({
  type: z.literal("image_url"),
  image_url: z.object({ url: z.string(), detail: z.string().nullish() }),
});

const inputAudioPart = z.object({
  type: z.literal("input_audio"),
  input_audio: z.object({ data: z.string(), format: z.enum(["wav", "mp3"]) }),
});

const filePart = z.object({
  type: z.literal("file"),
  file: z.object({
    file_data: z.string().nullish(),
    file_id: z.string().nullish(),
    filename: z.string().nullish(),
  }),
});

const userContentPart = z.discriminatedUnion("type", [textPart, imageUrlPart, inputAudioPart, filePart]);

const textContent = z.union([z.string(), z.array(textPart)], {
  error: "expected a string or an array of text parts",
});

const functionCall = z.object({ name: z.string(), arguments: z.string() });

const toolCall = z.object({
  id: z.string(),
  // Only function tools exist in this gateway; a missing type is tolerated.
  type: z.literal("function").optional(),
  function: functionCall,
  /** Gemini's OpenAI-compatible endpoint returns the thought signature here; clients send it back. */
  extra_content: z
    .object({ google: z.object({ thought_signature: z.string().nullish() }).nullish() })
    .nullish(),
});

const systemMessage = z.object({ role: z.literal("system"), content: textContent, name: z.string().nullish() });

const developerMessage = z.object({ role: z.literal("developer"), content: textContent, name: z.string().nullish() });

const userMessage = z.object({
  role: z.literal("user"),
  content: z.union([z.string(), z.array(userContentPart)], {
    error: "expected a string or an array of content parts",
  }),
  name: z.string().nullish(),
});

const assistantMessage = z.object({
  role: z.literal("assistant"),
  content: z
    .union([z.string(), z.array(z.discriminatedUnion("type", [textPart, refusalPart]))], {
      error: "expected a string, an array of text or refusal parts, or null",
    })
    .nullish(),
  /** Reasoning text, as DeepSeek, vLLM and this gateway return it. */
  reasoning_content: z.string().nullish(),
  refusal: z.string().nullish(),
  tool_calls: z.array(toolCall).nullish(),
  /** Deprecated: one call, replaced by `tool_calls`. */
  function_call: functionCall.nullish(),
  name: z.string().nullish(),
});

const toolMessage = z.object({ role: z.literal("tool"), tool_call_id: z.string(), content: textContent });

/** Deprecated: the result of a legacy `function_call`. */
const functionMessage = z.object({ role: z.literal("function"), name: z.string(), content: z.string().nullable() });

const message = z.discriminatedUnion("role", [
  systemMessage,
  developerMessage,
  userMessage,
  assistantMessage,
  toolMessage,
  functionMessage,
]);

const functionDefinition = z.object({
  name: z.string().min(1),
  description: z.string().nullish(),
  parameters: z.record(z.string(), z.unknown()).nullish(),
  strict: z.boolean().nullish(),
});

const tool = z.object({ type: z.literal("function"), function: functionDefinition });

const toolChoice = z.union(
  [
    z.enum(["none", "auto", "required"]),
    z.object({ type: z.literal("function"), function: z.object({ name: z.string() }) }),
  ],
  { error: 'expected "none", "auto", "required" or {"type": "function", "function": {"name": …}}' },
);

const legacyFunctionChoice = z.union([z.enum(["none", "auto"]), z.object({ name: z.string() })], {
  error: 'expected "none", "auto" or {"name": …}',
});

const responseFormat = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text") }),
  z.object({ type: z.literal("json_object") }),
  z.object({
    type: z.literal("json_schema"),
    json_schema: z.object({
      name: z.string(),
      description: z.string().nullish(),
      schema: z.record(z.string(), z.unknown()).nullish(),
      strict: z.boolean().nullish(),
    }),
  }),
]);

const ignored = z.unknown().optional();

export const openaiChatRequestSchema = z.object({
  model: z.string().min(1),
  messages: z.array(message).min(1),
  tools: z.array(tool).nullish(),
  tool_choice: toolChoice.nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  /** Deprecated: replaced by `tools`. */
  functions: z.array(functionDefinition).nullish(),
  /** Deprecated: replaced by `tool_choice`. */
  function_call: legacyFunctionChoice.nullish(),
  response_format: responseFormat.nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  max_tokens: z.number().int().min(1).nullish(),
  max_completion_tokens: z.number().int().min(1).nullish(),
  stop: z.union([z.string(), z.array(z.string())], { error: "expected a string or an array of strings" }).nullish(),
  n: z.number().int().min(1).nullish(),
  seed: z.number().int().nullish(),
  presence_penalty: z.number().min(-2).max(2).nullish(),
  frequency_penalty: z.number().min(-2).max(2).nullish(),
  reasoning_effort: z.enum(["none", "minimal", "low", "medium", "high", "xhigh"]).nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().nullish() }).nullish(),
  user: z.string().nullish(),
  // Accepted and ignored: nothing upstream of the gateway honours them uniformly.
  logprobs: ignored,
  top_logprobs: ignored,
  metadata: ignored,
  store: ignored,
  service_tier: ignored,
  logit_bias: ignored,
  /** `["text", "image"]` asks an image model for pictures too (what OpenRouter and LiteLLM clients send); "audio" is not served. */
  modalities: z.array(z.enum(["text", "image", "audio"])).nullish(),
  /** Image models: OpenAI image sizes and qualities (the reference proxy's extras), mapped to the model's image settings. */
  size: z.enum(IMAGE_SIZES).nullish(),
  quality: z.enum(IMAGE_QUALITIES).nullish(),
  prediction: ignored,
  audio: ignored,
  web_search_options: ignored,
  verbosity: ignored,
  safety_identifier: ignored,
  prompt_cache_key: ignored,
});

/**
 * The request schema compiled into a generated fast path (lazyCompile: at first use);
 * only invalid input falls back to the interpreted parser, which reports
 * the issues.
 */
export const compiledOpenAIChatRequestSchema = lazyCompile(openaiChatRequestSchema);

export type OpenAIChatRequest = z.infer<typeof openaiChatRequestSchema>;
export type OpenAIChatMessage = OpenAIChatRequest["messages"][number];
export type OpenAIChatUserPart = z.infer<typeof userContentPart>;
export type OpenAIChatTextPart = z.infer<typeof textPart>;
export type OpenAIChatToolCall = z.infer<typeof toolCall>;
export type OpenAIChatFunctionDefinition = z.infer<typeof functionDefinition>;

import * as z from "zod/mini";
import "../../util/zod-english.ts";
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
  image_url: z.object({ url: z.string(), detail: z.nullish(z.string()) }),
});

const inputAudioPart = z.object({
  type: z.literal("input_audio"),
  input_audio: z.object({ data: z.string(), format: z.enum(["wav", "mp3"]) }),
});

const filePart = z.object({
  type: z.literal("file"),
  file: z.object({
    file_data: z.nullish(z.string()),
    file_id: z.nullish(z.string()),
    filename: z.nullish(z.string()),
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
  type: z.optional(z.literal("function")),
  function: functionCall,
  /** Gemini's OpenAI-compatible endpoint returns the thought signature here; clients send it back. */
  extra_content: z.nullish(z.object({ google: z.nullish(z.object({ thought_signature: z.nullish(z.string()) })) })),
});

const systemMessage = z.object({ role: z.literal("system"), content: textContent, name: z.nullish(z.string()) });

const developerMessage = z.object({ role: z.literal("developer"), content: textContent, name: z.nullish(z.string()) });

const userMessage = z.object({
  role: z.literal("user"),
  content: z.union([z.string(), z.array(userContentPart)], {
    error: "expected a string or an array of content parts",
  }),
  name: z.nullish(z.string()),
});

const assistantMessage = z.object({
  role: z.literal("assistant"),
  content: z.nullish(
    z.union([z.string(), z.array(z.discriminatedUnion("type", [textPart, refusalPart]))], {
      error: "expected a string, an array of text or refusal parts, or null",
    }),
  ),
  /** Reasoning text, as DeepSeek, vLLM and this gateway return it. */
  reasoning_content: z.nullish(z.string()),
  refusal: z.nullish(z.string()),
  tool_calls: z.nullish(z.array(toolCall)),
  /** Deprecated: one call, replaced by `tool_calls`. */
  function_call: z.nullish(functionCall),
  name: z.nullish(z.string()),
});

const toolMessage = z.object({ role: z.literal("tool"), tool_call_id: z.string(), content: textContent });

/** Deprecated: the result of a legacy `function_call`. */
const functionMessage = z.object({ role: z.literal("function"), name: z.string(), content: z.nullable(z.string()) });

const message = z.discriminatedUnion("role", [systemMessage, developerMessage, userMessage, assistantMessage, toolMessage, functionMessage]);

const functionDefinition = z.object({
  name: z.string().check(z.minLength(1)),
  description: z.nullish(z.string()),
  parameters: z.nullish(z.record(z.string(), z.unknown())),
  strict: z.nullish(z.boolean()),
});

const tool = z.object({ type: z.literal("function"), function: functionDefinition });

const toolChoice = z.union(
  [z.enum(["none", "auto", "required"]), z.object({ type: z.literal("function"), function: z.object({ name: z.string() }) })],
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
      description: z.nullish(z.string()),
      schema: z.nullish(z.record(z.string(), z.unknown())),
      strict: z.nullish(z.boolean()),
    }),
  }),
]);

const ignored = z.optional(z.unknown());

export const openaiChatRequestSchema = z.object({
  model: z.string().check(z.minLength(1)),
  messages: z.array(message).check(z.minLength(1)),
  tools: z.nullish(z.array(tool)),
  tool_choice: z.nullish(toolChoice),
  parallel_tool_calls: z.nullish(z.boolean()),
  /** Deprecated: replaced by `tools`. */
  functions: z.nullish(z.array(functionDefinition)),
  /** Deprecated: replaced by `tool_choice`. */
  function_call: z.nullish(legacyFunctionChoice),
  response_format: z.nullish(responseFormat),
  temperature: z.nullish(z.number().check(z.gte(0), z.lte(2))),
  top_p: z.nullish(z.number().check(z.gte(0), z.lte(1))),
  max_tokens: z.nullish(z.number().check(z.int(), z.gte(1))),
  max_completion_tokens: z.nullish(z.number().check(z.int(), z.gte(1))),
  stop: z.nullish(z.union([z.string(), z.array(z.string())], { error: "expected a string or an array of strings" })),
  n: z.nullish(z.number().check(z.int(), z.gte(1))),
  seed: z.nullish(z.number().check(z.int())),
  presence_penalty: z.nullish(z.number().check(z.gte(-2), z.lte(2))),
  frequency_penalty: z.nullish(z.number().check(z.gte(-2), z.lte(2))),
  reasoning_effort: z.nullish(z.enum(["none", "minimal", "low", "medium", "high", "xhigh"])),
  stream: z.nullish(z.boolean()),
  stream_options: z.nullish(z.object({ include_usage: z.nullish(z.boolean()) })),
  user: z.nullish(z.string()),
  // Accepted and ignored: nothing upstream of the gateway honours them uniformly.
  logprobs: ignored,
  top_logprobs: ignored,
  metadata: ignored,
  store: ignored,
  service_tier: ignored,
  logit_bias: ignored,
  /** `["text", "image"]` asks an image model for pictures too (what OpenRouter and LiteLLM clients send); "audio" is not served. */
  modalities: z.nullish(z.array(z.enum(["text", "image", "audio"]))),
  /** Image models: OpenAI image sizes and qualities (the reference proxy's extras), mapped to the model's image settings. */
  size: z.nullish(z.enum(IMAGE_SIZES)),
  quality: z.nullish(z.enum(IMAGE_QUALITIES)),
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

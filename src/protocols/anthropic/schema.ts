import * as z from "zod/mini";
import "../../util/zod-english.ts";
import { lazyCompile } from "../shared/lazy-compile.ts";

/**
 * The Anthropic Messages request body (`POST /v1/messages`, and
 * `POST /v1/messages/count_tokens` without `max_tokens`), as Claude Code and
 * the Anthropic SDKs send it.
 *
 * Strict where the decoder branches (roles, block types it converts, tool
 * choice, thinking), tolerant elsewhere: unknown fields (`cache_control`,
 * `citations`, `context_management`, `service_tier`, `container`,
 * `mcp_servers`…) are dropped, optional fields also accept `null`, and
 * content blocks of any other type (server tool calls and results, search
 * results, container uploads, types newer than this file) are accepted so the
 * decoder can drop them: a conversation must never fail on its history.
 */

/**
 * A content block of a type the decoder does not convert. Its `type` must not
 * be one of `known`, so a malformed known block reports its own field instead
 * of slipping through here; `abort` makes zod report the union's best branch.
 */
function otherBlock(known: readonly string[]) {
  return z.looseObject({
    type: z.string().check(z.refine((type) => !known.includes(type), { message: "a known block type", abort: true })),
  });
}

const textBlock = z.object({ type: z.literal("text"), text: z.string() });

const imageSource = z.discriminatedUnion("type", [
  z.object({ type: z.literal("base64"), media_type: z.string(), data: z.string() }),
  z.object({ type: z.literal("url"), url: z.string() }),
]);

const imageBlock = z.object({ type: z.literal("image"), source: imageSource });

const documentContentBlock = z.union([z.discriminatedUnion("type", [textBlock, imageBlock]), otherBlock(["text", "image"])]);

const documentSource = z.discriminatedUnion("type", [
  z.object({ type: z.literal("base64"), media_type: z.string(), data: z.string() }),
  z.object({ type: z.literal("url"), url: z.string() }),
  z.object({ type: z.literal("text"), media_type: z.nullish(z.string()), data: z.string() }),
  z.object({
    type: z.literal("content"),
    content: z.union([z.string(), z.array(documentContentBlock)], {
      error: "expected a string or an array of content blocks",
    }),
  }),
]);

const documentBlock = z.object({
  type: z.literal("document"),
  source: documentSource,
  title: z.nullish(z.string()),
});

const toolResultContentBlock = z.union([z.discriminatedUnion("type", [textBlock, imageBlock]), otherBlock(["text", "image"])]);

const toolResultBlock = z.object({
  type: z.literal("tool_result"),
  tool_use_id: z.string(),
  content: z.nullish(z.union([z.string(), z.array(toolResultContentBlock)], { error: "expected a string or an array of content blocks" })),
  is_error: z.nullish(z.boolean()),
});

const toolUseBlock = z.object({
  type: z.literal("tool_use"),
  id: z.string(),
  name: z.string(),
  input: z.unknown(),
});

const thinkingBlock = z.object({
  type: z.literal("thinking"),
  thinking: z.string(),
  signature: z.nullish(z.string()),
});

const redactedThinkingBlock = z.object({ type: z.literal("redacted_thinking"), data: z.string() });

export const userBlockTypes = ["text", "image", "document", "tool_result"] as const;
export const assistantBlockTypes = ["text", "tool_use", "thinking", "redacted_thinking"] as const;

const knownUserBlock = z.discriminatedUnion("type", [textBlock, imageBlock, documentBlock, toolResultBlock]);
const knownAssistantBlock = z.discriminatedUnion("type", [textBlock, toolUseBlock, thinkingBlock, redactedThinkingBlock]);

const userBlock = z.union([knownUserBlock, otherBlock(userBlockTypes)]);
const assistantBlock = z.union([knownAssistantBlock, otherBlock(assistantBlockTypes)]);

const textContent = z.union([z.string(), z.array(textBlock)], {
  error: "expected a string or an array of text blocks",
});

const message = z.discriminatedUnion("role", [
  z.object({
    role: z.literal("user"),
    content: z.union([z.string(), z.array(userBlock)], { error: "expected a string or an array of content blocks" }),
  }),
  z.object({
    role: z.literal("assistant"),
    content: z.union([z.string(), z.array(assistantBlock)], {
      error: "expected a string or an array of content blocks",
    }),
  }),
  /** Not in Anthropic's API, but sent by some clients: kept as a system message where it stands. */
  z.object({ role: z.literal("system"), content: textContent }),
]);

/**
 * Custom tools (`type` absent or `"custom"`, with `input_schema`) and typed
 * Anthropic tools (`web_search_20250305`, `bash_20250124`…) in one flat
 * object: the decoder tells them apart by `type` and names the missing field.
 */
const tool = z.object({
  type: z.nullish(z.string()),
  name: z.string().check(z.minLength(1)),
  description: z.nullish(z.string()),
  input_schema: z.nullish(z.record(z.string(), z.unknown())),
  strict: z.nullish(z.boolean()),
  max_uses: z.nullish(z.number().check(z.int(), z.gte(1))),
  allowed_domains: z.nullish(z.array(z.string())),
  blocked_domains: z.nullish(z.array(z.string())),
});

const toolChoice = z.discriminatedUnion("type", [
  z.object({ type: z.literal("auto"), disable_parallel_tool_use: z.nullish(z.boolean()) }),
  z.object({ type: z.literal("any"), disable_parallel_tool_use: z.nullish(z.boolean()) }),
  z.object({ type: z.literal("tool"), name: z.string(), disable_parallel_tool_use: z.nullish(z.boolean()) }),
  z.object({ type: z.literal("none") }),
]);

const thinking = z.discriminatedUnion("type", [
  z.object({ type: z.literal("enabled"), budget_tokens: z.number().check(z.int(), z.gte(0)) }),
  z.object({ type: z.literal("disabled") }),
  z.object({ type: z.literal("adaptive") }),
]);

export const anthropicEfforts = ["low", "medium", "high", "xhigh", "max"] as const;

const outputConfig = z.object({
  effort: z.nullish(z.enum(anthropicEfforts)),
  format: z.nullish(z.object({ type: z.literal("json_schema"), schema: z.record(z.string(), z.unknown()) })),
});

const countTokensShape = {
  model: z.string().check(z.minLength(1)),
  messages: z.array(message).check(z.minLength(1)),
  system: z.nullish(textContent),
  tools: z.nullish(z.array(tool)),
  tool_choice: z.nullish(toolChoice),
  thinking: z.nullish(thinking),
  output_config: z.nullish(outputConfig),
};

/** `POST /v1/messages/count_tokens`: the prompt only. */
export const anthropicCountTokensRequestSchema = z.object(countTokensShape);

/** `POST /v1/messages`. */
export const anthropicRequestSchema = z.object({
  ...countTokensShape,
  max_tokens: z.number().check(z.int(), z.gte(1)),
  metadata: z.nullish(z.object({ user_id: z.nullish(z.string()) })),
  stop_sequences: z.nullish(z.array(z.string())),
  temperature: z.nullish(z.number().check(z.gte(0), z.lte(1))),
  top_p: z.nullish(z.number().check(z.gte(0), z.lte(1))),
  top_k: z.nullish(z.number().check(z.int(), z.gte(0))),
  stream: z.nullish(z.boolean()),
});

/** Both schemas compiled into zod's generated fast path (lazyCompile: at first use); only invalid input reaches the interpreter. */
export const compiledAnthropicRequestSchema = lazyCompile(anthropicRequestSchema);
export const compiledAnthropicCountTokensRequestSchema = lazyCompile(anthropicCountTokensRequestSchema);

export type AnthropicRequest = z.infer<typeof anthropicRequestSchema>;
export type AnthropicCountTokensRequest = z.infer<typeof anthropicCountTokensRequestSchema>;
export type AnthropicMessage = AnthropicRequest["messages"][number];
export type AnthropicTextBlock = z.infer<typeof textBlock>;
export type AnthropicImageBlock = z.infer<typeof imageBlock>;
export type AnthropicDocumentBlock = z.infer<typeof documentBlock>;
export type AnthropicToolResultBlock = z.infer<typeof toolResultBlock>;
export type AnthropicUserBlock = z.infer<typeof knownUserBlock>;
export type AnthropicAssistantBlock = z.infer<typeof knownAssistantBlock>;
export type AnthropicTool = z.infer<typeof tool>;
export type AnthropicToolChoice = z.infer<typeof toolChoice>;
export type AnthropicThinking = z.infer<typeof thinking>;
export type AnthropicOutputConfig = z.infer<typeof outputConfig>;
export type AnthropicEffort = (typeof anthropicEfforts)[number];

import type * as z from "zod/mini";
import type { ChatRequest } from "../../ir/request.ts";
import type { Decoded } from "../types.ts";
import { describeZodIssue } from "../shared/describe-zod-issue.ts";
import { type IgnoredField, ignoredFieldWarnings } from "../shared/ignored-fields.ts";
import { invalidField } from "../shared/invalid-field.ts";
import { cleanMessages } from "./clean-messages.ts";
import { decodeMessages } from "./decode-messages.ts";
import { decodeReasoning, decodeResponseFormat } from "./decode-reasoning.ts";
import { decodeToolChoice, decodeTools } from "./decode-tools.ts";
import { type AnthropicCountTokensRequest, compiledAnthropicCountTokensRequestSchema, compiledAnthropicRequestSchema } from "./schema.ts";

/**
 * What only the Anthropic encoders need to know about the request: whether
 * the client turned thinking on (`enabled`, `adaptive`), off (`disabled`),
 * or said nothing. Real Anthropic sends no thinking block at all to a client
 * that disabled thinking, so agw sends none either (signatures included).
 */
export interface AnthropicOptions {
  thinking?: "enabled" | "disabled";
}

/**
 * Fields the schema drops that give the model abilities only Anthropic has,
 * reported when set (read from the body as sent). Other dropped fields
 * (`cache_control`, `context_management`, `service_tier`…) tune how
 * Anthropic serves the request, not what the answer can contain.
 */
const IGNORED_FIELDS: readonly IgnoredField[] = [
  {
    name: "mcp_servers",
    code: "mcp_servers_ignored",
    effect: "the model cannot call the MCP servers",
    asks: (value) => Array.isArray(value) && value.length > 0,
  },
  { name: "container", code: "container_ignored", effect: "the model has no code-execution container" },
];

/**
 * Validates a parsed `POST /v1/messages` body and converts it to the IR.
 * Throws GatewayError("invalid_request") naming the first offending field.
 * Set fields the gateway accepts but cannot honour come back as warnings.
 */
export function decodeAnthropicRequest(body: unknown): Decoded<AnthropicOptions> {
  const data = parse(compiledAnthropicRequestSchema, body);
  const request = toChatRequest(data);
  request.maxOutputTokens = data.max_tokens;
  if (data.temperature != null) request.temperature = data.temperature;
  if (data.top_p != null) request.topP = data.top_p;
  if (data.top_k != null) request.topK = data.top_k;
  if (data.stop_sequences != null && data.stop_sequences.length > 0) request.stopSequences = data.stop_sequences;
  if (data.metadata?.user_id != null) request.user = data.metadata.user_id;
  request.stream = data.stream ?? false;
  const warnings = ignoredFieldWarnings(body, IGNORED_FIELDS);
  return warnings ? { request, options: thinkingOption(data.thinking?.type), warnings } : { request, options: thinkingOption(data.thinking?.type) };
}

function thinkingOption(type: string | undefined): AnthropicOptions {
  if (type === "disabled") return { thinking: "disabled" };
  return type === undefined ? {} : { thinking: "enabled" };
}

/** Validates a `POST /v1/messages/count_tokens` body: the prompt, without `max_tokens`. */
export function decodeAnthropicCountTokensRequest(body: unknown): Decoded<AnthropicOptions> {
  return { request: toChatRequest(parse(compiledAnthropicCountTokensRequestSchema, body)), options: {} };
}

function parse<T>(schema: z.ZodMiniType<T>, body: unknown): T {
  const parsed = schema.safeParse(body, { reportInput: true });
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  if (!issue) throw invalidField([], "invalid request");
  const { path, message } = describeZodIssue(issue);
  throw invalidField(path, message);
}

/** The fields both endpoints share. */
function toChatRequest(body: AnthropicCountTokensRequest): ChatRequest {
  const request: ChatRequest = {
    model: body.model,
    messages: cleanMessages(decodeMessages(body.system, body.messages)),
    stream: false,
  };
  if (body.tools != null) {
    const { tools, webSearch } = decodeTools(body.tools);
    if (tools) request.tools = tools;
    if (webSearch) request.webSearch = webSearch;
  }
  if (body.tool_choice != null) {
    const { toolChoice, parallelToolCalls } = decodeToolChoice(body.tool_choice);
    request.toolChoice = toolChoice;
    if (parallelToolCalls !== undefined) request.parallelToolCalls = parallelToolCalls;
  }
  const reasoning = decodeReasoning(body.thinking, body.output_config);
  if (reasoning) request.reasoning = reasoning;
  const responseFormat = decodeResponseFormat(body.output_config);
  if (responseFormat) request.responseFormat = responseFormat;
  return request;
}

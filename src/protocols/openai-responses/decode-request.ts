import type { ChatRequest, Message } from "../../ir/request.ts";
import type { Warning } from "../../ir/warning.ts";
import { type IgnoredField, ignoredFieldWarnings, otherThan } from "../shared/ignored-fields.ts";
import { invalidField } from "../shared/invalid-field.ts";
import type { Decoded } from "../types.ts";
import { decodeInputItems } from "./decode-input.ts";
import { decodeTextFormat } from "./decode-text-format.ts";
import { decodeToolChoice } from "./decode-tool-choice.ts";
import { addTools, emptyToolSet } from "./decode-tools.ts";
import { parseField } from "./parse-field.ts";
import { normalizeInputItems, parseInputItems } from "./parse-input-items.ts";
import { compiledResponsesRequestSchema, type ResponsesRequest } from "./schema.ts";
import type { ToolOrigins } from "./tool-origins.ts";

/**
 * The request settings a Response object echoes back (`instructions`,
 * `tools`, `tool_choice`, `text`, `reasoning`…), in the Response's own
 * snake_case, as the client sent them or OpenAI's defaults.
 */
export interface ResponsesEcho {
  instructions: string | null;
  max_output_tokens: number | null;
  metadata: Record<string, unknown>;
  parallel_tool_calls: boolean;
  previous_response_id: string | null;
  prompt_cache_key: string | null;
  reasoning: { effort: string | null; summary: string | null };
  safety_identifier: string | null;
  service_tier: string | null;
  store: boolean;
  temperature: number | null;
  text: Record<string, unknown>;
  tool_choice: unknown;
  tools: unknown[];
  top_p: number | null;
  truncation: string;
  user: string | null;
}

/** What only the Responses encoders (and the server, for stored conversations) need to know about the request. */
export interface ResponsesOptions {
  /** IR tool name → the declared tool, so calls raise back as `function_call`, `custom_tool_call`, `local_shell_call`… */
  tools: ToolOrigins;
  /** `include` has `reasoning.encrypted_content`: reasoning items carry it (signatures travel there). */
  includeEncrypted: boolean;
  /** `store` (true unless the client said false, as OpenAI): the server keeps the exchange for `previous_response_id`. */
  store: boolean;
  /** The stored response this one continues; the server expands it before decoding. */
  previousResponseId?: string;
  /** `reasoning.summary` as asked (`auto`, `concise`, `detailed`). */
  reasoningSummary?: string;
  /** The request's input as a list of items (a string input as one user message), for the server to store. */
  inputItems: unknown[];
  echo: ResponsesEcho;
}

/**
 * The fields the schema accepts and ignores (schema.ts), each reported when
 * set: no upstream behind the gateway honours them, so a client relying on
 * one learns it from `x-agw-warnings` instead of a silently different answer.
 */
const IGNORED_FIELDS: readonly IgnoredField[] = [
  { name: "client_metadata", code: "client_metadata_ignored", effect: "it reaches no upstream" },
  { name: "stream_options", code: "stream_options_ignored", effect: "the stream is sent without its options" },
  { name: "top_logprobs", code: "top_logprobs_ignored", effect: "no log probabilities are returned" },
  { name: "background", code: "background_ignored", effect: "the response is generated while the request waits" },
  { name: "prompt", code: "prompt_ignored", effect: "stored prompt templates are not expanded" },
  { name: "conversation", code: "conversation_ignored", effect: "stored conversations are neither read nor written (previous_response_id is)" },
  { name: "max_tool_calls", code: "max_tool_calls_ignored", effect: "the number of tool calls is not limited" },
  { name: "prompt_cache_retention", code: "prompt_cache_retention_ignored", effect: "the upstream keeps its cache for its own time" },
];

/** `text.verbosity` other than the default: no upstream behind the gateway takes it. */
const IGNORED_TEXT_FIELDS: readonly IgnoredField[] = [
  { name: "verbosity", code: "verbosity_ignored", effect: "the answer's length follows the model's default", asks: otherThan("medium") },
];

/**
 * Validates a parsed Responses body and converts it to the IR. Throws
 * GatewayError("invalid_request") naming the first offending field; tools
 * and items of types the gateway does not know are dropped, not refused.
 * Set fields the gateway accepts but cannot honour come back as warnings.
 */
export function decodeResponsesRequest(body: unknown): Decoded<ResponsesOptions> {
  const data = parseField(compiledResponsesRequestSchema, body, []);
  const tools = emptyToolSet();
  if (data.tools) addTools(tools, data.tools, ["tools"]);
  const messages: Message[] = [];
  if (data.instructions) messages.push({ role: "system", content: [{ type: "text", text: data.instructions }] });
  messages.push(...decodeInputItems(parseInputItems(data.input), tools));
  if (messages.length === 0) throw invalidField(["input"], "missing, expected a string or a non-empty array of input items");

  const request: ChatRequest = { model: data.model, messages, stream: data.stream ?? false };
  if (tools.definitions.length > 0) request.tools = tools.definitions;
  if (tools.webSearch) request.webSearch = tools.webSearch;
  const toolChoice = decodeToolChoice(data.tool_choice, tools.origins);
  if (toolChoice !== undefined) request.toolChoice = toolChoice;
  if (data.parallel_tool_calls != null) request.parallelToolCalls = data.parallel_tool_calls;
  if (data.text?.format != null) request.responseFormat = decodeTextFormat(data.text.format);
  if (data.max_output_tokens != null) request.maxOutputTokens = data.max_output_tokens;
  if (data.temperature != null) request.temperature = data.temperature;
  if (data.top_p != null) request.topP = data.top_p;
  if (data.reasoning?.effort != null) request.reasoning = { effort: data.reasoning.effort };
  // prompt_cache_key is Codex's conversation id: the steadiest key for caching and account affinity.
  const user = data.prompt_cache_key ?? data.safety_identifier ?? data.user;
  if (user != null) request.user = user;

  const options: ResponsesOptions = {
    tools: tools.origins,
    includeEncrypted: data.include?.includes("reasoning.encrypted_content") ?? false,
    store: data.store ?? true,
    inputItems: normalizeInputItems(data.input),
    echo: echoSettings(data),
  };
  if (data.previous_response_id != null) options.previousResponseId = data.previous_response_id;
  if (data.reasoning?.summary != null) options.reasoningSummary = data.reasoning.summary;
  const warnings = ignoredWarnings(data);
  return warnings ? { request, options, warnings } : { request, options };
}

function ignoredWarnings(data: ResponsesRequest): Warning[] | undefined {
  const top = ignoredFieldWarnings(data, IGNORED_FIELDS);
  const text = ignoredFieldWarnings(data.text, IGNORED_TEXT_FIELDS);
  return top && text ? [...top, ...text] : (top ?? text);
}

function echoSettings(data: ResponsesRequest): ResponsesEcho {
  const text: Record<string, unknown> = { format: data.text?.format ?? { type: "text" } };
  if (data.text?.verbosity != null) text.verbosity = data.text.verbosity;
  return {
    instructions: data.instructions ?? null,
    max_output_tokens: data.max_output_tokens ?? null,
    metadata: data.metadata ?? {},
    parallel_tool_calls: data.parallel_tool_calls ?? true,
    previous_response_id: data.previous_response_id ?? null,
    prompt_cache_key: data.prompt_cache_key ?? null,
    reasoning: { effort: data.reasoning?.effort ?? null, summary: data.reasoning?.summary ?? null },
    safety_identifier: data.safety_identifier ?? null,
    service_tier: data.service_tier ?? null,
    store: data.store ?? true,
    temperature: data.temperature ?? null,
    text,
    tool_choice: data.tool_choice ?? "auto",
    tools: data.tools ?? [],
    top_p: data.top_p ?? null,
    truncation: data.truncation ?? "disabled",
    user: data.user ?? null,
  };
}

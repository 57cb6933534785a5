import type { ChatRequest, ToolChoice, ToolDefinition } from "../../ir/request.ts";
import { lowerAnthropicMessages } from "./lower-messages.ts";
import { lowerAnthropicThinking } from "./lower-thinking.ts";
import { placeCacheBreakpoints } from "./place-cache-breakpoints.ts";
import type { AnthropicRequest, AnthropicTool, AnthropicToolChoice, AnthropicWebSearchTool } from "./types.ts";

/**
 * Anthropic requires `max_tokens`; clients of other protocols may leave it
 * out. 4096 is enough for a long answer and within every Claude model's
 * output limit (Claude 3 Haiku, the smallest, allows 4096).
 */
export const DEFAULT_MAX_TOKENS = 4096;

/** With thinking on, Anthropic refuses a `top_p` below this. */
const MIN_TOP_P_WITH_THINKING = 0.95;

/**
 * Lowers an IR request into the body of `POST /v1/messages`, always
 * streamed, with cache breakpoints placed (see placeCacheBreakpoints).
 * Settings Anthropic has no equivalent for are left out: `seed`,
 * `presencePenalty`, `frequencyPenalty`, `choices` > 1, and JSON mode without
 * a schema (Anthropic's structured output needs one).
 */
export function lowerAnthropicRequest(request: ChatRequest, model: string): AnthropicRequest {
  const { system, messages } = lowerAnthropicMessages(request.messages);
  const hasTools = (request.tools?.length ?? 0) > 0 || request.webSearch !== undefined;
  const forcedTool = hasTools && (request.toolChoice === "required" || typeof request.toolChoice === "object");
  // Anthropic refuses thinking together with a forced tool: the client's tool choice is the stronger wish.
  const thinking = lowerAnthropicThinking(forcedTool ? undefined : request.reasoning, request.maxOutputTokens ?? DEFAULT_MAX_TOKENS);
  const thinkingOn = thinking.budgetTokens !== undefined;

  const body: AnthropicRequest = { model, max_tokens: thinking.maxTokens, messages };
  if (system.length > 0) body.system = system;

  const tools: Array<AnthropicTool | AnthropicWebSearchTool> = (request.tools ?? []).map(lowerTool);
  if (request.webSearch) tools.push(lowerWebSearch(request.webSearch));
  if (tools.length > 0) {
    body.tools = tools;
    const choice = lowerToolChoice(request.toolChoice, request.parallelToolCalls);
    if (choice) body.tool_choice = choice;
  }

  if (thinkingOn) body.thinking = { type: "enabled", budget_tokens: thinking.budgetTokens! };
  // Anthropic refuses temperature and top_k changes with thinking on, and top_p below 0.95;
  // its temperature range is 0–1, so OpenAI-range values up to 2 are clamped rather than refused.
  if (request.temperature !== undefined && !thinkingOn) body.temperature = clamp(request.temperature, 0, 1);
  if (request.topP !== undefined && (!thinkingOn || request.topP >= MIN_TOP_P_WITH_THINKING)) body.top_p = request.topP;
  if (request.topK !== undefined && !thinkingOn) body.top_k = request.topK;
  if (request.stopSequences && request.stopSequences.length > 0) body.stop_sequences = request.stopSequences;
  if (request.user) body.metadata = { user_id: request.user };
  if (request.responseFormat?.type === "json" && request.responseFormat.schema) {
    body.output_config = { format: { type: "json_schema", schema: request.responseFormat.schema } };
  }
  body.stream = true;
  return placeCacheBreakpoints(body);
}

function lowerTool(tool: ToolDefinition): AnthropicTool {
  const lowered: AnthropicTool = { name: tool.name, input_schema: inputSchema(tool.parameters) };
  if (tool.description) lowered.description = tool.description;
  if (tool.strict === true) lowered.strict = true;
  return lowered;
}

/** Anthropic requires an object schema; a function without arguments may come with `{}`. */
function inputSchema(parameters: Record<string, unknown>): Record<string, unknown> {
  if (parameters.type !== undefined) return parameters;
  return { type: "object", properties: {}, ...parameters };
}

function lowerWebSearch(search: NonNullable<ChatRequest["webSearch"]>): AnthropicWebSearchTool {
  const tool: AnthropicWebSearchTool = { type: "web_search_20250305", name: "web_search" };
  if (search.maxUses !== undefined) tool.max_uses = search.maxUses;
  // Anthropic refuses both lists at once; the allow list is the stricter wish.
  if (search.allowedDomains && search.allowedDomains.length > 0) tool.allowed_domains = search.allowedDomains;
  else if (search.blockedDomains && search.blockedDomains.length > 0) tool.blocked_domains = search.blockedDomains;
  return tool;
}

function lowerToolChoice(choice: ToolChoice | undefined, parallelToolCalls: boolean | undefined): AnthropicToolChoice | undefined {
  if (choice === "none") return { type: "none" };
  const serial = parallelToolCalls === false ? { disable_parallel_tool_use: true } : {};
  if (choice === undefined) return parallelToolCalls === false ? { type: "auto", ...serial } : undefined;
  if (choice === "auto") return { type: "auto", ...serial };
  if (choice === "required") return { type: "any", ...serial };
  return { type: "tool", name: choice.name, ...serial };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

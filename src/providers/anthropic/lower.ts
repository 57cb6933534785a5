import { addWarning } from "../../ir/add-warning.ts";
import type { ChatRequest, ToolChoice, ToolDefinition } from "../../ir/request.ts";
import type { Warning } from "../../ir/warning.ts";
import { clampOutputTokens } from "../output-limits.ts";
import { lowerAnthropicMessages } from "./lower-messages.ts";
import { lowerAnthropicThinking, wantsAnthropicThinking } from "./lower-thinking.ts";
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

export interface LowerAnthropicOptions {
  /** The model's most output tokens (output-limits.ts); a larger `max_tokens` is clamped to it. */
  outputLimit?: number;
}

/** The upstream body, and what of the request it could not honour. */
export interface LoweredAnthropicRequest {
  body: AnthropicRequest;
  warnings: Warning[];
}

/**
 * Lowers an IR request into the body of `POST /v1/messages`, always
 * streamed, with cache breakpoints placed (see placeCacheBreakpoints).
 * Settings Anthropic has no equivalent for are left out, each with a
 * warning: `seed`, `presencePenalty`, `frequencyPenalty`, `choices` > 1, JSON
 * mode without a schema (Anthropic's structured output needs one), thinking
 * beside a forced tool, sampling settings thinking forbids, files of kinds it
 * cannot read; an output budget above the model's limit is clamped.
 */
export function lowerAnthropicRequest(request: ChatRequest, model: string, options: LowerAnthropicOptions = {}): LoweredAnthropicRequest {
  const warnings: Warning[] = [];
  const { system, messages } = lowerAnthropicMessages(request.messages, warnings);
  const hasTools = (request.tools?.length ?? 0) > 0 || request.webSearch !== undefined;
  const forcedTool = hasTools && (request.toolChoice === "required" || typeof request.toolChoice === "object");
  // Anthropic refuses thinking together with a forced tool: the client's tool choice is the stronger wish.
  if (forcedTool && wantsAnthropicThinking(request.reasoning)) {
    addWarning(warnings, {
      code: "thinking_dropped_for_forced_tool",
      message: "Anthropic cannot think while a tool is forced; thinking was left out",
    });
  }
  // With thinking on, Anthropic requires the assistant turn whose tool calls are being answered to start
  // with its signed thinking. A client that could not carry the signature (Chat Completions has no field
  // for it) or a history from another model has none: that turn goes on without thinking.
  const unsignedToolTurn = !forcedTool && wantsAnthropicThinking(request.reasoning) && answersUnsignedToolCalls(request);
  if (unsignedToolTurn) {
    addWarning(warnings, {
      code: "thinking_dropped_unsigned_history",
      message: "the tool calls being answered came without Anthropic's signed thinking, which Anthropic requires while thinking is on; thinking was left out for this turn",
    });
  }
  const answerTokens = clampOutputTokens(request.maxOutputTokens ?? DEFAULT_MAX_TOKENS, options.outputLimit, model, warnings);
  const thinking = lowerAnthropicThinking(forcedTool || unsignedToolTurn ? undefined : request.reasoning, answerTokens, options.outputLimit, warnings);
  const thinkingOn = thinking.budgetTokens !== undefined;

  const body: AnthropicRequest = { model, max_tokens: thinking.maxTokens, messages };
  if (system.length > 0) body.system = system;

  const tools: Array<AnthropicTool | AnthropicWebSearchTool> = (request.tools ?? []).map(lowerTool);
  if (request.webSearch) tools.push(lowerWebSearch(request.webSearch, warnings));
  if (tools.length > 0) {
    body.tools = tools;
    const choice = lowerToolChoice(request.toolChoice, request.parallelToolCalls);
    if (choice) body.tool_choice = choice;
  }

  if (thinkingOn) body.thinking = { type: "enabled", budget_tokens: thinking.budgetTokens! };
  lowerSampling(request, thinkingOn, body, warnings);
  if (request.stopSequences && request.stopSequences.length > 0) body.stop_sequences = request.stopSequences;
  if (request.user) body.metadata = { user_id: request.user };
  if (request.responseFormat?.type === "json") {
    if (request.responseFormat.schema) body.output_config = { format: { type: "json_schema", schema: request.responseFormat.schema } };
    else {
      addWarning(warnings, {
        code: "json_mode_unsupported",
        message: "Anthropic's structured output needs a JSON schema; JSON mode without one was left out",
      });
    }
  }
  warnUnsupported(request, warnings);
  body.stream = true;
  return { body: placeCacheBreakpoints(body), warnings };
}

/**
 * Anthropic refuses temperature and top_k changes with thinking on, and top_p below 0.95;
 * its temperature range is 0–1, so OpenAI-range values up to 2 are clamped rather than refused.
 */
function lowerSampling(request: ChatRequest, thinkingOn: boolean, body: AnthropicRequest, warnings: Warning[]): void {
  if (request.temperature !== undefined) {
    if (thinkingOn) {
      addWarning(warnings, { code: "temperature_ignored_with_thinking", message: "Anthropic takes no temperature with thinking on; it was left out" });
    } else {
      body.temperature = clamp(request.temperature, 0, 1);
      if (body.temperature !== request.temperature) {
        addWarning(warnings, {
          code: "temperature_clamped",
          message: `Anthropic's temperature ranges from 0 to 1; ${request.temperature} was sent as ${body.temperature}`,
        });
      }
    }
  }
  if (request.topP !== undefined) {
    if (!thinkingOn || request.topP >= MIN_TOP_P_WITH_THINKING) body.top_p = request.topP;
    else {
      addWarning(warnings, {
        code: "top_p_ignored_with_thinking",
        message: `Anthropic takes no top_p below ${MIN_TOP_P_WITH_THINKING} with thinking on; it was left out`,
      });
    }
  }
  if (request.topK !== undefined) {
    if (!thinkingOn) body.top_k = request.topK;
    else addWarning(warnings, { code: "top_k_ignored_with_thinking", message: "Anthropic takes no top_k with thinking on; it was left out" });
  }
}

/** Settings the Messages API has no field for. */
function warnUnsupported(request: ChatRequest, warnings: Warning[]): void {
  if (request.choices !== undefined && request.choices > 1) {
    addWarning(warnings, { code: "n_unsupported", message: `Anthropic gives one answer per request; ${request.choices} were asked, one is returned` });
  }
  if (request.seed !== undefined) addWarning(warnings, { code: "seed_unsupported", message: "Anthropic has no seed; it was left out" });
  if (request.presencePenalty !== undefined) {
    addWarning(warnings, { code: "presence_penalty_unsupported", message: "Anthropic has no presence penalty; it was left out" });
  }
  if (request.frequencyPenalty !== undefined) {
    addWarning(warnings, { code: "frequency_penalty_unsupported", message: "Anthropic has no frequency penalty; it was left out" });
  }
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

function lowerWebSearch(search: NonNullable<ChatRequest["webSearch"]>, warnings: Warning[]): AnthropicWebSearchTool {
  const tool: AnthropicWebSearchTool = { type: "web_search_20250305", name: "web_search" };
  if (search.maxUses !== undefined) tool.max_uses = search.maxUses;
  // Anthropic refuses both lists at once; the allow list is the stricter wish.
  if (search.allowedDomains && search.allowedDomains.length > 0) {
    tool.allowed_domains = search.allowedDomains;
    if (search.blockedDomains && search.blockedDomains.length > 0) {
      addWarning(warnings, {
        code: "web_search_filters_ignored",
        message: "Anthropic takes allowed or blocked domains, not both; the blocked domains were left out",
      });
    }
  } else if (search.blockedDomains && search.blockedDomains.length > 0) tool.blocked_domains = search.blockedDomains;
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

/**
 * Whether the request answers tool calls (it ends with tool results) of an
 * assistant turn that carries no Anthropic-signed thinking before its first
 * call: Anthropic refuses that turn while thinking is on.
 */
function answersUnsignedToolCalls(request: ChatRequest): boolean {
  const messages = request.messages;
  let index = messages.length - 1;
  if (messages[index]?.role !== "tool") return false;
  while (index >= 0 && messages[index]!.role === "tool") index--;
  const turn = messages[index];
  if (turn?.role !== "assistant") return false;
  for (const part of turn.content) {
    if (part.type === "reasoning" && part.signature?.family === "anthropic") return false;
    if (part.type === "tool-call") return true;
  }
  return false;
}

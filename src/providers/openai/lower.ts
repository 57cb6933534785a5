import { addWarning } from "../../ir/add-warning.ts";
import { GatewayError } from "../../ir/errors.ts";
import type { ChatRequest, ResponseFormat, ToolChoice, ToolDefinition } from "../../ir/request.ts";
import type { Warning } from "../../ir/warning.ts";
import { clampOutputTokens } from "../output-limits.ts";
import { lowerOpenAIMessages } from "./lower-messages.ts";
import { lowerOpenAIReasoningEffort } from "./lower-reasoning-effort.ts";
import type { OpenAIRequest, OpenAIResponseFormat, OpenAITool, OpenAIToolChoice } from "./types.ts";

export interface LowerOpenAIOptions {
  /**
   * The name of the output limit: OpenAI's current `max_completion_tokens`
   * (the default; its reasoning models refuse `max_tokens`), or the older
   * `max_tokens` that some compatible servers still require.
   */
  maxTokensField?: "max_tokens" | "max_completion_tokens";
  /** The model's most output tokens (output-limits.ts); a larger `maxOutputTokens` is clamped to it. */
  outputLimit?: number;
}

/** The upstream body, and what of the request it could not honour. */
export interface LoweredOpenAIRequest {
  body: OpenAIRequest;
  warnings: Warning[];
}

/**
 * Lowers an IR request into a Chat Completions body for `model` (the
 * upstream model name). The upstream is always asked to stream, with the
 * usage in a last chunk, so that usage is never lost. What Chat Completions
 * cannot express (top-k, an optional web search) is dropped with a warning,
 * and so is an output budget above the model's limit clamped; a web search
 * the client requires is refused.
 */
export function lowerOpenAIRequest(request: ChatRequest, model: string, options: LowerOpenAIOptions = {}): LoweredOpenAIRequest {
  const warnings: Warning[] = [];
  if (request.webSearch?.required) {
    throw new GatewayError("invalid_request", "this upstream has no web search", { param: "tools" });
  }
  const body: OpenAIRequest = {
    model,
    messages: lowerOpenAIMessages(request.messages),
    stream: true,
    stream_options: { include_usage: true },
  };

  // OpenAI refuses tool_choice and parallel_tool_calls without tools.
  if (request.tools && request.tools.length > 0) {
    body.tools = request.tools.map(lowerTool);
    if (request.toolChoice !== undefined) body.tool_choice = lowerToolChoice(request.toolChoice);
    if (request.parallelToolCalls !== undefined) body.parallel_tool_calls = request.parallelToolCalls;
  }
  const responseFormat = lowerResponseFormat(request.responseFormat);
  if (responseFormat) body.response_format = responseFormat;

  if (request.maxOutputTokens !== undefined) {
    body[options.maxTokensField ?? "max_completion_tokens"] = clampOutputTokens(request.maxOutputTokens, options.outputLimit, model, warnings);
  }
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.stopSequences && request.stopSequences.length > 0) body.stop = request.stopSequences;
  if (request.choices !== undefined && request.choices > 1) body.n = request.choices;
  if (request.seed !== undefined) body.seed = request.seed;
  if (request.presencePenalty !== undefined) body.presence_penalty = request.presencePenalty;
  if (request.frequencyPenalty !== undefined) body.frequency_penalty = request.frequencyPenalty;
  const effort = lowerOpenAIReasoningEffort(request.reasoning);
  if (effort !== undefined) body.reasoning_effort = effort;
  if (request.user !== undefined) body.user = request.user;
  if (request.topK !== undefined) {
    addWarning(warnings, { code: "top_k_unsupported", message: "Chat Completions has no top_k; it was left out" });
  }
  if (request.webSearch) {
    addWarning(warnings, { code: "web_search_dropped", message: "this upstream has no web search; the optional web search was left out" });
  }
  return { body, warnings };
}

function lowerTool(tool: ToolDefinition): OpenAITool {
  const lowered: OpenAITool = { type: "function", function: { name: tool.name, parameters: tool.parameters } };
  if (tool.description) lowered.function.description = tool.description;
  if (tool.strict !== undefined) lowered.function.strict = tool.strict;
  return lowered;
}

function lowerToolChoice(choice: ToolChoice): OpenAIToolChoice {
  return typeof choice === "object" ? { type: "function", function: { name: choice.name } } : choice;
}

function lowerResponseFormat(format: ResponseFormat | undefined): OpenAIResponseFormat | undefined {
  if (format?.type !== "json") return undefined;
  if (!format.schema) return { type: "json_object" };
  const jsonSchema: { name: string; schema: Record<string, unknown>; strict?: boolean } = { name: format.name ?? "response", schema: format.schema };
  if (format.strict !== undefined) jsonSchema.strict = format.strict;
  return { type: "json_schema", json_schema: jsonSchema };
}

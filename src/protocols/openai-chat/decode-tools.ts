import type { ToolChoice, ToolDefinition } from "../../ir/request.ts";
import type { OpenAIChatFunctionDefinition, OpenAIChatRequest } from "./schema.ts";

const emptyParameters = (): Record<string, unknown> => ({ type: "object", properties: {} });

/** `tools` plus the deprecated `functions`, as IR tool definitions; undefined when neither is given. */
export function decodeTools(request: Pick<OpenAIChatRequest, "tools" | "functions">): ToolDefinition[] | undefined {
  const definitions = [...(request.tools ?? []).map((tool) => tool.function), ...(request.functions ?? [])];
  if (definitions.length === 0) return undefined;
  return definitions.map(decodeFunctionDefinition);
}

function decodeFunctionDefinition(definition: OpenAIChatFunctionDefinition): ToolDefinition {
  const tool: ToolDefinition = { name: definition.name, parameters: definition.parameters ?? emptyParameters() };
  if (definition.description != null) tool.description = definition.description;
  if (definition.strict != null) tool.strict = definition.strict;
  return tool;
}

/** `tool_choice`, or else the deprecated `function_call`, as an IR tool choice. */
export function decodeToolChoice(
  request: Pick<OpenAIChatRequest, "tool_choice" | "function_call">,
): ToolChoice | undefined {
  const choice = request.tool_choice ?? request.function_call;
  if (choice == null) return undefined;
  if (typeof choice === "string") return choice;
  return { name: "function" in choice ? choice.function.name : choice.name };
}

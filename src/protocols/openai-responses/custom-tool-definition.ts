import type { ToolDefinition } from "../../ir/request.ts";
import type { ResponsesCustomTool } from "./schema.ts";

/**
 * A custom (free-form) tool as a function the upstream can call: one required
 * string parameter `input` that carries the raw text. The grammar, when the
 * tool has one (Codex's `apply_patch` sends a Lark grammar), goes into the
 * parameter's description, so a model without grammar-constrained decoding
 * still knows the format; the tool's description says briefly that the input
 * is free-form text. The call comes back as `custom_tool_call` with `input`.
 */
export function customToolDefinition(tool: ResponsesCustomTool, name: string = tool.name): ToolDefinition {
  const format = tool.format;
  const grammar = format?.type === "grammar" && format.definition ? format.definition : undefined;
  const syntax = format?.syntax ?? "grammar";
  const note =
    grammar === undefined
      ? "Its input is free-form text, not JSON: pass the whole text as `input`."
      : `Its input is free-form text, not JSON: pass the whole text as \`input\`; it must follow the ${syntax} grammar given there.`;
  const inputDescription =
    grammar === undefined ? "The raw input text." : `The raw input text, following this ${syntax} grammar:\n${grammar}`;
  return {
    name,
    description: tool.description ? `${tool.description}\n\n${note}` : note,
    parameters: {
      type: "object",
      properties: { input: { type: "string", description: inputDescription } },
      required: ["input"],
      additionalProperties: false,
    },
  };
}

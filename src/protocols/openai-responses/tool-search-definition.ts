import type { ToolDefinition } from "../../ir/request.ts";
import type { ResponsesToolSearchTool } from "./schema.ts";

/** The name Codex gives the client-executed tool search (`TOOL_SEARCH_TOOL_NAME`). */
export const TOOL_SEARCH_TOOL_NAME = "tool_search";

/**
 * A client-executed `tool_search` tool as a function. Codex sends its own
 * description and parameters (`{query, limit}`); the defaults cover a client
 * that sends neither. The call comes back as a `tool_search_call` item whose
 * `arguments` is the parsed object; the client answers with
 * `tool_search_output` listing the tools it loaded.
 */
export function toolSearchDefinition(tool: ResponsesToolSearchTool): ToolDefinition {
  return {
    name: TOOL_SEARCH_TOOL_NAME,
    description: tool.description ?? "Searches the tools that were not loaded up front and makes the matches callable.",
    parameters: tool.parameters ?? {
      type: "object",
      properties: {
        query: { type: "string", description: "What the tools you need should do." },
        limit: { type: "number", description: "The most tools to return." },
      },
      required: ["query"],
      additionalProperties: false,
    },
  };
}

import type { ChatRequest, ContentPart, ToolDefinition } from "../ir/request.ts";
import { estimateFileTokens } from "./estimate-file-tokens.ts";
import { estimateImageTokens } from "./estimate-image-tokens.ts";
import { estimateTextTokens } from "./estimate-tokens.ts";

/** The tokens that open the answer (the assistant's turn marker). */
const REQUEST_OVERHEAD = 3;
/** Role and turn markers around each message. */
const MESSAGE_OVERHEAD = 4;
/** The wrapping of a tool definition (its field names and braces). */
const TOOL_OVERHEAD = 8;
/** The wrapping of a tool call or a tool result (id, name field, braces). */
const TOOL_PART_OVERHEAD = 6;

/**
 * A local estimate of a request's input tokens, for upstreams without a
 * counting endpoint: the text of every message (system, user, assistant
 * reasoning, tool calls and results) and of every tool definition, plus a
 * small fixed overhead per message and per tool; images and files by size.
 * Never 0 for a request with any content.
 */
export function estimateRequestTokens(request: ChatRequest): number {
  let total = 0;
  for (const message of request.messages) {
    total += MESSAGE_OVERHEAD;
    for (const part of message.content) total += estimatePartTokens(part);
  }
  for (const tool of request.tools ?? []) total += estimateToolTokens(tool);
  if (request.responseFormat?.type === "json" && request.responseFormat.schema) {
    total += estimateTextTokens(JSON.stringify(request.responseFormat.schema));
  }
  return total > 0 ? total + REQUEST_OVERHEAD : 0;
}

function estimatePartTokens(part: ContentPart): number {
  switch (part.type) {
    case "text":
    case "reasoning":
      return estimateTextTokens(part.text);
    case "image":
      return estimateImageTokens(part);
    case "file":
      return estimateFileTokens(part);
    case "tool-call":
      return TOOL_PART_OVERHEAD + estimateTextTokens(part.name) + estimateTextTokens(part.arguments);
    case "tool-result": {
      let total = TOOL_PART_OVERHEAD + (part.name ? estimateTextTokens(part.name) : 0);
      for (const item of part.content) total += item.type === "text" ? estimateTextTokens(item.text) : estimateImageTokens(item);
      return total;
    }
  }
}

function estimateToolTokens(tool: ToolDefinition): number {
  return (
    TOOL_OVERHEAD +
    estimateTextTokens(tool.name) +
    (tool.description ? estimateTextTokens(tool.description) : 0) +
    estimateTextTokens(JSON.stringify(tool.parameters))
  );
}

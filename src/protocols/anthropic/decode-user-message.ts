import type { Message, ToolResultPart, UserContent } from "../../ir/request.ts";
import { decodeDocument, decodeImage, decodeTextAndImages } from "./decode-media.ts";
import { isKnownUserBlock } from "./is-known-block.ts";
import type { AnthropicMessage, AnthropicToolResultBlock } from "./schema.ts";

type UserMessage = Extract<AnthropicMessage, { role: "user" }>;

/**
 * A user message. Its `tool_result` blocks answer the previous assistant
 * turn, so they become a tool message placed before the rest of the content;
 * each result gets the name of the call it answers (from `callNames`).
 * Blocks of other types (server tool results, search results, container
 * uploads…) are dropped.
 */
export function decodeUserMessage(message: UserMessage, callNames: ReadonlyMap<string, string>): Message[] {
  if (typeof message.content === "string") return [{ role: "user", content: [{ type: "text", text: message.content }] }];
  const results: ToolResultPart[] = [];
  const content: UserContent[] = [];
  for (const block of message.content) {
    if (!isKnownUserBlock(block)) continue;
    switch (block.type) {
      case "text":
        content.push({ type: "text", text: block.text });
        break;
      case "image":
        content.push(decodeImage(block));
        break;
      case "document":
        content.push(...decodeDocument(block));
        break;
      case "tool_result":
        results.push(decodeToolResult(block, callNames));
        break;
    }
  }
  const decoded: Message[] = [];
  if (results.length > 0) decoded.push({ role: "tool", content: results });
  if (content.length > 0 || results.length === 0) decoded.push({ role: "user", content });
  return decoded;
}

function decodeToolResult(block: AnthropicToolResultBlock, callNames: ReadonlyMap<string, string>): ToolResultPart {
  const result: ToolResultPart = {
    type: "tool-result",
    toolCallId: block.tool_use_id,
    content: block.content == null ? [] : decodeTextAndImages(block.content),
  };
  const name = callNames.get(block.tool_use_id);
  if (name !== undefined) result.name = name;
  if (block.is_error) result.isError = true;
  return result;
}

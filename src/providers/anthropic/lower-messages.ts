import { addWarning } from "../../ir/add-warning.ts";
import type { AssistantContent, FilePart, Message, ToolResultPart, UserContent } from "../../ir/request.ts";
import type { Warning } from "../../ir/warning.ts";
import { lowerFile, lowerImage } from "./lower-media.ts";
import type {
  AnthropicAssistantBlock,
  AnthropicImageBlock,
  AnthropicMessage,
  AnthropicTextBlock,
  AnthropicToolResultBlock,
  AnthropicUserBlock,
} from "./types.ts";

export interface LoweredMessages {
  /** Every system text, in order; empty when there is none. */
  system: AnthropicTextBlock[];
  messages: AnthropicMessage[];
}

/**
 * Lowers the conversation. System texts — wherever they stand — go to the
 * top-level `system` array in order: the public Messages API has no system
 * role inside `messages` (and Anthropic-compatible upstreams refuse one), so
 * a mid-conversation system message loses its position but not its text.
 * Tool results become `tool_result` blocks of a user message. Consecutive
 * messages with the same role merge, because Anthropic wants user and
 * assistant to alternate; within a merged user message the tool results go
 * first, because Anthropic refuses text before the results that answer the
 * previous turn's `tool_use` blocks. Messages left empty are dropped
 * (Anthropic refuses empty content). Files Anthropic cannot read are left
 * out with a `file_dropped` warning.
 */
export function lowerAnthropicMessages(messages: Message[], warnings: Warning[] = []): LoweredMessages {
  const system: AnthropicTextBlock[] = [];
  const lowered: AnthropicMessage[] = [];

  const pushUser = (blocks: AnthropicUserBlock[]) => {
    if (blocks.length === 0) return;
    const last = lowered.at(-1);
    if (last?.role === "user") last.content = resultsFirst([...last.content, ...blocks]);
    else lowered.push({ role: "user", content: resultsFirst(blocks) });
  };
  const pushAssistant = (blocks: AnthropicAssistantBlock[]) => {
    if (blocks.length === 0) return;
    const last = lowered.at(-1);
    if (last?.role === "assistant") last.content.push(...blocks);
    else lowered.push({ role: "assistant", content: blocks });
  };

  for (const message of messages) {
    switch (message.role) {
      case "system":
        for (const part of message.content) if (part.text !== "") system.push({ type: "text", text: part.text });
        break;
      case "user":
        pushUser(message.content.flatMap((part) => lowerUserPart(part, warnings)));
        break;
      case "assistant":
        pushAssistant(message.content.flatMap(lowerAssistantPart));
        break;
      case "tool":
        pushUser(message.content.map(lowerToolResult));
        break;
    }
  }
  return { system, messages: lowered };
}

function lowerUserPart(part: UserContent, warnings: Warning[]): AnthropicUserBlock[] {
  switch (part.type) {
    case "text":
      // Anthropic refuses empty text blocks.
      return part.text === "" ? [] : [{ type: "text", text: part.text }];
    case "image":
      return lowerImage(part);
    case "file":
      return lowerFileOrWarn(part, warnings);
  }
}

function lowerFileOrWarn(part: FilePart, warnings: Warning[]): AnthropicUserBlock[] {
  const blocks = lowerFile(part);
  if (blocks.length === 0) {
    addWarning(warnings, {
      code: "file_dropped",
      message: `Anthropic reads images, PDFs and plain text, not ${part.mediaType || "this kind of file"}; the file was left out`,
    });
  }
  return blocks;
}

function lowerAssistantPart(part: AssistantContent): AnthropicAssistantBlock[] {
  switch (part.type) {
    case "text":
      return part.text === "" ? [] : [{ type: "text", text: part.text }];
    case "reasoning":
      // Only Anthropic can verify its own signatures: reasoning from another
      // family, or unsigned, is dropped rather than sent and refused.
      if (part.signature?.family !== "anthropic") return [];
      if (part.redacted) return [{ type: "redacted_thinking", data: part.signature.value }];
      return [{ type: "thinking", thinking: part.text, signature: part.signature.value }];
    case "tool-call":
      return [{ type: "tool_use", id: part.id, name: part.name, input: parseArguments(part.arguments) }];
    case "image":
      // An earlier answer's generated image: Anthropic takes no image in an assistant turn.
      return [];
  }
}

function lowerToolResult(part: ToolResultPart): AnthropicToolResultBlock {
  const content: Array<AnthropicTextBlock | AnthropicImageBlock> = [];
  for (const item of part.content) {
    if (item.type === "text") {
      if (item.text !== "") content.push({ type: "text", text: item.text });
    } else content.push(...lowerImage(item));
  }
  const block: AnthropicToolResultBlock = { type: "tool_result", tool_use_id: part.toolCallId };
  if (content.length > 0) block.content = content;
  if (part.isError) block.is_error = true;
  return block;
}

/** Tool results before anything else, each group in its own order. */
function resultsFirst(blocks: AnthropicUserBlock[]): AnthropicUserBlock[] {
  const results = blocks.filter((block) => block.type === "tool_result");
  if (results.length === 0 || results.length === blocks.length) return blocks;
  return [...results, ...blocks.filter((block) => block.type !== "tool_result")];
}

/** The model's arguments as an object; invalid, empty or non-object JSON becomes `{}` (Anthropic requires an object). */
export function parseArguments(text: string): Record<string, unknown> {
  if (text.trim() === "") return {};
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // not JSON: an empty object keeps the history valid
  }
  return {};
}

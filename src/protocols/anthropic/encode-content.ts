import type { AssistantContent, ToolCallPart } from "../../ir/request.ts";
import { encodeSignature } from "../shared/signature-codec.ts";

export type AnthropicContentBlock =
  | { type: "thinking"; thinking: string; signature: string }
  | { type: "redacted_thinking"; data: string }
  | { type: "text"; text: string }
  | { type: "tool_use"; id: string; name: string; input: Record<string, unknown> };

/**
 * One IR part as the Anthropic blocks that carry it: reasoning as thinking
 * (with its encoded signature) or redacted thinking; a tool call as
 * `tool_use`, preceded by an empty thinking block holding its signature when
 * a non-Anthropic model signed it. Parts that carry nothing give no block.
 */
export function encodeContent(part: AssistantContent): AnthropicContentBlock[] {
  switch (part.type) {
    case "text":
      return part.text === "" ? [] : [{ type: "text", text: part.text }];
    case "reasoning":
      if (part.redacted) return part.signature ? [{ type: "redacted_thinking", data: encodeSignature(part.signature, "t") }] : [];
      if (part.text === "" && !part.signature) return [];
      return [{ type: "thinking", thinking: part.text, signature: part.signature ? encodeSignature(part.signature, "t") : "" }];
    case "tool-call": {
      const blocks: AnthropicContentBlock[] = [];
      const signature = callSignature(part);
      if (signature !== undefined) blocks.push({ type: "thinking", thinking: "", signature });
      blocks.push({ type: "tool_use", id: part.id, name: part.name, input: parseInput(part.arguments) });
      return blocks;
    }
  }
}

/** The thinking-block signature that carries a tool call's own signature, when it has one Anthropic cannot hold. */
export function callSignature(part: Pick<ToolCallPart, "signature">): string | undefined {
  if (!part.signature || part.signature.family === "anthropic") return undefined;
  return encodeSignature(part.signature, "c");
}

/** Tool arguments as the object Anthropic's `input` must be; anything else (empty, invalid, not an object) is `{}`. */
export function parseInput(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // Arguments cut off mid-stream or not JSON at all: the call still goes out.
  }
  return {};
}

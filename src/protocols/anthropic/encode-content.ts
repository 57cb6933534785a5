import type { AssistantContent, ToolCallPart } from "../../ir/request.ts";
import { encodeSignature, UNSIGNED_SIGNATURE } from "../shared/signature-codec.ts";
import type { AnthropicOptions } from "./decode-request.ts";

export type AnthropicContentBlock =
  | { type: "thinking"; thinking: string; signature: string }
  | { type: "redacted_thinking"; data: string }
  | { type: "text"; text: string }
  | { type: "tool_use"; id: string; name: string; input: Record<string, unknown> };

/**
 * An answer's IR parts as Anthropic content blocks, by the same rules as the
 * stream encoder, so JSON and SSE answers replay alike:
 * - reasoning is a thinking block that always carries a signature: its own,
 *   else the signature of the tool call right after it (tagged `c`), else
 *   the unsigned marker (clients drop thinking blocks with an empty one);
 * - a tool call signed by another family and not preceded by reasoning gets
 *   an empty thinking block holding its signature (`c`) before its `tool_use`;
 * - a signature on the answer's text (Gemini's) is not sent: Anthropic has
 *   no place for it, a thinking block after the answer would make Claude
 *   Code read an empty result, and Gemini does not require it back;
 * - with thinking disabled no thinking block is sent at all, as Anthropic does.
 */
export function encodeContent(content: AssistantContent[], options: AnthropicOptions): AnthropicContentBlock[] {
  const thinkingOff = options.thinking === "disabled";
  const blocks: AnthropicContentBlock[] = [];
  /** A call whose signature already went onto the thinking block before it. */
  let signedCall: ToolCallPart | undefined;
  content.forEach((part, index) => {
    switch (part.type) {
      case "text":
        if (part.text !== "") blocks.push({ type: "text", text: part.text });
        return;
      case "reasoning": {
        if (thinkingOff) return;
        if (part.redacted) {
          if (part.signature) blocks.push({ type: "redacted_thinking", data: encodeSignature(part.signature, "t") });
          return;
        }
        if (part.signature) {
          blocks.push({ type: "thinking", thinking: part.text, signature: encodeSignature(part.signature, "t") });
          return;
        }
        if (part.text === "") return;
        const next = content[index + 1];
        const carried = next?.type === "tool-call" ? callSignature(next) : undefined;
        if (carried !== undefined) signedCall = next as ToolCallPart;
        blocks.push({ type: "thinking", thinking: part.text, signature: carried ?? UNSIGNED_SIGNATURE });
        return;
      }
      case "image":
        // Anthropic's assistant content has no image block: a generated image is a Markdown image in a text block.
        if (part.data !== undefined) blocks.push({ type: "text", text: markdownImage(part.mediaType, part.data) });
        return;
      case "tool-call": {
        const signature = thinkingOff || signedCall === part ? undefined : callSignature(part);
        if (signature !== undefined) blocks.push({ type: "thinking", thinking: "", signature });
        blocks.push({ type: "tool_use", id: part.id, name: part.name, input: parseInput(part.arguments) });
        return;
      }
    }
  });
  return blocks;
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

/** A generated image as Markdown with a `data:` URL, which chat UIs built on the Anthropic format render. */
export function markdownImage(mediaType: string | undefined, data: string): string {
  return `![image](data:${mediaType ?? "image/png"};base64,${data})`;
}

import { assistantBlockTypes, userBlockTypes } from "./schema.ts";
import type { AnthropicAssistantBlock, AnthropicUserBlock } from "./schema.ts";

const userTypes: ReadonlySet<string> = new Set(userBlockTypes);
const assistantTypes: ReadonlySet<string> = new Set(assistantBlockTypes);

/**
 * Whether a parsed block is one the decoder converts. The schema lets any
 * other type through (to be dropped) but never a known type with bad fields,
 * so the type alone decides.
 */
export function isKnownUserBlock(block: { type: string }): block is AnthropicUserBlock {
  return userTypes.has(block.type);
}

export function isKnownAssistantBlock(block: { type: string }): block is AnthropicAssistantBlock {
  return assistantTypes.has(block.type);
}

/** For content arrays that only convert text and images (tool results, document content). */
export function isTextOrImageBlock<T extends { type: string }>(
  block: T,
): block is Extract<T, { type: "text" | "image" }> {
  return block.type === "text" || block.type === "image";
}

import type { Message } from "../../ir/request.ts";
import { addInterruptedToolResults } from "./add-interrupted-tool-results.ts";
import { convertOrphanToolResults } from "./convert-orphan-tool-results.ts";
import { dropEmptyText } from "./drop-empty-text.ts";
import { mergeSameRole } from "./merge-same-role.ts";
import { orderAssistantParts } from "./order-assistant-parts.ts";

/**
 * The clean-up every Anthropic conversation gets before it goes upstream,
 * each step a pure function: drop empty text, merge same-role turns, turn
 * results without a call into user text, answer calls without a result,
 * order assistant parts reasoning → text → tool calls.
 */
export function cleanMessages(messages: readonly Message[]): Message[] {
  const merged = mergeSameRole(dropEmptyText(messages));
  const paired = addInterruptedToolResults(mergeSameRole(convertOrphanToolResults(merged)));
  return orderAssistantParts(paired);
}

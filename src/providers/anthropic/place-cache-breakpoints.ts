import type { AnthropicCacheControl, AnthropicRequest } from "./types.ts";

/** Anthropic refuses a request with more cache breakpoints than this. */
export const MAX_CACHE_BREAKPOINTS = 4;

const EPHEMERAL: AnthropicCacheControl = { type: "ephemeral" };

interface Markable {
  cache_control?: AnthropicCacheControl;
}

/**
 * Marks cache breakpoints on a request whose client could not (the IR has no
 * cache marks), so a long conversation's prefix is read from Anthropic's
 * prompt cache instead of being paid in full on every turn:
 *   1. the last system block — tools and system, stable across turns;
 *   2. the last block of the last user message — the whole conversation,
 *      which the next turn reads back;
 *   3. the last block of the user message before it — where the previous
 *      turn wrote its cache entry. Anthropic looks back only ~20 blocks from
 *      a breakpoint for an earlier entry, and an agent's turn (tool calls and
 *      results) can add more than that, so this mark is what makes the
 *      previous turn's entry found.
 * Breakpoints already present count against the limit of 4, and marks are
 * placed in that order of priority until it is reached. Blocks Anthropic
 * does not let carry a mark (thinking) are never the last block of a user
 * message, so none is ever marked. Mutates and returns the body.
 */
export function placeCacheBreakpoints<Body extends AnthropicRequest>(body: Body): Body {
  let budget = MAX_CACHE_BREAKPOINTS - countBreakpoints(body);
  const mark = (block: Markable | undefined) => {
    if (budget <= 0 || block === undefined || block.cache_control !== undefined) return;
    block.cache_control = { ...EPHEMERAL };
    budget -= 1;
  };

  mark(body.system?.at(-1));
  const userMessages = body.messages.filter((message) => message.role === "user");
  mark(userMessages.at(-1)?.content.at(-1));
  mark(userMessages.at(-2)?.content.at(-1));
  return body;
}

function countBreakpoints(body: AnthropicRequest): number {
  let count = 0;
  const visit = (block: Markable) => {
    if (block.cache_control !== undefined) count += 1;
  };
  body.tools?.forEach(visit);
  body.system?.forEach(visit);
  for (const message of body.messages) {
    for (const block of message.content) {
      visit(block);
      // Blocks inside a tool result can carry their own marks.
      if (block.type === "tool_result") block.content?.forEach(visit);
    }
  }
  return count;
}

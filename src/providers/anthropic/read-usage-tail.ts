import type { Usage } from "../../ir/usage.ts";
import { mapAnthropicUsage, mergeAnthropicUsage } from "./map-usage.ts";
import type { AnthropicUsageData } from "./types.ts";

/**
 * The usage of a relayed Messages answer, read from its last bytes without
 * parsing the answer: every `"usage": {…}` object found in the tail is read,
 * in order, later counts replacing earlier ones. In a stream the last one is
 * `message_delta`'s cumulative usage; when it carries only `output_tokens`
 * (as Anthropic's older streams do), the input counts come from
 * `message_start` if it is still in the tail. A non-streamed answer has one
 * `usage`, near its end. Undefined when no usage is in the tail.
 */
export function readAnthropicUsageTail(tail: string): Usage | undefined {
  let usage: AnthropicUsageData | undefined;
  let from = 0;
  for (;;) {
    const key = tail.indexOf('"usage"', from);
    if (key === -1) break;
    from = key + 7;
    const found = readObjectAfter(tail, from);
    if (found === undefined) continue;
    usage = mergeAnthropicUsage(usage, found);
  }
  return usage === undefined ? undefined : mapAnthropicUsage(usage);
}

/** The JSON object following `:` at `from`, or undefined when it is cut off or not an object. */
function readObjectAfter(text: string, from: number): AnthropicUsageData | undefined {
  const match = /^\s*:\s*\{/.exec(text.slice(from, from + 64));
  if (!match) return undefined;
  const start = from + match[0].length - 1;
  let depth = 0;
  let inString = false;
  for (let index = start; index < text.length; index += 1) {
    const character = text[index];
    if (inString) {
      if (character === "\\") index += 1;
      else if (character === '"') inString = false;
    } else if (character === '"') inString = true;
    else if (character === "{") depth += 1;
    else if (character === "}") {
      depth -= 1;
      if (depth === 0) {
        try {
          const value: unknown = JSON.parse(text.slice(start, index + 1));
          return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as AnthropicUsageData) : undefined;
        } catch {
          return undefined;
        }
      }
    }
  }
  return undefined;
}

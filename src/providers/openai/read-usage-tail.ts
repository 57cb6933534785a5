import type { Usage } from "../../ir/usage.ts";
import { mapOpenAIUsage } from "./map-usage.ts";

/**
 * The usage of a relayed Chat Completions answer, read from its last bytes
 * without parsing the answer: the last `"usage": {…}` object, which is the
 * final usage chunk of a stream or the end of a JSON answer. A stream that
 * did not ask for usage ends with `"usage": null` or none: undefined.
 */
export function readOpenAIUsageTail(tail: string): Usage | undefined {
  const key = tail.lastIndexOf('"usage"');
  if (key === -1) return undefined;
  const open = /^"usage"\s*:\s*\{/.exec(tail.slice(key, key + 64));
  if (!open) return undefined;
  const start = key + open[0].length - 1;
  const end = matchingBrace(tail, start);
  if (end === -1) return undefined;
  let usage: unknown;
  try {
    usage = JSON.parse(tail.slice(start, end + 1));
  } catch {
    return undefined;
  }
  if (typeof usage !== "object" || usage === null || typeof (usage as { prompt_tokens?: unknown }).prompt_tokens !== "number") {
    return undefined;
  }
  return mapOpenAIUsage(usage);
}

/** The index of the brace closing the object that opens at `start`, skipping strings; -1 when the text ends first. */
function matchingBrace(text: string, start: number): number {
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
      if (depth === 0) return index;
    }
  }
  return -1;
}

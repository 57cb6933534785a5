import type { Usage } from "../../ir/usage.ts";
import { mapOpenAIUsage } from "./map-usage.ts";
import { objectAfterKey } from "../http/object-after-key.ts";

/**
 * The usage of a relayed Chat Completions answer, read from its last bytes
 * without parsing the answer: the last `"usage": {…}` object, which is the
 * final usage chunk of a stream or the end of a JSON answer. A stream that
 * did not ask for usage ends with `"usage": null` or none: undefined.
 */
export function readOpenAIUsageTail(tail: string): Usage | undefined {
  const key = tail.lastIndexOf('"usage"');
  if (key === -1) return undefined;
  const usage = objectAfterKey(tail, key + '"usage"'.length);
  if (usage === undefined || typeof usage.prompt_tokens !== "number") return undefined;
  return mapOpenAIUsage(usage);
}

import type { Usage } from "../../ir/usage.ts";
import { mapAnthropicUsage, mergeAnthropicUsage } from "./map-usage.ts";
import type { AnthropicUsageData } from "./types.ts";
import { objectAfterKey } from "../http/object-after-key.ts";

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
    const found = objectAfterKey(tail, from) as AnthropicUsageData | undefined;
    if (found === undefined) continue;
    usage = mergeAnthropicUsage(usage, found);
  }
  return usage === undefined ? undefined : mapAnthropicUsage(usage);
}

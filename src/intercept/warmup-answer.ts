import type { StreamEvent } from "../ir/event.ts";

/** The minimal valid answer to a warm-up: "OK", one token in, one out. */
export function warmupEvents(model: string): StreamEvent[] {
  return [
    { type: "message-start", model },
    { type: "text-delta", text: "OK" },
    { type: "finish", reason: { unified: "stop", raw: "warmup" } },
    { type: "usage", usage: { input: { total: 1 }, output: { total: 1 } } },
  ];
}

import { expect, test } from "bun:test";
import { mapOpenAIFinishReason } from "./map-finish-reason.ts";

test.each([
  ["stop", false, "stop"],
  ["stop", true, "tool-calls"],
  ["length", false, "length"],
  ["length", true, "length"],
  ["tool_calls", true, "tool-calls"],
  ["tool_calls", false, "tool-calls"],
  ["function_call", false, "tool-calls"],
  ["content_filter", false, "content-filter"],
  ["error", false, "error"],
  ["eos", false, "other"],
  ["MAX_TOKENS", false, "other"],
] as const)("%s (tool calls: %p) → %s", (raw, hasToolCalls, unified) => {
  expect(mapOpenAIFinishReason(raw, hasToolCalls)).toEqual({ unified, raw });
});

import { expect, test } from "bun:test";
import { mapAnthropicStopReason } from "./map-stop-reason.ts";

test.each([
  ["end_turn", "stop"],
  ["stop_sequence", "stop"],
  ["max_tokens", "length"],
  ["model_context_window_exceeded", "length"],
  ["tool_use", "tool-calls"],
  ["refusal", "content-filter"],
  ["pause_turn", "other"],
  ["something_new", "other"],
] as const)("stop_reason %s → %s, raw kept", (raw, expected) => {
  expect(mapAnthropicStopReason(raw)).toEqual({ unified: expected, raw });
});

test("a missing stop reason is other, without raw", () => {
  expect(mapAnthropicStopReason(null)).toEqual({ unified: "other" });
  expect(mapAnthropicStopReason(undefined)).toEqual({ unified: "other" });
});

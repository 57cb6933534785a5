import { expect, test } from "bun:test";
import type { FinishReasonKind } from "../../ir/finish-reason.ts";
import { mapStopReason } from "./map-stop-reason.ts";

test.each([
  ["stop", "end_turn"],
  ["length", "max_tokens"],
  ["tool-calls", "tool_use"],
  ["content-filter", "refusal"],
  ["error", "end_turn"],
  ["other", "end_turn"],
] as Array<[FinishReasonKind, string]>)("%s → %s", (unified, expected) => {
  expect(mapStopReason({ unified, raw: "RAW" })).toBe(expected as never);
});

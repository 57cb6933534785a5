import { expect, test } from "bun:test";
import type { FinishReasonKind } from "../../ir/finish-reason.ts";
import { mapFinishReasonToGemini } from "./map-finish-reason.ts";

test.each([
  ["stop", "STOP"],
  ["tool-calls", "STOP"],
  ["length", "MAX_TOKENS"],
  ["content-filter", "SAFETY"],
  ["error", "OTHER"],
  ["other", "OTHER"],
] as Array<[FinishReasonKind, string]>)("%s → %s", (unified, expected) => {
  expect<string>(mapFinishReasonToGemini({ unified })).toBe(expected);
});

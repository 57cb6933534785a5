import { expect, test } from "bun:test";
import type { FinishReasonKind } from "../../ir/finish-reason.ts";
import { mapFinishReasonToCompletions } from "./map-finish-reason.ts";

test.each([
  ["stop", "stop"],
  ["length", "length"],
  ["content-filter", "content_filter"],
  ["tool-calls", "stop"],
  ["error", "stop"],
  ["other", "stop"],
] as Array<[FinishReasonKind, string]>)("%s → %s", (unified, expected) => {
  expect<string>(mapFinishReasonToCompletions({ unified })).toBe(expected);
});

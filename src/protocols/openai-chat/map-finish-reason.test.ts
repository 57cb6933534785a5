import { describe, expect, test } from "bun:test";
import type { FinishReasonKind } from "../../ir/finish-reason.ts";
import { type OpenAIFinishReason, mapFinishReasonToOpenAI } from "./map-finish-reason.ts";

describe("mapFinishReasonToOpenAI", () => {
  test.each([
    ["stop", "stop"],
    ["length", "length"],
    ["tool-calls", "tool_calls"],
    ["content-filter", "content_filter"],
    ["error", "stop"],
    ["other", "stop"],
  ] as Array<[FinishReasonKind, OpenAIFinishReason]>)("%s → %s", (unified, expected) => {
    expect(mapFinishReasonToOpenAI({ unified, raw: "WHATEVER" })).toBe(expected);
  });
});

import { describe, expect, test } from "bun:test";
import { mapGeminiFinishReason } from "./map-finish-reason.ts";

describe("mapGeminiFinishReason", () => {
  test.each([
    ["STOP", false, "stop"],
    ["STOP", true, "tool-calls"],
    ["MAX_TOKENS", false, "length"],
    ["MAX_TOKENS", true, "length"],
    ["SAFETY", false, "content-filter"],
    ["RECITATION", false, "content-filter"],
    ["BLOCKLIST", false, "content-filter"],
    ["PROHIBITED_CONTENT", false, "content-filter"],
    ["SPII", false, "content-filter"],
    ["IMAGE_SAFETY", false, "content-filter"],
    ["LANGUAGE", false, "content-filter"],
    ["MALFORMED_FUNCTION_CALL", false, "error"],
    ["OTHER", false, "other"],
    ["FINISH_REASON_UNSPECIFIED", false, "other"],
    ["SOMETHING_NEW", true, "other"],
  ] as const)("%s (tool calls: %p) → %s, raw kept", (raw, hasToolCalls, unified) => {
    expect(mapGeminiFinishReason(raw, hasToolCalls)).toEqual({ unified, raw });
  });

  test("no reason at all is other, without a raw value", () => {
    expect(mapGeminiFinishReason(undefined, false)).toEqual({ unified: "other" });
  });
});

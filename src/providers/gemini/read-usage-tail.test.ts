import { expect, test } from "bun:test";
import { readGeminiUsageTail } from "./read-usage-tail.ts";

test("reads the last usageMetadata of an SSE tail", () => {
  const tail =
    'data: {"candidates":[],"usageMetadata":{"promptTokenCount": 9,"candidatesTokenCount":1}}\r\n\r\n' +
    'data: {"candidates":[{"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":9,"candidatesTokenCount":12,"thoughtsTokenCount":30,"cachedContentTokenCount":4,"totalTokenCount":51}}\r\n\r\n';
  expect(readGeminiUsageTail(tail)).toEqual({ input: { total: 9, cacheRead: 4 }, output: { total: 42, reasoning: 30 } });
});

test("no usage → undefined", () => {
  expect(readGeminiUsageTail('{"candidates":[]}')).toBeUndefined();
});

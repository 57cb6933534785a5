import { expect, test } from "bun:test";
import { readOpenAIUsageTail } from "./read-usage-tail.ts";

test("reads the usage chunk at the end of a stream", async () => {
  const lines = (await Bun.file(new URL("./fixtures/text.chunks.jsonl", import.meta.url)).text()).split("\n").filter(Boolean);
  const tail = lines.map((line) => `data: ${line}\n\n`).join("").slice(-900) + "data: [DONE]\n\n";
  expect(readOpenAIUsageTail(tail)).toEqual({ input: { total: 19, cacheRead: 0 }, output: { total: 10, reasoning: 0 } });
});

test("reads the usage of a pretty-printed JSON answer, and DeepSeek's cache hits", () => {
  const answer = `{
  "id": "chatcmpl-123",
  "object": "chat.completion",
  "choices": [{ "index": 0, "message": { "role": "assistant", "content": "{\\"usage\\": {\\"prompt_tokens\\": 1}}" }, "finish_reason": "stop" }],
  "usage": {
    "prompt_tokens": 64,
    "completion_tokens": 300,
    "total_tokens": 364,
    "completion_tokens_details": { "reasoning_tokens": 250 },
    "prompt_cache_hit_tokens": 40,
    "prompt_cache_miss_tokens": 24
  },
  "system_fingerprint": "fp_44709d6fcb"
}`;
  expect(readOpenAIUsageTail(answer)).toEqual({ input: { total: 64, cacheRead: 40 }, output: { total: 300, reasoning: 250 } });
});

test("no usage, a null usage or a cut-off one → undefined", () => {
  expect(readOpenAIUsageTail('data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n')).toBeUndefined();
  expect(readOpenAIUsageTail('data: {"choices":[],"usage":null}\n\n')).toBeUndefined();
  expect(readOpenAIUsageTail('data: {"choices":[],"usage":{"prompt_tokens":9,"compl')).toBeUndefined();
  expect(readOpenAIUsageTail('{"usage":{"total":3}}')).toBeUndefined();
});

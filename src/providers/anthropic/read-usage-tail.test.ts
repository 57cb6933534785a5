import { describe, expect, test } from "bun:test";
import { readAnthropicUsageTail } from "./read-usage-tail.ts";

const fixture = (name: string) => Bun.file(new URL(`./fixtures/${name}`, import.meta.url)).text();

describe("readAnthropicUsageTail", () => {
  test("a whole stream: message_start's input and message_delta's output", async () => {
    expect(readAnthropicUsageTail(await fixture("streaming-text.sse"))).toEqual({ input: { total: 25 }, output: { total: 15 } });
  });

  test("cumulative message_delta usage with cache counts", async () => {
    expect(readAnthropicUsageTail(await fixture("streaming-redacted-thinking-cached.sse"))).toEqual({
      input: { total: 188107, cacheRead: 0, cacheWrite: 188086 },
      output: { total: 393 },
    });
  });

  test("a tail that starts inside message_start's usage still reads the final one", async () => {
    const text = await fixture("streaming-web-search.sse");
    const tail = text.slice(text.indexOf('"usage"') + 10);
    expect(readAnthropicUsageTail(tail)).toEqual({ input: { total: 0 }, output: { total: 510 } });
  });

  test("a non-streamed answer; nested objects inside usage", () => {
    const answer = JSON.stringify({
      id: "msg_1",
      content: [{ type: "text", text: 'He said "usage": {"input_tokens": 999}' }],
      usage: { input_tokens: 12, cache_creation: { ephemeral_5m_input_tokens: 0 }, cache_read_input_tokens: 30, output_tokens: 7 },
    });
    expect(readAnthropicUsageTail(answer)).toEqual({ input: { total: 42, cacheRead: 30 }, output: { total: 7 } });
  });

  test("no usage in the tail", () => {
    expect(readAnthropicUsageTail('event: message_stop\ndata: {"type":"message_stop"}\n\n')).toBeUndefined();
    expect(readAnthropicUsageTail('"usage": {"output_tokens": 4')).toBeUndefined();
  });
});

import { describe, expect, test } from "bun:test";
import type { StreamEvent } from "../../ir/event.ts";
import { collectResponse } from "../../ir/collect.ts";
import { runMachine } from "../../sse/pipe.ts";
import { createAnthropicStreamMachine } from "./raise-stream.ts";

/** A fixture's SSE events, data parsed; each `event:` name must match its data's `type`. */
async function sse(name: string): Promise<unknown[]> {
  const text = await Bun.file(new URL(`./fixtures/${name}`, import.meta.url)).text();
  return text
    .split("\n\n")
    .filter((block) => block.trim() !== "")
    .map((block) => {
      const lines = block.split("\n");
      const event = lines.find((line) => line.startsWith("event: "))?.slice(7);
      const data = JSON.parse(lines.filter((line) => line.startsWith("data: ")).map((line) => line.slice(6)).join("\n"));
      expect(data.type).toBe(event);
      return data;
    });
}

const run = (events: unknown[]) => runMachine(createAnthropicStreamMachine(), events);

async function* iterate(events: StreamEvent[]) {
  yield* events;
}

describe("createAnthropicStreamMachine on the documentation's streams", () => {
  test("text: message-start, deltas, finish, usage", async () => {
    expect(run(await sse("streaming-text.sse"))).toEqual([
      { type: "message-start", id: "msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY", model: "claude-sonnet-4-5", usage: { input: { total: 25 }, output: { total: 0 } } },
      { type: "text-delta", text: "Hello" },
      { type: "text-delta", text: "!" },
      { type: "finish", reason: { unified: "stop", raw: "end_turn" } },
      { type: "usage", usage: { input: { total: 25 }, output: { total: 15 } } },
    ]);
  });

  test("thinking, a signature, text and a tool call whose arguments come in pieces", async () => {
    const events = run(await sse("streaming-thinking-tool-use.sse"));
    const id = "toolu_01T1x1fJ34qAmk2tNTrN7Up6";
    expect(events).toEqual([
      { type: "message-start", id: "msg_014p7gG3wDgGV9EUtLvnow3U", model: "claude-sonnet-4-5", usage: { input: { total: 472 }, output: { total: 0 } } },
      { type: "reasoning-delta", text: "The user wants the weather in San Francisco." },
      { type: "reasoning-delta", text: " I should call get_weather." },
      { type: "reasoning-signature", signature: { family: "anthropic", value: "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds" } },
      { type: "text-delta", text: "Okay, let's check the weather for San Francisco, CA:" },
      { type: "tool-call-start", id, name: "get_weather" },
      { type: "tool-call-delta", id, argumentsDelta: '{"location":' },
      { type: "tool-call-delta", id, argumentsDelta: ' "San Francisco, CA"' },
      { type: "tool-call-delta", id, argumentsDelta: ', "unit": "fahrenheit"}' },
      { type: "tool-call-end", id },
      { type: "finish", reason: { unified: "tool-calls", raw: "tool_use" } },
      { type: "usage", usage: { input: { total: 472 }, output: { total: 89 } } },
    ]);
    const response = await collectResponse(iterate(events));
    expect(response.choices[0]?.content).toEqual([
      {
        type: "reasoning",
        text: "The user wants the weather in San Francisco. I should call get_weather.",
        signature: { family: "anthropic", value: "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds" },
      },
      { type: "text", text: "Okay, let's check the weather for San Francisco, CA:" },
      { type: "tool-call", id, name: "get_weather", arguments: '{"location": "San Francisco, CA", "unit": "fahrenheit"}' },
    ]);
  });

  test("the guide's thinking stream has no usage at all: no usage event", async () => {
    expect(run(await sse("streaming-thinking.sse"))).toEqual([
      { type: "message-start", id: "msg_01XiM4vBbvQxhBi8hKtPNBdD", model: "claude-sonnet-4-5" },
      { type: "reasoning-delta", text: "Let me solve this step by step:\n\n1. First break down 27 * 453" },
      { type: "reasoning-delta", text: "\n2. 453 = 400 + 50 + 3" },
      { type: "reasoning-signature", signature: { family: "anthropic", value: "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds" } },
      { type: "text-delta", text: "27 * 453 = 12,231" },
      { type: "finish", reason: { unified: "stop", raw: "end_turn" } },
    ]);
  });

  test("web search: the server tool and its results are dropped, the text and citations' text come through", async () => {
    expect(run(await sse("streaming-web-search.sse"))).toEqual([
      { type: "message-start", id: "msg_01G8d5xDyJ8w7mGmWNwLqBfb", model: "claude-opus-4-1", usage: { input: { total: 2679, cacheRead: 0, cacheWrite: 0 }, output: { total: 0 } } },
      { type: "text-delta", text: "I'll check the current weather in New York City for you" },
      { type: "text-delta", text: "." },
      { type: "text-delta", text: "Here's the current weather information for New York City." },
      { type: "finish", reason: { unified: "stop", raw: "end_turn" } },
      { type: "usage", usage: { input: { total: 2679, cacheRead: 0, cacheWrite: 0 }, output: { total: 510 } } },
    ]);
  });

  test("redacted thinking travels as a redacted signature; cache writes count in the input total", async () => {
    const data = "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpPkNRj2YfWXGmKDxH4mPnZ5sQ7vB5URv2fNdKpMmOb5dhh3yZo";
    expect(run(await sse("streaming-redacted-thinking-cached.sse"))).toEqual([
      { type: "message-start", id: "msg_01Aq9w938a90dw8q", model: "claude-3-7-sonnet-20250219", usage: { input: { total: 188107, cacheRead: 0, cacheWrite: 188086 }, output: { total: 0 } } },
      { type: "reasoning-signature", signature: { family: "anthropic", value: data }, redacted: true },
      { type: "text-delta", text: "Based on my analysis..." },
      { type: "finish", reason: { unified: "length", raw: "max_tokens" } },
      { type: "usage", usage: { input: { total: 188107, cacheRead: 0, cacheWrite: 188086 }, output: { total: 393 } } },
    ]);
  });

  test("an error event: overloaded, retryable, and nothing after it", async () => {
    const events = run([
      { type: "message_start", message: { id: "msg_1", model: "claude" } },
      { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
      { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Partial" } },
      ...(await sse("streaming-error.sse")),
      { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "ignored" } },
      { type: "message_stop" },
    ]);
    expect(events.map((event) => event.type)).toEqual(["message-start", "text-delta", "error"]);
    expect(events[2]).toMatchObject({
      type: "error",
      error: { kind: "overloaded", status: 529, retryable: true, message: "the upstream is overloaded: Overloaded" },
    });
  });

  test.each([
    ["api_error", { kind: "upstream", retryable: true }],
    ["rate_limit_error", { kind: "rate_limit", retryable: true }],
    ["invalid_request_error", { kind: "invalid_request", retryable: false }],
    ["mystery_error", { kind: "upstream", retryable: true }],
  ] as const)("an in-stream %s", (type, expected) => {
    const [event] = run([{ type: "error", error: { type, message: "boom" } }]);
    expect(event).toMatchObject({ type: "error", error: expected });
  });
});

describe("createAnthropicStreamMachine on odd streams", () => {
  test("a stream cut before message_delta is a retryable error", () => {
    const events = run([
      { type: "message_start", message: { id: "msg_1", model: "claude", usage: { input_tokens: 5, output_tokens: 1 } } },
      { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
      { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Half an ans" } },
    ]);
    expect(events.at(-1)).toMatchObject({ type: "error", error: { kind: "upstream", retryable: true } });
    expect(run([])).toEqual([{ type: "error", error: expect.objectContaining({ retryable: true }) }]);
  });

  test("a stream that brought its stop reason but no message_stop still finishes", () => {
    expect(
      run([
        { type: "message_start", message: { id: "m", model: "glm-4.6", usage: { input_tokens: 0, output_tokens: 0 } } },
        { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
        { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hi" } },
        { type: "content_block_stop", index: 0 },
        { type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { input_tokens: 12, output_tokens: 3 } },
      ]),
    ).toEqual([
      { type: "message-start", id: "m", model: "glm-4.6", usage: { input: { total: 0 }, output: { total: 0 } } },
      { type: "text-delta", text: "Hi" },
      { type: "finish", reason: { unified: "stop", raw: "end_turn" } },
      { type: "usage", usage: { input: { total: 12 }, output: { total: 3 } } },
    ]);
  });

  test("a tool call without arguments gets {}; input sent whole in content_block_start is used", () => {
    const events = run([
      { type: "message_start", message: { id: "m" } },
      { type: "content_block_start", index: 0, content_block: { type: "tool_use", id: "toolu_a", name: "now", input: {} } },
      { type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: "" } },
      { type: "content_block_stop", index: 0 },
      { type: "content_block_start", index: 1, content_block: { type: "tool_use", id: "toolu_b", name: "get_weather", input: { city: "Paris" } } },
      { type: "content_block_stop", index: 1 },
      { type: "message_delta", delta: { stop_reason: "tool_use" } },
      { type: "message_stop" },
    ]);
    expect(events).toEqual([
      { type: "message-start", id: "m" },
      { type: "tool-call-start", id: "toolu_a", name: "now" },
      { type: "tool-call-delta", id: "toolu_a", argumentsDelta: "{}" },
      { type: "tool-call-end", id: "toolu_a" },
      { type: "tool-call-start", id: "toolu_b", name: "get_weather" },
      { type: "tool-call-delta", id: "toolu_b", argumentsDelta: '{"city":"Paris"}' },
      { type: "tool-call-end", id: "toolu_b" },
      { type: "finish", reason: { unified: "tool-calls", raw: "tool_use" } },
    ]);
  });

  test("a call left open ends with the message; pings, unknown events and anything after message_stop are ignored", () => {
    const events = run([
      { type: "ping" },
      { type: "message_start", message: { id: "m" } },
      { type: "content_block_start", index: 0, content_block: { type: "tool_use", id: "toolu_x", name: "f", input: {} } },
      { type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: '{"a":1}' } },
      { type: "brand_new_event", foo: 1 },
      { type: "message_delta", delta: { stop_reason: "tool_use" }, usage: { output_tokens: 7 } },
      { type: "message_stop" },
      { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "late" } },
      { type: "error", error: { type: "api_error", message: "late" } },
    ]);
    expect(events).toEqual([
      { type: "message-start", id: "m" },
      { type: "tool-call-start", id: "toolu_x", name: "f" },
      { type: "tool-call-delta", id: "toolu_x", argumentsDelta: '{"a":1}' },
      { type: "tool-call-end", id: "toolu_x" },
      { type: "finish", reason: { unified: "tool-calls", raw: "tool_use" } },
      { type: "usage", usage: { input: { total: 0 }, output: { total: 7 } } },
    ]);
  });

  test("an upstream that skips message_start still gets a message-start first", () => {
    const events = run([
      { type: "content_block_start", index: 0, content_block: { type: "text", text: "Hi" } },
      { type: "message_delta", delta: { stop_reason: "end_turn" } },
      { type: "message_stop" },
    ]);
    expect(events).toEqual([
      { type: "message-start" },
      { type: "text-delta", text: "Hi" },
      { type: "finish", reason: { unified: "stop", raw: "end_turn" } },
    ]);
  });

  test("non-objects are ignored", () => {
    expect(run([null, 3, "x", []]).map((event) => event.type)).toEqual(["error"]);
  });
});

import { describe, expect, test } from "bun:test";
import { GatewayError } from "../../ir/errors.ts";
import type { StreamEvent } from "../../ir/event.ts";
import { runMachine } from "../../sse/pipe.ts";
import { openaiChatStreamMachine } from "./encode-stream.ts";
import type { OpenAIChatDelta } from "./encode-stream.ts";

const head = { id: "chatcmpl-123", object: "chat.completion.chunk", created: 1694268190, model: "gpt-4o-mini" };

function encode(events: StreamEvent[], includeUsage = false): string[] {
  const machine = openaiChatStreamMachine({ id: head.id, model: head.model, created: head.created, options: { includeUsage } });
  return runMachine(machine, events);
}

const data = (value: unknown) => `data: ${JSON.stringify(value)}\n\n`;
const choice = (delta: OpenAIChatDelta, index = 0, finishReason: string | null = null) => ({
  index,
  delta,
  logprobs: null,
  finish_reason: finishReason,
});
/** One chunk frame with the given choices; `usage` is only present with include_usage. */
const chunk = (choices: unknown[], usage?: unknown) => data({ ...head, choices, ...(usage === undefined ? {} : { usage }) });
const delta = (value: OpenAIChatDelta, index = 0) => chunk([choice(value, index)]);
const finish = (reason: string, index = 0) => chunk([choice({}, index, reason)]);
const opening = (index = 0) => delta({ role: "assistant", content: "" }, index);
const DONE = "data: [DONE]\n\n";

describe("openaiChatStreamMachine", () => {
  test("text: the documented chunk sequence, then [DONE]", async () => {
    const streamingChunks = await Bun.file(new URL("./fixtures/streaming-chunks.jsonl", import.meta.url)).text();
    const frames = encode([
      { type: "message-start", id: "upstream", model: "gemini-2.5-flash" },
      { type: "text-delta", text: "Hello" },
      { type: "finish", reason: { unified: "stop", raw: "STOP" } },
    ]);
    const documented = streamingChunks
      .trim()
      .split("\n")
      .map((line: string) => {
        const { system_fingerprint: _fingerprint, ...rest } = JSON.parse(line);
        return rest;
      });
    expect(frames.slice(0, -1).map((frame) => JSON.parse(frame.slice("data: ".length)))).toStrictEqual(documented);
    expect(frames[0]).toBe(
      'data: {"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini",' +
        '"choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}\n\n',
    );
    expect(frames.at(-1)).toBe(DONE);
  });

  test("reasoning then text; signatures and empty deltas produce nothing", () => {
    expect(
      encode([
        { type: "message-start" },
        { type: "reasoning-delta", text: "Two plus two" },
        { type: "reasoning-delta", text: " is four." },
        { type: "reasoning-signature", signature: { family: "gemini", value: "sig" } },
        { type: "text-delta", text: "" },
        { type: "text-delta", text: "4" },
        { type: "finish", reason: { unified: "stop" } },
      ]),
    ).toStrictEqual([
      opening(),
      delta({ reasoning_content: "Two plus two" }),
      delta({ reasoning_content: " is four." }),
      delta({ content: "4" }),
      finish("stop"),
      DONE,
    ]);
  });

  test("two parallel tool calls, interleaved, indexed in order of appearance", () => {
    expect(
      encode([
        { type: "message-start" },
        { type: "text-delta", text: "Checking." },
        { type: "tool-call-start", id: "call_paris", name: "get_weather", signature: { family: "gemini", value: "c2ln" } },
        { type: "tool-call-start", id: "call_rome", name: "get_weather" },
        { type: "tool-call-delta", id: "call_paris", argumentsDelta: '{"city":' },
        { type: "tool-call-delta", id: "call_rome", argumentsDelta: '{"city":"Rome"}' },
        { type: "tool-call-delta", id: "call_paris", argumentsDelta: '"Paris"}' },
        { type: "tool-call-end", id: "call_rome" },
        { type: "tool-call-end", id: "call_paris" },
        { type: "finish", reason: { unified: "tool-calls" } },
      ]),
    ).toStrictEqual([
      opening(),
      delta({ content: "Checking." }),
      delta({
        tool_calls: [
          {
            index: 0,
            id: "call_paris",
            type: "function",
            function: { name: "get_weather", arguments: "" },
            extra_content: { google: { thought_signature: "c2ln" } },
          },
        ],
      }),
      delta({ tool_calls: [{ index: 1, id: "call_rome", type: "function", function: { name: "get_weather", arguments: "" } }] }),
      delta({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }),
      delta({ tool_calls: [{ index: 1, function: { arguments: '{"city":"Rome"}' } }] }),
      delta({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }),
      finish("tool_calls"),
      DONE,
    ]);
  });

  test("include_usage: usage null on every chunk, then a chunk with no choices and the usage", () => {
    const events: StreamEvent[] = [
      { type: "message-start" },
      { type: "text-delta", text: "Hi" },
      { type: "finish", reason: { unified: "length" } },
      { type: "usage", usage: { input: { total: 9, cacheRead: 4 }, output: { total: 12, reasoning: 2 } } },
    ];
    expect(encode(events, true)).toStrictEqual([
      chunk([choice({ role: "assistant", content: "" })], null),
      chunk([choice({ content: "Hi" })], null),
      chunk([choice({}, 0, "length")], null),
      chunk([], {
        prompt_tokens: 9,
        completion_tokens: 12,
        total_tokens: 21,
        prompt_tokens_details: { cached_tokens: 4 },
        completion_tokens_details: { reasoning_tokens: 2 },
      }),
      DONE,
    ]);
  });

  test("without include_usage the usage event is not sent", () => {
    expect(
      encode([
        { type: "text-delta", text: "Hi" },
        { type: "finish", reason: { unified: "stop" } },
        { type: "usage", usage: { input: { total: 9 }, output: { total: 12 } } },
      ]),
    ).toStrictEqual([opening(), delta({ content: "Hi" }), finish("stop"), DONE]);
  });

  test("include_usage without a usage event sends no usage chunk", () => {
    expect(encode([{ type: "finish", reason: { unified: "stop" } }], true)).toStrictEqual([
      chunk([choice({ role: "assistant", content: "" })], null),
      chunk([choice({}, 0, "stop")], null),
      DONE,
    ]);
  });

  test("an error mid-stream is the last frame: OpenAI's error body, no [DONE]", () => {
    const frames = encode([
      { type: "message-start" },
      { type: "text-delta", text: "Once upon" },
      { type: "error", error: new GatewayError("overloaded", "The upstream is overloaded", { retryable: true }) },
      { type: "text-delta", text: " a time" },
      { type: "finish", reason: { unified: "stop" } },
    ]);
    expect(frames).toStrictEqual([
      opening(),
      delta({ content: "Once upon" }),
      data({ error: { message: "The upstream is overloaded", type: "server_error", param: null, code: null } }),
    ]);
  });

  test("an error before any output is the only frame", () => {
    expect(encode([{ type: "error", error: new GatewayError("rate_limit", "slow down") }], true)).toStrictEqual([
      data({ error: { message: "slow down", type: "rate_limit_error", param: null, code: "rate_limit_exceeded" } }),
    ]);
  });

  test("n=2: each choice opens, streams and finishes on its own index", () => {
    expect(
      encode(
        [
          { type: "message-start" },
          { type: "text-delta", text: "Red", choice: 0 },
          { type: "text-delta", text: "Blue", choice: 1 },
          { type: "tool-call-start", id: "call_x", name: "paint", choice: 1 },
          { type: "tool-call-start", id: "call_y", name: "paint", choice: 0 },
          { type: "text-delta", text: "!", choice: 0 },
          { type: "finish", reason: { unified: "tool-calls" }, choice: 1 },
          { type: "finish", reason: { unified: "tool-calls" }, choice: 0 },
          { type: "usage", usage: { input: { total: 3 }, output: { total: 6 } } },
        ],
        true,
      ),
    ).toStrictEqual([
      chunk([choice({ role: "assistant", content: "" }, 0)], null),
      chunk([choice({ content: "Red" }, 0)], null),
      chunk([choice({ role: "assistant", content: "" }, 1)], null),
      chunk([choice({ content: "Blue" }, 1)], null),
      chunk([choice({ tool_calls: [{ index: 0, id: "call_x", type: "function", function: { name: "paint", arguments: "" } }] }, 1)], null),
      chunk([choice({ tool_calls: [{ index: 0, id: "call_y", type: "function", function: { name: "paint", arguments: "" } }] }, 0)], null),
      chunk([choice({ content: "!" }, 0)], null),
      chunk([choice({}, 1, "tool_calls")], null),
      chunk([choice({}, 0, "tool_calls")], null),
      chunk([], {
        prompt_tokens: 3,
        completion_tokens: 6,
        total_tokens: 9,
        prompt_tokens_details: { cached_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0 },
      }),
      DONE,
    ]);
  });

  test("a stream without finish still ends with [DONE]", () => {
    expect(encode([{ type: "message-start" }, { type: "text-delta", text: "Hel" }])).toStrictEqual([
      opening(),
      delta({ content: "Hel" }),
      DONE,
    ]);
    expect(encode([])).toStrictEqual([DONE]);
  });

  test("a finish with no content still opens the choice; later deltas and finishes are dropped", () => {
    expect(
      encode([
        { type: "finish", reason: { unified: "content-filter", raw: "SAFETY" } },
        { type: "text-delta", text: "late" },
        { type: "finish", reason: { unified: "stop" } },
      ]),
    ).toStrictEqual([opening(), finish("content_filter"), DONE]);
  });

  test("a tool-call delta without its start opens the call rather than losing the arguments", () => {
    expect(encode([{ type: "tool-call-delta", id: "call_z", argumentsDelta: "{}" }])).toStrictEqual([
      opening(),
      delta({ tool_calls: [{ index: 0, id: "call_z", type: "function", function: { name: "", arguments: "{}" } }] }),
      DONE,
    ]);
  });
});

import { describe, expect, test } from "bun:test";
import { GatewayError } from "../../ir/errors.ts";
import type { StreamEvent } from "../../ir/event.ts";
import { runMachine } from "../../sse/pipe.ts";
import type { AnthropicOptions } from "./decode-request.ts";
import { anthropicStreamMachine } from "./encode-stream.ts";
import { fixtureText, parseSse } from "./test-fixtures.ts";

const ID = "msg_01XFDUDYJgAACzvnptvVoYEL";
const MODEL = "claude-sonnet-4-5";

function encode(events: StreamEvent[], options: AnthropicOptions = {}, estimateInputTokens?: () => number): string[] {
  const context = { id: ID, model: MODEL, created: 0, options, ...(estimateInputTokens ? { estimateInputTokens } : {}) };
  return runMachine(anthropicStreamMachine(context), events);
}

/** A frame as Anthropic sends it: `event: <type>` then the JSON. */
const sse = <T extends { type: string }>(payload: T) => `event: ${payload.type}\ndata: ${JSON.stringify(payload)}\n\n`;
const zeroUsage = { input_tokens: 0, output_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 };
const messageStart = sse({
  type: "message_start",
  message: { id: ID, type: "message", role: "assistant", model: MODEL, content: [], stop_reason: null, stop_sequence: null, usage: zeroUsage },
});
const blockStart = (index: number, block: unknown) => sse({ type: "content_block_start", index, content_block: block });
const blockDelta = (index: number, delta: unknown) => sse({ type: "content_block_delta", index, delta });
const blockStop = (index: number) => sse({ type: "content_block_stop", index });
const thinkingStart = (index: number) => blockStart(index, { type: "thinking", thinking: "", signature: "" });
const textStart = (index: number) => blockStart(index, { type: "text", text: "" });
const toolStart = (index: number, id: string, name: string) => blockStart(index, { type: "tool_use", id, name, input: {} });
const text = (index: number, value: string) => blockDelta(index, { type: "text_delta", text: value });
const thinking = (index: number, value: string) => blockDelta(index, { type: "thinking_delta", thinking: value });
const signature = (index: number, value: string) => blockDelta(index, { type: "signature_delta", signature: value });
const json = (index: number, value: string) => blockDelta(index, { type: "input_json_delta", partial_json: value });
const messageDelta = (stopReason: string, usage = zeroUsage) =>
  sse({ type: "message_delta", delta: { stop_reason: stopReason, stop_sequence: null }, usage });
const messageStop = sse({ type: "message_stop" });

const usage = { type: "usage", usage: { input: { total: 25 }, output: { total: 15 } } } as const;
const usageFrame = { input_tokens: 25, output_tokens: 15, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 };
const stop = { type: "finish", reason: { unified: "stop", raw: "STOP" } } as const;
const toolCalls = { type: "finish", reason: { unified: "tool-calls" } } as const;

describe("anthropicStreamMachine", () => {
  test("text only: the documented event sequence, every frame named", async () => {
    const frames = encode([
      { type: "message-start", id: "upstream-id", model: "gemini-2.5-flash" },
      { type: "text-delta", text: "Hello" },
      { type: "text-delta", text: "!" },
      stop,
      usage,
    ]);
    expect(frames).toEqual([
      messageStart,
      textStart(0),
      text(0, "Hello"),
      text(0, "!"),
      blockStop(0),
      messageDelta("end_turn", usageFrame),
      messageStop,
    ]);
    expect(frames[0]).toStartWith('event: message_start\ndata: {"type":"message_start","message":{"id":"msg_01X');
    // The documented stream, pings aside, is the same sequence with the same blocks.
    const documented = parseSse(await fixtureText("streaming-text.sse")).filter((frame) => frame.event !== "ping");
    const ours = frames.map((frame) => parseSse(frame)[0]);
    expect(ours.map((frame) => frame?.event)).toEqual(documented.map((frame) => frame.event));
    for (const [index, frame] of documented.entries()) {
      if (frame.event.startsWith("content_block")) expect(ours[index]?.data).toEqual(frame.data);
      expect(ours[index]?.data).toMatchObject({ type: frame.event });
    }
  });

  test("thinking with its signature, then text", () => {
    expect(
      encode([
        { type: "message-start" },
        { type: "reasoning-delta", text: "Two plus two" },
        { type: "reasoning-delta", text: " is four." },
        { type: "reasoning-signature", signature: { family: "anthropic", value: "EqQBCgIY" } },
        { type: "text-delta", text: "4" },
        stop,
        usage,
      ]),
    ).toEqual([
      messageStart,
      thinkingStart(0),
      thinking(0, "Two plus two"),
      thinking(0, " is four."),
      signature(0, "EqQBCgIY"),
      blockStop(0),
      textStart(1),
      text(1, "4"),
      blockStop(1),
      messageDelta("end_turn", usageFrame),
      messageStop,
    ]);
  });

  test("thinking, then a tool call Gemini signed: the call's signature rides in its own thinking block", () => {
    expect(
      encode([
        { type: "message-start" },
        { type: "reasoning-delta", text: "I should read it." },
        { type: "reasoning-signature", signature: { family: "gemini", value: "CiQB0e2K" } },
        { type: "tool-call-start", id: "call_1", name: "Read", signature: { family: "gemini", value: "EsgBCsUB" } },
        { type: "tool-call-delta", id: "call_1", argumentsDelta: '{"file_path":"/a.ts"}' },
        { type: "tool-call-end", id: "call_1" },
        toolCalls,
        usage,
      ]),
    ).toEqual([
      messageStart,
      thinkingStart(0),
      thinking(0, "I should read it."),
      signature(0, "agw1.gemini.t.CiQB0e2K"),
      blockStop(0),
      thinkingStart(1),
      signature(1, "agw1.gemini.c.EsgBCsUB"),
      blockStop(1),
      toolStart(2, "call_1", "Read"),
      json(2, '{"file_path":"/a.ts"}'),
      blockStop(2),
      messageDelta("tool_use", usageFrame),
      messageStop,
    ]);
  });

  test("two tool calls in a row; an Anthropic-signed call needs no extra block", () => {
    expect(
      encode([
        { type: "text-delta", text: "Checking both." },
        { type: "tool-call-start", id: "a", name: "get_weather" },
        { type: "tool-call-delta", id: "a", argumentsDelta: '{"location":"Paris"}' },
        { type: "tool-call-end", id: "a" },
        { type: "tool-call-start", id: "b", name: "get_time", signature: { family: "anthropic", value: "ignored" } },
        { type: "tool-call-delta", id: "b", argumentsDelta: '{"tz":"CET"}' },
        { type: "tool-call-end", id: "b" },
        toolCalls,
      ]),
    ).toEqual([
      messageStart,
      textStart(0),
      text(0, "Checking both."),
      blockStop(0),
      toolStart(1, "a", "get_weather"),
      json(1, '{"location":"Paris"}'),
      blockStop(1),
      toolStart(2, "b", "get_time"),
      json(2, '{"tz":"CET"}'),
      blockStop(2),
      messageDelta("tool_use"),
      messageStop,
    ]);
  });

  test("several argument deltas: the documented thinking + tool use stream", async () => {
    const frames = encode([
      { type: "message-start" },
      { type: "reasoning-delta", text: "The user wants the weather in San Francisco." },
      { type: "reasoning-delta", text: " I should call get_weather." },
      { type: "reasoning-signature", signature: { family: "anthropic", value: "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds" } },
      { type: "text-delta", text: "Okay, let's check the weather for San Francisco, CA:" },
      { type: "tool-call-start", id: "toolu_01T1x1fJ34qAmk2tNTrN7Up6", name: "get_weather" },
      { type: "tool-call-delta", id: "toolu_01T1x1fJ34qAmk2tNTrN7Up6", argumentsDelta: "" },
      { type: "tool-call-delta", id: "toolu_01T1x1fJ34qAmk2tNTrN7Up6", argumentsDelta: '{"location":' },
      { type: "tool-call-delta", id: "toolu_01T1x1fJ34qAmk2tNTrN7Up6", argumentsDelta: ' "San Francisco, CA"' },
      { type: "tool-call-delta", id: "toolu_01T1x1fJ34qAmk2tNTrN7Up6", argumentsDelta: ', "unit": "fahrenheit"}' },
      { type: "tool-call-end", id: "toolu_01T1x1fJ34qAmk2tNTrN7Up6" },
      toolCalls,
      { type: "usage", usage: { input: { total: 472 }, output: { total: 89 } } },
    ]);
    const ours = frames.map((frame) => parseSse(frame)[0]);
    // Anthropic opens a tool block with an empty delta; agw sends no empty deltas.
    const documented = parseSse(await fixtureText("streaming-thinking-tool-use.sse")).filter(
      (frame) => frame.event !== "ping" && JSON.stringify(frame.data).indexOf('"partial_json":""') === -1,
    );
    expect(ours.map((frame) => frame?.event)).toEqual(documented.map((frame) => frame.event));
    for (const [index, frame] of documented.entries()) {
      if (frame.event.startsWith("content_block")) expect(ours[index]?.data).toEqual(frame.data);
    }
    expect(ours.filter((frame) => JSON.stringify(frame?.data).includes("input_json_delta"))).toHaveLength(3);
    expect(ours.at(-2)?.data).toMatchObject({ delta: { stop_reason: "tool_use" }, usage: { input_tokens: 472, output_tokens: 89 } });
  });

  test("interleaved tool calls come out as whole blocks, one after the other", () => {
    expect(
      encode([
        { type: "tool-call-start", id: "a", name: "f" },
        { type: "tool-call-start", id: "b", name: "g", signature: { family: "gemini", value: "s" } },
        { type: "tool-call-start", id: "c", name: "h" },
        { type: "tool-call-delta", id: "b", argumentsDelta: '{"b":' },
        { type: "tool-call-delta", id: "a", argumentsDelta: '{"a":1}' },
        { type: "tool-call-delta", id: "b", argumentsDelta: "2}" },
        { type: "tool-call-delta", id: "c", argumentsDelta: '{"c":' },
        { type: "tool-call-end", id: "b" },
        { type: "tool-call-end", id: "a" },
        { type: "tool-call-delta", id: "c", argumentsDelta: "3}" },
        { type: "tool-call-end", id: "c" },
        toolCalls,
      ]),
    ).toEqual([
      messageStart,
      toolStart(0, "a", "f"),
      json(0, '{"a":1}'),
      blockStop(0),
      thinkingStart(1),
      signature(1, "agw1.gemini.c.s"),
      blockStop(1),
      toolStart(2, "b", "g"),
      json(2, '{"b":'),
      json(2, "2}"),
      blockStop(2),
      toolStart(3, "c", "h"),
      json(3, '{"c":'),
      json(3, "3}"),
      blockStop(3),
      messageDelta("tool_use"),
      messageStop,
    ]);
  });

  test("an error mid-stream: the error event with encodeError's body, nothing after it", () => {
    const frames = encode([
      { type: "text-delta", text: "Partial" },
      { type: "error", error: new GatewayError("overloaded", "Overloaded") },
      { type: "text-delta", text: " more" },
      stop,
      usage,
    ]);
    expect(frames).toEqual([
      messageStart,
      textStart(0),
      text(0, "Partial"),
      'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n',
    ]);
  });

  test("the documented error event", async () => {
    const [documented] = parseSse(await fixtureText("streaming-error.sse"));
    const [ours] = parseSse(encode([{ type: "error", error: new GatewayError("overloaded", "Overloaded") }]).join(""));
    expect(ours).toEqual(documented as never);
  });

  test("usage after finish: the stop reason waits for it, then the message ends", () => {
    const machine = anthropicStreamMachine({ id: ID, model: MODEL, created: 0, options: {} });
    const state = machine.start();
    expect(machine.step(state, { type: "text-delta", text: "Hi" })).toEqual([messageStart, textStart(0), text(0, "Hi")]);
    expect(machine.step(state, { type: "finish", reason: { unified: "length" } })).toEqual([]);
    expect(
      machine.step(state, { type: "usage", usage: { input: { total: 1200, cacheRead: 1000, cacheWrite: 100 }, output: { total: 7 } } }),
    ).toEqual([
      blockStop(0),
      messageDelta("max_tokens", { input_tokens: 100, output_tokens: 7, cache_read_input_tokens: 1000, cache_creation_input_tokens: 100 }),
      messageStop,
    ]);
    expect(machine.finish?.(state)).toEqual([]);
  });

  test("finish without usage: the end comes at finish() with zero usage", () => {
    const machine = anthropicStreamMachine({ id: ID, model: MODEL, created: 0, options: {} });
    const state = machine.start();
    machine.step(state, { type: "text-delta", text: "Hi" });
    expect(machine.step(state, { type: "finish", reason: { unified: "content-filter" } })).toEqual([]);
    expect(machine.finish?.(state)).toEqual([blockStop(0), messageDelta("refusal"), messageStop]);
  });

  test("usage before finish ends the message at the finish", () => {
    expect(encode([{ type: "text-delta", text: "x" }, usage, stop]).slice(-3)).toEqual([
      blockStop(0),
      messageDelta("end_turn", usageFrame),
      messageStop,
    ]);
  });

  test("no finish: blocks are closed and the message still ends, as end_turn", () => {
    expect(
      encode([
        { type: "tool-call-start", id: "a", name: "f" },
        { type: "tool-call-delta", id: "a", argumentsDelta: '{"x":' },
        { type: "tool-call-start", id: "b", name: "g" },
        { type: "tool-call-delta", id: "b", argumentsDelta: "{}" },
      ]),
    ).toEqual([
      messageStart,
      toolStart(0, "a", "f"),
      json(0, '{"x":'),
      blockStop(0),
      toolStart(1, "b", "g"),
      json(1, "{}"),
      blockStop(1),
      messageDelta("end_turn"),
      messageStop,
    ]);
  });

  test("an empty stream is still a whole message", () => {
    expect(encode([])).toEqual([messageStart, messageDelta("end_turn"), messageStop]);
  });

  test("a signature with no thinking open gets a block of its own; empty deltas send nothing", () => {
    expect(
      encode([
        { type: "text-delta", text: "" },
        { type: "reasoning-delta", text: "" },
        { type: "text-delta", text: "a" },
        { type: "reasoning-signature", signature: { family: "gemini", value: "sig" } },
        { type: "text-delta", text: "b" },
      ]),
    ).toEqual([
      messageStart,
      textStart(0),
      text(0, "a"),
      blockStop(0),
      thinkingStart(1),
      signature(1, "agw1.gemini.t.sig"),
      blockStop(1),
      textStart(2),
      text(2, "b"),
      blockStop(2),
      messageDelta("end_turn"),
      messageStop,
    ]);
  });

  test("reasoning after a signature is a new thinking block", () => {
    expect(
      encode([
        { type: "reasoning-delta", text: "one" },
        { type: "reasoning-signature", signature: { family: "anthropic", value: "s1" } },
        { type: "reasoning-delta", text: "two" },
      ]).slice(1, 9),
    ).toEqual([
      thinkingStart(0),
      thinking(0, "one"),
      signature(0, "s1"),
      blockStop(0),
      thinkingStart(1),
      thinking(1, "two"),
      // Reasoning that came unsigned still ends with a signature: the marker that says so.
      signature(1, "agw1.unsigned"),
      blockStop(1),
    ]);
  });

  test("a delta without its start opens the call; a delta after its block closed is dropped", () => {
    expect(
      encode([
        { type: "tool-call-delta", id: "x", argumentsDelta: '{"q":1}' },
        { type: "tool-call-end", id: "x" },
        { type: "tool-call-delta", id: "x", argumentsDelta: "late" },
        { type: "tool-call-end", id: "x" },
      ]),
    ).toEqual([messageStart, toolStart(0, "x", ""), json(0, '{"q":1}'), blockStop(0), messageDelta("end_turn"), messageStop]);
  });

  test("text while a call waits: waiting calls come out before the text", () => {
    expect(
      encode([
        { type: "tool-call-start", id: "a", name: "f" },
        { type: "tool-call-start", id: "b", name: "g" },
        { type: "tool-call-delta", id: "b", argumentsDelta: "{}" },
        { type: "text-delta", text: "t" },
      ]).slice(1, 9),
    ).toEqual([toolStart(0, "a", "f"), blockStop(0), toolStart(1, "b", "g"), json(1, "{}"), blockStop(1), textStart(2), text(2, "t"), blockStop(2)]);
  });

  test("only choice 0 is encoded", () => {
    expect(
      encode([
        { type: "text-delta", text: "zero" },
        { type: "text-delta", text: "one", choice: 1 },
        { type: "finish", reason: { unified: "length" }, choice: 1 },
        { type: "tool-call-start", id: "c", name: "f", choice: 1 },
        stop,
      ]),
    ).toEqual([messageStart, textStart(0), text(0, "zero"), blockStop(0), messageDelta("end_turn"), messageStop]);
  });

  test("an error before anything else is the only frame", () => {
    expect(encode([{ type: "error", error: new GatewayError("rate_limit", "slow down") }])).toEqual([
      'event: error\ndata: {"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}\n\n',
    ]);
  });
});

describe("anthropicStreamMachine: Gemini 3 signatures", () => {
  const sig = (value: string) => ({ family: "gemini" as const, value });
  /** A Gemini 3 text answer in six chunks, the signature on an empty last part. */
  const sixChunks: StreamEvent[] = [
    { type: "message-start", usage: { input: { total: 42 }, output: { total: 0 } } },
    ...["One ", "two ", "three ", "four ", "five ", "six."].map((value) => ({ type: "text-delta" as const, text: value })),
    { type: "text-signature", signature: sig("EqsF") },
    stop,
    usage,
  ];
  const startWithInput = (input: number) =>
    sse({
      type: "message_start",
      message: {
        id: ID,
        type: "message",
        role: "assistant",
        model: MODEL,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: input, output_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 },
      },
    });
  const words = ["One ", "two ", "three ", "four ", "five ", "six."];

  test("a text answer stays one text block and nothing follows it, whatever the thinking setting", () => {
    // Claude Code reads the last block as the result: a block after the text would empty it.
    const expected = [startWithInput(42), textStart(0), ...words.map((value) => text(0, value)), blockStop(0), messageDelta("end_turn", usageFrame), messageStop];
    expect(encode(sixChunks, { thinking: "enabled" })).toEqual(expected);
    expect(encode(sixChunks)).toEqual(expected);
    expect(encode(sixChunks, { thinking: "disabled" })).toEqual(expected);
  });

  test("thought summary then a signed call: the thinking block carries the call's signature (c), no empty block", () => {
    expect(
      encode(
        [
          { type: "message-start" },
          { type: "reasoning-delta", text: "I should read it." },
          { type: "tool-call-start", id: "call_1", name: "Read", signature: sig("EsgB") },
          { type: "tool-call-delta", id: "call_1", argumentsDelta: '{"file_path":"/a.ts"}' },
          { type: "tool-call-end", id: "call_1" },
          toolCalls,
          usage,
        ],
        { thinking: "enabled" },
        () => 1234,
      ),
    ).toEqual([
      startWithInput(1234),
      thinkingStart(0),
      thinking(0, "I should read it."),
      signature(0, "agw1.gemini.c.EsgB"),
      blockStop(0),
      toolStart(1, "call_1", "Read"),
      json(1, '{"file_path":"/a.ts"}'),
      blockStop(1),
      messageDelta("tool_use", usageFrame),
      messageStop,
    ]);
  });

  test("thought summary, then text: the thinking block ends with the unsigned marker; the text ends the message", () => {
    expect(
      encode(
        [
          { type: "message-start" },
          { type: "reasoning-delta", text: "Counting." },
          { type: "text-delta", text: "Three" },
          { type: "text-delta", text: "." },
          { type: "text-signature", signature: sig("EqsF") },
          stop,
          usage,
        ],
        { thinking: "enabled" },
      ).slice(1, -2),
    ).toEqual([
      thinkingStart(0),
      thinking(0, "Counting."),
      signature(0, "agw1.unsigned"),
      blockStop(0),
      textStart(1),
      text(1, "Three"),
      text(1, "."),
      blockStop(1),
    ]);
  });

  test("thinking disabled: no thinking block at all, signatures included", () => {
    expect(
      encode(
        [
          { type: "message-start" },
          { type: "reasoning-delta", text: "hidden" },
          { type: "reasoning-signature", signature: sig("r") },
          { type: "tool-call-start", id: "call_1", name: "Read", signature: sig("c") },
          { type: "tool-call-end", id: "call_1" },
          toolCalls,
          usage,
        ],
        { thinking: "disabled" },
      ),
    ).toEqual([messageStart, toolStart(0, "call_1", "Read"), blockStop(0), messageDelta("tool_use", usageFrame), messageStop]);
  });
});
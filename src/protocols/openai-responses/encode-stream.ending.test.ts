import { describe, expect, test } from "bun:test";
import { GatewayError } from "../../ir/errors.ts";
import { runMachine } from "../../sse/pipe.ts";
import { openaiResponsesStreamMachine } from "./encode-stream.ts";
import { contextFor, streamEvents } from "./test-helpers.ts";

const usage = { input: { total: 20, cacheRead: 5 }, output: { total: 12, reasoning: 4 } };
const usageOut = {
  input_tokens: 20,
  input_tokens_details: { cached_tokens: 5 },
  output_tokens: 12,
  output_tokens_details: { reasoning_tokens: 4 },
  total_tokens: 32,
};

describe("openaiResponsesStreamMachine: how streams end", () => {
  test("length: items complete, then response.incomplete with the reason", () => {
    const events = streamEvents(
      [
        { type: "text-delta", text: "Once upon" },
        { type: "finish", reason: { unified: "length", raw: "MAX_TOKENS" } },
        { type: "usage", usage },
      ],
      contextFor({ max_output_tokens: 3 }),
    );
    expect(events.map((event) => event.type).slice(-2)).toEqual(["response.output_item.done", "response.incomplete"]);
    expect(events.at(-1)).toEqual({
      type: "response.incomplete",
      sequence_number: events.length - 1,
      response: expect.objectContaining({
        status: "incomplete",
        incomplete_details: { reason: "max_output_tokens" },
        max_output_tokens: 3,
        usage: usageOut,
      }),
    });
  });

  test("a content filter also ends incomplete", () => {
    const events = streamEvents([{ type: "finish", reason: { unified: "content-filter", raw: "SAFETY" } }], contextFor({}));
    expect(events.at(-1)).toMatchObject({ type: "response.incomplete", response: { incomplete_details: { reason: "content_filter" } } });
  });

  test("the terminal event waits for usage; without usage it comes at the end with zeros", () => {
    const machine = openaiResponsesStreamMachine(contextFor({}));
    const state = machine.start();
    machine.step(state, { type: "text-delta", text: "Hi" });
    const onFinish = machine.step(state, { type: "finish", reason: { unified: "stop" } });
    expect(onFinish.some((frame) => frame.startsWith("event: response.completed"))).toBe(false);
    expect(onFinish.at(-1)).toStartWith("event: response.output_item.done");
    const atEnd = machine.finish?.(state) ?? [];
    expect(atEnd).toHaveLength(1);
    expect(JSON.parse((atEnd[0] as string).split("data: ")[1] as string).response.usage).toEqual({
      input_tokens: 0,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 0,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 0,
    });
  });

  test("an error: response.failed with the code Codex reads, then an error event, then nothing", () => {
    const error = new GatewayError("rate_limit", "Too many requests", { retryAfterMs: 1500 });
    const context = contextFor({});
    const machine = openaiResponsesStreamMachine(context);
    const state = machine.start();
    const frames = [
      ...machine.step(state, { type: "text-delta", text: "Hel" }),
      ...machine.step(state, { type: "error", error }),
      ...machine.step(state, { type: "text-delta", text: "lo" }),
      ...(machine.finish?.(state) ?? []),
    ];
    const events = frames.map((frame) => JSON.parse(frame.split("data: ")[1] as string));
    const message = "Too many requests. Please try again in 1.5s.";
    expect(events.slice(-2)).toEqual([
      {
        type: "response.failed",
        sequence_number: 5,
        response: expect.objectContaining({ status: "failed", error: { code: "rate_limit_exceeded", message }, output: [] }),
      },
      { type: "error", code: "rate_limit_exceeded", message, param: null, sequence_number: 6 },
    ]);
    expect(frames.at(-1)).toStartWith("event: error\n");
  });

  test("an error before any output still opens the response first", () => {
    const events = streamEvents([{ type: "error", error: new GatewayError("unavailable", "no account can serve now") }], contextFor({}));
    expect(events.map((event) => event.type)).toEqual(["response.created", "response.in_progress", "response.failed", "error"]);
    expect(events[3]).toMatchObject({ code: "server_is_overloaded", message: "no account can serve now" });
  });

  test("other choices are ignored; an empty stream is an empty completed response", () => {
    const events = streamEvents([{ type: "text-delta", text: "second", choice: 1 }], contextFor({}));
    expect(events.map((event) => event.type)).toEqual(["response.created", "response.in_progress", "response.completed"]);
    expect(events[2]).toMatchObject({ response: { output: [], status: "completed" } });
  });

  test("a delta without its start opens the call, so its arguments are not lost", () => {
    const frames = runMachine(openaiResponsesStreamMachine(contextFor({})), [
      { type: "tool-call-delta", id: "call_x", argumentsDelta: "{}" },
      { type: "finish", reason: { unified: "tool-calls" } },
    ]);
    const completed = JSON.parse((frames.at(-1) as string).split("data: ")[1] as string);
    expect(completed.response.output).toEqual([
      { type: "function_call", id: "fc_abc_0", call_id: "call_x", name: "", arguments: "{}", status: "completed" },
    ]);
  });
});

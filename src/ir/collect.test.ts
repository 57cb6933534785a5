import { describe, expect, test } from "bun:test";
import { ResponseCollector } from "./collect.ts";
import { GatewayError } from "./errors.ts";
import type { StreamEvent } from "./event.ts";

const collect = (events: StreamEvent[]) => {
  const collector = new ResponseCollector();
  for (const event of events) collector.add(event);
  return collector.result();
};

describe("ResponseCollector", () => {
  test("merges deltas, keeps parts in order, takes id, model, finish and usage", () => {
    const response = collect([
      { type: "message-start", id: "r1", model: "m" },
      { type: "reasoning-delta", text: "Think" },
      { type: "reasoning-delta", text: "ing." },
      { type: "reasoning-signature", signature: { family: "gemini", value: "s1" } },
      { type: "text-delta", text: "Hel" },
      { type: "text-delta", text: "lo" },
      { type: "tool-call-start", id: "c1", name: "f", signature: { family: "gemini", value: "s2" } },
      { type: "tool-call-delta", id: "c1", argumentsDelta: '{"a":' },
      { type: "tool-call-delta", id: "c1", argumentsDelta: "1}" },
      { type: "tool-call-end", id: "c1" },
      { type: "finish", reason: { unified: "tool-calls", raw: "STOP" } },
      { type: "usage", usage: { input: { total: 3 }, output: { total: 4 } } },
    ]);
    expect(response).toEqual({
      id: "r1",
      model: "m",
      choices: [
        {
          index: 0,
          content: [
            { type: "reasoning", text: "Thinking.", signature: { family: "gemini", value: "s1" } },
            { type: "text", text: "Hello" },
            { type: "tool-call", id: "c1", name: "f", arguments: '{"a":1}', signature: { family: "gemini", value: "s2" } },
          ],
          finishReason: { unified: "tool-calls", raw: "STOP" },
        },
      ],
      usage: { input: { total: 3 }, output: { total: 4 } },
    });
  });

  test("reasoning after a signature starts a new part; a redacted signature is its own redacted part", () => {
    const content = collect([
      { type: "reasoning-delta", text: "one" },
      { type: "reasoning-signature", signature: { family: "anthropic", value: "a" } },
      { type: "reasoning-delta", text: "two" },
      { type: "reasoning-signature", signature: { family: "anthropic", value: "opaque" }, redacted: true },
    ]).choices[0]!.content;
    expect(content).toEqual([
      { type: "reasoning", text: "one", signature: { family: "anthropic", value: "a" } },
      { type: "reasoning", text: "two" },
      { type: "reasoning", text: "", signature: { family: "anthropic", value: "opaque" }, redacted: true },
    ]);
  });

  test("alternative answers are kept apart by choice index", () => {
    const response = collect([
      { type: "text-delta", text: "A" },
      { type: "text-delta", text: "B", choice: 1 },
      { type: "finish", reason: { unified: "stop" }, choice: 1 },
      { type: "finish", reason: { unified: "stop" } },
    ]);
    expect(response.choices.map((choice) => choice.content)).toEqual([[{ type: "text", text: "A" }], [{ type: "text", text: "B" }]]);
  });

  test("an error event rejects with that error", () => {
    const error = new GatewayError("upstream", "broke");
    expect(() => collect([{ type: "text-delta", text: "x" }, { type: "error", error }])).toThrow(error);
  });
});

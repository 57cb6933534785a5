import { describe, expect, test } from "bun:test";
import { GatewayError } from "../../ir/errors.ts";
import type { StreamEvent } from "../../ir/event.ts";
import { runMachine } from "../../sse/pipe.ts";
import type { CompletionsOptions } from "./decode-request.ts";
import { openaiCompletionsStreamMachine } from "./encode-stream.ts";

const head = { id: "cmpl-7iA7iJjj8V2zOkCGvWF2hAkDWBQZe", object: "text_completion", created: 1690759702, model: "gpt-3.5-turbo-instruct" };

function encode(events: StreamEvent[], options: CompletionsOptions = { includeUsage: false }): string {
  return runMachine(openaiCompletionsStreamMachine({ id: head.id, model: head.model, created: head.created, options }), events).join("");
}

const data = (value: unknown) => `data: ${JSON.stringify(value)}\n\n`;
const choice = (text: string, index = 0, finishReason: string | null = null) => ({ text, index, logprobs: null, finish_reason: finishReason });
const chunk = (choices: unknown[], usage?: unknown) => data({ ...head, choices, ...(usage === undefined ? {} : { usage }) });
const DONE = "data: [DONE]\n\n";

describe("openaiCompletionsStreamMachine", () => {
  test("the reference chunk, then a finish chunk and [DONE]", async () => {
    const documented = JSON.parse(await Bun.file(new URL("./fixtures/streaming-chunk.json", import.meta.url)).text());
    const { system_fingerprint: _fingerprint, ...expected } = documented;
    const output = encode([
      { type: "message-start", id: "upstream-id", model: "gemini-2.5-flash" },
      { type: "reasoning-delta", text: "hidden" },
      { type: "text-delta", text: "This" },
      { type: "text-delta", text: "" },
      { type: "finish", reason: { unified: "length", raw: "MAX_TOKENS" } },
      { type: "usage", usage: { input: { total: 5 }, output: { total: 7 } } },
    ]);
    const frames = output.split("\n\n").filter((frame) => frame !== "");
    expect(JSON.parse(frames[0]!.slice("data: ".length))).toStrictEqual(expected);
    expect(output).toBe(chunk([choice("This")]) + chunk([choice("", 0, "length")]) + DONE);
  });

  test("include_usage: usage null on every chunk, then a usage chunk without choices", () => {
    const output = encode(
      [
        { type: "text-delta", text: "Hi" },
        { type: "finish", reason: { unified: "stop" } },
        { type: "usage", usage: { input: { total: 3, cacheRead: 1 }, output: { total: 4, reasoning: 2 } } },
      ],
      { includeUsage: true },
    );
    expect(output).toBe(
      chunk([choice("Hi")], null) +
        chunk([choice("", 0, "stop")], null) +
        chunk([], { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 }) +
        DONE,
    );
  });

  test("echo: every choice opens with the prompt, even one without text", () => {
    const output = encode(
      [
        { type: "text-delta", text: " world", choice: 0 },
        { type: "finish", reason: { unified: "stop" }, choice: 1 },
        { type: "finish", reason: { unified: "stop" }, choice: 0 },
      ],
      { includeUsage: false, echo: "Hello" },
    );
    expect(output).toBe(
      chunk([choice("Hello")]) +
        chunk([choice(" world")]) +
        chunk([choice("Hello", 1)]) +
        chunk([choice("", 1, "stop")]) +
        chunk([choice("", 0, "stop")]) +
        DONE,
    );
  });

  test("nothing follows a choice's finish; tool calls are dropped", () => {
    const output = encode([
      { type: "tool-call-start", id: "c1", name: "f" },
      { type: "tool-call-delta", id: "c1", argumentsDelta: "{}" },
      { type: "tool-call-end", id: "c1" },
      { type: "finish", reason: { unified: "tool-calls" } },
      { type: "text-delta", text: "late" },
      { type: "finish", reason: { unified: "stop" } },
    ]);
    expect(output).toBe(chunk([choice("", 0, "stop")]) + DONE);
  });

  test("an error ends the stream with an OpenAI error frame and no [DONE]", () => {
    const output = encode([
      { type: "text-delta", text: "part" },
      { type: "error", error: new GatewayError("rate_limit", "slow down") },
      { type: "text-delta", text: "never" },
    ]);
    expect(output).toBe(
      chunk([choice("part")]) +
        data({ error: { message: "slow down", type: "rate_limit_error", param: null, code: "rate_limit_exceeded" } }),
    );
  });
});

import { describe, expect, test } from "bun:test";
import { GatewayError } from "../../ir/errors.ts";
import type { StreamEvent } from "../../ir/event.ts";
import { runMachine } from "../../sse/pipe.ts";
import type { GeminiNativeOptions } from "./decode-request.ts";
import { geminiStreamMachine } from "./encode-stream.ts";

const head = { modelVersion: "gemini-2.5-flash", responseId: "dX6LadKVC7SZ28oPr9yJoQs" };

function encode(events: StreamEvent[], options: Partial<GeminiNativeOptions> = {}): string {
  const context = {
    id: head.responseId,
    model: head.modelVersion,
    created: 1700000000,
    options: { framing: "sse" as const, includeThoughts: false, ...options },
  };
  return runMachine(geminiStreamMachine(context), events).join("");
}

const candidate = (parts: unknown[], extra: Record<string, unknown> = {}, index = 0) => ({
  content: { parts, role: "model" },
  ...extra,
  index,
});
const response = (candidates: unknown[], usageMetadata?: unknown) => ({
  candidates,
  ...(usageMetadata === undefined ? {} : { usageMetadata }),
  ...head,
});
const sse = (value: unknown) => `data: ${JSON.stringify(value)}\r\n\r\n`;

/** The thinking answer of the Gemini provider's fixture, as IR events. */
const thinking: StreamEvent[] = [
  { type: "message-start", id: "upstream-id", model: "gemini-2.5-flash" },
  { type: "reasoning-delta", text: "**Counting the letters**" },
  { type: "reasoning-delta", text: "**Confirming the count**" },
  { type: "reasoning-signature", signature: { family: "gemini", value: "CiQB0e2Kb1kq9xJ0" } },
  { type: "text-delta", text: 'There are **3** "r"s in' },
  { type: "text-delta", text: " strawberry." },
  { type: "finish", reason: { unified: "stop", raw: "STOP" } },
  { type: "usage", usage: { input: { total: 9 }, output: { total: 285, reasoning: 256 } } },
];
const usage = { promptTokenCount: 9, candidatesTokenCount: 29, totalTokenCount: 294, thoughtsTokenCount: 256 };

describe("geminiStreamMachine, SSE framing (alt=sse)", () => {
  test("thinking shown, text, then one last chunk with the finish and the usage", () => {
    expect(encode(thinking, { includeThoughts: true })).toBe(
      sse(response([candidate([{ text: "**Counting the letters**", thought: true }])])) +
        sse(response([candidate([{ text: "**Confirming the count**", thought: true }])])) +
        sse(response([candidate([{ text: 'There are **3** "r"s in', thoughtSignature: "CiQB0e2Kb1kq9xJ0" }])])) +
        sse(response([candidate([{ text: " strawberry." }])])) +
        sse(response([candidate([{ text: "" }], { finishReason: "STOP" })], usage)),
    );
  });

  test("thoughts hidden without includeThoughts; their signature still reaches the client", () => {
    expect(encode(thinking)).toBe(
      sse(response([candidate([{ text: 'There are **3** "r"s in', thoughtSignature: "CiQB0e2Kb1kq9xJ0" }])])) +
        sse(response([candidate([{ text: " strawberry." }])])) +
        sse(response([candidate([{ text: "" }], { finishReason: "STOP" })], usage)),
    );
  });

  test("a function call goes out whole once its arguments are complete", () => {
    const output = encode([
      { type: "message-start" },
      { type: "tool-call-start", id: "toolu_1", name: "get_weather", signature: { family: "gemini", value: "EpEgCo4g" } },
      { type: "tool-call-delta", id: "toolu_1", argumentsDelta: '{"location":' },
      { type: "tool-call-delta", id: "toolu_1", argumentsDelta: '"San Francisco"}' },
      { type: "tool-call-end", id: "toolu_1" },
      { type: "tool-call-start", id: "toolu_2", name: "get_time", signature: { family: "anthropic", value: "x" } },
      { type: "tool-call-end", id: "toolu_2" },
      { type: "finish", reason: { unified: "tool-calls", raw: "tool_use" } },
      { type: "usage", usage: { input: { total: 29 }, output: { total: 15 } } },
    ]);
    expect(output).toBe(
      sse(
        response([candidate([{ functionCall: { name: "get_weather", args: { location: "San Francisco" } }, thoughtSignature: "EpEgCo4g" }])]),
      ) +
        sse(response([candidate([{ functionCall: { name: "get_time", args: {} }, thoughtSignature: "agw1.anthropic.t.x" }])])) +
        sse(response([candidate([{ text: "" }], { finishReason: "STOP" })], { promptTokenCount: 29, candidatesTokenCount: 15, totalTokenCount: 44 })),
    );
  });

  test("a call the upstream never closed goes out with the finish; no usage, no usageMetadata", () => {
    const output = encode([
      { type: "tool-call-start", id: "c", name: "f" },
      { type: "tool-call-delta", id: "c", argumentsDelta: '{"a":1}' },
      { type: "finish", reason: { unified: "length" } },
    ]);
    expect(output).toBe(sse(response([candidate([{ functionCall: { name: "f", args: { a: 1 } } }], { finishReason: "MAX_TOKENS" })])));
  });

  test("several candidates finish together in the last chunk", () => {
    const output = encode([
      { type: "text-delta", text: "a", choice: 0 },
      { type: "text-delta", text: "b", choice: 1 },
      { type: "finish", reason: { unified: "stop" }, choice: 1 },
      { type: "text-delta", text: "late", choice: 1 },
      { type: "finish", reason: { unified: "content-filter" }, choice: 0 },
      { type: "usage", usage: { input: { total: 1 }, output: { total: 2 } } },
    ]);
    expect(output).toBe(
      sse(response([candidate([{ text: "a" }])])) +
        sse(response([candidate([{ text: "b" }], {}, 1)])) +
        sse(
          response(
            [candidate([{ text: "" }], { finishReason: "SAFETY" }, 0), candidate([{ text: "" }], { finishReason: "STOP" }, 1)],
            { promptTokenCount: 1, candidatesTokenCount: 2, totalTokenCount: 3 },
          ),
        ),
    );
  });

  test("an error ends the stream with Google's error body", () => {
    const output = encode([
      { type: "text-delta", text: "partial" },
      { type: "error", error: new GatewayError("overloaded", "The model is overloaded. Please try again later.") },
      { type: "text-delta", text: "never" },
    ]);
    expect(output).toBe(
      sse(response([candidate([{ text: "partial" }])])) +
        sse({ error: { code: 503, message: "The model is overloaded. Please try again later.", status: "UNAVAILABLE" } }),
    );
  });

  test("an empty stream writes nothing", () => {
    expect(encode([])).toBe("");
  });
});

describe("geminiStreamMachine, JSON-array framing (Google's default)", () => {
  const element = (value: unknown) => JSON.stringify(value, null, 2);

  test("the same chunks as one array: pretty elements, \\n,\\r\\n between them, \\n] at the end", () => {
    const output = encode(thinking, { framing: "json-array" });
    expect(output).toBe(
      "[" +
        element(response([candidate([{ text: 'There are **3** "r"s in', thoughtSignature: "CiQB0e2Kb1kq9xJ0" }])])) +
        "\n,\r\n" +
        element(response([candidate([{ text: " strawberry." }])])) +
        "\n,\r\n" +
        element(response([candidate([{ text: "" }], { finishReason: "STOP" })], usage)) +
        "\n]",
    );
    expect(output.startsWith('[{\n  "candidates": [\n    {\n      "content": {\n        "parts": [')).toBe(true);
    expect(JSON.parse(output)).toHaveLength(3);
  });

  test("an error closes the array properly", () => {
    const output = encode(
      [
        { type: "text-delta", text: "partial" },
        { type: "error", error: new GatewayError("rate_limit", "Resource has been exhausted (e.g. check quota).", { retryAfterMs: 26000 }) },
      ],
      { framing: "json-array" },
    );
    const error = {
      error: {
        code: 429,
        message: "Resource has been exhausted (e.g. check quota).",
        status: "RESOURCE_EXHAUSTED",
        details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "26s" }],
      },
    };
    expect(output).toBe(`[${element(response([candidate([{ text: "partial" }])]))}\n,\r\n${element(error)}\n]`);
    expect(JSON.parse(output)).toEqual([response([candidate([{ text: "partial" }])]), error]);
  });

  test("an error before anything else is a one-element array", () => {
    const output = encode([{ type: "error", error: new GatewayError("upstream", "boom") }], { framing: "json-array" });
    expect(JSON.parse(output)).toEqual([{ error: { code: 502, message: "boom", status: "INTERNAL" } }]);
  });

  test("an empty stream is an empty array", () => {
    expect(encode([], { framing: "json-array" })).toBe("[]");
  });

  test("every split of the output parses to the same elements (a streaming client reads it whole)", () => {
    const output = encode(thinking, { framing: "json-array", includeThoughts: true });
    const elements = JSON.parse(output) as unknown[];
    expect(elements).toHaveLength(5);
    // Naive clients split on Google's separator; the pretty elements make that work too.
    const pieces = output.slice(1, -2).split("\n,\r\n").map((piece) => JSON.parse(piece));
    expect(pieces).toEqual(elements);
  });
});

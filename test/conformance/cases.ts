import { expect } from "bun:test";
import { expectErrorAnswer, expectStreamError, faultStatus } from "./error-shapes.ts";
import type { Received, ReceivedTurn } from "./received.ts";

/**
 * The conformance cases: one neutral description of a conversation and of
 * what a client must get back, run through every client protocol against
 * every provider type. Each case checks the whole answer the client gets
 * and, where the upstream has a wire, what the upstream received.
 */

export type Turn =
  | { role: "user"; text: string; image?: boolean }
  | { role: "assistant"; text?: string; calls?: Array<{ id: string; name: string; args: Record<string, unknown> }> }
  | { role: "tool"; id: string; name: string; text: string; image?: boolean };

/** Which upstream account answers: a healthy one, or one with a fault. */
export type Fault = "none" | "rate-limit" | "server-error" | "overload" | "midstream";

export type UpstreamName = "gemini" | "gemini-3" | "openai" | "anthropic" | "mock";

export interface Case {
  name: string;
  turns: Turn[];
  stream: boolean;
  tools?: boolean;
  json?: boolean;
  reasoning?: boolean;
  maxTokens?: number;
  fault?: Fault;
  /** A second request: the first answer (as the protocol returned it) plus this user text. */
  followUp?: string;
  /** A second request: the first answer plus this text as the result of each call it made. */
  followUpResult?: string;
  /** The feature a protocol or provider must have for the case to apply (see skips.ts). */
  needs: Feature[];
  expect(outcome: Outcome, protocol: string, upstream: UpstreamName): void;
}

export type Feature = "turns" | "tools" | "tool-images" | "json" | "images" | "reasoning" | "errors";

/** What any client made of an answer, whatever its protocol. */
export interface Outcome {
  status: number;
  text: string;
  reasoning: string;
  calls: Array<{ name: string; args: unknown }>;
  finish: "stop" | "length" | "tool" | "error" | "other";
  /** A refused request: the body (parsed when JSON) and the Retry-After header. */
  error?: { body: unknown; retryAfter: string | null };
  /** The data of each error frame inside a 200 stream, as the protocol framed it. */
  streamErrors: unknown[];
  /** The protocol-native assistant turn, to send back in a follow-up. */
  assistant?: unknown;
  /** The follow-up's outcome, when the case has one. */
  next?: Outcome;
  /** What the upstream received for this request (its last attempt), when it has a wire. */
  received?: Received;
  /** Set when the upstream has no wire (the mock): its checks of `received` do not apply. */
  noWire?: boolean;
}

export const PNG_BASE64 =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
const PNG = `image/png;${PNG_BASE64}`;
const PNG_BYTES = Buffer.from(PNG_BASE64, "base64").length;

/** The JSON answer's schema: its enum can only come back if the schema reached the upstream. */
export const ANSWER_SCHEMA = {
  type: "object",
  properties: { answer: { type: "string", enum: ["conformance-json"] } },
  required: ["answer"],
};

/** The fakes answer "Echo: <text>"; the mock answers the text itself. */
const echo = (upstream: UpstreamName, text: string) => (upstream === "mock" ? text : `Echo: ${text}`);

const isGemini = (upstream: UpstreamName) => upstream === "gemini" || upstream === "gemini-3";

/**
 * A tool result's text as the upstream reads it, and the fake's answer to it.
 * A Gemini client's result is the JSON object it sent ({"result": …}), which
 * other upstreams get as the result's text; the Gemini fake answers with the
 * functionResponse's JSON.
 */
function toolResult(protocol: string, upstream: UpstreamName, text: string): { upstreamText: string; answer: string } {
  const upstreamText = protocol === "gemini" && !isGemini(upstream) ? JSON.stringify({ result: text }) : text;
  return { upstreamText, answer: `The result was: ${isGemini(upstream) ? JSON.stringify({ result: text }) : upstreamText}` };
}

/** What the upstream received; undefined only where it has no wire to read. */
function upstreamSaw(outcome: Outcome | undefined): Received | undefined {
  if (outcome?.noWire) return undefined;
  expect(outcome?.received).toBeDefined();
  return outcome!.received;
}

/** The turns as role and text, system turns left out: enough to see the whole history arrived, in order. */
const history = (received: Received) =>
  received.turns.filter((turn) => turn.role !== "system").map(({ role, text }: ReceivedTurn) => ({ role, text }));

const errorCase = (name: string, fault: "rate-limit" | "server-error" | "overload", stream: boolean): Case => ({
  name,
  turns: [{ role: "user", text: "x" }],
  stream,
  fault,
  needs: ["errors"],
  expect: (outcome, protocol) => {
    expect(outcome.status).toBe(faultStatus(fault, protocol));
    expectErrorAnswer(protocol, fault, outcome.error?.body, outcome.error?.retryAfter ?? null);
  },
});

export const cases: Case[] = [
  {
    name: "plain text",
    turns: [{ role: "user", text: "hello conformance" }],
    stream: false,
    needs: [],
    expect: (outcome, _protocol, upstream) => {
      expect(outcome.status).toBe(200);
      expect(outcome.text).toBe(echo(upstream, "hello conformance"));
      expect(outcome.finish).toBe("stop");
      const received = upstreamSaw(outcome);
      if (received) expect(history(received)).toEqual([{ role: "user", text: "hello conformance" }]);
    },
  },
  {
    name: "streaming",
    turns: [{ role: "user", text: "stream conformance" }],
    stream: true,
    needs: [],
    expect: (outcome, _protocol, upstream) => {
      expect(outcome.status).toBe(200);
      expect(outcome.text).toBe(echo(upstream, "stream conformance"));
      expect(outcome.finish).toBe("stop");
      expect(outcome.streamErrors).toEqual([]);
    },
  },
  {
    name: "multi-turn",
    turns: [
      { role: "user", text: "first question" },
      { role: "assistant", text: "Echo: first question" },
      { role: "user", text: "second question" },
    ],
    stream: true,
    needs: ["turns"],
    expect: (outcome, _protocol, upstream) => {
      expect(outcome.status).toBe(200);
      expect(outcome.text).toBe(echo(upstream, "second question"));
      const received = upstreamSaw(outcome);
      if (received) {
        expect(history(received)).toEqual([
          { role: "user", text: "first question" },
          { role: "assistant", text: "Echo: first question" },
          { role: "user", text: "second question" },
        ]);
      }
    },
  },
  {
    name: "tool call",
    turns: [{ role: "user", text: "What is the weather in Paris?" }],
    stream: false,
    tools: true,
    needs: ["tools"],
    expect: (outcome) => {
      expect(outcome.status).toBe(200);
      expect(outcome.calls).toEqual([{ name: "get_weather", args: { city: "Paris" } }]);
      expect(outcome.finish).toBe("tool");
    },
  },
  {
    name: "parallel tool calls, streaming",
    turns: [{ role: "user", text: "What is the weather in Paris and Tokyo?" }],
    stream: true,
    tools: true,
    needs: ["tools"],
    expect: (outcome) => {
      expect(outcome.status).toBe(200);
      expect(outcome.calls).toEqual([
        { name: "get_weather", args: { city: "Paris" } },
        { name: "get_weather", args: { city: "Tokyo" } },
      ]);
      expect(outcome.finish).toBe("tool");
    },
  },
  {
    name: "tool result",
    turns: [
      { role: "user", text: "What is the weather in Paris?" },
      { role: "assistant", calls: [{ id: "call_1", name: "get_weather", args: { city: "Paris" } }] },
      { role: "tool", id: "call_1", name: "get_weather", text: "22C and sunny" },
    ],
    stream: true,
    tools: true,
    needs: ["turns", "tools"],
    expect: (outcome, protocol, upstream) => {
      expect(outcome.status).toBe(200);
      const { upstreamText: resultText, answer } = toolResult(protocol, upstream, "22C and sunny");
      expect(outcome.text).toBe(answer);
      const received = upstreamSaw(outcome);
      if (received) {
        const [user, assistant, tool] = received.turns.filter((turn) => turn.role !== "system");
        expect(received.turns.filter((turn) => turn.role !== "system")).toHaveLength(3);
        expect(user).toMatchObject({ role: "user", text: "What is the weather in Paris?" });
        expect(assistant).toMatchObject({ role: "assistant", calls: [{ name: "get_weather", args: { city: "Paris" } }] });
        expect(tool).toMatchObject({ role: "tool", results: [{ text: resultText }] });
        // Where the wire has ids, the result names the call it answers.
        expect(tool!.results[0]!.id).toBe(assistant!.calls[0]!.id);
      }
    },
  },
  {
    name: "tool result with an image",
    turns: [
      { role: "user", text: "What is the weather in Paris?" },
      { role: "assistant", calls: [{ id: "call_1", name: "get_weather", args: { city: "Paris" } }] },
      { role: "tool", id: "call_1", name: "get_weather", text: "see the chart", image: true },
    ],
    stream: false,
    tools: true,
    needs: ["turns", "tools", "tool-images"],
    expect: (outcome, _protocol, upstream) => {
      expect(outcome.status).toBe(200);
      // Upstreams whose tool messages hold text only (OpenAI Chat) get the image in a user
      // message right after the result, which the OpenAI fake then describes.
      const answers: Record<string, string> = {
        openai: `I see an image of image/png with ${PNG_BYTES} bytes`,
        anthropic: "The result was: see the chart",
        gemini: 'The result was: {"result":"see the chart"}',
        "gemini-3": 'The result was: {"result":"see the chart"}',
      };
      expect(outcome.text).toBe(answers[upstream]!);
      const received = upstreamSaw(outcome);
      if (received) {
        const afterCall = received.turns.slice(received.turns.findIndex((turn) => turn.calls.length > 0) + 1);
        expect(afterCall.flatMap((turn) => turn.results.map((result) => result.text))).toEqual(["see the chart"]);
        expect(afterCall.flatMap((turn) => turn.images)).toEqual([PNG]);
      }
    },
  },
  {
    name: "JSON output",
    turns: [{ role: "user", text: "answer in JSON" }],
    stream: false,
    json: true,
    needs: ["json"],
    expect: (outcome) => {
      expect(outcome.status).toBe(200);
      expect(JSON.parse(outcome.text)).toEqual({ answer: "conformance-json" });
      const received = upstreamSaw(outcome);
      if (received) expect(received.schema).toMatchObject({ properties: { answer: { enum: ["conformance-json"] } } });
    },
  },
  {
    name: "image input",
    turns: [{ role: "user", text: "What is this?", image: true }],
    stream: false,
    needs: ["images"],
    expect: (outcome) => {
      expect(outcome.status).toBe(200);
      expect(outcome.text).toBe(`I see an image of image/png with ${PNG_BYTES} bytes`);
      const received = upstreamSaw(outcome);
      if (received) expect(received.turns.filter((turn) => turn.role !== "system")).toMatchObject([{ role: "user", text: "What is this?", images: [PNG] }]);
    },
  },
  {
    name: "reasoning across turns",
    turns: [{ role: "user", text: "think about this" }],
    stream: true,
    reasoning: true,
    followUp: "and then this",
    needs: ["reasoning", "turns"],
    expect: (outcome, _protocol, upstream) => {
      expect(outcome.status).toBe(200);
      expect(outcome.reasoning).toBe("Thinking about it.");
      expect(outcome.text).toBe(echo(upstream, "think about this"));
      expect(outcome.next?.status).toBe(200);
      expect(outcome.next?.text).toBe(echo(upstream, "and then this"));
      const received = upstreamSaw(outcome.next);
      if (received) {
        expect(history(received)).toEqual([
          { role: "user", text: "think about this" },
          { role: "assistant", text: echo(upstream, "think about this") },
          { role: "user", text: "and then this" },
        ]);
      }
    },
  },
  {
    // Anthropic wants the thinking block, signed, back at the start of a tool loop's assistant turn;
    // Gemini 3 wants a call's signature back: the turn must cross the gateway twice intact.
    name: "reasoning with a tool call, then its result",
    turns: [{ role: "user", text: "What is the weather in Paris?" }],
    stream: true,
    tools: true,
    reasoning: true,
    followUpResult: "22C and sunny",
    needs: ["reasoning", "tools", "turns"],
    expect: (outcome, protocol, upstream) => {
      expect(outcome.status).toBe(200);
      expect(outcome.reasoning).toBe("Thinking about it.");
      expect(outcome.calls).toEqual([{ name: "get_weather", args: { city: "Paris" } }]);
      expect(outcome.finish).toBe("tool");
      expect(outcome.next?.status).toBe(200);
      const { upstreamText: resultText, answer } = toolResult(protocol, upstream, "22C and sunny");
      expect(outcome.next?.text).toBe(answer);
      const received = upstreamSaw(outcome.next);
      if (received) {
        const turns = received.turns.filter((turn) => turn.role !== "system");
        expect(turns.map((turn) => turn.role)).toEqual(["user", "assistant", "tool"]);
        expect(turns[1]!.calls).toMatchObject([{ name: "get_weather", args: { city: "Paris" } }]);
        expect(turns[2]!.results).toMatchObject([{ text: resultText }]);
        expect(turns[2]!.results[0]!.id).toBe(turns[1]!.calls[0]!.id);
      }
    },
  },
  {
    name: "max-tokens stop",
    turns: [{ role: "user", text: "a long answer please" }],
    stream: false,
    maxTokens: 3,
    needs: [],
    expect: (outcome, _protocol, upstream) => {
      expect(outcome.status).toBe(200);
      // The fakes cut to "Echo"; the mock to max_tokens × 4 characters.
      expect(outcome.text).toBe(upstream === "mock" ? "a long answe" : "Echo");
      expect(outcome.finish).toBe("length");
    },
  },
  {
    // OpenAI, Anthropic and Gemini refuse a max_tokens above the model's output limit; the gateway clamps it.
    name: "max tokens above the model's limit",
    turns: [{ role: "user", text: "a short answer" }],
    stream: false,
    maxTokens: 200_000,
    needs: [],
    expect: (outcome, _protocol, upstream) => {
      expect(outcome.status).toBe(200);
      expect(outcome.text).toBe(echo(upstream, "a short answer"));
      expect(outcome.finish).toBe("stop");
      const received = upstreamSaw(outcome);
      // The output limits of the models the fakes serve (the vendors' model pages).
      const limits: Partial<Record<UpstreamName, number>> = { openai: 16_384, anthropic: 64_000, gemini: 65_536, "gemini-3": 65_536 };
      if (received) expect(received.maxTokens).toBe(limits[upstream]!);
    },
  },
  errorCase("upstream 429", "rate-limit", false),
  errorCase("upstream 500", "server-error", false),
  errorCase("upstream overloaded", "overload", true),
  {
    name: "error inside the stream",
    turns: [{ role: "user", text: "x" }],
    stream: true,
    fault: "midstream",
    needs: ["errors"],
    expect: (outcome, protocol) => {
      expect(outcome.status).toBe(200);
      expect(outcome.text).toBe("Partial answer");
      expect(outcome.finish).toBe("error");
      expectStreamError(protocol, outcome.streamErrors);
    },
  },
];

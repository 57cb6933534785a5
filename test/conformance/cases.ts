import { expect } from "bun:test";

/**
 * The conformance cases: one neutral description of a conversation and of
 * what a client must get back, run through every client protocol against
 * every provider type.
 */

export type Turn =
  | { role: "user"; text: string; image?: boolean }
  | { role: "assistant"; text?: string; calls?: Array<{ id: string; name: string; args: Record<string, unknown> }> }
  | { role: "tool"; id: string; name: string; text: string; image?: boolean };

/** Which upstream account answers: a healthy one, or one with a fault. */
export type Fault = "none" | "rate-limit" | "server-error" | "overload" | "midstream";

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
  /** The feature a protocol or provider must have for the case to apply (see skips.ts). */
  needs: Feature[];
  expect(outcome: Outcome, protocol: string): void;
}

export type Feature = "turns" | "tools" | "tool-images" | "json" | "images" | "reasoning" | "errors";

/** What any client made of an answer, whatever its protocol. */
export interface Outcome {
  status: number;
  text: string;
  reasoning: string;
  calls: Array<{ name: string; args: unknown }>;
  finish: "stop" | "length" | "tool" | "error" | "other";
  /** The protocol-native assistant turn, to send back in a follow-up. */
  assistant?: unknown;
  /** The follow-up's outcome, when the case has one. */
  next?: Outcome;
}

export const PNG_BASE64 =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

const overloadStatus = (protocol: string) => (protocol === "anthropic" ? 529 : 503);

export const cases: Case[] = [
  {
    name: "plain text",
    turns: [{ role: "user", text: "hello conformance" }],
    stream: false,
    needs: [],
    expect: (outcome) => {
      expect(outcome.status).toBe(200);
      expect(outcome.text).toContain("hello conformance");
      expect(outcome.finish).toBe("stop");
    },
  },
  {
    name: "streaming",
    turns: [{ role: "user", text: "stream conformance" }],
    stream: true,
    needs: [],
    expect: (outcome) => {
      expect(outcome.status).toBe(200);
      expect(outcome.text).toContain("stream conformance");
      expect(outcome.finish).toBe("stop");
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
    expect: (outcome) => {
      expect(outcome.status).toBe(200);
      expect(outcome.text).toContain("second question");
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
    expect: (outcome) => {
      expect(outcome.status).toBe(200);
      expect(outcome.text).toContain("22C and sunny");
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
    expect: (outcome) => {
      expect(outcome.status).toBe(200);
      // Upstreams whose tool messages hold text only (OpenAI Chat) get the image in a user
      // message right after the result; the fakes then describe the image instead.
      expect(outcome.text).toMatch(/The result was|image\/png/);
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
      expect(JSON.parse(outcome.text)).toHaveProperty("answer");
    },
  },
  {
    name: "image input",
    turns: [{ role: "user", text: "What is this?", image: true }],
    stream: false,
    needs: ["images"],
    expect: (outcome) => {
      expect(outcome.status).toBe(200);
      expect(outcome.text).toContain("image/png");
    },
  },
  {
    name: "reasoning across turns",
    turns: [{ role: "user", text: "think about this" }],
    stream: true,
    reasoning: true,
    followUp: "and then this",
    needs: ["reasoning", "turns"],
    expect: (outcome) => {
      expect(outcome.status).toBe(200);
      expect(outcome.reasoning).toContain("Thinking about it.");
      expect(outcome.next?.status).toBe(200);
      expect(outcome.next?.text).toContain("and then this");
    },
  },
  {
    name: "max-tokens stop",
    turns: [{ role: "user", text: "a long answer please" }],
    stream: false,
    maxTokens: 3,
    needs: [],
    expect: (outcome) => {
      expect(outcome.status).toBe(200);
      expect(outcome.finish).toBe("length");
    },
  },
  {
    name: "upstream 429",
    turns: [{ role: "user", text: "x" }],
    stream: false,
    fault: "rate-limit",
    needs: ["errors"],
    expect: (outcome) => expect(outcome.status).toBe(429),
  },
  {
    name: "upstream 500",
    turns: [{ role: "user", text: "x" }],
    stream: false,
    fault: "server-error",
    needs: ["errors"],
    expect: (outcome) => expect(outcome.status).toBe(502),
  },
  {
    name: "upstream overloaded",
    turns: [{ role: "user", text: "x" }],
    stream: true,
    fault: "overload",
    needs: ["errors"],
    expect: (outcome, protocol) => expect(outcome.status).toBe(overloadStatus(protocol)),
  },
  {
    name: "error inside the stream",
    turns: [{ role: "user", text: "x" }],
    stream: true,
    fault: "midstream",
    needs: ["errors"],
    expect: (outcome) => {
      expect(outcome.status).toBe(200);
      expect(outcome.finish).toBe("error");
    },
  },
];

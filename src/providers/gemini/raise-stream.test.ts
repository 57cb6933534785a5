import { describe, expect, test } from "bun:test";
import { GatewayError } from "../../ir/errors.ts";
import type { StreamEvent } from "../../ir/event.ts";
import { collectResponse } from "../../ir/collect.ts";
import { runMachine } from "../../sse/pipe.ts";
import { createGeminiStreamMachine, geminiStreamMachine } from "./raise-stream.ts";

async function chunks(name: string): Promise<unknown[]> {
  const text = await Bun.file(new URL(`./fixtures/${name}`, import.meta.url)).text();
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line));
}

function counterMachine() {
  let next = 0;
  return createGeminiStreamMachine({ generateId: () => `call_${++next}` });
}

async function* iterate(events: StreamEvent[]) {
  yield* events;
}

describe("geminiStreamMachine", () => {
  test("a streamed text answer (Gemini 3 puts the signature on an empty last part)", async () => {
    const events = runMachine(counterMachine(), await chunks("text.chunks.jsonl"));
    expect(events).toEqual([
      { type: "message-start", id: "bH6LaZW8Fp_3nsEPqtaSwQ4", model: "gemini-3-pro-preview", usage: { input: { total: 9 }, output: { total: 0 } } },
      { type: "text-delta", text: "There are **3**" },
      { type: "text-delta", text: ' "r"s in strawberry.\n\nst**r**awbe**rr**y' },
      {
        type: "text-signature",
        signature: { family: "gemini", value: "EqsFCqgFAb4+9vvtAF5n87lB4OGDOoTRMOqp35jW65XsYXh6BySMwl9nvrbAvPcl2U0xITaYUyV4CmREEDB1z0ZPpCg7iEwiZcj40Eh1jXoL8Y" },
      },
      { type: "finish", reason: { unified: "stop", raw: "STOP" } },
      { type: "usage", usage: { input: { total: 9 }, output: { total: 208, reasoning: 185 } } },
    ]);
  });

  test("a signature on a text part that has text comes after that text, and the collected answer is one signed text", async () => {
    // Gemini 3: six chunks of one answer, the signature on the last one that still has text.
    const parts = ["One ", "two ", "three ", "four ", "five ", "six."];
    const events = runMachine(
      counterMachine(),
      parts.map((text, index) => ({
        candidates: [
          {
            content: { role: "model", parts: [index === 5 ? { text, thoughtSignature: "sig-last" } : { text }] },
            ...(index === 5 ? { finishReason: "STOP" } : {}),
            index: 0,
          },
        ],
        usageMetadata: { promptTokenCount: 4, totalTokenCount: 4 },
      })),
    );
    expect(events).toEqual([
      { type: "message-start", usage: { input: { total: 4 }, output: { total: 0 } } },
      ...parts.map((text) => ({ type: "text-delta" as const, text })),
      { type: "text-signature", signature: { family: "gemini", value: "sig-last" } },
      { type: "finish", reason: { unified: "stop", raw: "STOP" } },
      { type: "usage", usage: { input: { total: 4 }, output: { total: 0 } } },
    ]);
    const answer = await collectResponse(iterate(events));
    expect(answer.choices[0]?.content).toEqual([
      { type: "text", text: "One two three four five six.", signature: { family: "gemini", value: "sig-last" } },
    ]);
  });

  test("thought summaries become reasoning, with their signature", async () => {
    const events = runMachine(counterMachine(), await chunks("thinking.chunks.jsonl"));
    expect(events).toEqual([
      { type: "message-start", id: "dX6LadKVC7SZ28oPr9yJoQs", model: "gemini-2.5-flash", usage: { input: { total: 9 }, output: { total: 0 } } },
      {
        type: "reasoning-delta",
        text: "**Counting the letters**\n\nI'm spelling out strawberry letter by letter and marking every r.",
      },
      {
        type: "reasoning-delta",
        text: "**Confirming the count**\n\nThere is one r after the t and two before the y: three in total.",
      },
      { type: "reasoning-signature", signature: { family: "gemini", value: "CiQB0e2Kb1kq9xJ0s2dKZQ3RKYDzp4A6PHh0dLuvI1KwnLxDS" } },
      { type: "text-delta", text: 'There are **3** "r"s in' },
      { type: "text-delta", text: " strawberry.\n\nHere is the breakdown: st**r**awbe**rr**y." },
      { type: "finish", reason: { unified: "stop", raw: "STOP" } },
      { type: "usage", usage: { input: { total: 9 }, output: { total: 285, reasoning: 256 } } },
    ]);
    const response = await collectResponse(iterate(events));
    expect(response.choices[0]?.content).toEqual([
      {
        type: "reasoning",
        text:
          "**Counting the letters**\n\nI'm spelling out strawberry letter by letter and marking every r." +
          "**Confirming the count**\n\nThere is one r after the t and two before the y: three in total.",
        signature: { family: "gemini", value: "CiQB0e2Kb1kq9xJ0s2dKZQ3RKYDzp4A6PHh0dLuvI1KwnLxDS" },
      },
      { type: "text", text: 'There are **3** "r"s in strawberry.\n\nHere is the breakdown: st**r**awbe**rr**y.' },
    ]);
  });

  test("a function call: whole arguments in one delta, STOP becomes tool-calls", async () => {
    const events = runMachine(counterMachine(), await chunks("function-call.chunks.jsonl"));
    expect(events).toEqual([
      { type: "message-start", id: "QHiLaa6LBrb8vdIPoNztsAg", model: "gemini-3-pro-preview", usage: { input: { total: 29 }, output: { total: 0 } } },
      {
        type: "tool-call-start",
        id: "call_1",
        name: "weather",
        signature: {
          family: "gemini",
          value: "EpEgCo4gAb4+9vvWwdN+NkNiCCwrqvFI8uf9IiD2A47Bm4Sga0kUTm4e/QuEnsZnNuSXJaINVVvcoApg6YCzMYcXrBNlwWW71iY4l9",
        },
      },
      { type: "tool-call-delta", id: "call_1", argumentsDelta: '{"location":"San Francisco"}' },
      { type: "tool-call-end", id: "call_1" },
      { type: "finish", reason: { unified: "tool-calls", raw: "STOP" } },
      { type: "usage", usage: { input: { total: 29 }, output: { total: 819, reasoning: 804 } } },
    ]);
  });

  test("parallel function calls: only the first carries a signature; missing args are {}", async () => {
    const events = runMachine(counterMachine(), await chunks("parallel-function-calls.chunks.jsonl"));
    expect(events).toEqual([
      { type: "message-start", id: "t3mLaeHBMo2UxN8Px6yQ8Ac", model: "gemini-3-flash-preview", usage: { input: { total: 112 }, output: { total: 0 } } },
      { type: "tool-call-start", id: "call_1", name: "get_current_temperature", signature: { family: "gemini", value: "CvoBAb4+9vsB1hN7gqQ3X0Vd2x" } },
      { type: "tool-call-delta", id: "call_1", argumentsDelta: '{"location":"Paris"}' },
      { type: "tool-call-end", id: "call_1" },
      { type: "tool-call-start", id: "call_2", name: "get_current_temperature" },
      { type: "tool-call-delta", id: "call_2", argumentsDelta: '{"location":"London"}' },
      { type: "tool-call-end", id: "call_2" },
      { type: "tool-call-start", id: "call_3", name: "list_events" },
      { type: "tool-call-delta", id: "call_3", argumentsDelta: "{}" },
      { type: "tool-call-end", id: "call_3" },
      { type: "finish", reason: { unified: "tool-calls", raw: "STOP" } },
      { type: "usage", usage: { input: { total: 112 }, output: { total: 198, reasoning: 157 } } },
    ]);
  });

  test("a function call id from Gemini is kept; generated ids look like call_…", () => {
    const chunk = {
      candidates: [{ content: { parts: [{ functionCall: { id: "fc-7", name: "f", args: {} } }, { functionCall: { name: "g" } }] }, finishReason: "STOP" }],
    };
    const events = runMachine(geminiStreamMachine, [chunk]);
    const starts = events.filter((event) => event.type === "tool-call-start");
    expect(starts[0]).toMatchObject({ id: "fc-7", name: "f" });
    expect(starts[1]?.type === "tool-call-start" && starts[1].id).toMatch(/^call_[0-9a-f]{24}$/);
  });

  test("several candidates: events carry their choice, each finishes once, usage comes last", async () => {
    const events = runMachine(counterMachine(), await chunks("two-candidates.chunks.jsonl"));
    expect(events).toEqual([
      { type: "message-start", id: "k2mLaYr0ApbsnsEP8uqZ4Qk", model: "gemini-2.5-flash", usage: { input: { total: 7 }, output: { total: 0 } } },
      { type: "text-delta", text: "Bonjour" },
      { type: "text-delta", text: "Salut", choice: 1 },
      { type: "text-delta", text: " !" },
      { type: "finish", reason: { unified: "stop", raw: "STOP" } },
      { type: "text-delta", text: " toi.", choice: 1 },
      { type: "finish", reason: { unified: "length", raw: "MAX_TOKENS" }, choice: 1 },
      { type: "usage", usage: { input: { total: 7 }, output: { total: 8 } } },
    ]);
  });

  test("a blocked prompt finishes with content-filter", async () => {
    const events = runMachine(counterMachine(), await chunks("prompt-blocked.chunks.jsonl"));
    expect(events).toEqual([
      { type: "message-start", id: "EXCPatOAKMrQjMcPteHVmQo", model: "gemini-3.7-flash", usage: { input: { total: 9 }, output: { total: 0 } } },
      { type: "finish", reason: { unified: "content-filter", raw: "PROHIBITED_CONTENT" } },
      { type: "usage", usage: { input: { total: 9 }, output: { total: 0 } } },
    ]);
  });

  test("an error chunk mid-stream ends the stream with a mapped error", () => {
    const events = runMachine(counterMachine(), [
      { candidates: [{ content: { parts: [{ text: "Hel" }], role: "model" }, index: 0 }], responseId: "r1", modelVersion: "gemini-2.5-flash" },
      { error: { code: 503, message: "The model is overloaded. Please try again later.", status: "UNAVAILABLE" } },
      { candidates: [{ content: { parts: [{ text: "lo" }] }, finishReason: "STOP" }] },
    ]);
    expect(events.slice(0, 2)).toEqual([
      { type: "message-start", id: "r1", model: "gemini-2.5-flash" },
      { type: "text-delta", text: "Hel" },
    ]);
    expect(events).toHaveLength(3);
    const last = events[2];
    expect(last?.type).toBe("error");
    if (last?.type !== "error") return;
    expect(last.error).toBeInstanceOf(GatewayError);
    expect(last.error).toMatchObject({ kind: "overloaded", retryable: true, upstreamStatus: 503 });
    expect(last.error.message).toBe("the upstream is overloaded: The model is overloaded. Please try again later.");
  });

  test("a stream that ends without a finish reason ends with a retryable error", () => {
    const events = runMachine(counterMachine(), [
      { candidates: [{ content: { parts: [{ text: "Once upon a" }] } }], usageMetadata: { promptTokenCount: 3 } },
    ]);
    expect(events.map((event) => event.type)).toEqual(["message-start", "text-delta", "error"]);
    const last = events.at(-1);
    expect(last?.type === "error" && last.error).toMatchObject({ kind: "upstream", retryable: true });
    expect(runMachine(counterMachine(), []).map((event) => event.type)).toEqual(["error"]);
  });

  test("empty parts, non-objects and parts after the finish are ignored", () => {
    const events = runMachine(counterMachine(), [
      "not an object",
      { candidates: [{ content: { parts: [{ text: "" }, null, 7] } }] },
      { candidates: [{ content: { parts: [{ text: "Hi" }] }, finishReason: "STOP" }] },
      { candidates: [{ content: { parts: [{ text: "late" }] }, finishReason: "STOP" }] },
    ]);
    expect(events).toEqual([
      { type: "message-start" },
      { type: "text-delta", text: "Hi" },
      { type: "finish", reason: { unified: "stop", raw: "STOP" } },
    ]);
  });

  test("generated images come as image events, whole, with their signature; images among thoughts stay thoughts", () => {
    const events = runMachine(counterMachine(), [
      { candidates: [{ content: { parts: [{ text: "drafting", thought: true }, { inlineData: { mimeType: "image/png", data: "draft" }, thought: true }] } }] },
      { candidates: [{ content: { parts: [{ text: "Here it is:" }, { inlineData: { mimeType: "image/jpeg", data: "/9j/final" }, thoughtSignature: "sig-img" }] } }] },
      { candidates: [{ content: { parts: [{ text: "" }] }, finishReason: "STOP" }] },
    ]);
    expect(events).toEqual([
      { type: "message-start" },
      { type: "reasoning-delta", text: "drafting" },
      { type: "text-delta", text: "Here it is:" },
      { type: "image", mediaType: "image/jpeg", data: "/9j/final", signature: { family: "gemini", value: "sig-img" } },
      { type: "finish", reason: { unified: "stop", raw: "STOP" } },
    ]);
  });
});

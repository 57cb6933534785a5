import { describe, expect, test } from "bun:test";
import type { StreamEvent } from "../../ir/event.ts";
import { collectResponse } from "../../ir/collect.ts";
import { runMachine } from "../../sse/pipe.ts";
import { createOpenAIStreamMachine, openAIStreamMachine } from "./raise-stream.ts";

async function chunks(name: string): Promise<unknown[]> {
  const text = await Bun.file(new URL(`./fixtures/${name}`, import.meta.url)).text();
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line));
}

function counterMachine() {
  let next = 0;
  return createOpenAIStreamMachine({ generateId: () => `call_${++next}` });
}

async function* iterate(events: StreamEvent[]) {
  yield* events;
}

/** A chunk as OpenAI frames it, around the given choices. */
const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) => ({
  id: "chatcmpl-x",
  object: "chat.completion.chunk",
  created: 1,
  model: "m",
  choices,
  ...extra,
});

describe("openAIStreamMachine", () => {
  test("a streamed answer with the usage in a last chunk without choices", async () => {
    expect(runMachine(openAIStreamMachine, await chunks("text.chunks.jsonl"))).toEqual([
      { type: "message-start", id: "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT", model: "gpt-4o-mini-2024-07-18" },
      { type: "text-delta", text: "Hello" },
      { type: "text-delta", text: "!" },
      { type: "text-delta", text: " How can I assist you today?" },
      { type: "finish", reason: { unified: "stop", raw: "stop" } },
      { type: "usage", usage: { input: { total: 19, cacheRead: 0 }, output: { total: 10, reasoning: 0 } } },
    ]);
  });

  test("a tool call whose arguments arrive in pieces", async () => {
    const id = "call_DdmO9pD3xa9XTPNJ32zg2hcA";
    const events = runMachine(counterMachine(), await chunks("tool-call.chunks.jsonl"));
    expect(events).toEqual([
      { type: "message-start", id: "chatcmpl-AqKa5nsh2jTvYV1NHXeS8IFHtAI7O", model: "gpt-4o-2024-08-06" },
      { type: "tool-call-start", id, name: "get_weather" },
      { type: "tool-call-delta", id, argumentsDelta: '{"' },
      { type: "tool-call-delta", id, argumentsDelta: "location" },
      { type: "tool-call-delta", id, argumentsDelta: '":"' },
      { type: "tool-call-delta", id, argumentsDelta: "Paris" },
      { type: "tool-call-delta", id, argumentsDelta: ", France" },
      { type: "tool-call-delta", id, argumentsDelta: '"}' },
      { type: "tool-call-end", id },
      { type: "finish", reason: { unified: "tool-calls", raw: "tool_calls" } },
      { type: "usage", usage: { input: { total: 68, cacheRead: 0 }, output: { total: 17, reasoning: 0 } } },
    ]);
    const response = await collectResponse(iterate(events));
    expect(response.choices[0]?.content).toEqual([{ type: "tool-call", id, name: "get_weather", arguments: '{"location":"Paris, France"}' }]);
  });

  test("two tool calls whose deltas interleave", async () => {
    const first = "call_8GNhjQ1WcLWr3pQvXl2jtF7u";
    const second = "call_vVNFfnrN3Q0bCoe2yOtz0EeG";
    const events = runMachine(counterMachine(), await chunks("parallel-tool-calls.chunks.jsonl"));
    expect(events.slice(1, -1)).toEqual([
      { type: "tool-call-start", id: first, name: "get_weather" },
      { type: "tool-call-delta", id: first, argumentsDelta: '{"location": "Paris' },
      { type: "tool-call-start", id: second, name: "get_weather" },
      { type: "tool-call-delta", id: second, argumentsDelta: '{"location": "Bogotá' },
      { type: "tool-call-delta", id: first, argumentsDelta: ', France"}' },
      { type: "tool-call-delta", id: second, argumentsDelta: ', Colombia"}' },
      { type: "tool-call-end", id: first },
      { type: "tool-call-end", id: second },
      { type: "finish", reason: { unified: "tool-calls", raw: "tool_calls" } },
    ]);
    const response = await collectResponse(iterate(events));
    expect(response.choices[0]?.content).toEqual([
      { type: "tool-call", id: first, name: "get_weather", arguments: '{"location": "Paris, France"}' },
      { type: "tool-call", id: second, name: "get_weather", arguments: '{"location": "Bogotá, Colombia"}' },
    ]);
  });

  test("a JSON answer is text", async () => {
    const events = runMachine(openAIStreamMachine, await chunks("json.chunks.jsonl"));
    const response = await collectResponse(iterate(events));
    expect(response.choices[0]?.content).toEqual([{ type: "text", text: '{"name":"Science Fair","date":"Friday","participants":["Alice","Bob"]}' }]);
    expect(response.usage).toEqual({ input: { total: 92, cacheRead: 0 }, output: { total: 17, reasoning: 0 } });
  });

  test("DeepSeek's reasoning_content, with the usage on the finishing chunk", async () => {
    expect(runMachine(openAIStreamMachine, await chunks("deepseek-reasoning.chunks.jsonl"))).toEqual([
      { type: "message-start", id: "5d3a8f9c-0b8e-4c1f-9a57-2f6c1f0e8b21", model: "deepseek-reasoner" },
      { type: "reasoning-delta", text: "Okay" },
      { type: "reasoning-delta", text: ", 9.11 and 9.8: compare the tenths." },
      { type: "text-delta", text: "9.8" },
      { type: "text-delta", text: " is greater." },
      { type: "finish", reason: { unified: "stop", raw: "stop" } },
      { type: "usage", usage: { input: { total: 15, cacheRead: 0 }, output: { total: 263, reasoning: 251 } } },
    ]);
  });

  test("OpenRouter's reasoning, not doubled by its reasoning_details", async () => {
    expect(runMachine(openAIStreamMachine, await chunks("openrouter-reasoning.chunks.jsonl"))).toEqual([
      { type: "message-start", id: "gen-1751284023-Vbc0rOMc4ZyUx2pyUSCT", model: "anthropic/claude-sonnet-4" },
      { type: "reasoning-delta", text: "The user asks for" },
      { type: "reasoning-delta", text: " a haiku." },
      { type: "text-delta", text: "Silent snow falls down" },
      { type: "finish", reason: { unified: "stop", raw: "stop" } },
      { type: "usage", usage: { input: { total: 42, cacheRead: 0 }, output: { total: 58, reasoning: 40 } } },
    ]);
  });

  test("reasoning_details alone (reasoning text and summaries) and vLLM's `reasoning`", () => {
    const events = runMachine(openAIStreamMachine, [
      chunk([{ index: 0, delta: { reasoning_details: [{ type: "reasoning.summary", summary: "**Plan**" }, { type: "reasoning.encrypted", data: "gAAAA" }] } }]),
      chunk([{ index: 0, delta: { reasoning_details: [{ type: "reasoning.text", text: " step one" }] } }]),
      chunk([{ index: 0, delta: { reasoning: " step two", content: null } }]),
      chunk([{ index: 0, delta: { content: "Done" }, finish_reason: "stop" }]),
    ]);
    expect(events.filter((event) => event.type === "reasoning-delta")).toEqual([
      { type: "reasoning-delta", text: "**Plan**" },
      { type: "reasoning-delta", text: " step one" },
      { type: "reasoning-delta", text: " step two" },
    ]);
  });

  test("an error chunk ends the stream with an error event", async () => {
    const events = runMachine(openAIStreamMachine, await chunks("openrouter-midstream-error.chunks.jsonl"));
    expect(events.slice(0, 2)).toEqual([
      { type: "message-start", id: "gen-1751290000-abc123", model: "openai/gpt-4o" },
      { type: "text-delta", text: "The answer is" },
    ]);
    expect(events).toHaveLength(3);
    expect(events[2]).toMatchObject({
      type: "error",
      error: { kind: "upstream", retryable: true, upstreamStatus: 500, message: "the upstream answered HTTP 500: Provider disconnected unexpectedly" },
    });
  });

  test("an error chunk with an HTTP status in its code (OpenRouter) and one from OpenAI", () => {
    const limited = runMachine(openAIStreamMachine, [{ error: { code: 429, message: "Rate limit exceeded: free-models-per-min." } }]);
    expect(limited).toEqual([{ type: "error", error: expect.objectContaining({ kind: "rate_limit", upstreamStatus: 429 }) }]);
    const openai = runMachine(openAIStreamMachine, [
      chunk([{ index: 0, delta: { content: "Hi" } }]),
      { error: { message: "The server had an error while processing your request.", type: "server_error", param: null, code: null } },
      chunk([{ index: 0, delta: { content: "ignored" }, finish_reason: "stop" }]),
    ]);
    expect(openai.map((event) => event.type)).toEqual(["message-start", "text-delta", "error"]);
  });

  test("a stream that ends without a finish reason is a retryable error", () => {
    const events = runMachine(openAIStreamMachine, [chunk([{ index: 0, delta: { content: "Hel" } }])]);
    expect(events.slice(0, 2)).toEqual([
      { type: "message-start", id: "chatcmpl-x", model: "m" },
      { type: "text-delta", text: "Hel" },
    ]);
    expect(events[2]).toMatchObject({ type: "error", error: { kind: "upstream", retryable: true } });
    expect(runMachine(openAIStreamMachine, [])).toEqual([{ type: "error", error: expect.objectContaining({ retryable: true }) }]);
    // A usage-only stream has no choice at all.
    expect(runMachine(openAIStreamMachine, [chunk([], { usage: { prompt_tokens: 1, completion_tokens: 0 } })]).at(-1)?.type).toBe("error");
  });

  test("cumulative usage in every chunk: only the last counts", () => {
    const events = runMachine(openAIStreamMachine, [
      chunk([{ index: 0, delta: { content: "a" } }], { usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 } }),
      chunk([{ index: 0, delta: { content: "b" }, finish_reason: "length" }], { usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 } }),
    ]);
    expect(events.slice(-2)).toEqual([
      { type: "finish", reason: { unified: "length", raw: "length" } },
      { type: "usage", usage: { input: { total: 5 }, output: { total: 2 } } },
    ]);
  });

  test("several choices (n > 1) are tagged; each finishes on its own", () => {
    const events = runMachine(openAIStreamMachine, [
      chunk([{ index: 0, delta: { role: "assistant", content: "" } }, { index: 1, delta: { role: "assistant", content: "" } }]),
      chunk([{ index: 1, delta: { content: "B" } }]),
      chunk([{ index: 0, delta: { content: "A" } }]),
      chunk([{ index: 0, delta: {}, finish_reason: "stop" }]),
      chunk([{ index: 1, delta: { content: " late" } }]),
      chunk([{ index: 1, delta: {}, finish_reason: "content_filter" }]),
      chunk([{ index: 0, delta: { content: "after finish" } }]),
    ]);
    expect(events).toEqual([
      { type: "message-start", id: "chatcmpl-x", model: "m" },
      { type: "text-delta", text: "B", choice: 1 },
      { type: "text-delta", text: "A" },
      { type: "finish", reason: { unified: "stop", raw: "stop" } },
      { type: "text-delta", text: " late", choice: 1 },
      { type: "finish", reason: { unified: "content-filter", raw: "content_filter" }, choice: 1 },
    ]);
  });

  test("a refusal comes as text", () => {
    const events = runMachine(openAIStreamMachine, [
      chunk([{ index: 0, delta: { role: "assistant", content: null, refusal: "I'm sorry, I can't help with that." } }]),
      chunk([{ index: 0, delta: {}, finish_reason: "stop" }]),
    ]);
    expect(events[1]).toEqual({ type: "text-delta", text: "I'm sorry, I can't help with that." });
  });

  test("tool calls without index (whole calls, one per chunk) and a 'stop' after them", () => {
    const events = runMachine(counterMachine(), [
      chunk([{ index: 0, delta: { role: "assistant", tool_calls: [{ id: "a1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }] } }]),
      chunk([{ index: 0, delta: { tool_calls: [{ id: "a2", type: "function", function: { name: "get_time", arguments: "{}" } }] } }]),
      chunk([{ index: 0, delta: {}, finish_reason: "stop" }]),
    ]);
    expect(events.slice(1)).toEqual([
      { type: "tool-call-start", id: "a1", name: "get_weather" },
      { type: "tool-call-delta", id: "a1", argumentsDelta: '{"city":"Paris"}' },
      { type: "tool-call-start", id: "a2", name: "get_time" },
      { type: "tool-call-delta", id: "a2", argumentsDelta: "{}" },
      { type: "tool-call-end", id: "a1" },
      { type: "tool-call-end", id: "a2" },
      { type: "finish", reason: { unified: "tool-calls", raw: "stop" } },
    ]);
  });

  test("index 0 reused for every call, each with its own id (Ollama-style), and calls in the finishing chunk", () => {
    const events = runMachine(counterMachine(), [
      chunk([{ index: 0, delta: { tool_calls: [{ index: 0, id: "x1", function: { name: "one", arguments: { a: 1 } } }] } }]),
      chunk([
        {
          index: 0,
          delta: { tool_calls: [{ index: 0, id: "x2", function: { name: "two", arguments: "{}" } }] },
          finish_reason: "tool_calls",
        },
      ]),
    ]);
    expect(events.slice(1)).toEqual([
      { type: "tool-call-start", id: "x1", name: "one" },
      { type: "tool-call-delta", id: "x1", argumentsDelta: '{"a":1}' },
      { type: "tool-call-start", id: "x2", name: "two" },
      { type: "tool-call-delta", id: "x2", argumentsDelta: "{}" },
      { type: "tool-call-end", id: "x1" },
      { type: "tool-call-end", id: "x2" },
      { type: "finish", reason: { unified: "tool-calls", raw: "tool_calls" } },
    ]);
  });

  test("a call without id gets one; empty, null and missing arguments send nothing; the name may come late", () => {
    const events = runMachine(counterMachine(), [
      chunk([{ index: 0, delta: { tool_calls: [{ index: 0, type: "function", function: { name: "lookup", arguments: null } }] } }]),
      chunk([{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: "" } }] } }]),
      chunk([{ index: 0, delta: { tool_calls: [{ index: 0, function: {} }] } }]),
      chunk([{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '{"q":1}' } }] } }]),
      chunk([{ index: 0, delta: { tool_calls: [{ index: 1, id: "late", function: { arguments: '{"x"' } }] } }]),
      chunk([{ index: 0, delta: { tool_calls: [{ index: 1, function: { name: "named_later", arguments: ":2}" } }] } }]),
      chunk([{ index: 0, delta: { tool_calls: [{ index: 2, function: { arguments: "{}" } }] } }]),
      chunk([{ index: 0, delta: {}, finish_reason: "tool_calls" }]),
    ]);
    expect(events.slice(1)).toEqual([
      { type: "tool-call-start", id: "call_1", name: "lookup" },
      { type: "tool-call-delta", id: "call_1", argumentsDelta: '{"q":1}' },
      { type: "tool-call-start", id: "late", name: "named_later" },
      { type: "tool-call-delta", id: "late", argumentsDelta: '{"x"' },
      { type: "tool-call-delta", id: "late", argumentsDelta: ":2}" },
      { type: "tool-call-end", id: "call_1" },
      { type: "tool-call-end", id: "late" },
      // A call whose name never came still reaches the client, nameless.
      { type: "tool-call-start", id: "call_2", name: "" },
      { type: "tool-call-delta", id: "call_2", argumentsDelta: "{}" },
      { type: "tool-call-end", id: "call_2" },
      { type: "finish", reason: { unified: "tool-calls", raw: "tool_calls" } },
    ]);
  });

  test("tool call deltas without index nor id continue the call at their position", () => {
    const events = runMachine(counterMachine(), [
      chunk([{ index: 0, delta: { tool_calls: [{ id: "p1", function: { name: "f", arguments: "{" } }] } }]),
      chunk([{ index: 0, delta: { tool_calls: [{ function: { arguments: "}" } }] } }]),
      chunk([{ delta: {}, finish_reason: "tool_calls" }]),
    ]);
    expect(events.slice(1)).toEqual([
      { type: "tool-call-start", id: "p1", name: "f" },
      { type: "tool-call-delta", id: "p1", argumentsDelta: "{" },
      { type: "tool-call-delta", id: "p1", argumentsDelta: "}" },
      { type: "tool-call-end", id: "p1" },
      { type: "finish", reason: { unified: "tool-calls", raw: "tool_calls" } },
    ]);
  });

  test("junk is ignored: non-objects, null fields, an empty finish reason", () => {
    const events = runMachine(openAIStreamMachine, [
      "hello",
      42,
      null,
      { id: null, model: null, choices: null, usage: null },
      chunk([null, { index: 0, delta: null, finish_reason: "" }]),
      chunk([{ index: 0, delta: { content: "ok", tool_calls: [null, "x"] }, finish_reason: "stop" }]),
    ]);
    expect(events).toEqual([
      { type: "message-start" },
      { type: "text-delta", text: "ok" },
      { type: "finish", reason: { unified: "stop", raw: "stop" } },
    ]);
  });
});

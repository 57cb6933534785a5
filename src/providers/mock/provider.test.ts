import { describe, expect, test } from "bun:test";
import type { ChatRequest } from "../../ir/request.ts";
import type { StreamEvent } from "../../ir/event.ts";
import { createMockProvider, mockEvents } from "./provider.ts";
import { chunkText } from "./reply.ts";

const ask = (text: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
  model: "demo",
  stream: true,
  messages: [
    { role: "system", content: [{ type: "text", text: "Be brief." }] },
    { role: "user", content: [{ type: "text", text }] },
  ],
  ...extra,
});

const texts = (events: StreamEvent[]) => events.flatMap((e) => (e.type === "text-delta" ? [e.text] : []));

describe("mock provider", () => {
  test("echoes the last user message in several chunks, with usage", () => {
    const events = mockEvents(ask("one two three four five"), "echo");
    expect(events[0]).toMatchObject({ type: "message-start", model: "echo" });
    expect(texts(events)).toEqual(["one two ", "three four ", "five"]);
    expect(events.at(-2)).toEqual({ type: "finish", reason: { unified: "stop", raw: "stop" } });
    expect(events.at(-1)).toEqual({
      type: "usage",
      usage: { input: { total: Math.ceil("Be brief.one two three four five".length / 4) }, output: { total: 6 } },
    });
  });

  test("is deterministic", () => {
    expect(mockEvents(ask("same"), "echo")).toEqual(mockEvents(ask("same"), "echo"));
  });

  test("max tokens truncates and finishes with length", () => {
    const events = mockEvents(ask("a".repeat(100), { maxOutputTokens: 5 }), "echo");
    expect(texts(events).join("")).toBe("a".repeat(20));
    expect(events.find((e) => e.type === "finish")).toMatchObject({ reason: { unified: "length" } });
  });

  test("/tool NAME {json} calls a declared tool", () => {
    const tools = [{ name: "get_weather", parameters: { type: "object" } }];
    const events = mockEvents(ask('/tool get_weather {"city":"Paris"}', { tools }), "echo");
    const start = events.find((e) => e.type === "tool-call-start");
    expect(start).toMatchObject({ name: "get_weather" });
    expect(events.find((e) => e.type === "tool-call-delta")).toMatchObject({ argumentsDelta: '{"city":"Paris"}' });
    expect(events.find((e) => e.type === "finish")).toMatchObject({ reason: { unified: "tool-calls" } });
    // An undeclared tool is just echoed.
    expect(texts(mockEvents(ask("/tool nope {}", { tools }), "echo")).join("")).toBe("/tool nope {}");
  });

  test("answers a tool result", () => {
    const request = ask("x");
    request.messages.push(
      { role: "assistant", content: [{ type: "tool-call", id: "c1", name: "f", arguments: "{}" }] },
      { role: "tool", content: [{ type: "tool-result", toolCallId: "c1", content: [{ type: "text", text: "22C" }] }] },
    );
    expect(texts(mockEvents(request, "echo")).join("")).toBe("Tool result: 22C");
  });

  test("chunkText keeps every character", () => {
    const text = "  leading and  double  spaces\nnew line ";
    expect(chunkText(text).join("")).toBe(text);
    expect(chunkText("")).toEqual([""]);
  });

  test("a required web search is refused clearly, not ignored", async () => {
    const refused = await createMockProvider()
      .stream(ask("news?", { webSearch: { required: true } }), { model: "echo", account: { id: "local" }, signal: new AbortController().signal })
      .catch((error) => error);
    expect(refused).toMatchObject({ kind: "invalid_request", status: 400, param: "tools" });
    expect(refused.message).toContain("cannot search the web");
  });

  const refusal = (model: string) =>
    createMockProvider()
      .stream(ask("x"), { model, account: { id: "local" }, signal: new AbortController().signal })
      .then(() => undefined, (error) => error);

  test("error-429, error-500, error-503 and error-529 refuse as those upstream answers would", async () => {
    expect(await refusal("error-429")).toMatchObject({ kind: "rate_limit", status: 429, upstreamStatus: 429, retryable: true, retryAfterMs: 2000 });
    expect(await refusal("error-500")).toMatchObject({ kind: "upstream", status: 502, upstreamStatus: 500, retryable: true, code: "upstream_error" });
    expect(await refusal("error-503")).toMatchObject({ kind: "overloaded", status: 529, upstreamStatus: 503, retryable: true });
    expect(await refusal("error-529")).toMatchObject({ kind: "overloaded", status: 529, upstreamStatus: 529, retryable: true });
    expect((await refusal("error-429")).message).toBe("rate limited: the mock provider was asked to fail (model error-429)");
    // Other names, "error" alone included, answer normally.
    expect(await refusal("error")).toBeUndefined();
    expect(await refusal("echo")).toBeUndefined();
  });

  test("error-midstream answers a first piece, then an error event ends the stream", () => {
    const events = mockEvents(ask("hello"), "error-midstream");
    expect(events.map((event) => event.type)).toEqual(["message-start", "text-delta", "error"]);
    expect(events[1]).toEqual({ type: "text-delta", text: "Partial answer" });
    expect(events[2]).toMatchObject({ error: { kind: "upstream", status: 502, upstreamStatus: 500 } });
  });

  test("stream() yields the same events", async () => {
    const stream = await createMockProvider().stream(ask("hi there"), {
      model: "echo",
      account: { id: "local" },
      signal: new AbortController().signal,
    });
    const events: StreamEvent[] = [];
    for await (const event of stream as unknown as AsyncIterable<StreamEvent>) events.push(event);
    expect(events).toEqual(mockEvents(ask("hi there"), "echo"));
  });
});

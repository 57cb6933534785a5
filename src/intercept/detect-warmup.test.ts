import { expect, test } from "bun:test";
import type { ChatRequest, Message } from "../ir/request.ts";
import { isWarmupRequest } from "./detect-warmup.ts";

const request = (...messages: Message[]): ChatRequest => ({ model: "claude-haiku-4-5", stream: true, messages });
const user = (text: string): Message => ({ role: "user", content: [{ type: "text", text }] });

test.each([
  ["Warmup", true],
  ["Warmup\nwith more lines", true],
  ["  Warmup  ", true],
  ["Warmup please", false],
  ["warmup", false],
  ["Let's warm up", false],
])("last user text %j → %p", (text, expected) => {
  expect(isWarmupRequest(request(user(text)))).toBe(expected);
});

test("only the last message counts", () => {
  expect(isWarmupRequest(request(user("Warmup"), { role: "assistant", content: [{ type: "text", text: "OK" }] }, user("Real question")))).toBe(false);
});

test("an erroring tool result starting with Warmup counts; a successful one does not", () => {
  const result = (isError: boolean): Message => ({
    role: "tool",
    content: [{ type: "tool-result", toolCallId: "t", isError, content: [{ type: "text", text: "Warmup probe" }] }],
  });
  expect(isWarmupRequest(request(user("x"), result(true)))).toBe(true);
  expect(isWarmupRequest(request(user("x"), result(false)))).toBe(false);
});

test("an empty request is not a warm-up", () => {
  expect(isWarmupRequest(request())).toBe(false);
});

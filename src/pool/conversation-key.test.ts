import { expect, test } from "bun:test";
import type { ChatRequest } from "../ir/request.ts";
import { conversationKey } from "./conversation-key.ts";

const turn = (first: string, later: string[] = [], extra: Partial<ChatRequest> = {}): ChatRequest => ({
  model: "m",
  stream: true,
  messages: [
    { role: "system", content: [{ type: "text", text: "You are helpful." }] },
    { role: "user", content: [{ type: "text", text: first }] },
    ...later.map((text) => ({ role: "user" as const, content: [{ type: "text" as const, text }] })),
  ],
  ...extra,
});

test("the same conversation keeps its key as it grows; another conversation gets another", () => {
  const headers = new Headers();
  expect(conversationKey(turn("fix the bug", ["and the tests"]), headers)).toBe(conversationKey(turn("fix the bug"), headers));
  expect(conversationKey(turn("write a poem"), headers)).not.toBe(conversationKey(turn("fix the bug"), headers));
});

test("a client's session header, then its user or cache key, win over the hash", () => {
  expect(conversationKey(turn("x", [], { user: "u-1" }), new Headers({ "x-session-id": "s-1" }))).toBe("session:s-1");
  expect(conversationKey(turn("x", [], { user: "u-1" }), new Headers())).toBe("user:u-1");
});

import { expect, test } from "bun:test";
import type { ChatRequest } from "../ir/request.ts";
import { asBackgroundRequest, detectBackgroundTask } from "./detect-background.ts";

const withSystem = (...system: string[]): ChatRequest => ({
  model: "claude-haiku-4-5",
  stream: false,
  messages: [
    ...system.map((text) => ({ role: "system" as const, content: [{ type: "text" as const, text }] })),
    { role: "user", content: [{ type: "text", text: "fix the login bug" }] },
  ],
  tools: [{ name: "Bash", parameters: { type: "object" } }],
  toolChoice: "auto",
  reasoning: { budgetTokens: 4000 },
});

test("Claude Code's title prompt is a title task, also after an identity block", () => {
  expect(detectBackgroundTask(withSystem("Generate a concise, sentence-case title (3-7 words) for this conversation."))).toBe("title");
  expect(
    detectBackgroundTask(withSystem("You are Claude Code, Anthropic's official CLI for Claude.", "Generate a concise, sentence-case title for…")),
  ).toBe("title");
});

test("summaries are recognised", () => {
  expect(detectBackgroundTask(withSystem("Summarize this coding conversation in under 50 characters."))).toBe("summary");
});

test("an ordinary conversation is not a background task", () => {
  expect(detectBackgroundTask(withSystem("You are Claude Code, Anthropic's official CLI for Claude."))).toBeUndefined();
  expect(detectBackgroundTask({ model: "m", stream: false, messages: [{ role: "user", content: [{ type: "text", text: "Generate a concise, sentence-case title" }] }] })).toBeUndefined();
});

test("asBackgroundRequest removes tools and thinking and leaves the original alone", () => {
  const original = withSystem("Generate a concise, sentence-case title");
  const slim = asBackgroundRequest(original);
  expect(slim.tools).toBeUndefined();
  expect(slim.toolChoice).toBeUndefined();
  expect(slim.reasoning).toEqual({ effort: "none" });
  expect(slim.messages).toBe(original.messages);
  expect(original.tools).toHaveLength(1);
});

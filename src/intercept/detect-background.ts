import type { ChatRequest } from "../ir/request.ts";

/** The kinds of background request clients send beside the conversation. */
export type BackgroundTask = "title" | "summary" | "suggestion";

/**
 * System-prompt openings of the background requests Claude Code sends
 * (conversation titles, summaries, prompt suggestions). Matched at the start
 * of the system prompt, case-insensitively.
 */
const SYSTEM_OPENINGS: ReadonlyArray<[RegExp, BackgroundTask]> = [
  [/^generate a concise, sentence-case title/i, "title"],
  [/^summarize this coding conversation/i, "summary"],
  [/^please write a \d+-\d+ word title/i, "title"],
  [/^you are (?:now )?a prompt suggestion generator/i, "suggestion"],
];

function systemText(request: ChatRequest): string {
  let text = "";
  for (const message of request.messages) {
    if (message.role !== "system") break;
    for (const part of message.content) text += text === "" ? part.text : `\n${part.text}`;
  }
  return text;
}

/**
 * Recognises a background task by its system prompt. Titles are also
 * recognised by their shape: no tools, thinking off, a JSON-schema answer.
 */
export function detectBackgroundTask(request: ChatRequest): BackgroundTask | undefined {
  const system = systemText(request).trimStart();
  // Claude Code puts its billing/identity line first; look at each of the first blocks.
  for (const line of system.split("\n", 8)) {
    for (const [pattern, task] of SYSTEM_OPENINGS) if (pattern.test(line.trimStart())) return task;
  }
  return undefined;
}

/** The request as a background task: no tools and no thinking, so a cheap model serves it quickly. */
export function asBackgroundRequest(request: ChatRequest): ChatRequest {
  const { tools: _tools, toolChoice: _choice, parallelToolCalls: _parallel, webSearch: _search, ...rest } = request;
  return { ...rest, reasoning: { effort: "none" } };
}

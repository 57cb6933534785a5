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

/** How far into each leading system block an opening is looked for (the prompts are long; the openings are not). */
const HEAD = 300;

/**
 * Recognises a background task by how its system prompt opens: the first
 * lines of each leading system block (Claude Code puts a billing or identity
 * block first). Only the heads of the blocks are read, so a long system
 * prompt costs nothing more.
 */
export function detectBackgroundTask(request: ChatRequest): BackgroundTask | undefined {
  for (const message of request.messages) {
    if (message.role !== "system") break;
    for (const part of message.content) {
      for (const line of part.text.slice(0, HEAD).split("\n", 4)) {
        const opening = line.trimStart();
        if (opening === "") continue;
        for (const [pattern, task] of SYSTEM_OPENINGS) if (pattern.test(opening)) return task;
      }
    }
  }
  return undefined;
}

/** The request as a background task: no tools and no thinking, so a cheap model serves it quickly. */
export function asBackgroundRequest(request: ChatRequest): ChatRequest {
  const { tools: _tools, toolChoice: _choice, parallelToolCalls: _parallel, webSearch: _search, ...rest } = request;
  return { ...rest, reasoning: { effort: "none" } };
}

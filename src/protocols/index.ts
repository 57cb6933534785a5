import type { ClientProtocol } from "./types.ts";
import { anthropicMessages } from "./anthropic/index.ts";
import { openaiChat } from "./openai-chat/index.ts";
import { openaiCompletions } from "./openai-completions/index.ts";
import { openaiResponses } from "./openai-responses/index.ts";
import { geminiNative } from "./gemini/index.ts";

/** Every client protocol, by name: adding one is a folder and a line here. */
export const protocols = {
  "openai-chat": openaiChat as ClientProtocol,
  anthropic: anthropicMessages as ClientProtocol,
  "openai-responses": openaiResponses as ClientProtocol,
  "openai-completions": openaiCompletions as ClientProtocol,
  gemini: geminiNative as ClientProtocol,
} satisfies Record<string, ClientProtocol>;

export type ProtocolName = keyof typeof protocols;
export type { ClientProtocol } from "./types.ts";

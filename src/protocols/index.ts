import type { ClientProtocol } from "./types.ts";
import { anthropicMessages } from "./anthropic/index.ts";
import { openaiChat } from "./openai-chat/index.ts";

/** Every client protocol, by name: adding one is a folder and a line here. */
export const protocols = {
  "openai-chat": openaiChat as ClientProtocol,
  anthropic: anthropicMessages as ClientProtocol,
} satisfies Record<string, ClientProtocol>;

export type ProtocolName = keyof typeof protocols;
export type { ClientProtocol } from "./types.ts";

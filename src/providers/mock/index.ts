export { createMockProvider, mockEvents } from "./provider.ts";
export { mockReply, chunkText, estimateTokens } from "./reply.ts";

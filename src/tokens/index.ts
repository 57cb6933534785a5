export { estimateRequestTokens } from "./estimate-request-tokens.ts";
export { estimateTextTokens } from "./estimate-tokens.ts";

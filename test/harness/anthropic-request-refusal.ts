/**
 * What Anthropic's Messages API refuses before generating, worded as it
 * answers (400 invalid_request_error), for the fake Anthropic upstream
 * (test/harness/fake-anthropic.ts). Each rule names where it comes from:
 * - the API reference, "Create a Message" and "Count tokens in a Message"
 *   (https://docs.claude.com/en/api/messages, .../messages-count-tokens):
 *   the request fields (unknown ones: "Extra inputs are not permitted"),
 *   the roles, the content block shapes and image media types;
 * - "Implement tool use" (https://docs.claude.com/en/docs/agents-and-tools/tool-use/implement-tool-use,
 *   "Handling tool use and tool result content blocks"): each tool_result
 *   answers a tool_use of the assistant message right before it, each
 *   tool_use is answered in the next message, tool_result blocks come first;
 * - "Building with extended thinking" (https://docs.claude.com/en/docs/build-with-claude/extended-thinking):
 *   budget_tokens ≥ 1024 and < max_tokens, thinking blocks go back with the
 *   signature they came with, unchanged, and a tool-use loop's last
 *   assistant turn starts with its thinking block; no forced tool choice
 *   and no temperature other than 1 while thinking;
 * - the messages Anthropic answers, as its users quote them (empty text
 *   blocks, unpaired ids, invalid signatures).
 */
import { createHmac } from "node:crypto";

/** The fields of "Create a Message", the beta ones included (`?beta=true` requests carry them). */
const MESSAGES_FIELDS = new Set([
  "model",
  "messages",
  "max_tokens",
  "cache_control",
  "container",
  "context_management",
  "diagnostics",
  "inference_geo",
  "mcp_servers",
  "metadata",
  "output_config",
  "output_format",
  "service_tier",
  "speed",
  "stop_sequences",
  "stream",
  "system",
  "temperature",
  "thinking",
  "tool_choice",
  "tools",
  "top_k",
  "top_p",
]);

/** The fields of "Count tokens in a Message": only what shapes the prompt. */
const COUNT_TOKENS_FIELDS = new Set([
  "model",
  "messages",
  "system",
  "tools",
  "tool_choice",
  "thinking",
  "output_config",
  "output_format",
  "cache_control",
  "context_management",
  "mcp_servers",
]);

const IMAGE_MEDIA_TYPES = ["image/jpeg", "image/png", "image/gif", "image/webp"];

/** The key the fake signs its thinking with; a gateway cannot make a valid signature without it. */
const SIGNING_KEY = "fake-anthropic-thinking-key";

/** The signature the fake gives a thinking block: an HMAC of its text, so that any change to the text breaks it. */
export function signThinking(thinking: string): string {
  return createHmac("sha256", SIGNING_KEY).update(thinking).digest("base64");
}

/**
 * Signatures and redacted data that scripted streams handed out, with the
 * thinking text each signature came with (redacted data maps to undefined).
 */
export type IssuedThinking = ReadonlyMap<string, string | undefined>;

/** The first rule the body breaks, as Anthropic words it; undefined when Anthropic would accept it. */
export function anthropicRequestRefusal(action: "messages" | "count_tokens", body: any, issued: IssuedThinking): string | undefined {
  if (typeof body.model !== "string") return "model: Field required";
  const fields = action === "messages" ? MESSAGES_FIELDS : COUNT_TOKENS_FIELDS;
  const extra = Object.keys(body).find((name) => !fields.has(name));
  if (extra !== undefined) return `${extra}: Extra inputs are not permitted`;
  if (action === "messages" && typeof body.max_tokens !== "number") return "max_tokens: Field required";
  if (!Array.isArray(body.messages)) return "messages: Field required";
  return (
    systemRefusal(body.system) ??
    messagesRefusal(body.messages, issued) ??
    toolPairingRefusal(body.messages) ??
    thinkingRefusal(action, body)
  );
}

function systemRefusal(system: unknown): string | undefined {
  if (!Array.isArray(system)) return undefined;
  for (const block of system) {
    if (block?.type === "text" && block.text === "") return "system: text content blocks must be non-empty";
  }
  return undefined;
}

function messagesRefusal(messages: any[], issued: IssuedThinking): string | undefined {
  for (const [index, message] of messages.entries()) {
    if (message?.role !== "user" && message?.role !== "assistant") return `messages.${index}.role: Input should be 'user' or 'assistant'`;
    const isFinalAssistant = index === messages.length - 1 && message.role === "assistant";
    const content = message.content;
    if ((content === "" || (Array.isArray(content) && content.length === 0)) && !isFinalAssistant) {
      return `messages.${index}: all messages must have non-empty content except for the optional final assistant message`;
    }
    const blocks: any[] = typeof content === "string" ? [{ type: "text", text: content }] : Array.isArray(content) ? content : [];
    for (const [position, block] of blocks.entries()) {
      const refusal = blockRefusal(block, `messages.${index}.content.${position}`, issued);
      if (refusal) return refusal;
    }
    const last = blocks.at(-1);
    if (isFinalAssistant && last?.type === "text" && /\s$/.test(last.text)) return "final assistant content cannot end with trailing whitespace";
  }
  return undefined;
}

function blockRefusal(block: any, where: string, issued: IssuedThinking): string | undefined {
  switch (block?.type) {
    case "text":
      if (block.text === "") return "messages: text content blocks must be non-empty";
      if (block.text.trim() === "") return "messages: text content blocks must contain non-whitespace text";
      return undefined;
    case "image": {
      const source = block.source ?? {};
      if (source.type === "base64" && !IMAGE_MEDIA_TYPES.includes(source.media_type)) {
        return `${where}.image.source.base64.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'`;
      }
      return undefined;
    }
    case "thinking":
      if (typeof block.signature !== "string") return `${where}.thinking.signature: Field required`;
      // Signatures bind the exact text: any change, or a signature from elsewhere, fails.
      if (block.signature !== signThinking(String(block.thinking)) && issued.get(block.signature) !== block.thinking) {
        return `${where}: Invalid \`signature\` in \`thinking\` block`;
      }
      return undefined;
    case "redacted_thinking":
      // Redacted data is the encrypted thinking itself: only what the fake handed out goes back (wording by analogy with thinking).
      if (!issued.has(block.data) || issued.get(block.data) !== undefined) return `${where}: Invalid \`signature\` in \`redacted_thinking\` block`;
      return undefined;
    default:
      return undefined;
  }
}

/**
 * Tool use and results pair up across neighbouring turns (consecutive
 * messages of one role count as one turn, as Anthropic combines them):
 * every tool_result names a tool_use of the turn right before, every
 * tool_use is answered in the turn right after (unless it is the last
 * turn), and a turn's tool_result blocks come before anything else in it.
 */
function toolPairingRefusal(messages: any[]): string | undefined {
  type Located = { block: any; index: number; position: number };
  const turns: Array<{ role: string; index: number; blocks: Located[] }> = [];
  for (const [index, message] of messages.entries()) {
    const content: any[] = Array.isArray(message.content) ? message.content : [{ type: "text", text: message.content }];
    const located = content.map((block, position) => ({ block, index, position }));
    const previous = turns.at(-1);
    if (previous !== undefined && previous.role === message.role) previous.blocks.push(...located);
    else turns.push({ role: message.role, index, blocks: located });
  }
  for (const [turnIndex, turn] of turns.entries()) {
    const before = turns[turnIndex - 1];
    const calls = new Set((before?.role === "assistant" ? before.blocks : []).filter(({ block }) => block?.type === "tool_use").map(({ block }) => block.id));
    for (const { block, index, position } of turn.blocks) {
      if (block?.type === "tool_result" && !calls.has(block.tool_use_id)) {
        return `messages.${index}.content.${position}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${block.tool_use_id}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
      }
    }
    if (turn.role !== "assistant" || turnIndex === turns.length - 1) continue;
    const uses = turn.blocks.filter(({ block }) => block?.type === "tool_use").map(({ block }) => block.id as string);
    if (uses.length === 0) continue;
    // The answers must lead the next turn: results after text or an image do not count.
    const next = turns[turnIndex + 1]!.blocks;
    const firstOther = next.findIndex(({ block }) => block?.type !== "tool_result");
    const leading = firstOther < 0 ? next : next.slice(0, firstOther);
    const answered = new Set(leading.map(({ block }) => block.tool_use_id));
    const missing = uses.filter((id) => !answered.has(id));
    if (missing.length > 0) {
      const at = turn.blocks.findLast(({ block }) => block?.type === "tool_use")!.index;
      return `messages.${at}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(", ")}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
    }
  }
  return undefined;
}

const THINKING_DOCS = "Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking";

function thinkingRefusal(action: "messages" | "count_tokens", body: any): string | undefined {
  const thinking = body.thinking;
  if (thinking?.type !== "enabled") return undefined;
  if (typeof thinking.budget_tokens !== "number") return "thinking.enabled.budget_tokens: Field required";
  if (thinking.budget_tokens < 1024) return "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024";
  if (action === "messages" && body.max_tokens <= thinking.budget_tokens) {
    return `\`max_tokens\` must be greater than \`thinking.budget_tokens\`. ${THINKING_DOCS}#max-tokens-and-context-window-size`;
  }
  if (body.tool_choice?.type === "any" || body.tool_choice?.type === "tool") {
    return "Thinking may not be enabled when tool_choice forces tool use.";
  }
  if (body.temperature !== undefined && body.temperature !== 1) {
    return `\`temperature\` may only be set to 1 when thinking is enabled. ${THINKING_DOCS}#feature-compatibility`;
  }
  return toolLoopThinkingRefusal(body.messages);
}

/**
 * In a tool-use loop (the last message carries tool results), the assistant
 * turn that called the tools must start with its thinking block.
 */
function toolLoopThinkingRefusal(messages: any[]): string | undefined {
  const last = messages.at(-1);
  const lastHasResults = last?.role === "user" && Array.isArray(last.content) && last.content.some((block: any) => block?.type === "tool_result");
  if (!lastHasResults) return undefined;
  const index = messages.findLastIndex((message) => message.role === "assistant");
  if (index < 0) return undefined;
  const content = messages[index].content;
  const first = typeof content === "string" ? { type: "text" } : Array.isArray(content) ? content[0] : undefined;
  if (first?.type === "thinking" || first?.type === "redacted_thinking") return undefined;
  return `messages.${index}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${first?.type}\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block (preceeding the lastmost set of \`tool_use\` and \`tool_result\` blocks). We recommend you include thinking blocks from previous turns. To avoid this requirement, disable \`thinking\`. ${THINKING_DOCS}`;
}

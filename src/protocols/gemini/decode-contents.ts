import { decodeSignature } from "../shared/signature-codec.ts";
import type { AssistantContent, Message, Signature, ToolCallPart, ToolResultPart, UserContent } from "../../ir/request.ts";
import { invalidField } from "../shared/invalid-field.ts";
import { decodeFileData, decodeInlineData } from "./decode-media.ts";
import { type CallLedger, decodeFunctionResponse } from "./decode-function-response.ts";
import type { GeminiContent, GeminiPart } from "./schema.ts";

type Path = ReadonlyArray<PropertyKey>;

const PART_KINDS = "text, inlineData, fileData, functionCall or functionResponse";

/**
 * Converts `contents` into IR messages. Model turns become assistant
 * messages (thoughts → reasoning, function calls → tool calls with their
 * signatures); user turns become user messages, with function responses
 * split out into tool messages where they stand. Consecutive messages of
 * the same role merge.
 */
export function decodeGeminiContents(contents: GeminiContent[]): Message[] {
  const messages: Message[] = [];
  const calls: CallLedger = { open: [], count: 0 };
  contents.forEach((content, contentIndex) => {
    content.parts.forEach((part, partIndex) => {
      const path = ["contents", contentIndex, "parts", partIndex];
      if (content.role === "model") decodeModelPart(part, path, messages, calls);
      else decodeUserPart(part, path, messages, calls);
    });
  });
  return messages;
}

function decodeModelPart(part: GeminiPart, path: Path, messages: Message[], calls: CallLedger): void {
  if (part.functionResponse != null) {
    throw invalidField([...path, "functionResponse"], "a function response belongs in a user turn, not a model turn");
  }
  // Gemini's own signatures come raw; one agw tagged for another family (an Anthropic upstream's) says so.
  const decoded: Signature | undefined = decodeSignature(part.thoughtSignature, "gemini")?.signature;
  // Only Gemini signs calls and text: another family's signature on such a part signs the thinking
  // before it, on whose next part it rode (the streamed thought's text had gone out before it).
  const foreign = decoded !== undefined && decoded.family !== "gemini" && part.thought !== true;
  if (foreign) signReasoning(assistantContent(messages), decoded);
  const signature = foreign ? undefined : decoded;

  if (part.functionCall != null) {
    const call = part.functionCall;
    const id = call.id || `call_${calls.count}`;
    calls.count++;
    calls.open.push({ id, name: call.name });
    const toolCall: ToolCallPart = { type: "tool-call", id, name: call.name, arguments: JSON.stringify(call.args ?? {}) };
    if (signature) toolCall.signature = signature;
    assistantContent(messages).push(toolCall);
    return;
  }
  if (part.thought === true) {
    const text = part.text ?? "";
    if (text === "" && !signature) return;
    assistantContent(messages).push({ type: "reasoning", text, ...(signature && { signature }) });
    return;
  }
  const text = textOf(part);
  if (text !== undefined && part.text != null && signature) {
    // A signature on a text part signs the answer's text (Gemini 3 puts it on
    // the last part, often an empty one): it stays with the text.
    const content = assistantContent(messages);
    const last = content.at(-1);
    if (text === "" && last?.type === "text" && last.signature === undefined) last.signature = signature;
    else content.push({ type: "text", text, signature });
    return;
  }
  // A signature on any other part (code execution, media) signs the thinking before it.
  if (signature) signReasoning(assistantContent(messages), signature);
  if (text !== undefined) {
    if (text !== "") assistantContent(messages).push({ type: "text", text });
    return;
  }
  // Media in a model turn (generated images) has no place in the IR's assistant content: it is left out.
  if (part.inlineData != null || part.fileData != null || signature) return;
  throw invalidField(path, `expected one of ${PART_KINDS}`);
}

function decodeUserPart(part: GeminiPart, path: Path, messages: Message[], calls: CallLedger): void {
  if (part.functionCall != null) {
    throw invalidField([...path, "functionCall"], "a function call belongs in a model turn, not a user turn");
  }
  if (part.functionResponse != null) {
    const decoded = decodeFunctionResponse(part.functionResponse, calls);
    if (decoded.type === "tool-result") appendToolResult(messages, decoded);
    else userContent(messages).push(...decoded.content);
    return;
  }
  const text = textOf(part);
  if (text !== undefined) {
    if (text !== "") userContent(messages).push({ type: "text", text });
    return;
  }
  if (part.inlineData != null) {
    userContent(messages).push(decodeInlineData(part.inlineData));
    return;
  }
  if (part.fileData != null) {
    userContent(messages).push(decodeFileData(part.fileData));
    return;
  }
  // A bare signature on a user part means nothing to any upstream.
  if (part.thoughtSignature) return;
  throw invalidField(path, `expected one of ${PART_KINDS}`);
}

/** The part's text: plain text, or code execution history written out as text. */
function textOf(part: GeminiPart): string | undefined {
  if (part.text != null) return part.text;
  if (part.executableCode != null) {
    const language = (part.executableCode.language ?? "").toLowerCase().replace("language_unspecified", "");
    return `\`\`\`${language}\n${part.executableCode.code}\n\`\`\``;
  }
  if (part.codeExecutionResult != null) return part.codeExecutionResult.output ?? "";
  return undefined;
}

/** Attaches a signature to the reasoning just before, or records it on an empty reasoning part. */
function signReasoning(content: AssistantContent[], signature: Signature): void {
  const last = content.at(-1);
  if (last?.type === "reasoning" && last.signature === undefined) last.signature = signature;
  else content.push({ type: "reasoning", text: "", signature });
}

function assistantContent(messages: Message[]): AssistantContent[] {
  const last = messages.at(-1);
  if (last?.role === "assistant") return last.content;
  const message: Message = { role: "assistant", content: [] };
  messages.push(message);
  return message.content;
}

function userContent(messages: Message[]): UserContent[] {
  const last = messages.at(-1);
  if (last?.role === "user") return last.content;
  const message: Message = { role: "user", content: [] };
  messages.push(message);
  return message.content;
}

function appendToolResult(messages: Message[], result: ToolResultPart): void {
  const last = messages.at(-1);
  if (last?.role === "tool") last.content.push(result);
  else messages.push({ role: "tool", content: [result] });
}

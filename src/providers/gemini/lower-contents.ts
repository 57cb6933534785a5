import type { AssistantContent, FilePart, ImagePart, Message, ToolResultPart, UserContent } from "../../ir/request.ts";
import type { GeminiContent, GeminiPart, GeminiRole } from "./types.ts";

/**
 * Google's documented placeholder for a function call whose real thought
 * signature was lost (history from another model, or a client that dropped
 * it): Gemini 3 rejects a replayed model turn whose first functionCall part
 * has no signature, and accepts this value in its place.
 */
export const SKIP_THOUGHT_SIGNATURE = "skip_thought_signature_validator";

export interface LoweredContents {
  systemInstruction?: { parts: Array<{ text: string }> };
  contents: GeminiContent[];
}

/**
 * Lowers the conversation: system texts go to `systemInstruction`, users and
 * tool results to role `user`, the assistant to role `model`. Consecutive
 * messages with the same Gemini role merge into one content, because Gemini
 * wants the roles to alternate.
 */
export function lowerGeminiContents(messages: Message[]): LoweredContents {
  const system: Array<{ text: string }> = [];
  const contents: GeminiContent[] = [];
  const callNames = new Map<string, string>();

  const push = (role: GeminiRole, parts: GeminiPart[]) => {
    if (parts.length === 0) return;
    const last = contents.at(-1);
    if (last?.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  };

  for (const message of messages) {
    switch (message.role) {
      case "system":
        for (const part of message.content) if (part.text !== "") system.push({ text: part.text });
        break;
      case "user":
        push("user", message.content.flatMap(lowerUserPart));
        break;
      case "assistant":
        for (const part of message.content) if (part.type === "tool-call") callNames.set(part.id, part.name);
        push("model", message.content.flatMap(lowerAssistantPart));
        break;
      case "tool":
        push(
          "user",
          message.content.flatMap((part) => lowerToolResult(part, callNames)),
        );
        break;
    }
  }

  for (const content of contents) {
    if (content.role !== "model") continue;
    const firstCall = content.parts.find((part) => part.functionCall !== undefined);
    if (firstCall && firstCall.thoughtSignature === undefined) firstCall.thoughtSignature = SKIP_THOUGHT_SIGNATURE;
  }

  return system.length > 0 ? { systemInstruction: { parts: system }, contents } : { contents };
}

function lowerUserPart(part: UserContent): GeminiPart[] {
  switch (part.type) {
    case "text":
      return part.text === "" ? [] : [{ text: part.text }];
    case "image":
    case "file":
      return lowerMedia(part);
  }
}

function lowerAssistantPart(part: AssistantContent): GeminiPart[] {
  switch (part.type) {
    case "text": {
      // Gemini's own signature goes back on the text part it came on (Gemini 3 signs a text answer's last part).
      const signature = part.signature?.family === "gemini" ? part.signature.value : undefined;
      if (signature !== undefined) return [{ text: part.text, thoughtSignature: signature }];
      return part.text === "" ? [] : [{ text: part.text }];
    }
    case "reasoning": {
      // Only Gemini's own signed thoughts mean anything to Gemini: reasoning from
      // another family, or without its signature, is dropped rather than refused.
      if (part.signature?.family !== "gemini") return [];
      return [{ text: part.text, thought: true, thoughtSignature: part.signature.value }];
    }
    case "tool-call": {
      const lowered: GeminiPart = { functionCall: { name: part.name, args: parseArguments(part.arguments) } };
      if (part.signature?.family === "gemini") lowered.thoughtSignature = part.signature.value;
      return [lowered];
    }
    case "image": {
      // An image the model made earlier goes back as it came, with its signature (Gemini 3 image models want it for edits).
      if (part.data === undefined) return [];
      const lowered: GeminiPart = { inlineData: { mimeType: part.mediaType ?? "image/png", data: part.data } };
      if (part.signature?.family === "gemini") lowered.thoughtSignature = part.signature.value;
      return [lowered];
    }
  }
}

/**
 * A tool result becomes a `functionResponse` (Gemini wants an object: a JSON
 * object result is passed as is, anything else is wrapped), followed by any
 * images it contained. Ids are not sent: Gemini's REST API pairs calls and
 * responses by order and name, and rejects ids it did not issue.
 */
function lowerToolResult(part: ToolResultPart, callNames: Map<string, string>): GeminiPart[] {
  const name = part.name ?? callNames.get(part.toolCallId) ?? part.toolCallId;
  // One pass over the result's content (a coding agent's session holds dozens of results, every turn).
  let text: string | undefined;
  let lowered: GeminiPart[] | undefined;
  for (const item of part.content) {
    if (item.type === "text") text = text === undefined ? item.text : `${text}\n${item.text}`;
    else for (const media of lowerMedia(item)) (lowered ??= []).push(media);
  }
  text ??= "";
  const response = part.isError ? { error: text } : (parseObject(text) ?? { result: text });
  const first: GeminiPart = { functionResponse: { name, response } };
  return lowered === undefined ? [first] : [first, ...lowered];
}

function lowerMedia(part: ImagePart | FilePart): GeminiPart[] {
  if (part.data !== undefined) {
    const { mimeType, data } = splitDataUrl(part.data);
    const type = part.mediaType ?? mimeType ?? (part.type === "image" ? sniffImageType(data) : "application/octet-stream");
    return [{ inlineData: { mimeType: type, data } }];
  }
  if (part.url !== undefined) {
    // Media resolution should have inlined this already; Gemini fetches only its own File API and a few URL kinds.
    return [{ fileData: part.mediaType ? { mimeType: part.mediaType, fileUri: part.url } : { fileUri: part.url } }];
  }
  return [];
}

/** Accepts both raw base64 and a `data:` URL, since clients send either. */
function splitDataUrl(data: string): { mimeType?: string; data: string } {
  const match = /^data:([^;,]+)?(?:;[^,]*)?,/.exec(data);
  if (!match) return { data };
  return match[1] ? { mimeType: match[1], data: data.slice(match[0].length) } : { data: data.slice(match[0].length) };
}

function sniffImageType(base64: string): string {
  if (base64.startsWith("iVBOR")) return "image/png";
  if (base64.startsWith("R0lGOD")) return "image/gif";
  if (base64.startsWith("UklGR")) return "image/webp";
  return "image/jpeg";
}

/** The model's arguments as an object; invalid or empty JSON becomes `{}` (Gemini requires an object). */
function parseArguments(text: string): Record<string, unknown> {
  return parseObject(text) ?? {};
}

/**
 * The text as a JSON object, if it is one. Most tool results are plain text
 * (files, command output): only a text whose first character past JSON's
 * whitespace is `{` is parsed, rather than each failing in JSON.parse with
 * an exception (a long conversation carries dozens).
 */
function parseObject(text: string): Record<string, unknown> | undefined {
  let start = 0;
  for (let code = text.charCodeAt(0); code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09; code = text.charCodeAt(++start));
  if (text.charCodeAt(start) !== 0x7b) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // not JSON: the caller wraps the text
  }
  return undefined;
}

/**
 * One plain request per client protocol, as any client sends it, and the
 * whole answer read back: status, headers, the raw body, the answer's text
 * (JSON, or every text delta of a stream) and the error frames a stream
 * carried, in the protocol's own framing.
 */
import { readSse } from "../conformance/sse.ts";

export type ClientProtocol = "openai-chat" | "openai-responses" | "openai-completions" | "anthropic" | "gemini";

export interface Answer {
  status: number;
  headers: Headers;
  /** The body exactly as received. */
  raw: string;
  /** The answer's text: the JSON answer's, or every text delta of the stream in order. */
  text: string;
  /** The data of each error frame inside a 200 stream. */
  errorFrames: unknown[];
  /** A non-200 answer's body, parsed. */
  errorBody?: unknown;
}

/** What every client asks; the fakes answer "Echo: " and the last user text. */
export const PROMPT = "Say hello to the fault matrix";
export const WHOLE_ANSWER = `Echo: ${PROMPT}`;

interface Sent {
  path: string;
  headers?: Record<string, string>;
  body: unknown;
}

interface ClientShape {
  request(model: string, stream: boolean): Sent;
  /** The text of a JSON answer. */
  jsonText(body: any): string;
  /** Reads one stream event: its text delta, or that it is an error frame. */
  streamEvent(data: any): { text?: string; error?: boolean };
}

const shapes: Record<ClientProtocol, ClientShape> = {
  "openai-chat": {
    request: (model, stream) => ({ path: "/v1/chat/completions", body: { model, stream, messages: [{ role: "user", content: PROMPT }] } }),
    jsonText: (body) => body.choices[0].message.content ?? "",
    streamEvent: (data) => (data.error ? { error: true } : { text: data.choices?.[0]?.delta?.content ?? "" }),
  },
  "openai-responses": {
    request: (model, stream) => ({ path: "/v1/responses", body: { model, stream, store: false, input: PROMPT } }),
    jsonText: (body) =>
      body.output
        .filter((item: any) => item.type === "message")
        .flatMap((item: any) => item.content.map((part: any) => part.text ?? ""))
        .join(""),
    streamEvent: (data) =>
      data.type === "response.failed" || data.type === "error"
        ? { error: true }
        : { text: data.type === "response.output_text.delta" ? data.delta : "" },
  },
  "openai-completions": {
    request: (model, stream) => ({ path: "/v1/completions", body: { model, stream, prompt: PROMPT } }),
    jsonText: (body) => body.choices[0].text,
    streamEvent: (data) => (data.error ? { error: true } : { text: data.choices?.[0]?.text ?? "" }),
  },
  anthropic: {
    request: (model, stream) => ({
      path: "/v1/messages",
      headers: { "anthropic-version": "2023-06-01" },
      body: { model, stream, max_tokens: 1024, messages: [{ role: "user", content: PROMPT }] },
    }),
    jsonText: (body) =>
      body.content
        .filter((block: any) => block.type === "text")
        .map((block: any) => block.text)
        .join(""),
    streamEvent: (data) =>
      data.type === "error" ? { error: true } : { text: data.type === "content_block_delta" && data.delta.type === "text_delta" ? data.delta.text : "" },
  },
  gemini: {
    request: (model, stream) => ({
      path: `/v1beta/models/${model}:${stream ? "streamGenerateContent?alt=sse" : "generateContent"}`,
      body: { contents: [{ role: "user", parts: [{ text: PROMPT }] }] },
    }),
    jsonText: (body) => geminiText(body),
    streamEvent: (data) => (data.error ? { error: true } : { text: geminiText(data) }),
  },
};

function geminiText(chunk: any): string {
  const parts: any[] = chunk.candidates?.[0]?.content?.parts ?? [];
  return parts
    .filter((part) => typeof part.text === "string" && !part.thought)
    .map((part) => part.text)
    .join("");
}

/**
 * Sends the protocol's request for `model` and reads the whole answer. A
 * stream is read as it comes; `onFirstText` runs once its first text has
 * arrived (and the rest is read after it).
 */
export async function ask(
  baseUrl: string,
  protocol: ClientProtocol,
  model: string,
  stream: boolean,
  onFirstText?: () => void,
): Promise<Answer> {
  const shape = shapes[protocol];
  const sent = shape.request(model, stream);
  const response = await fetch(baseUrl + sent.path, {
    method: "POST",
    headers: { "content-type": "application/json", ...sent.headers },
    body: JSON.stringify(sent.body),
  });
  const raw = stream && onFirstText && response.body ? await readUntilText(response.body, shape, onFirstText) : await response.text();
  const answer: Answer = { status: response.status, headers: response.headers, raw, text: "", errorFrames: [] };
  if (response.status !== 200) return { ...answer, errorBody: parse(raw) };
  if (!stream) return { ...answer, text: shape.jsonText(JSON.parse(raw)) };
  return { ...answer, ...readStream(raw, shape) };
}

/** The text and error frames of a stream's complete events. */
function readStream(raw: string, shape: ClientShape): { text: string; errorFrames: unknown[] } {
  const read = { text: "", errorFrames: [] as unknown[] };
  for (const event of readSse(raw)) {
    if (event.data === "[DONE]") continue;
    const data = JSON.parse(event.data);
    const seen = shape.streamEvent(data);
    if (seen.error) read.errorFrames.push(data);
    else read.text += seen.text ?? "";
  }
  return read;
}

/** Reads a stream whole, telling `onFirstText` as soon as its complete events carry some text. */
async function readUntilText(body: ReadableStream<Uint8Array>, shape: ClientShape, onFirstText: () => void): Promise<string> {
  const decoder = new TextDecoder();
  let raw = "";
  let told = false;
  for await (const bytes of body) {
    raw += decoder.decode(bytes, { stream: true });
    if (told) continue;
    const complete = raw.slice(0, Math.max(raw.lastIndexOf("\n\n"), raw.lastIndexOf("\r\n\r\n"), 0));
    if (readStream(complete, shape).text !== "") {
      told = true;
      onFirstText();
    }
  }
  return raw + decoder.decode();
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

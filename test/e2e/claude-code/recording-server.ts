/**
 * A tiny fake Anthropic API that records every request Claude Code sends.
 *
 *   const server = startRecordingServer({ captureDir });   // Bun.serve on 127.0.0.1, port 0
 *   server.url                                             // "http://127.0.0.1:PORT" — ANTHROPIC_BASE_URL
 *   server.requests                                        // every request: { method, path, headers, body }
 *   server.setScript((body, request) => reply | undefined) // per-test answers for POST /v1/messages
 *   await server.stop()
 *
 * Routes:
 * - `POST /v1/messages` (any query, e.g. `?beta=true`): a Messages API answer,
 *   as SSE (`event:` + `data:` lines) when `stream` is true, else one JSON message.
 *   The default answer is the text "Echo: <last user text>".
 * - `POST /v1/messages/count_tokens`: `{"input_tokens": 10}`.
 * - `HEAD /`, `GET /`: 200, empty body.
 * - anything else: 200 `{}`.
 *
 * With `captureDir`, each request is also written there as
 * `NNN-METHOD-path.json` ({ method, path, headers, body }), with the API key
 * and bearer token redacted.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface RecordedRequest {
  index: number;
  method: string;
  /** Path and query, e.g. "/v1/messages?beta=true". */
  path: string;
  headers: Record<string, string>;
  body: any;
}

/** One assistant turn, in Anthropic's content-block shape. */
export interface MessagesReply {
  content: Array<{ type: "text"; text: string } | { type: "tool_use"; id: string; name: string; input: unknown }>;
  stop_reason?: "end_turn" | "tool_use" | "max_tokens" | "stop_sequence";
}

export type MessagesScript = (body: any, request: RecordedRequest) => MessagesReply | undefined;

export interface RecordingServer {
  url: string;
  requests: RecordedRequest[];
  /** The recorded `POST /v1/messages` requests only. */
  messages(): RecordedRequest[];
  setScript(script: MessagesScript | undefined): void;
  stop(): Promise<void>;
}

const secretHeaders = new Set(["x-api-key", "authorization", "proxy-authorization", "cookie"]);

export function redactHeaders(headers: Headers): Record<string, string> {
  const result: Record<string, string> = {};
  headers.forEach((value, name) => {
    result[name] = secretHeaders.has(name.toLowerCase()) ? `<redacted, ${value.length} chars${/^bearer /i.test(value) ? ", Bearer" : ""}>` : value;
  });
  return result;
}

/** The text of the last user message's text blocks (Claude Code adds <system-reminder> blocks first). */
export function lastUserText(body: any): string {
  const messages: any[] = Array.isArray(body?.messages) ? body.messages : [];
  const last = [...messages].reverse().find((message) => message.role === "user");
  if (!last) return "";
  if (typeof last.content === "string") return last.content;
  const texts = (last.content as any[]).filter((block) => block.type === "text" && typeof block.text === "string").map((block) => block.text as string);
  const plain = texts.filter((text) => !text.trimStart().startsWith("<system-reminder>"));
  return (plain.length > 0 ? plain : texts).at(-1) ?? "";
}

export function startRecordingServer(options: { captureDir?: string; script?: MessagesScript } = {}): RecordingServer {
  const requests: RecordedRequest[] = [];
  let script = options.script;
  let messageCounter = 0;
  if (options.captureDir) mkdirSync(options.captureDir, { recursive: true });

  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 120,
    async fetch(httpRequest) {
      const url = new URL(httpRequest.url);
      const text = httpRequest.method === "GET" || httpRequest.method === "HEAD" ? "" : await httpRequest.text();
      let body: any = text;
      if (text) {
        try {
          body = JSON.parse(text);
        } catch {
          // keep the raw text
        }
      } else {
        body = null;
      }
      const request: RecordedRequest = {
        index: requests.length + 1,
        method: httpRequest.method,
        path: url.pathname + url.search,
        headers: redactHeaders(httpRequest.headers),
        body,
      };
      requests.push(request);
      if (options.captureDir) {
        const name = `${String(request.index).padStart(3, "0")}-${request.method}-${url.pathname.replace(/[^A-Za-z0-9]+/g, "_").replace(/^_|_$/g, "") || "root"}.json`;
        writeFileSync(join(options.captureDir, name), JSON.stringify(request, null, 2) + "\n");
      }

      if (httpRequest.method === "POST" && url.pathname === "/v1/messages/count_tokens") {
        return Response.json({ input_tokens: 10 });
      }
      if (httpRequest.method === "POST" && url.pathname === "/v1/messages") {
        const reply = script?.(body, request) ?? { content: [{ type: "text", text: `Echo: ${lastUserText(body)}` }] };
        const message = toMessage(reply, body?.model ?? "claude-unknown", `msg_rec_${++messageCounter}`);
        if (body?.stream === true) {
          return new Response(sse(message), {
            headers: { "content-type": "text/event-stream", "cache-control": "no-cache", "request-id": `req_rec_${messageCounter}` },
          });
        }
        return Response.json(message, { headers: { "request-id": `req_rec_${messageCounter}` } });
      }
      if ((httpRequest.method === "HEAD" || httpRequest.method === "GET") && url.pathname === "/") {
        return new Response(null, { status: 200 });
      }
      return Response.json({});
    },
  });

  return {
    url: `http://127.0.0.1:${server.port}`,
    requests,
    messages: () => requests.filter((request) => request.method === "POST" && request.path.split("?")[0] === "/v1/messages"),
    setScript: (next) => {
      script = next;
    },
    stop: () => server.stop(true),
  };
}

function toMessage(reply: MessagesReply, model: string, id: string) {
  const outputTokens = Math.max(1, Math.ceil(JSON.stringify(reply.content).length / 4));
  return {
    id,
    type: "message",
    role: "assistant",
    model,
    content: reply.content,
    stop_reason: reply.stop_reason ?? (reply.content.some((block) => block.type === "tool_use") ? "tool_use" : "end_turn"),
    stop_sequence: null,
    usage: { input_tokens: 10, output_tokens: outputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
  };
}

/** The message as Anthropic's SSE events; text arrives in two deltas, tool input in two partial_json deltas. */
function sse(message: ReturnType<typeof toMessage>): string {
  const frames: string[] = [];
  const emit = (event: string, data: unknown) => frames.push(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  emit("message_start", {
    type: "message_start",
    message: { ...message, content: [], stop_reason: null, stop_sequence: null, usage: { ...message.usage, output_tokens: 1 } },
  });
  message.content.forEach((block, index) => {
    if (block.type === "text") {
      emit("content_block_start", { type: "content_block_start", index, content_block: { type: "text", text: "" } });
      const half = Math.ceil(block.text.length / 2);
      for (const piece of [block.text.slice(0, half), block.text.slice(half)]) {
        if (piece) emit("content_block_delta", { type: "content_block_delta", index, delta: { type: "text_delta", text: piece } });
      }
    } else {
      emit("content_block_start", { type: "content_block_start", index, content_block: { type: "tool_use", id: block.id, name: block.name, input: {} } });
      const json = JSON.stringify(block.input);
      const half = Math.ceil(json.length / 2);
      for (const piece of [json.slice(0, half), json.slice(half)]) {
        if (piece) emit("content_block_delta", { type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: piece } });
      }
    }
    emit("content_block_stop", { type: "content_block_stop", index });
  });
  emit("message_delta", {
    type: "message_delta",
    delta: { stop_reason: message.stop_reason, stop_sequence: null },
    usage: { input_tokens: message.usage.input_tokens, output_tokens: message.usage.output_tokens },
  });
  emit("message_stop", { type: "message_stop" });
  return frames.join("");
}

/** Every tool_result block of the conversation, as plain text. */
export function toolResultTexts(body: any): string[] {
  const blocks: any[] = (body?.messages ?? []).flatMap((message: any) => (Array.isArray(message.content) ? message.content : []));
  return blocks
    .filter((block) => block.type === "tool_result")
    .map((block) =>
      typeof block.content === "string"
        ? block.content
        : (block.content ?? []).map((part: any) => (typeof part.text === "string" ? part.text : JSON.stringify(part))).join(""),
    );
}

/**
 * A two-step tool exchange in Anthropic format: while no tool_result is in the
 * conversation and the request declares `toolName`, answer with a tool_use of
 * it; once a tool_result is there, answer `finalText(result)`.
 */
export function toolScript(toolName: string, input: Record<string, unknown>, finalText: (result: string) => string): MessagesScript {
  return (body) => {
    const results = toolResultTexts(body);
    if (results.length > 0) return { content: [{ type: "text", text: finalText(results.at(-1)!.trim()) }] };
    if ((body?.tools ?? []).some((tool: any) => tool.name === toolName)) {
      return {
        content: [
          { type: "text", text: `Calling ${toolName}.` },
          { type: "tool_use", id: `toolu_rec_${toolName}`, name: toolName, input },
        ],
      };
    }
    return undefined;
  };
}

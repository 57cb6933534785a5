/**
 * A tiny fake OpenAI Responses API that records every request the Codex CLI sends.
 *
 *   const server = startRecordingServer({ captureDir });   // Bun.serve on 127.0.0.1, port 0
 *   server.url                                             // "http://127.0.0.1:PORT"; base_url is `${url}/v1`
 *   server.requests                                        // every request: { index, method, path, headers, body }
 *   server.setScript((body, request) => reply | undefined) // per-test answers for POST /v1/responses
 *   await server.stop()
 *
 * Routes:
 * - `POST /v1/responses`: a Responses API answer as SSE (`event:` + `data:`
 *   lines, every event with `sequence_number`) when `stream` is true, else one
 *   JSON response object. The default answer is the text "Echo: <last user text>".
 *   Events, in order: response.created, response.in_progress, then per output
 *   item response.output_item.added, (message) response.content_part.added,
 *   response.output_text.delta ×2, response.output_text.done,
 *   response.content_part.done / (function_call) response.function_call_arguments.delta ×2,
 *   response.function_call_arguments.done / (custom_tool_call)
 *   response.custom_tool_call_input.delta, response.custom_tool_call_input.done /
 *   (reasoning) per summary part response.reasoning_summary_part.added,
 *   response.reasoning_summary_text.delta ×2, response.reasoning_summary_text.done,
 *   response.reasoning_summary_part.done,
 *   then response.output_item.done; finally response.completed with usage.
 * - `GET /v1/models`: `{ object: "list", data: [] }` (also recorded).
 * - `HEAD /`, `GET /`: 200, empty body.
 * - anything else: 404 `{ error }` (recorded, so unexpected routes show up in captures).
 *
 * Request bodies may arrive compressed (`content-encoding: zstd` or `gzip`);
 * they are decoded before they are parsed and recorded.
 *
 * With `captureDir`, each request is also written there as
 * `NNN-METHOD-path.json`, with the API key and bearer token redacted.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync, zstdDecompressSync } from "node:zlib";

export interface RecordedRequest {
  index: number;
  method: string;
  /** Path and query, e.g. "/v1/responses". */
  path: string;
  headers: Record<string, string>;
  body: any;
}

/** One output item of a model turn, in Responses API shape (ids are filled in). */
export type ResponsesOutputItem =
  | { type: "message"; text: string }
  | { type: "function_call"; name: string; arguments: string | Record<string, unknown>; call_id?: string }
  | { type: "custom_tool_call"; name: string; input: string; call_id?: string }
  /** A reasoning item: summary text (streamed as reasoning_summary_text deltas) and an opaque encrypted_content. */
  | { type: "reasoning"; summary?: string; encrypted_content?: string };

export interface ResponsesReply {
  output: ResponsesOutputItem[];
  /** HTTP error instead of a stream: status and OpenAI-shaped error body. */
  error?: { status: number; message: string; type?: string; code?: string };
}

export type ResponsesScript = (body: any, request: RecordedRequest) => ResponsesReply | undefined;

export interface RecordingServer {
  url: string;
  requests: RecordedRequest[];
  /** The recorded `POST /v1/responses` requests only. */
  responses(): RecordedRequest[];
  setScript(script: ResponsesScript | undefined): void;
  stop(): Promise<void>;
}

const secretHeaders = new Set(["x-api-key", "authorization", "proxy-authorization", "cookie", "chatgpt-account-id", "openai-organization", "openai-project"]);

export function redactHeaders(headers: Headers): Record<string, string> {
  const result: Record<string, string> = {};
  headers.forEach((value, name) => {
    result[name] = secretHeaders.has(name.toLowerCase()) ? `<redacted, ${value.length} chars${/^bearer /i.test(value) ? ", Bearer" : ""}>` : value;
  });
  return result;
}

/** Text of a Responses input item's content (string or array of input_text/output_text parts). */
export function itemText(item: any): string {
  if (typeof item?.content === "string") return item.content;
  if (!Array.isArray(item?.content)) return "";
  return item.content
    .filter((part: any) => typeof part?.text === "string")
    .map((part: any) => part.text as string)
    .join("");
}

/**
 * The text of the last user message that is the human's prompt. Codex puts its
 * own context (AGENTS.md, <environment_context>, …) into user messages before
 * the prompt; those start with "<" or "# ".
 */
export function lastUserText(body: any): string {
  const input: any[] = Array.isArray(body?.input) ? body.input : typeof body?.input === "string" ? [{ role: "user", content: body.input }] : [];
  const users = input.filter((item) => item?.role === "user" && (item.type === undefined || item.type === "message")).map(itemText);
  const plain = users.filter((text) => !/^\s*(<|# )/.test(text));
  return (plain.length > 0 ? plain : users).at(-1) ?? "";
}

/** Every function_call_output / custom_tool_call_output of the conversation, as text. */
export function toolOutputs(body: any): Array<{ call_id: string; output: string; type: string }> {
  const input: any[] = Array.isArray(body?.input) ? body.input : [];
  return input
    .filter((item) => item?.type === "function_call_output" || item?.type === "custom_tool_call_output")
    .map((item) => ({
      call_id: item.call_id,
      type: item.type,
      output:
        typeof item.output === "string"
          ? item.output
          : Array.isArray(item.output)
            ? item.output.map((part: any) => (typeof part?.text === "string" ? part.text : JSON.stringify(part))).join("")
            : JSON.stringify(item.output),
    }));
}

/** The names of the tools of a request: function/custom tools by name, others by type (e.g. "web_search"). */
export function toolNames(body: any): string[] {
  const tools: any[] = Array.isArray(body?.tools) ? body.tools : [];
  return tools.flatMap((tool) =>
    tool?.type === "namespace" && Array.isArray(tool.tools)
      ? tool.tools.map((inner: any) => `${tool.name}.${inner.name ?? inner.type}`)
      : [tool?.name ?? tool?.type],
  );
}

function decodeBody(raw: Uint8Array, encoding: string | null): string {
  const enc = (encoding ?? "").toLowerCase().trim();
  const bytes = Buffer.from(raw);
  if (enc === "zstd") return zstdDecompressSync(bytes).toString("utf8");
  if (enc === "gzip") return gunzipSync(bytes).toString("utf8");
  return bytes.toString("utf8");
}

export function startRecordingServer(options: { captureDir?: string; script?: ResponsesScript } = {}): RecordingServer {
  const requests: RecordedRequest[] = [];
  let script = options.script;
  let responseCounter = 0;
  if (options.captureDir) mkdirSync(options.captureDir, { recursive: true });

  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 120,
    async fetch(httpRequest) {
      const url = new URL(httpRequest.url);
      let body: any = null;
      if (httpRequest.method !== "GET" && httpRequest.method !== "HEAD") {
        const raw = new Uint8Array(await httpRequest.arrayBuffer());
        if (raw.length > 0) {
          let text: string;
          try {
            text = decodeBody(raw, httpRequest.headers.get("content-encoding"));
          } catch (error) {
            text = `<undecodable ${httpRequest.headers.get("content-encoding")} body, ${raw.length} bytes: ${String(error)}>`;
          }
          try {
            body = JSON.parse(text);
          } catch {
            body = text;
          }
        }
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

      if (httpRequest.method === "POST" && url.pathname === "/v1/responses") {
        const reply = script?.(body, request) ?? { output: [{ type: "message", text: `Echo: ${lastUserText(body)}` }] };
        const id = ++responseCounter;
        if (reply.error) {
          return Response.json(
            { error: { message: reply.error.message, type: reply.error.type ?? "invalid_request_error", code: reply.error.code ?? null, param: null } },
            { status: reply.error.status, headers: { "x-request-id": `req_rec_${id}` } },
          );
        }
        const response = toResponse(reply, body?.model ?? "unknown-model", id);
        if (body?.stream === true) {
          return new Response(sse(response), {
            headers: { "content-type": "text/event-stream", "cache-control": "no-cache", "x-request-id": `req_rec_${id}` },
          });
        }
        return Response.json(response, { headers: { "x-request-id": `req_rec_${id}` } });
      }
      if (httpRequest.method === "GET" && url.pathname === "/v1/models") {
        return Response.json({ object: "list", data: [] });
      }
      if ((httpRequest.method === "HEAD" || httpRequest.method === "GET") && url.pathname === "/") {
        return new Response(null, { status: 200 });
      }
      return Response.json({ error: { message: `no route ${httpRequest.method} ${url.pathname}`, type: "invalid_request_error", code: null, param: null } }, { status: 404 });
    },
  });

  return {
    url: `http://127.0.0.1:${server.port}`,
    requests,
    responses: () => requests.filter((request) => request.method === "POST" && request.path.split("?")[0] === "/v1/responses"),
    setScript: (next) => {
      script = next;
    },
    stop: () => server.stop(true),
  };
}

function toResponse(reply: ResponsesReply, model: string, id: number) {
  const output = reply.output.map((item, index) => {
    if (item.type === "message") {
      return {
        id: `msg_rec_${id}_${index}`,
        type: "message",
        status: "completed",
        role: "assistant",
        content: [{ type: "output_text", text: item.text, annotations: [], logprobs: [] }],
      };
    }
    if (item.type === "function_call") {
      return {
        id: `fc_rec_${id}_${index}`,
        type: "function_call",
        status: "completed",
        call_id: item.call_id ?? `call_rec_${id}_${index}`,
        name: item.name,
        arguments: typeof item.arguments === "string" ? item.arguments : JSON.stringify(item.arguments),
      };
    }
    if (item.type === "reasoning") {
      return {
        id: `rs_rec_${id}_${index}`,
        type: "reasoning",
        summary: item.summary ? [{ type: "summary_text", text: item.summary }] : [],
        ...(item.encrypted_content !== undefined ? { encrypted_content: item.encrypted_content } : {}),
      };
    }
    return {
      id: `ctc_rec_${id}_${index}`,
      type: "custom_tool_call",
      status: "completed",
      call_id: item.call_id ?? `call_rec_${id}_${index}`,
      name: item.name,
      input: item.input,
    };
  });
  const outputTokens = Math.max(1, Math.ceil(JSON.stringify(output).length / 4));
  return {
    id: `resp_rec_${id}`,
    object: "response",
    created_at: Math.floor(Date.now() / 1000),
    status: "completed",
    error: null,
    incomplete_details: null,
    model,
    output,
    parallel_tool_calls: true,
    usage: {
      input_tokens: 10,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: outputTokens,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 10 + outputTokens,
    },
  };
}

/** The response as Responses API SSE events; text and arguments arrive in two deltas each. */
function sse(response: ReturnType<typeof toResponse>): string {
  const frames: string[] = [];
  let sequence = 0;
  const emit = (type: string, data: Record<string, unknown>) =>
    frames.push(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence++, ...data })}\n\n`);
  const halves = (text: string) => {
    const half = Math.ceil(text.length / 2);
    return [text.slice(0, half), text.slice(half)].filter((piece) => piece.length > 0);
  };
  const pending = { ...response, status: "in_progress", output: [], usage: null };
  emit("response.created", { response: pending });
  emit("response.in_progress", { response: pending });
  response.output.forEach((item: any, output_index) => {
    if (item.type === "message") {
      const text: string = item.content[0].text;
      emit("response.output_item.added", { output_index, item: { ...item, status: "in_progress", content: [] } });
      emit("response.content_part.added", { item_id: item.id, output_index, content_index: 0, part: { type: "output_text", text: "", annotations: [], logprobs: [] } });
      for (const delta of halves(text)) emit("response.output_text.delta", { item_id: item.id, output_index, content_index: 0, delta, logprobs: [] });
      emit("response.output_text.done", { item_id: item.id, output_index, content_index: 0, text, logprobs: [] });
      emit("response.content_part.done", { item_id: item.id, output_index, content_index: 0, part: item.content[0] });
    } else if (item.type === "reasoning") {
      emit("response.output_item.added", { output_index, item: { ...item, summary: [] } });
      item.summary.forEach((part: any, summary_index: number) => {
        emit("response.reasoning_summary_part.added", { item_id: item.id, output_index, summary_index, part: { type: "summary_text", text: "" } });
        for (const delta of halves(part.text)) emit("response.reasoning_summary_text.delta", { item_id: item.id, output_index, summary_index, delta });
        emit("response.reasoning_summary_text.done", { item_id: item.id, output_index, summary_index, text: part.text });
        emit("response.reasoning_summary_part.done", { item_id: item.id, output_index, summary_index, part });
      });
    } else if (item.type === "function_call") {
      emit("response.output_item.added", { output_index, item: { ...item, status: "in_progress", arguments: "" } });
      for (const delta of halves(item.arguments)) emit("response.function_call_arguments.delta", { item_id: item.id, output_index, delta });
      emit("response.function_call_arguments.done", { item_id: item.id, output_index, name: item.name, arguments: item.arguments });
    } else {
      emit("response.output_item.added", { output_index, item: { ...item, status: "in_progress", input: "" } });
      for (const delta of halves(item.input)) emit("response.custom_tool_call_input.delta", { item_id: item.id, output_index, delta });
      emit("response.custom_tool_call_input.done", { item_id: item.id, output_index, input: item.input });
    }
    emit("response.output_item.done", { output_index, item });
  });
  emit("response.completed", { response });
  return frames.join("");
}

/**
 * A two-step tool exchange in Responses format: while no tool output is in the
 * conversation and the request declares `toolName`, answer with a
 * function_call of it (arguments as given); once a function_call_output is
 * there, answer `finalText(output)`.
 */
export function toolScript(toolName: string, args: Record<string, unknown>, finalText: (output: string) => string): ResponsesScript {
  return (body) => {
    const outputs = toolOutputs(body);
    if (outputs.length > 0) return { output: [{ type: "message", text: finalText(outputs.at(-1)!.output) }] };
    if (toolNames(body).includes(toolName)) {
      return { output: [{ type: "function_call", name: toolName, arguments: args, call_id: `call_rec_${toolName}` }] };
    }
    return undefined;
  };
}

import { anthropicRequestRefusal, signThinking } from "./anthropic-request-refusal.ts";

/**
 * A fake Anthropic Messages API on a real port, speaking Anthropic's wire
 * format, for tests that drive a provider or the whole gateway.
 *
 *   const anthropic = startFakeAnthropic();        // Bun.serve on port 0
 *   anthropic.url                                  // "http://localhost:PORT" — the provider's baseUrl
 *   anthropic.requests                             // every accepted request: { path, model, action, headers, apiKey, body, rawBody }
 *   anthropic.setScript((request) => reply | undefined)  // per-test answers; undefined falls back to the default
 *   await anthropic.stop()
 *
 * Routes: `POST /v1/messages` (any query, e.g. `?beta=true`) — an SSE stream
 * (`event:` + `data:` lines, LF-framed like Anthropic's, written in small
 * pieces at awkward byte positions with short pauses) when the body says
 * `"stream": true`, else one Message JSON object — and
 * `POST /v1/messages/count_tokens` → `{"input_tokens": N}` with
 * N = ceil(characters of all text in system and messages / 4); like the real
 * API it refuses fields only generation takes (`max_tokens`, `stream`,
 * sampling, `metadata`) as "Extra inputs are not permitted".
 *
 * Checks, as Anthropic answers them: credentials in `x-api-key` or
 * `Authorization: Bearer` (else 401 authentication_error); an
 * `anthropic-version` header (else 400); then everything
 * anthropic-request-refusal.ts lists (400 invalid_request_error): unknown
 * fields ("Extra inputs are not permitted"), `max_tokens` on /v1/messages,
 * roles, empty text blocks, tool_use/tool_result ids that do not pair up
 * between neighbouring turns, thinking settings, and every `thinking`
 * block's signature: the fake signs the thinking it emits with an HMAC of
 * the text (`signThinking`), so a block comes back valid only with its text
 * unchanged; signatures and `redacted_thinking` data a scripted stream
 * carried are accepted with the text they came with.
 *
 * Default answers, from the last user message:
 * - a tool_result → "The result was: <its text>"
 * - tools declared and "weather" in the user's text → a tool_use of `get_weather`
 *   (else the first declared tool) with input {"city":"Paris"}, streamed as
 *   input_json_delta pieces, stop_reason tool_use
 * - output_config.format json_schema → JSON text that fits the schema trivially
 * - an image block → "I see an image of <media_type> with <N> bytes"
 * - otherwise "Echo: <last user text>"
 * With thinking enabled (or adaptive), a thinking block "Thinking about it."
 * with signature FAKE_THINKING_SIGNATURE (its HMAC) comes first. Usage: input_tokens from the
 * request's size; when the request carries any `cache_control`, half of it
 * is reported as `cache_read_input_tokens`.
 *
 * Faults by API key (option `keyFaults`, default `defaultKeyFaults`):
 * `key-429` (retry-after: 2, requests limit exhausted), `key-529`
 * (overloaded_error), `key-500` (api_error), `key-401`
 * (authentication_error), `key-midstream-error` (a text delta, then an
 * `error` event); `key-429-tokens-reset` (only the exhausted limit's
 * `anthropic-ratelimit-*-reset`); and refused accounts
 * (`accountRefusalKeyFaults`: `key-usage-limit`, the 400 of a workspace past
 * its spend limit; `key-403-permission`). count_tokens answers error faults and error replies of the
 * script; a stream reply means nothing to it, so it counts as usual.
 */

export interface FakeAnthropicRequest {
  /** Path and query, as received. */
  path: string;
  model: string;
  action: "messages" | "count_tokens";
  headers: Headers;
  /** The credential: `x-api-key`, or the Bearer token. */
  apiKey: string;
  body: any;
  /** The body exactly as received. */
  rawBody: string;
}

export type FakeAnthropicReply =
  /** A 200 answer made of these stream events (data objects with their `type`); `splitAt` fixes the byte offsets of the writes. */
  | { type: "stream"; events: unknown[]; splitAt?: number[] }
  /** An error answer in Anthropic's shape, unless `body` replaces it. */
  | {
      type: "error";
      status: number;
      errorType?: string;
      message?: string;
      body?: unknown;
      headers?: Record<string, string> | (() => Record<string, string>);
    }
  /** Waits before answering (`then`, or the default answer): an upstream that hangs past a timeout. */
  | { type: "hang"; ms: number; then?: FakeAnthropicReply };

export type FakeAnthropicScript = (request: FakeAnthropicRequest) => FakeAnthropicReply | undefined;

export interface FakeAnthropicOptions {
  script?: FakeAnthropicScript;
  keyFaults?: Record<string, FakeAnthropicReply>;
  /** Pause between two written pieces, in ms (default 1). */
  pieceDelayMs?: number;
}

export interface FakeAnthropic {
  url: string;
  requests: FakeAnthropicRequest[];
  setScript(script: FakeAnthropicScript | undefined): void;
  stop(): Promise<void>;
}

/** The signature of the fake's default thinking block ("Thinking about it."). */
export const FAKE_THINKING_SIGNATURE = signThinking("Thinking about it.");

const errorTypes: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  529: "overloaded_error",
};

function statusOf(type: unknown): number {
  const entry = Object.entries(errorTypes).find(([, name]) => name === type);
  return entry ? Number(entry[0]) : 500;
}

export function anthropicErrorBody(status: number, message: string, type = errorTypes[status] ?? "api_error"): unknown {
  return { type: "error", error: { type, message } };
}

/** Stream events as Anthropic writes them: `event: <type>` and `data: <json>`, LF-framed. */
export function anthropicSse(events: unknown[]): string {
  return events.map((event) => `event: ${(event as { type?: string }).type ?? "message"}\ndata: ${JSON.stringify(event)}\n\n`).join("");
}

/** The first day of next month, at 00:00 UTC: when a spend limit resets. */
function nextMonth(): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
}

/**
 * A 429 that names its delay only in the `anthropic-ratelimit-<limit>-reset`
 * header of the exhausted limit (RFC 3339, about 2 s ahead), without
 * `retry-after`, as Anthropic-compatible services answer
 * (platform.claude.com/docs/en/api/rate-limits, "Response headers").
 */
export const rateLimitKeyFaults: Record<string, FakeAnthropicReply> = {
  "key-429-tokens-reset": {
    type: "error",
    status: 429,
    message: "This request would exceed the rate limit for your organization of 30,000 input tokens per minute.",
    headers: () => ({
      "anthropic-ratelimit-input-tokens-limit": "30000",
      "anthropic-ratelimit-input-tokens-remaining": "0",
      "anthropic-ratelimit-input-tokens-reset": new Date(Date.now() + 2000).toISOString(),
      "anthropic-ratelimit-requests-limit": "50",
      "anthropic-ratelimit-requests-remaining": "49",
      "anthropic-ratelimit-requests-reset": new Date(Date.now() + 60_000).toISOString(),
    }),
  },
};

/**
 * Accounts Anthropic refuses: a workspace past its spend limit gets a 400
 * invalid_request_error naming when access returns (the message Claude Code
 * users quote, anthropics/claude-code#2127), a key without access to the
 * resource a 403 permission_error (platform.claude.com/docs/en/api/errors).
 */
export const accountRefusalKeyFaults: Record<string, FakeAnthropicReply> = {
  "key-usage-limit": {
    type: "error",
    status: 400,
    message: `You have reached your specified API usage limits. You will regain access on ${nextMonth().toISOString().slice(0, 10)} at 00:00 UTC.`,
  },
  "key-403-permission": { type: "error", status: 403, message: "Your API key does not have permission to use the specified resource." },
};

export const defaultKeyFaults: Record<string, FakeAnthropicReply> = {
  "key-429": {
    type: "error",
    status: 429,
    message: "Number of request tokens has exceeded your per-minute rate limit",
    headers: () => ({
      "retry-after": "2",
      "anthropic-ratelimit-requests-limit": "50",
      "anthropic-ratelimit-requests-remaining": "0",
      "anthropic-ratelimit-requests-reset": new Date(Date.now() + 2000).toISOString(),
    }),
  },
  "key-529": { type: "error", status: 529, message: "Overloaded" },
  "key-500": { type: "error", status: 500, message: "Internal server error" },
  "key-401": { type: "error", status: 401, message: "invalid x-api-key" },
  "key-midstream-error": {
    type: "stream",
    events: [
      { type: "message_start", message: messageShell("msg_fake_midstream", "fake", { input_tokens: 5, output_tokens: 1 }) },
      { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
      { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Partial answer" } },
      { type: "error", error: { type: "overloaded_error", message: "Overloaded" } },
    ],
  },
  ...rateLimitKeyFaults,
  ...accountRefusalKeyFaults,
};

export function startFakeAnthropic(options: FakeAnthropicOptions = {}): FakeAnthropic {
  const requests: FakeAnthropicRequest[] = [];
  /** Signatures (with their thinking text) and redacted data scripted streams handed out, which the fake accepts back. */
  const issued = new Map<string, string | undefined>();
  let script = options.script;
  const keyFaults = options.keyFaults ?? defaultKeyFaults;
  const pieceDelayMs = options.pieceDelayMs ?? 1;
  let responses = 0;

  const server = Bun.serve({
    port: 0,
    idleTimeout: 60,
    async fetch(httpRequest) {
      const url = new URL(httpRequest.url);
      const route = /^\/v1\/messages(\/count_tokens)?$/.exec(url.pathname);
      if (!route || httpRequest.method !== "POST") {
        return errorResponse({ type: "error", status: 404, message: `Not found: ${httpRequest.method} ${url.pathname}` });
      }
      const bearer = /^Bearer (.+)$/.exec(httpRequest.headers.get("authorization") ?? "")?.[1];
      const apiKey = httpRequest.headers.get("x-api-key") ?? bearer;
      if (!apiKey) return errorResponse({ type: "error", status: 401, message: "x-api-key header is required" });
      if (!httpRequest.headers.get("anthropic-version")) {
        return errorResponse({ type: "error", status: 400, message: "anthropic-version: header is required" });
      }
      const rawBody = await httpRequest.text();
      let body: any;
      try {
        body = JSON.parse(rawBody);
      } catch {
        return errorResponse({ type: "error", status: 400, message: "There was an issue with the format or content of your request." });
      }
      const request: FakeAnthropicRequest = {
        path: url.pathname + url.search,
        model: typeof body?.model === "string" ? body.model : "",
        action: route[1] ? "count_tokens" : "messages",
        headers: httpRequest.headers,
        apiKey,
        body,
        rawBody,
      };
      requests.push(request);
      const refusal = requestRefusal(request, issued) ?? maxTokensRefusal(request);
      if (request.action === "count_tokens") return countTokensResponse(request, keyFaults[apiKey] ?? refusal ?? script?.(request));
      let answer: FakeAnthropicReply = keyFaults[apiKey] ?? refusal ?? script?.(request) ?? defaultReply(request, `msg_fake_${++responses}`);
      while (answer.type === "hang") {
        await Bun.sleep(answer.ms);
        answer = answer.then ?? defaultReply(request, `msg_fake_${++responses}`);
      }
      if (answer.type === "error") return errorResponse(answer);
      remember(answer.events, issued);
      if (body.stream !== true) {
        // Without a stream, a failure the stream would report in an `error` event is the status of the answer.
        const failure = (answer.events as any[]).find((event) => event?.type === "error")?.error;
        if (failure) return errorResponse({ type: "error", status: statusOf(failure.type), errorType: failure.type, message: failure.message });
        return Response.json(mergeEvents(answer.events));
      }
      return new Response(sseBody(answer, pieceDelayMs), { headers: { "content-type": "text/event-stream; charset=utf-8" } });
    },
  });

  return {
    url: server.url.origin,
    requests,
    setScript: (next) => {
      script = next;
    },
    stop: () => server.stop(true),
  };
}

function errorResponse(reply: Extract<FakeAnthropicReply, { type: "error" }>): Response {
  const body = reply.body ?? anthropicErrorBody(reply.status, reply.message ?? "error", reply.errorType);
  const headers = typeof reply.headers === "function" ? reply.headers() : reply.headers;
  return Response.json(body, { status: reply.status, headers });
}

/** What Anthropic refuses before generating (anthropic-request-refusal.ts), as a 400 reply. */
function requestRefusal(request: FakeAnthropicRequest, issued: ReadonlyMap<string, string | undefined>): FakeAnthropicReply | undefined {
  const message = anthropicRequestRefusal(request.action, request.body ?? {}, issued);
  return message === undefined ? undefined : { type: "error", status: 400, message };
}

/**
 * Output limits of the Claude models, from Anthropic's model pages
 * (platform.claude.com/docs/en/models/overview and models/<model>/overview,
 * "Max output"). Names matching none (test models) are not limited.
 */
const MAX_OUTPUT_TOKENS: Array<[RegExp, number]> = [
  [/^claude-(opus|sonnet)-4-[6-9]/, 128_000],
  [/^claude-(opus|sonnet|fable)-5/, 128_000],
  [/^claude-(opus|sonnet|haiku)-4-5/, 64_000],
  [/^claude-opus-4(-0|-1)?(-\d{8})?$/, 32_000],
  [/^claude-sonnet-4(-0)?(-\d{8})?$/, 64_000],
  [/^claude-3-7-sonnet/, 64_000],
  [/^claude-3-5-/, 8_192],
  [/^claude-3-/, 4_096],
];

/** Anthropic refuses a max_tokens above the model's output limit with a 400 invalid_request_error worded like this. */
function maxTokensRefusal(request: FakeAnthropicRequest): FakeAnthropicReply | undefined {
  const requested = request.body?.max_tokens;
  if (request.action !== "messages" || typeof requested !== "number") return undefined;
  // Claude Sonnet 3.7 writes up to 128K with the beta header `output-128k-2025-02-19` ("Extended output", same pages).
  const extended = /^claude-3-7-sonnet/.test(request.model) && (request.headers.get("anthropic-beta") ?? "").includes("output-128k-2025-02-19");
  const limit = extended ? 128_000 : MAX_OUTPUT_TOKENS.find(([pattern]) => pattern.test(request.model))?.[1];
  if (limit === undefined || requested <= limit) return undefined;
  return {
    type: "error",
    status: 400,
    message: `max_tokens: ${requested} > ${limit}, which is the maximum allowed number of output tokens for ${request.model}`,
  };
}

/** Signatures (bound to the thinking text they came with) and redacted data a stream hands out become acceptable later. */
function remember(events: unknown[], issued: Map<string, string | undefined>): void {
  const thinking = new Map<number, string>();
  for (const event of events as any[]) {
    if (event?.delta?.type === "thinking_delta") thinking.set(event.index, (thinking.get(event.index) ?? "") + String(event.delta.thinking ?? ""));
    if (event?.delta?.type === "signature_delta" && typeof event.delta.signature === "string") {
      issued.set(event.delta.signature, thinking.get(event.index) ?? "");
    }
    if (event?.content_block?.type === "redacted_thinking" && typeof event.content_block.data === "string") issued.set(event.content_block.data, undefined);
  }
}

function countTokensResponse(request: FakeAnthropicRequest, reply: FakeAnthropicReply | undefined): Response {
  if (reply?.type === "error") return errorResponse(reply);
  return Response.json({ input_tokens: Math.ceil(textCharacters(request.body) / 4) });
}

/** The characters (code points) of every text in system and messages, tool results included. */
function textCharacters(body: any): number {
  const count = (content: unknown): number => {
    if (typeof content === "string") return Array.from(content).length;
    if (!Array.isArray(content)) return 0;
    return content.reduce((sum: number, block: any) => {
      if (block?.type === "text" && typeof block.text === "string") return sum + Array.from(block.text).length;
      if (block?.type === "tool_result") return sum + count(block.content);
      return sum;
    }, 0);
  };
  const messages: any[] = Array.isArray(body?.messages) ? body.messages : [];
  return count(body?.system) + messages.reduce((sum: number, message: any) => sum + count(message?.content), 0);
}

function sseBody(reply: Extract<FakeAnthropicReply, { type: "stream" }>, pieceDelayMs: number): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(anthropicSse(reply.events));
  const offsets = reply.splitAt ?? cyclingOffsets(bytes.length, [9, 1, 17, 2, 40, 3, 80]);
  const bounds = [0, ...offsets.filter((offset) => offset > 0 && offset < bytes.length), bytes.length];
  let piece = 0;
  return new ReadableStream({
    async pull(controller) {
      if (piece > 0 && pieceDelayMs > 0) await Bun.sleep(pieceDelayMs);
      controller.enqueue(bytes.slice(bounds[piece], bounds[piece + 1]));
      piece += 1;
      if (piece >= bounds.length - 1) controller.close();
    },
  });
}

function cyclingOffsets(length: number, sizes: number[]): number[] {
  const offsets: number[] = [];
  for (let offset = 0, index = 0; offset < length; index += 1) {
    offset += sizes[index % sizes.length] ?? 1;
    offsets.push(offset);
  }
  return offsets;
}

function messageShell(id: string, model: string, usage: Record<string, number>): Record<string, unknown> {
  return { id, type: "message", role: "assistant", model, content: [], stop_reason: null, stop_sequence: null, usage };
}

function defaultReply(request: FakeAnthropicRequest, id: string): FakeAnthropicReply {
  const body = request.body ?? {};
  const messages: any[] = Array.isArray(body.messages) ? body.messages : [];
  const lastUser = [...messages].reverse().find((message) => message?.role === "user");
  const blocks: any[] = typeof lastUser?.content === "string" ? [{ type: "text", text: lastUser.content }] : Array.isArray(lastUser?.content) ? lastUser.content : [];
  const userText = blocks.filter((block) => block?.type === "text").map((block) => block.text).join(" ");
  const tools: any[] = Array.isArray(body.tools) ? body.tools.filter((tool: any) => tool?.input_schema !== undefined) : [];
  const result = blocks.find((block) => block?.type === "tool_result");
  const image = blocks.find((block) => block?.type === "image");
  const thinking = body.thinking?.type === "enabled" || body.thinking?.type === "adaptive";

  const events: unknown[] = [];
  let index = 0;
  if (thinking) {
    events.push(
      { type: "content_block_start", index, content_block: { type: "thinking", thinking: "", signature: "" } },
      { type: "content_block_delta", index, delta: { type: "thinking_delta", thinking: "Thinking about it." } },
      { type: "content_block_delta", index, delta: { type: "signature_delta", signature: FAKE_THINKING_SIGNATURE } },
      { type: "content_block_stop", index },
    );
    index += 1;
  }
  let stopReason = "end_turn";
  if (!result && tools.length > 0 && /weather/i.test(userText)) {
    const tool = tools.find((candidate) => candidate.name === "get_weather") ?? tools[0];
    // "Paris and Tokyo" asks for two calls in one turn (parallel tool use).
    for (const city of /tokyo/i.test(userText) ? ["Paris", "Tokyo"] : ["Paris"]) {
      const toolId = id.replace(/^msg_/, "toolu_") + (city === "Paris" ? "" : `_${index}`);
      events.push({ type: "content_block_start", index, content_block: { type: "tool_use", id: toolId, name: tool.name, input: {} } });
      for (const piece of ["", '{"city"', `: "${city.slice(0, 3)}`, `${city.slice(3)}"}`]) {
        events.push({ type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: piece } });
      }
      events.push({ type: "content_block_stop", index });
      index += 1;
    }
    stopReason = "tool_use";
  } else {
    let text: string;
    if (result) text = `The result was: ${toolResultText(result)}`;
    else if (body.output_config?.format?.type === "json_schema") text = JSON.stringify(sample(body.output_config.format.schema));
    else if (image) {
      const size = image.source?.type === "base64" ? Buffer.from(String(image.source.data ?? ""), "base64").length : 0;
      text = `I see an image of ${image.source?.media_type ?? "a URL"} with ${size} bytes`;
    } else if (typeof body.max_tokens === "number" && body.max_tokens < 5) {
      // A tiny budget: the answer is cut, as Anthropic does with stop_reason "max_tokens".
      text = "Echo";
      stopReason = "max_tokens";
    } else text = `Echo: ${userText}`;
    events.push({ type: "content_block_start", index, content_block: { type: "text", text: "" } });
    for (const piece of split(text)) events.push({ type: "content_block_delta", index, delta: { type: "text_delta", text: piece } });
    events.push({ type: "content_block_stop", index });
  }

  const total = Math.max(1, Math.ceil(JSON.stringify([body.system ?? null, messages]).length / 4));
  const cacheRead = JSON.stringify(body).includes('"cache_control"') ? Math.floor(total / 2) : 0;
  const usage = { input_tokens: total - cacheRead, cache_creation_input_tokens: 0, cache_read_input_tokens: cacheRead };
  const outputTokens = Math.max(1, Math.ceil(JSON.stringify(events).length / 40));
  return {
    type: "stream",
    events: [
      { type: "message_start", message: messageShell(id, request.model, { ...usage, output_tokens: 1 }) },
      ...events.slice(0, 1),
      { type: "ping" },
      ...events.slice(1),
      { type: "message_delta", delta: { stop_reason: stopReason, stop_sequence: null }, usage: { ...usage, output_tokens: outputTokens } },
      { type: "message_stop" },
    ],
  };
}

function toolResultText(block: any): string {
  if (typeof block.content === "string") return block.content;
  if (!Array.isArray(block.content)) return "";
  return block.content.filter((item: any) => item?.type === "text").map((item: any) => item.text).join(" ");
}

/** Splits a text into three pieces or fewer, so an answer arrives over several deltas. */
function split(text: string): string[] {
  const characters = Array.from(text);
  const size = Math.max(1, Math.ceil(characters.length / 3));
  const pieces: string[] = [];
  for (let start = 0; start < characters.length; start += size) pieces.push(characters.slice(start, start + size).join(""));
  return pieces.length > 0 ? pieces : [""];
}

/** The simplest value that fits a JSON Schema. */
function sample(schema: any): unknown {
  if (Array.isArray(schema?.anyOf) && schema.anyOf.length > 0) return sample(schema.anyOf[0]);
  switch (schema?.type) {
    case "object":
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([name, property]) => [name, sample(property)]));
    case "array":
      return schema.items ? [sample(schema.items)] : [];
    case "integer":
    case "number":
      return typeof schema.minimum === "number" ? schema.minimum : 1;
    case "boolean":
      return true;
    case "string":
      return Array.isArray(schema.enum) && schema.enum.length > 0 ? schema.enum[0] : "ok";
    default:
      return "ok";
  }
}

/** Folds stream events into the Message object a non-streamed request gets. */
function mergeEvents(events: unknown[]): unknown {
  let message: any = messageShell("msg_fake", "fake", {});
  const content: any[] = [];
  const json = new Map<number, string>();
  for (const event of events as any[]) {
    switch (event?.type) {
      case "message_start":
        message = { ...event.message, content: [] };
        break;
      case "content_block_start":
        content[event.index] = { ...event.content_block };
        break;
      case "content_block_delta": {
        const block = content[event.index];
        const delta = event.delta ?? {};
        if (!block) break;
        if (delta.type === "text_delta") block.text += delta.text;
        else if (delta.type === "thinking_delta") block.thinking += delta.thinking;
        else if (delta.type === "signature_delta") block.signature = delta.signature;
        else if (delta.type === "input_json_delta") json.set(event.index, (json.get(event.index) ?? "") + delta.partial_json);
        break;
      }
      case "message_delta":
        message.stop_reason = event.delta?.stop_reason ?? message.stop_reason;
        message.stop_sequence = event.delta?.stop_sequence ?? null;
        message.usage = { ...message.usage, ...event.usage };
        break;
    }
  }
  for (const [index, text] of json) if (content[index]) content[index].input = text === "" ? {} : JSON.parse(text);
  return { ...message, content: content.filter(Boolean) };
}

import { openAIImagesAnswer } from "./fake-openai-images.ts";
import { openAIEmbeddingsAnswer } from "./fake-embeddings.ts";
import { openAIRequestRefusal } from "./openai-request-refusal.ts";

/**
 * A fake OpenAI Chat Completions API on a real port, for tests that drive
 * the openai provider or the whole gateway.
 *
 *   const openai = startFakeOpenAI();             // Bun.serve on port 0
 *   openai.url                                    // "http://localhost:PORT/v1" — the provider's baseUrl
 *   openai.requests                               // every accepted request: { path, model, headers, apiKey, body, text }
 *   openai.setScript((request) => reply | undefined)  // per-test answers; undefined falls back to the default
 *   await openai.stop()
 *
 * Routes: `POST /v1/embeddings` (fake-embeddings.ts), `POST /v1/images/generations` (fake-openai-images.ts), `POST /v1/chat/completions`. With `stream: true` it answers SSE
 * (`data: <chunk>\n\n` … `data: [DONE]\n\n`, LF-framed like OpenAI's,
 * written in small pieces at awkward byte positions with short pauses);
 * otherwise one `chat.completion` JSON object. A request without
 * `Authorization: Bearer <key>` gets a 401 in OpenAI's error shape; a body
 * that is not JSON or has no `model` or `messages`, a 400; so does anything
 * else the real API refuses (openai-request-refusal.ts): unknown fields,
 * unknown roles, a `tool` message that answers no call of the assistant
 * message before it, a call left unanswered, empty content, an output limit
 * above the model's, an image that is not the format it claims, JSON mode
 * without "json" in the messages.
 *
 * Default answers, from the last message of the request:
 * - a `tool` message → "The result was: <its content>"
 * - tools declared and "weather" in the user's text → a tool call of
 *   `get_weather` (else the first declared tool) with arguments {"city":"Paris"}
 *   split over several deltas, finish_reason "tool_calls"
 * - response_format json_schema → JSON text that fits the schema trivially (first enum
 *   value, minimum…); json_object (no schema) → {"echo": <last user text>}
 * - a data-URL image → "I see an image of <mime> with <N> bytes"
 * - otherwise "Echo: <last user text>"
 * With `reasoning_effort` set (and not "none"), `reasoning_content` deltas
 * ("Thinking about it.") come first. Each chunk carries `"usage": null` and
 * the usage comes in a final chunk with `choices: []`, as OpenAI sends it,
 * only when `stream_options.include_usage` is true.
 *
 * Faults by API key (option `keyFaults`, default `defaultKeyFaults`):
 * `key-429` (retry-after: 2 and x-ratelimit-* headers), `key-quota`
 * (insufficient_quota), `key-401`, `key-500`, `key-503`,
 * `key-midstream-error` (a text chunk, then an `{"error": …}` chunk); each
 * delay format of a 429 on its own (`rateLimitKeyFaults`: `key-429-retry-after`,
 * `key-429-retry-after-ms`, `key-429-ratelimit-reset`); and refused accounts
 * (`accountRefusalKeyFaults`: `key-401-invalid-key`, whose message quotes
 * the whole key, and `key-403-region`).
 */

export interface FakeOpenAIRequest {
  path: string;
  model: string;
  headers: Headers;
  apiKey: string;
  body: any;
  /** The body exactly as received. */
  text: string;
}

export type FakeOpenAIReply =
  /** A 200 answer made of these chunks (`[DONE]` is added); `splitAt` fixes the byte offsets of the writes. */
  | {
      type: "stream";
      chunks: unknown[];
      splitAt?: number[];
      /** Pauses (ms) before given chunks, by index; each chunk is then written whole. */
      pauseBeforeChunkMs?: Record<number, number>;
      /** Leave out the final `data: [DONE]`. */
      noDone?: boolean;
    }
  /** An error answer; `body` defaults to OpenAI's shape built from status and message. */
  | { type: "error"; status: number; message?: string; body?: unknown; headers?: Record<string, string> }
  /** Waits before answering (`then`, or the default answer): an upstream that hangs past a timeout. */
  | { type: "hang"; ms: number; then?: FakeOpenAIReply };

export type FakeOpenAIScript = (request: FakeOpenAIRequest) => FakeOpenAIReply | undefined;

export interface FakeOpenAIOptions {
  script?: FakeOpenAIScript;
  keyFaults?: Record<string, FakeOpenAIReply>;
  /** Pause between two written pieces, in ms (default 1). */
  pieceDelayMs?: number;
}

export interface FakeOpenAI {
  /** The base URL, including `/v1`. */
  url: string;
  requests: FakeOpenAIRequest[];
  setScript(script: FakeOpenAIScript | undefined): void;
  stop(): Promise<void>;
}

const errorTypes: Record<number, string> = {
  400: "invalid_request_error",
  401: "invalid_request_error",
  403: "invalid_request_error",
  404: "invalid_request_error",
  429: "requests",
  500: "server_error",
  503: "server_error",
};

export function openAIErrorBody(status: number, message: string, code: string | null = null, type?: string, param: string | null = null): unknown {
  return { error: { message, type: type ?? errorTypes[status] ?? "server_error", param, code } };
}

const rateLimitMessage =
  "Rate limit reached for gpt-4o-mini in organization org-fake on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 2s.";

/**
 * A 429 in each way an OpenAI-compatible upstream says how long to wait,
 * one at a time, every one asking for about 2 s: `retry-after` in seconds
 * (vLLM, Groq and most compatible servers), `retry-after-ms` (Azure OpenAI;
 * the openai SDKs read it first), and only the `x-ratelimit-*` headers with
 * the exhausted window's reset, as OpenAI itself sends them
 * (platform.openai.com/docs/guides/rate-limits, "Rate limits in headers").
 */
export const rateLimitKeyFaults: Record<string, FakeOpenAIReply> = {
  "key-429-retry-after": {
    type: "error",
    status: 429,
    body: openAIErrorBody(429, rateLimitMessage, "rate_limit_exceeded"),
    headers: { "retry-after": "2" },
  },
  "key-429-retry-after-ms": {
    type: "error",
    status: 429,
    body: openAIErrorBody(429, rateLimitMessage, "rate_limit_exceeded"),
    headers: { "retry-after-ms": "1500" },
  },
  "key-429-ratelimit-reset": {
    type: "error",
    status: 429,
    body: openAIErrorBody(429, rateLimitMessage, "rate_limit_exceeded"),
    headers: {
      "x-ratelimit-limit-requests": "3",
      "x-ratelimit-limit-tokens": "40000",
      "x-ratelimit-remaining-requests": "0",
      "x-ratelimit-remaining-tokens": "39978",
      "x-ratelimit-reset-requests": "2s",
      "x-ratelimit-reset-tokens": "6m0s",
    },
  },
};

/**
 * Accounts OpenAI refuses: a wrong key is a 401 invalid_api_key (compatible
 * servers often quote the whole key, as here), a region OpenAI does not serve
 * a 403 unsupported_country_region_territory
 * (platform.openai.com/docs/guides/error-codes).
 */
export const accountRefusalKeyFaults: Record<string, FakeOpenAIReply> = {
  "key-401-invalid-key": {
    type: "error",
    status: 401,
    body: openAIErrorBody(
      401,
      "Incorrect API key provided: key-401-invalid-key. You can find your API key at https://platform.openai.com/account/api-keys.",
      "invalid_api_key",
    ),
  },
  "key-403-region": {
    type: "error",
    status: 403,
    body: openAIErrorBody(403, "Country, region, or territory not supported", "unsupported_country_region_territory", "request_forbidden"),
  },
};

export const defaultKeyFaults: Record<string, FakeOpenAIReply> = {
  "key-429": {
    type: "error",
    status: 429,
    body: openAIErrorBody(
      429,
      "Rate limit reached for gpt-4o-mini in organization org-fake on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 1s.",
      "rate_limit_exceeded",
    ),
    headers: {
      "retry-after": "2",
      "x-ratelimit-limit-requests": "3",
      "x-ratelimit-limit-tokens": "40000",
      "x-ratelimit-remaining-requests": "0",
      "x-ratelimit-remaining-tokens": "39978",
      "x-ratelimit-reset-requests": "1s",
      "x-ratelimit-reset-tokens": "6m0s",
    },
  },
  "key-quota": {
    type: "error",
    status: 429,
    body: openAIErrorBody(
      429,
      "You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.",
      "insufficient_quota",
      "insufficient_quota",
    ),
  },
  "key-401": {
    type: "error",
    status: 401,
    body: openAIErrorBody(
      401,
      "Incorrect API key provided: key-401. You can find your API key at https://platform.openai.com/account/api-keys.",
      "invalid_api_key",
    ),
  },
  "key-500": { type: "error", status: 500, message: "The server had an error while processing your request. Sorry about that!" },
  "key-503": { type: "error", status: 503, message: "The engine is currently overloaded, please try again later" },
  "key-midstream-error": {
    type: "stream",
    chunks: [
      chunk("chatcmpl-fake-midstream", "fake", [{ index: 0, delta: { role: "assistant", content: "Partial answer" }, logprobs: null, finish_reason: null }]),
      openAIErrorBody(500, "The server had an error while processing your request. Sorry about that!"),
    ],
    noDone: true,
  },
  ...rateLimitKeyFaults,
  ...accountRefusalKeyFaults,
};

/** What `GET /v1/models` lists. */
export const FAKE_MODELS = ["gpt-4o", "gpt-4o-mini", "o4-mini"];

export function startFakeOpenAI(options: FakeOpenAIOptions = {}): FakeOpenAI {
  const requests: FakeOpenAIRequest[] = [];
  let script = options.script;
  const keyFaults = options.keyFaults ?? defaultKeyFaults;
  const pieceDelayMs = options.pieceDelayMs ?? 1;
  let responses = 0;

  const server = Bun.serve({
    port: 0,
    idleTimeout: 60,
    async fetch(httpRequest) {
      const url = new URL(httpRequest.url);
      if (url.pathname === "/v1/models" && httpRequest.method === "GET") {
        if (!/^Bearer ./.test(httpRequest.headers.get("authorization") ?? "")) {
          return errorResponse({ type: "error", status: 401, message: "You didn't provide an API key." });
        }
        return Response.json({ object: "list", data: FAKE_MODELS.map((id) => ({ id, object: "model", created: 1700000000, owned_by: "fake" })) });
      }
      if (url.pathname === "/v1/embeddings" && httpRequest.method === "POST") return jsonEndpoint(httpRequest, url, requests, keyFaults, script, openAIEmbeddingsAnswer);
      if (url.pathname === "/v1/images/edits" && httpRequest.method === "POST") return imageEditsResponse(httpRequest, url, requests, keyFaults);
      if (url.pathname === "/v1/images/generations" && httpRequest.method === "POST") return jsonEndpoint(httpRequest, url, requests, keyFaults, script, openAIImagesAnswer);
      if (url.pathname !== "/v1/chat/completions" || httpRequest.method !== "POST") {
        return errorResponse({ type: "error", status: 404, message: `Invalid URL (${httpRequest.method} ${url.pathname})` });
      }
      const apiKey = /^Bearer (.+)$/.exec(httpRequest.headers.get("authorization") ?? "")?.[1]?.trim();
      if (!apiKey) {
        return errorResponse({
          type: "error",
          status: 401,
          message:
            "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.",
        });
      }
      const text = await httpRequest.text();
      let body: any;
      try {
        body = JSON.parse(text);
      } catch {
        return errorResponse({
          type: "error",
          status: 400,
          message:
            "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
        });
      }
      if (typeof body?.model !== "string") return errorResponse({ type: "error", status: 400, message: "you must provide a model parameter" });
      if (!Array.isArray(body.messages)) {
        return errorResponse({ type: "error", status: 400, message: "Missing required parameter: 'messages'." });
      }
      const request: FakeOpenAIRequest = { path: url.pathname + url.search, model: body.model, headers: httpRequest.headers, apiKey, body, text };
      requests.push(request);
      const refusal = openAIRequestRefusal(body);
      const reply =
        keyFaults[apiKey] ??
        (refusal && { type: "error" as const, status: refusal.status, body: openAIErrorBody(refusal.status, refusal.message, refusal.code, undefined, refusal.param) }) ??
        script?.(request) ??
        defaultReply(request, `chatcmpl-fake-${++responses}`);
      let answer: FakeOpenAIReply = reply;
      while (answer.type === "hang") {
        await Bun.sleep(answer.ms);
        answer = answer.then ?? defaultReply(request, `chatcmpl-fake-${++responses}`);
      }
      if (answer.type === "error") return errorResponse(answer);
      if (body.stream !== true) return Response.json(mergeChunks(answer.chunks));
      return new Response(sseBody(answer, pieceDelayMs), {
        headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" },
      });
    },
  });

  return {
    url: `${server.url.origin}/v1`,
    requests,
    setScript: (next) => {
      script = next;
    },
    stop: () => server.stop(true),
  };
}

/** `POST /v1/embeddings` and `/v1/images/generations` (fake-embeddings.ts, fake-openai-images.ts); key faults and scripts apply as to chats. */
async function jsonEndpoint(
  httpRequest: Request,
  url: URL,
  requests: FakeOpenAIRequest[],
  keyFaults: Record<string, FakeOpenAIReply>,
  script: FakeOpenAIScript | undefined,
  answer: (body: any) => { refusal: { status: number; message: string; param?: string } } | { answer: unknown },
): Promise<Response> {
  const apiKey = /^Bearer (.+)$/.exec(httpRequest.headers.get("authorization") ?? "")?.[1]?.trim();
  if (!apiKey) return errorResponse({ type: "error", status: 401, message: "You didn't provide an API key." });
  const text = await httpRequest.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    return errorResponse({ type: "error", status: 400, message: "We could not parse the JSON body of your request." });
  }
  const request: FakeOpenAIRequest = { path: url.pathname + url.search, model: body?.model, headers: httpRequest.headers, apiKey, body, text };
  requests.push(request);
  const fault = keyFaults[apiKey] ?? script?.(request);
  if (fault?.type === "error") return errorResponse(fault);
  const result = answer(body);
  if ("answer" in result) return Response.json(result.answer);
  const { status, message, param } = result.refusal;
  return errorResponse({ type: "error", status, body: openAIErrorBody(status, message, status === 404 ? "model_not_found" : null, undefined, param ?? null) });
}

/**
 * `POST /v1/images/edits`: multipart only (a JSON body is a 400, as OpenAI answers), the images as files;
 * recorded with its text fields and, per file, its field name, type, size and base64 content.
 */
async function imageEditsResponse(httpRequest: Request, url: URL, requests: FakeOpenAIRequest[], keyFaults: Record<string, FakeOpenAIReply>): Promise<Response> {
  const apiKey = /^Bearer (.+)$/.exec(httpRequest.headers.get("authorization") ?? "")?.[1]?.trim();
  if (!apiKey) return errorResponse({ type: "error", status: 401, message: "You didn't provide an API key." });
  if (!(httpRequest.headers.get("content-type") ?? "").startsWith("multipart/form-data")) {
    return errorResponse({ type: "error", status: 400, message: "Invalid Content-Type header (application/json), expected multipart/form-data." });
  }
  const form = await httpRequest.formData();
  const fields: Record<string, string> = {};
  const files: Array<{ field: string; type: string; size: number; data: string }> = [];
  for (const [name, value] of form.entries()) {
    if (typeof value === "string") fields[name] = value;
    else files.push({ field: name, type: value.type, size: value.size, data: Buffer.from(await value.arrayBuffer()).toString("base64") });
  }
  const body = { ...fields, files };
  requests.push({ path: url.pathname, model: fields.model ?? "", headers: httpRequest.headers, apiKey, body, text: "" });
  const fault = keyFaults[apiKey];
  if (fault?.type === "error") return errorResponse(fault);
  if (!files.some((file) => file.field === "image" || file.field === "image[]")) {
    return errorResponse({ type: "error", status: 400, body: openAIErrorBody(400, "Missing required parameter: 'image'.", null, undefined, "image") });
  }
  const { image: _image, "image[]": _images, mask: _mask, ...rest } = fields;
  const result = openAIImagesAnswer({ ...rest, ...(rest.n ? { n: Number(rest.n) } : {}) });
  if ("answer" in result) return Response.json(result.answer);
  const { status, message, param } = result.refusal;
  return errorResponse({ type: "error", status, body: openAIErrorBody(status, message, null, undefined, param ?? null) });
}

function errorResponse(reply: Extract<FakeOpenAIReply, { type: "error" }>): Response {
  const body = reply.body ?? openAIErrorBody(reply.status, reply.message ?? "error");
  return Response.json(body, { status: reply.status, headers: reply.headers });
}

function chunk(id: string, model: string, choices: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id, object: "chat.completion.chunk", created: 1_700_000_000, model, system_fingerprint: "fp_fake", choices, ...extra };
}

/** The SSE bytes, written in small pieces with pauses so frames split mid-line and mid-character. */
function sseBody(reply: Extract<FakeOpenAIReply, { type: "stream" }>, pieceDelayMs: number): ReadableStream<Uint8Array> {
  const frames = reply.chunks.map((value) => `data: ${JSON.stringify(value)}\n\n`);
  if (!reply.noDone) frames.push("data: [DONE]\n\n");
  if (reply.pauseBeforeChunkMs) return pausedSseBody(frames, reply.pauseBeforeChunkMs);
  const bytes = new TextEncoder().encode(frames.join(""));
  const offsets = reply.splitAt ?? cyclingOffsets(bytes.length, [7, 1, 13, 2, 31, 3, 64]);
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

/** One write per frame, with the given pauses before some of them: an upstream that goes quiet. */
function pausedSseBody(frames: string[], pauses: Record<number, number>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let index = 0;
  return new ReadableStream({
    async pull(controller) {
      const pause = pauses[index];
      if (pause) await Bun.sleep(pause);
      controller.enqueue(encoder.encode(frames[index]));
      index += 1;
      if (index >= frames.length) controller.close();
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

/** The text of a message's content: a string, or the text parts of an array. */
function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.filter((part: any) => part?.type === "text" && typeof part.text === "string").map((part: any) => part.text).join(" ");
}

function defaultReply(request: FakeOpenAIRequest, id: string): FakeOpenAIReply {
  const body = request.body;
  const messages: any[] = body.messages;
  const last = messages.at(-1);
  const lastUser = [...messages].reverse().find((message) => message?.role === "user");
  const userText = contentText(lastUser?.content);
  const tools: any[] = Array.isArray(body.tools) ? body.tools.filter((tool: any) => tool?.type === "function") : [];
  const format = body.response_format;
  const image = Array.isArray(last?.content)
    ? last.content.find((part: any) => part?.type === "image_url" && String(part.image_url?.url ?? "").startsWith("data:"))
    : undefined;
  const thinking = typeof body.reasoning_effort === "string" && body.reasoning_effort !== "none";
  // A JSON answer always has its usage; a stream only when asked for it.
  const includeUsage = body.stream !== true || body.stream_options?.include_usage === true;
  const frame = (choices: unknown[]) => chunk(id, request.model, choices, includeUsage ? { usage: null } : {});
  const delta = (value: Record<string, unknown>, finish: string | null = null) =>
    frame([{ index: 0, delta: value, logprobs: null, finish_reason: finish }]);

  const chunks: unknown[] = [delta({ role: "assistant", content: "", refusal: null })];
  if (thinking) for (const piece of split("Thinking about it.")) chunks.push(delta({ content: null, reasoning_content: piece }));
  let completion = 0;
  let finishReason = "stop";

  if (last?.role === "tool") {
    for (const piece of split(`The result was: ${contentText(last.content)}`)) chunks.push(delta({ content: piece }));
    completion += 8;
  } else if (tools.length > 0 && /weather/i.test(userText)) {
    const tool = tools.find((candidate) => candidate.function?.name === "get_weather") ?? tools[0];
    const callId = `call_fake_${id.replace(/\W/g, "")}`;
    // "Paris and Tokyo" asks for two calls in one turn (parallel tool calls).
    const cities = /tokyo/i.test(userText) ? ["Paris", "Tokyo"] : ["Paris"];
    for (const [index, city] of cities.entries()) {
      const name = tool.function?.name ?? "get_weather";
      chunks.push(delta({ tool_calls: [{ index, id: index === 0 ? callId : `${callId}_${index}`, type: "function", function: { name, arguments: "" } }] }));
      for (const piece of ['{"ci', `ty":"${city.slice(0, 2)}`, `${city.slice(2)}"}`]) {
        chunks.push(delta({ tool_calls: [{ index, function: { arguments: piece } }] }));
      }
    }
    completion += 12;
    finishReason = "tool_calls";
  } else if (format?.type === "json_schema" || format?.type === "json_object") {
    // Without a schema (JSON mode) the answer is some JSON object, not one that happens to fit what the client wanted.
    const schema = format.type === "json_schema" ? format.json_schema?.schema : undefined;
    for (const piece of split(JSON.stringify(schema ? sample(schema) : { echo: userText }))) chunks.push(delta({ content: piece }));
    completion += 10;
  } else if (image) {
    const match = /^data:([^;,]+)[^,]*,(.*)$/s.exec(image.image_url.url);
    const size = Buffer.from(match?.[2] ?? "", "base64").length;
    for (const piece of split(`I see an image of ${match?.[1]} with ${size} bytes`)) chunks.push(delta({ content: piece }));
    completion += 10;
  } else if (Math.min(body.max_completion_tokens ?? Infinity, body.max_tokens ?? Infinity) < 5) {
    // A tiny budget: the answer is cut, as OpenAI does with finish_reason "length".
    chunks.push(delta({ content: "Echo" }));
    completion += 1;
    finishReason = "length";
  } else {
    const answer = `Echo: ${userText}`;
    for (const piece of split(answer)) chunks.push(delta({ content: piece }));
    completion += Math.max(1, Math.ceil(answer.length / 4));
  }
  chunks.push(delta({}, finishReason));

  if (includeUsage) {
    const prompt = Math.ceil(JSON.stringify(messages).length / 4);
    const reasoning = thinking ? 5 : 0;
    chunks.push(
      chunk(id, request.model, [], {
        usage: {
          prompt_tokens: prompt,
          completion_tokens: completion + reasoning,
          total_tokens: prompt + completion + reasoning,
          prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
          completion_tokens_details: { reasoning_tokens: reasoning, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
        },
      }),
    );
  }
  return { type: "stream", chunks };
}

/** Splits a text into three pieces or fewer, so an answer arrives over several chunks. */
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
  if (Array.isArray(schema?.enum) && schema.enum.length > 0) return schema.enum[0];
  const type = Array.isArray(schema?.type) ? schema.type.find((name: string) => name !== "null") : schema?.type;
  switch (type) {
    case "object":
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([name, property]) => [name, sample(property)]));
    case "array":
      return schema.items ? [sample(schema.items)] : [];
    case "integer":
    case "number":
      return typeof schema.minimum === "number" ? schema.minimum : 1;
    case "boolean":
      return true;
    case "null":
      return null;
    default:
      return "ok";
  }
}

/** Folds stream chunks into the single `chat.completion` a non-streaming request gets. */
function mergeChunks(chunks: unknown[]): unknown {
  let content = "";
  let reasoning = "";
  const calls: any[] = [];
  let finishReason: string | null = null;
  let usage: unknown;
  let first: any;
  for (const value of chunks as any[]) {
    if (value?.error) return value;
    first ??= value;
    if (value?.usage) usage = value.usage;
    const choice = value?.choices?.[0];
    if (!choice) continue;
    const delta = choice.delta ?? {};
    if (typeof delta.content === "string") content += delta.content;
    if (typeof delta.reasoning_content === "string") reasoning += delta.reasoning_content;
    for (const call of delta.tool_calls ?? []) {
      const index = call.index ?? calls.length;
      calls[index] ??= { id: call.id, type: "function", function: { name: call.function?.name ?? "", arguments: "" } };
      calls[index].function.arguments += call.function?.arguments ?? "";
    }
    if (choice.finish_reason) finishReason = choice.finish_reason;
  }
  const message: Record<string, unknown> = { role: "assistant", content: calls.length > 0 && content === "" ? null : content, refusal: null };
  if (reasoning !== "") message.reasoning_content = reasoning;
  if (calls.length > 0) message.tool_calls = calls;
  return {
    id: first?.id,
    object: "chat.completion",
    created: first?.created,
    model: first?.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
    usage: usage ?? { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
    system_fingerprint: "fp_fake",
  };
}

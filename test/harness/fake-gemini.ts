import { geminiRequestRefusal } from "./gemini-request-refusal.ts";
import { geminiEmbedAnswer } from "./fake-embeddings.ts";

/**
 * A fake Gemini API on a real port, speaking Gemini's wire format, for tests
 * that drive the whole gateway.
 *
 *   const gemini = startFakeGemini();            // Bun.serve on port 0
 *   gemini.url                                   // "http://localhost:PORT" — the provider's baseUrl
 *   gemini.requests                              // every accepted request: { path, model, action, headers, apiKey, body }
 *   gemini.setScript((request) => reply | undefined)  // per-test answers; undefined falls back to the default
 *   await gemini.stop()
 *
 * Routes (embeddings: `:embedContent` and `:batchEmbedContents`, see fake-embeddings.ts):
 * `POST /v1beta/models/{model}:streamGenerateContent?alt=sse` (SSE,
 * CRLF-framed like Google's, written in small pieces at awkward byte
 * positions with short pauses), `:generateContent` (one JSON object) and
 * `:countTokens` (`{"totalTokens": N, "promptTokensDetails": [{"modality": "TEXT", "tokenCount": N}]}`
 * with N = ceil(characters of all text parts in contents and systemInstruction / 4);
 * like the real API it refuses `systemInstruction`/`tools` outside
 * `generateContentRequest` and a `generateContentRequest` without `model`).
 * A request without `x-goog-api-key` (or `?key=`) gets a 401 in Google's error shape;
 * a generation body Gemini would refuse (gemini-request-refusal.ts: unknown
 * fields, roles other than user/model, empty contents or parts, function
 * calls and responses that do not pair up) a 400 INVALID_ARGUMENT.
 *
 * Default answers, from the last content of the request:
 * - a functionResponse → "The result was: <JSON of the response>"
 * - tools declared and "weather" in the user's text → a functionCall of `get_weather`
 *   (else the first declared tool) with args {"city":"Paris"}
 * - responseMimeType application/json → JSON text that fits responseSchema trivially
 *   (first enum value, minimum…); without a schema {"echo": <last user text>}
 * - an inlineData part → "I see an image of <mimeType> with <N> bytes"
 * - otherwise "Echo: <last user text>"
 * With thinkingConfig.includeThoughts, a thought ("Thinking about it.", signature "sig-1") comes first.
 *
 * Thought signatures, as Gemini 3 models place and check them (only for
 * models whose name contains "gemini-3"; "Thought signatures", Gemini API
 * docs): a text answer's signature ("sig-text-N") comes on its last part, in
 * a stream as a final chunk with empty text and only the signature (in the
 * JSON answer on the one text part); thoughts come as a run of several
 * unsigned thought parts; every functionCall the fake answers carries a
 * fresh `thoughtSignature` ("sig-call-N"); in a request, the first
 * functionCall of each model turn must carry a signature the fake issued or
 * Gemini's documented placeholder, and every signature on a part must be one
 * it issued ("sig-1", "sig-call-N") — else 400 INVALID_ARGUMENT, as Gemini
 * answers. Signatures starting with "sig-revoked" are always refused.
 * Every chunk carries cumulative usageMetadata; the last one has finishReason.
 *
 * Faults by API key (option `keyFaults`, default `defaultKeyFaults`): `key-429`
 * (RetryInfo "2s"), `key-quota` (daily quota), `key-500`, `key-503`, `key-midstream-error`,
 * and the refused accounts of `accountRefusalKeyFaults`: `key-invalid-api-key`
 * (400 API_KEY_INVALID, Gemini's answer to a bad key) and `key-403-suspended`
 * (403 PERMISSION_DENIED quoting the key, as Gemini does).
 * `:countTokens` answers error faults and error replies of the script; a
 * stream reply means nothing to it, so it counts as usual. A hang delays
 * counts, embeddings and pictures like any answer.
 */

export interface FakeGeminiRequest {
  path: string;
  model: string;
  action: "streamGenerateContent" | "generateContent" | "countTokens" | "embedContent" | "batchEmbedContents" | "predict";
  headers: Headers;
  apiKey: string;
  body: any;
}

export type FakeGeminiReply =
  /** A 200 answer made of these GenerateContentResponse chunks; `splitAt` fixes the byte offsets of the writes. */
  | {
      type: "stream";
      chunks: unknown[];
      splitAt?: number[];
      /** Pauses (ms) before given chunks, by index; each chunk is then written whole. */
      pauseBeforeChunkMs?: Record<number, number>;
    }
  /** An error answer; `body` defaults to Google's shape built from status and message. */
  | { type: "error"; status: number; message?: string; body?: unknown; headers?: Record<string, string> }
  /** Waits before answering (`then`, or the default answer): an upstream that hangs past a timeout. */
  | { type: "hang"; ms: number; then?: FakeGeminiReply };

export type FakeGeminiScript = (request: FakeGeminiRequest) => FakeGeminiReply | undefined;

export interface FakeGeminiOptions {
  script?: FakeGeminiScript;
  keyFaults?: Record<string, FakeGeminiReply>;
  /** Pause between two written pieces, in ms (default 1). */
  pieceDelayMs?: number;
}

export interface FakeGemini {
  url: string;
  requests: FakeGeminiRequest[];
  setScript(script: FakeGeminiScript | undefined): void;
  /** Records a signature as one this fake issued, for scripts that sign their own Gemini 3 answers. */
  issue(signature: string): string;
  stop(): Promise<void>;
}

const statusNames: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
};

const rpc = "type.googleapis.com/google.rpc.";

export function geminiErrorBody(status: number, message: string, details?: unknown[]): unknown {
  return { error: { code: status, message, status: statusNames[status] ?? "UNKNOWN", ...(details ? { details } : {}) } };
}

/**
 * Accounts Gemini refuses, in its own words: a bad API key is a 400
 * INVALID_ARGUMENT with ErrorInfo reason API_KEY_INVALID (not a 401), and a
 * suspended key a 403 PERMISSION_DENIED whose message quotes the key
 * ("Consumer 'api_key:…' has been suspended"), as users of the Gemini API
 * report them (google-gemini/gemini-cli issues, discuss.ai.google.dev).
 */
export const accountRefusalKeyFaults: Record<string, FakeGeminiReply> = {
  "key-invalid-api-key": {
    type: "error",
    status: 400,
    body: geminiErrorBody(400, "API key not valid. Please pass a valid API key.", [
      { "@type": `${rpc}ErrorInfo`, reason: "API_KEY_INVALID", domain: "googleapis.com", metadata: { service: "generativelanguage.googleapis.com" } },
      { "@type": `${rpc}LocalizedMessage`, locale: "en-US", message: "API key not valid. Please pass a valid API key." },
    ]),
  },
  "key-403-suspended": {
    type: "error",
    status: 403,
    body: geminiErrorBody(403, "Permission denied: Consumer 'api_key:key-403-suspended' has been suspended.", [
      {
        "@type": `${rpc}ErrorInfo`,
        reason: "CONSUMER_SUSPENDED",
        domain: "googleapis.com",
        metadata: { consumer: "projects/000000000000", service: "generativelanguage.googleapis.com" },
      },
    ]),
  },
};

export const defaultKeyFaults: Record<string, FakeGeminiReply> = {
  "key-429": {
    type: "error",
    status: 429,
    body: geminiErrorBody(429, "Resource has been exhausted (e.g. check quota).", [
      { "@type": `${rpc}QuotaFailure`, violations: [{ quotaId: "GenerateRequestsPerMinutePerProjectPerModel-FreeTier" }] },
      { "@type": `${rpc}RetryInfo`, retryDelay: "2s" },
    ]),
  },
  "key-quota": {
    type: "error",
    status: 429,
    body: geminiErrorBody(429, "You exceeded your current quota, please check your plan and billing details.", [
      { "@type": `${rpc}QuotaFailure`, violations: [{ quotaId: "GenerateRequestsPerDayPerProjectPerModel-FreeTier" }] },
      { "@type": `${rpc}RetryInfo`, retryDelay: "37s" },
    ]),
  },
  "key-503": { type: "error", status: 503, message: "The model is overloaded. Please try again later." },
  "key-500": { type: "error", status: 500, message: "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting" },
  "key-midstream-error": {
    type: "stream",
    chunks: [
      { candidates: [{ content: { role: "model", parts: [{ text: "Partial answer" }] }, index: 0 }], modelVersion: "fake", responseId: "fake-midstream" },
      geminiErrorBody(500, "An internal error has occurred."),
    ],
  },
  ...accountRefusalKeyFaults,
};

export function startFakeGemini(options: FakeGeminiOptions = {}): FakeGemini {
  const requests: FakeGeminiRequest[] = [];
  /** Thought signatures this fake handed out, which it accepts back. */
  const issued = new Set<string>(["sig-1"]);
  let script = options.script;
  const keyFaults = options.keyFaults ?? defaultKeyFaults;
  const pieceDelayMs = options.pieceDelayMs ?? 1;
  let responses = 0;

  const server = Bun.serve({
    port: 0,
    idleTimeout: 60,
    async fetch(httpRequest) {
      const url = new URL(httpRequest.url);
      const route = /^\/v1beta\/models\/([^/:]+):(streamGenerateContent|generateContent|countTokens|embedContent|batchEmbedContents|predict)$/.exec(url.pathname);
      if (!route || httpRequest.method !== "POST") {
        return errorResponse({ type: "error", status: 404, message: `Method not found: ${httpRequest.method} ${url.pathname}` });
      }
      // An API key (header or ?key=), or an OAuth access token as a Bearer token.
      const bearer = /^Bearer (.+)$/.exec(httpRequest.headers.get("authorization") ?? "")?.[1];
      const apiKey = httpRequest.headers.get("x-goog-api-key") ?? url.searchParams.get("key") ?? bearer;
      if (!apiKey) {
        return errorResponse({ type: "error", status: 401, message: "Request is missing required authentication credential." });
      }
      let body: any;
      try {
        body = await httpRequest.json();
      } catch {
        return errorResponse({ type: "error", status: 400, message: "Invalid JSON payload received." });
      }
      const request: FakeGeminiRequest = {
        path: url.pathname + url.search,
        model: decodeURIComponent(route[1] ?? ""),
        action: route[2] as FakeGeminiRequest["action"],
        headers: httpRequest.headers,
        apiKey,
        body,
      };
      requests.push(request);
      if (request.action === "countTokens") return countTokensResponse(request, await afterHangs(keyFaults[apiKey] ?? script?.(request)));
      if (request.action === "predict") {
        const fault = await afterHangs(keyFaults[apiKey] ?? script?.(request));
        if (fault?.type === "error") return errorResponse(fault);
        const result = imagenAnswer(request.model, body);
        return "answer" in result ? Response.json(result.answer) : errorResponse({ type: "error", ...result.refusal });
      }
      if (request.action === "embedContent" || request.action === "batchEmbedContents") {
        const fault = await afterHangs(keyFaults[apiKey] ?? script?.(request));
        if (fault?.type === "error") return errorResponse(fault);
        const result = geminiEmbedAnswer(request.model, request.action, body);
        return "answer" in result ? Response.json(result.answer) : errorResponse({ type: "error", ...result.refusal });
      }
      const refusal =
        generationRefusal(body) ??
        outputTokensRefusal(request.model, body) ??
        imageModelRefusal(request.model, body) ??
        (request.model.includes("gemini-3") ? signatureRefusal(body, issued) : undefined);
      const reply = keyFaults[apiKey] ?? refusal ?? script?.(request);
      const answer = (await afterHangs(reply)) ?? defaultReply(request, `fake-${++responses}`, issued);
      if (answer.type === "error") return errorResponse(answer);
      if (request.action === "generateContent") return Response.json(mergeChunks(answer.chunks));
      return new Response(sseBody(answer, pieceDelayMs), { headers: { "content-type": "text/event-stream" } });
    },
  });

  return {
    url: server.url.origin,
    requests,
    setScript: (next) => {
      script = next;
    },
    issue: (signature) => {
      issued.add(signature);
      return signature;
    },
    stop: () => server.stop(true),
  };
}

/** A reply after its hangs: waits each out, then gives what follows (undefined for the default answer). */
async function afterHangs(reply: FakeGeminiReply | undefined): Promise<Exclude<FakeGeminiReply, { type: "hang" }> | undefined> {
  let answer = reply;
  while (answer?.type === "hang") {
    await Bun.sleep(answer.ms);
    answer = answer.then;
  }
  return answer;
}

function errorResponse(reply: Extract<FakeGeminiReply, { type: "error" }>): Response {
  const body = reply.body ?? geminiErrorBody(reply.status, reply.message ?? "error");
  return Response.json(body, { status: reply.status, headers: reply.headers });
}

/** `:countTokens`: an error reply as such, else the deterministic count of the request's text. */
function countTokensResponse(request: FakeGeminiRequest, reply: FakeGeminiReply | undefined): Response {
  if (reply?.type === "error") return errorResponse(reply);
  const body = request.body ?? {};
  const unknown = Object.keys(body).find((name) => name !== "contents" && name !== "generateContentRequest");
  if (unknown !== undefined) {
    return errorResponse({ type: "error", status: 400, message: `Invalid JSON payload received. Unknown name "${unknown}": Cannot find field.` });
  }
  const generateContentRequest = body.generateContentRequest;
  if (generateContentRequest !== undefined && typeof generateContentRequest?.model !== "string") {
    return errorResponse({ type: "error", status: 400, message: "* GenerateContentRequest.model: unexpected model name format" });
  }
  // Like the real API, top-level contents are ignored once generateContentRequest is set.
  const source = generateContentRequest ?? body;
  const contents: any[] = Array.isArray(source.contents) ? source.contents : [];
  const characters = [...contents, source.systemInstruction].reduce((sum: number, content: any) => sum + textCharacters(content), 0);
  const tokens = Math.ceil(characters / 4);
  return Response.json({ totalTokens: tokens, promptTokensDetails: [{ modality: "TEXT", tokenCount: tokens }] });
}

/** The characters (code points) of a content's text parts. */
function textCharacters(content: any): number {
  const parts: any[] = Array.isArray(content?.parts) ? content.parts : [];
  return parts.reduce((sum: number, part: any) => sum + (typeof part?.text === "string" ? Array.from(part.text).length : 0), 0);
}

/** The SSE bytes, written in small pieces with pauses so frames split mid-line, mid-character, between CR and LF. */
function sseBody(reply: Extract<FakeGeminiReply, { type: "stream" }>, pieceDelayMs: number): ReadableStream<Uint8Array> {
  if (reply.pauseBeforeChunkMs) return pausedSseBody(reply.chunks, reply.pauseBeforeChunkMs);
  const bytes = new TextEncoder().encode(reply.chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\r\n\r\n`).join(""));
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

/** One write per chunk, with the given pauses before some of them: an upstream that goes quiet. */
function pausedSseBody(chunks: unknown[], pauses: Record<number, number>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let index = 0;
  return new ReadableStream({
    async pull(controller) {
      const pause = pauses[index];
      if (pause) await Bun.sleep(pause);
      controller.enqueue(encoder.encode(`data: ${JSON.stringify(chunks[index])}\r\n\r\n`));
      index += 1;
      if (index >= chunks.length) controller.close();
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

/** What Gemini refuses in any generation body (gemini-request-refusal.ts), as a 400 reply. */
function generationRefusal(body: any): FakeGeminiReply | undefined {
  const message = geminiRequestRefusal(body);
  return message === undefined ? undefined : { type: "error", status: 400, message };
}

/**
 * Gemini refuses a `maxOutputTokens` outside the model's range: 1 up to the
 * model's "Output token limit" (ai.google.dev/gemini-api/docs/models/<model>:
 * 8,192 for 1.5 and 2.0, 65,536 for 2.5 and 3.x; other names here get
 * 65,536), worded as its users quote the 400 (discuss.ai.google.dev, "Unable
 * to submit request because it has a maxOutputTokens value of 828858").
 */
/**
 * What only image models do: pictures (`responseModalities` with IMAGE) from
 * a model that makes none are refused, and so is `imageConfig.imageSize`
 * outside the Gemini 3 image models (the only ones with a choice of size).
 */
function imageModelRefusal(model: string, body: any): FakeGeminiReply | undefined {
  const config = body?.generationConfig ?? {};
  const imageModel = /-image/.test(model);
  if (Array.isArray(config.responseModalities) && config.responseModalities.includes("IMAGE") && !imageModel) {
    return { type: "error", status: 400, message: "Model does not support the requested response modalities: image" };
  }
  if (config.imageConfig?.imageSize !== undefined && !(imageModel && model.includes("gemini-3"))) {
    return { type: "error", status: 400, message: "imageSize is not supported by this model." };
  }
  return undefined;
}

function outputTokensRefusal(model: string, body: any): FakeGeminiReply | undefined {
  const config = body?.generationConfig ?? body?.generation_config;
  const requested = config?.maxOutputTokens ?? config?.max_output_tokens;
  if (typeof requested !== "number") return undefined;
  const limit = /gemini-(1\.5|2\.0)-/.test(model) ? 8_192 : 65_536;
  if (requested >= 1 && requested <= limit) return undefined;
  return {
    type: "error",
    status: 400,
    message: `Unable to submit request because it has a maxOutputTokens value of ${requested} but the supported range is from 1 (inclusive) to ${limit + 1} (exclusive). Update the value and try again.`,
  };
}

const PLACEHOLDER_SIGNATURES = new Set(["skip_thought_signature_validator", "context_engineering_is_the_way_to_go"]);

/** Gemini 3's checks on the thought signatures of a replayed history; undefined when it passes. */
function signatureRefusal(body: any, issued: ReadonlySet<string>): FakeGeminiReply | undefined {
  const refuse = (message: string): FakeGeminiReply => ({ type: "error", status: 400, message });
  for (const [index, content] of (Array.isArray(body?.contents) ? body.contents : []).entries()) {
    if (content?.role !== "model") continue;
    const parts: any[] = Array.isArray(content.parts) ? content.parts : [];
    for (const part of parts) {
      const signature = part?.thoughtSignature;
      if (signature === undefined || PLACEHOLDER_SIGNATURES.has(signature)) continue;
      if (typeof signature !== "string" || signature.startsWith("sig-revoked") || !issued.has(signature)) {
        return refuse(`Corrupted thought signature. (contents[${index}])`);
      }
    }
    const firstCall = parts.find((part) => part?.functionCall);
    if (firstCall && firstCall.thoughtSignature === undefined) {
      return refuse(
        `Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call \`default_api:${firstCall.functionCall.name}\` , position ${index + 1}.`,
      );
    }
  }
  return undefined;
}

function defaultReply(request: FakeGeminiRequest, responseId: string, issued: Set<string>): Extract<FakeGeminiReply, { type: "stream" }> {
  const body = request.body ?? {};
  const last = Array.isArray(body.contents) ? body.contents.at(-1) : undefined;
  const parts: any[] = Array.isArray(last?.parts) ? last.parts : [];
  const userText = parts.filter((part) => typeof part.text === "string" && !part.thought).map((part) => part.text).join(" ");
  const declarations: any[] = body.tools?.flatMap((tool: any) => tool.functionDeclarations ?? []) ?? [];
  const config = body.generationConfig ?? {};
  const promptTokens = Math.ceil(JSON.stringify(body.contents ?? []).length / 4);

  const answerParts: any[] = [];
  const functionResponse = parts.find((part) => part.functionResponse)?.functionResponse;
  const image = parts.find((part) => part.inlineData)?.inlineData;
  if (functionResponse) {
    answerParts.push(...split(`The result was: ${JSON.stringify(functionResponse.response)}`));
  } else if (declarations.length > 0 && /weather/i.test(userText)) {
    const tool = declarations.find((declaration) => declaration.name === "get_weather") ?? declarations[0];
    // "Paris and Tokyo" asks for two calls in one turn (parallel tool calls).
    for (const city of /tokyo/i.test(userText) ? ["Paris", "Tokyo"] : ["Paris"]) {
      const call: any = { functionCall: { name: tool.name, args: { city } } };
      if (request.model.includes("gemini-3") && city === "Paris") {
        call.thoughtSignature = `sig-call-${issued.size}`;
        issued.add(call.thoughtSignature);
      }
      answerParts.push(call);
    }
  } else if (/-image/.test(request.model) && (config.responseModalities ?? ["TEXT", "IMAGE"]).includes("IMAGE")) {
    // An image model (by default it answers text and a picture): text first when TEXT is asked too, then one inlineData part, whole.
    if ((config.responseModalities ?? ["TEXT", "IMAGE"]).includes("TEXT")) answerParts.push({ text: "Here is your picture." });
    const picture: any = { inlineData: { mimeType: "image/png", data: fakeImage(userText, config.imageConfig) } };
    if (request.model.includes("gemini-3")) {
      picture.thoughtSignature = `sig-image-${issued.size}`;
      issued.add(picture.thoughtSignature);
    }
    answerParts.push(picture);
  } else if (config.responseMimeType === "application/json") {
    // Without a schema the answer is some JSON object, not one that happens to fit what the client wanted.
    answerParts.push(...split(JSON.stringify(config.responseSchema ? sample(config.responseSchema) : { echo: userText })));
  } else if (image) {
    const size = Buffer.from(String(image.data ?? ""), "base64").length;
    answerParts.push(...split(`I see an image of ${image.mimeType} with ${size} bytes`));
  } else if (typeof config.maxOutputTokens === "number" && config.maxOutputTokens < 5) {
    // A tiny budget: the answer is cut, as Gemini does at MAX_TOKENS.
    answerParts.push({ text: "Echo" });
  } else {
    answerParts.push(...split(`Echo: ${userText}`));
  }

  const thinking = config.thinkingConfig?.includeThoughts === true;
  const gemini3 = request.model.includes("gemini-3");
  if (gemini3 && !answerParts.some((part) => part.functionCall || part.inlineData)) {
    // Gemini 3 signs a text answer on its last part; in a stream that is
    // usually a final chunk with empty text and only the signature.
    const signature = `sig-text-${issued.size}`;
    issued.add(signature);
    answerParts.push({ text: "", thoughtSignature: signature });
  }
  // Gemini 3 streams its thought summary as a run of thought parts with no
  // signature of their own (the step's signature goes on its first call or
  // its last text part); Gemini 2.5 signs the thought.
  const thoughts = gemini3
    ? [
        { text: "Thinking ", thought: true },
        { text: "about it.", thought: true },
      ]
    : [{ text: "Thinking about it.", thought: true, thoughtSignature: "sig-1" }];
  const sequence = thinking ? [...thoughts, ...answerParts] : answerParts;
  let candidatesTokens = 0;
  const chunks = sequence.map((part, index) => {
    if (!part.thought) candidatesTokens += Math.max(1, Math.ceil(JSON.stringify(part).length / 8));
    const usageMetadata = {
      promptTokenCount: promptTokens,
      candidatesTokenCount: candidatesTokens,
      ...(thinking ? { thoughtsTokenCount: 5 } : {}),
      totalTokenCount: promptTokens + candidatesTokens + (thinking ? 5 : 0),
    };
    const isLast = index === sequence.length - 1;
    const finishReason = typeof config.maxOutputTokens === "number" && config.maxOutputTokens < 5 && !functionResponse ? "MAX_TOKENS" : "STOP";
    const candidate = { content: { role: "model", parts: [part] }, index: 0, ...(isLast ? { finishReason } : {}) };
    return { candidates: [candidate], usageMetadata, modelVersion: request.model, responseId };
  });
  return { type: "stream", chunks };
}

/** Splits a text into three text parts or fewer, so an answer arrives over several chunks. */
function split(text: string): Array<{ text: string }> {
  const characters = Array.from(text);
  const size = Math.max(1, Math.ceil(characters.length / 3));
  const pieces: Array<{ text: string }> = [];
  for (let start = 0; start < characters.length; start += size) {
    pieces.push({ text: characters.slice(start, start + size).join("") });
  }
  return pieces.length > 0 ? pieces : [{ text: "" }];
}

/** The simplest value that fits a Gemini schema. */
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
      return schema?.nullable ? null : "ok";
  }
}

/**
 * Folds stream chunks into the single response `:generateContent` returns:
 * consecutive text parts of one kind join into one part, which keeps a
 * signature found on any of them (Gemini 3 answers a text question with one
 * text part carrying the signature).
 */
function mergeChunks(chunks: unknown[]): unknown {
  const parts: any[] = [];
  let last: any = {};
  for (const chunk of chunks as any[]) {
    if (chunk?.error) return chunk;
    for (const part of chunk?.candidates?.[0]?.content?.parts ?? []) {
      const previous = parts.at(-1);
      const joinable = (value: any) => typeof value?.text === "string" && Object.keys(value).every((key) => ["text", "thought", "thoughtSignature"].includes(key));
      if (joinable(previous) && joinable(part) && !!previous.thought === !!part.thought && previous.thoughtSignature === undefined) {
        previous.text += part.text;
        if (part.thoughtSignature !== undefined) previous.thoughtSignature = part.thoughtSignature;
      } else parts.push({ ...part });
    }
    last = chunk ?? {};
  }
  const finishReason = last.candidates?.[0]?.finishReason;
  return {
    candidates: [{ content: { role: "model", parts }, index: 0, ...(finishReason ? { finishReason } : {}) }],
    usageMetadata: last.usageMetadata,
    modelVersion: last.modelVersion,
    responseId: last.responseId,
  };
}

/**
 * The picture the fake's image models "draw": PNG's signature bytes, then the
 * prompt and the image settings, so a test can tell which request it answers.
 */
export function fakeImage(prompt: string, imageConfig?: { aspectRatio?: string; imageSize?: string }): string {
  const settings = `${imageConfig?.aspectRatio ?? "1:1"} ${imageConfig?.imageSize ?? "1K"}`;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from(`fake image: ${prompt} (${settings})`)]).toString("base64");
}

/**
 * Imagen's `:predict` (imagen-* models only): one prompt, `sampleCount` 1–4,
 * an aspect ratio of its five, `imageSize` 1K or 2K; each picture
 * `{bytesBase64Encoded, mimeType}`.
 */
function imagenAnswer(model: string, body: any): { refusal: { status: number; message: string } } | { answer: unknown } {
  if (!/^imagen-/.test(model)) return { refusal: { status: 404, message: `models/${model} is not found for API version v1beta, or is not supported for predict.` } };
  const prompt = body?.instances?.[0]?.prompt;
  if (!Array.isArray(body?.instances) || body.instances.length !== 1 || typeof prompt !== "string" || prompt === "") {
    return { refusal: { status: 400, message: "* instances: exactly one instance with a prompt is required" } };
  }
  const parameters = body.parameters ?? {};
  const unknown = Object.keys(parameters).find((name) => !["sampleCount", "aspectRatio", "imageSize", "personGeneration", "outputOptions"].includes(name));
  if (unknown !== undefined) return { refusal: { status: 400, message: `Invalid JSON payload received. Unknown name "${unknown}" at 'parameters': Cannot find field.` } };
  const count = parameters.sampleCount ?? 4;
  if (!Number.isInteger(count) || count < 1 || count > 4) return { refusal: { status: 400, message: "sampleCount must be between 1 and 4" } };
  if (parameters.aspectRatio !== undefined && !["1:1", "3:4", "4:3", "9:16", "16:9"].includes(parameters.aspectRatio)) {
    return { refusal: { status: 400, message: `unsupported aspect ratio ${parameters.aspectRatio}` } };
  }
  if (parameters.imageSize !== undefined && !["1K", "2K"].includes(parameters.imageSize)) return { refusal: { status: 400, message: `unsupported image size ${parameters.imageSize}` } };
  return {
    answer: {
      predictions: Array.from({ length: count }, (_, index) => ({
        mimeType: "image/png",
        bytesBase64Encoded: fakeImage(`${prompt} #${index}`, { aspectRatio: parameters.aspectRatio, imageSize: parameters.imageSize }),
      })),
    },
  };
}

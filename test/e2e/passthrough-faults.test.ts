/**
 * Pass-through answers that break: a JSON answer cut mid-body is never a
 * truncated 200 (the next account answers, else a 502 in the caller's
 * shape); a stream cut mid-answer ends with the protocol's error event; a
 * silent upstream gets keep-alives between events; the gateway's own key
 * in the client's query string never reaches the upstream.
 *
 * The upstream is a raw TCP server speaking HTTP/1.1, so a cut is a real
 * one: headers promising more bytes than arrive, then the socket closed.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createServer, type Server, type Socket } from "node:net";
import { startTestGateway, type TestGateway } from "../harness/gateway.ts";

interface Seen {
  path: string;
  key: string;
  body: any;
}

const seen: Seen[] = [];
let upstream: Server;
let upstreamUrl: string;
let agw: TestGateway;

const message = {
  id: "msg_whole",
  type: "message",
  role: "assistant",
  model: "claude-sonnet-4-5",
  content: [{ type: "text", text: "A whole answer, every word of it." }],
  stop_reason: "end_turn",
  stop_sequence: null,
  usage: { input_tokens: 12, output_tokens: 9 },
};
const sse = (payload: { type: string } & Record<string, unknown>) => `event: ${payload.type}\ndata: ${JSON.stringify(payload)}\n\n`;
const streamStart = [
  sse({ type: "message_start", message: { ...message, content: [], stop_reason: null, usage: { input_tokens: 12, output_tokens: 1 } } }),
  sse({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }),
  sse({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Half an" } }),
].join("");
const streamEnd = [
  sse({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: " answer." } }),
  sse({ type: "content_block_stop", index: 0 }),
  sse({ type: "message_delta", delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: 4 } }),
  sse({ type: "message_stop" }),
].join("");

function head(status: number, type: string, length?: number): string {
  const framing = length === undefined ? "transfer-encoding: chunked" : `content-length: ${length}`;
  return `HTTP/1.1 ${status} OK\r\ncontent-type: ${type}\r\n${framing}\r\nconnection: close\r\n\r\n`;
}

/** One HTTP/1.1 chunk; the empty one ends the body. */
const chunk = (text: string) => `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`;

/** Answers by key: `cut` cuts, `slow` pauses mid-stream, anything else answers whole. */
function answer(socket: Socket, request: Seen): void {
  const json = JSON.stringify(message);
  if (!request.body.stream) {
    if (request.key === "cut") {
      socket.write(head(200, "application/json", json.length) + json.slice(0, 40));
      setTimeout(() => socket.destroy(), 20);
      return;
    }
    socket.end(head(200, "application/json", json.length) + json);
    return;
  }
  if (request.key === "late" || request.key === "late-gone") {
    // Slow to answer at all: headers only after a while, or never (the connection just closes).
    const then = request.key === "late" ? () => answer(socket, { ...request, key: "ok" }) : () => socket.destroy();
    setTimeout(then, 400);
    return;
  }
  socket.write(head(200, "text/event-stream") + chunk(streamStart));
  if (request.key === "cut") {
    // The connection drops before the last chunk: a cut, not an end.
    setTimeout(() => socket.destroy(), 20);
    return;
  }
  const pause = request.key === "slow" ? 400 : 5;
  setTimeout(() => socket.end(chunk(streamEnd) + chunk("")), pause);
}

beforeAll(async () => {
  upstream = createServer((socket) => {
    let buffer = "";
    socket.on("data", (data) => {
      buffer += data.toString("utf8");
      const split = buffer.indexOf("\r\n\r\n");
      if (split === -1) return;
      const headers = buffer.slice(0, split);
      const length = Number(/content-length: (\d+)/i.exec(headers)?.[1] ?? 0);
      const body = buffer.slice(split + 4);
      if (Buffer.byteLength(body) < length) return;
      const request: Seen = {
        path: headers.split(" ")[1] ?? "",
        key: /x-api-key: (.+)/i.exec(headers)?.[1]?.trim() ?? "",
        body: JSON.parse(body),
      };
      seen.push(request);
      buffer = "";
      answer(socket, request);
    });
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  const address = upstream.address() as { port: number };
  upstreamUrl = `http://127.0.0.1:${address.port}`;
  agw = startTestGateway({
    auth: { mode: "strict", apiKey: "gateway-secret-key" },
    providers: {
      flaky: {
        type: "anthropic",
        baseUrl: upstreamUrl,
        accounts: [
          { id: "cut@example.com", apiKey: "cut", priority: 1 },
          { id: "ok@example.com", apiKey: "ok" },
        ],
      },
      broken: { type: "anthropic", baseUrl: upstreamUrl, accounts: [{ id: "only@example.com", apiKey: "cut" }] },
      slow: { type: "anthropic", baseUrl: upstreamUrl, accounts: [{ id: "slow@example.com", apiKey: "slow" }] },
      late: { type: "anthropic", baseUrl: upstreamUrl, accounts: [{ id: "late@example.com", apiKey: "late" }] },
      gone: { type: "anthropic", baseUrl: upstreamUrl, accounts: [{ id: "gone@example.com", apiKey: "late-gone" }] },
    },
    models: {
      "claude-flaky": "flaky/claude-sonnet-4-5",
      "claude-broken": "broken/claude-sonnet-4-5",
      "claude-slow": "slow/claude-sonnet-4-5",
      "claude-late": "late/claude-sonnet-4-5",
      "claude-gone": "gone/claude-sonnet-4-5",
    },
    scheduling: { mode: "priority" },
    retry: { maxAttempts: 2 },
    limits: { keepAliveMs: 100 },
  });
});

afterAll(async () => {
  await agw.stop();
  upstream.close();
});

const post = (model: string, stream: boolean, query = "") =>
  fetch(`${agw.url}/v1/messages${query}`, {
    method: "POST",
    headers: { "content-type": "application/json", "anthropic-version": "2023-06-01", "x-api-key": "gateway-secret-key" },
    body: JSON.stringify({ model, max_tokens: 50, stream, messages: [{ role: "user", content: "hi" }] }),
  });

test("a JSON answer cut mid-body is retried on the next account and arrives whole", async () => {
  const response = await post("claude-flaky", false);
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual(message);
  expect(response.headers.get("x-account-email")).toBe("ok@example.com");
});

test("a JSON answer cut on the only account is a 502 in Anthropic's shape, never a truncated 200", async () => {
  const response = await post("claude-broken", false);
  expect(response.status).toBe(502);
  expect(await response.json()).toEqual({
    type: "error",
    error: { type: "api_error", message: "the upstream's answer broke off before it was complete" },
  });
});

test("a stream cut mid-answer ends with Anthropic's error event after what arrived", async () => {
  const response = await post("claude-broken", true);
  expect(response.status).toBe(200);
  const text = await response.text();
  expect(text.startsWith(streamStart)).toBe(true);
  const rest = text.slice(streamStart.length);
  expect(rest).toMatch(/^event: error\ndata: \{"type":"error","error":\{"type":"api_error","message":"the upstream stream broke off: [^"]*"\}\}\n\n$/);
});

test("a silent upstream gets Anthropic pings between events, and the answer is intact", async () => {
  const response = await post("claude-slow", true);
  const text = await response.text();
  const pings = text.split('event: ping\ndata: {"type": "ping"}\n\n');
  expect(pings.length).toBeGreaterThan(1);
  expect(pings.join("")).toBe(streamStart + streamEnd);
});

test("the gateway's key in the query string never reaches the upstream; beta=true does", async () => {
  const before = seen.length;
  const response = await post("claude-flaky", false, "?beta=true&key=gateway-secret-key");
  expect(response.status).toBe(200);
  const paths = seen.slice(before).map((request) => request.path);
  expect(paths.length).toBeGreaterThan(0);
  for (const path of paths) expect(path).toBe("/v1/messages?beta=true");
});

test("an upstream slow to answer at all: the relayed stream starts with pings, then the upstream's answer intact", async () => {
  const response = await post("claude-late", true);
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toStartWith("text/event-stream");
  const text = await response.text();
  const ping = 'event: ping\ndata: {"type": "ping"}\n\n';
  expect(text.startsWith(ping)).toBe(true);
  expect(text.split(ping).join("")).toBe(streamStart + streamEnd);
});

test("an upstream that never answers after the stream started: pings, then Anthropic's error event", async () => {
  const response = await post("claude-gone", true);
  expect(response.status).toBe(200);
  const text = await response.text();
  const ping = 'event: ping\ndata: {"type": "ping"}\n\n';
  const rest = text.split(ping).join("");
  expect(text.startsWith(ping)).toBe(true);
  expect(rest).toMatch(/^event: error\ndata: \{"type":"error","error":\{"type":"api_error","message":"could not reach the upstream: [^"]+"\}\}\n\n$/);
});

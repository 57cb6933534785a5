/**
 * Bodies built to hurt: nesting deep enough to stall every recursive step,
 * and uploads that stop halfway. Each gets a clear error in the caller's
 * shape before any upstream call, and the server keeps answering others.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { connect } from "node:net";
import { startTestGateway, type TestGateway } from "../harness/gateway.ts";

let agw: TestGateway;

beforeAll(() => {
  agw = startTestGateway({
    providers: { demo: { type: "mock" } },
    models: { "*": "demo/echo" },
    limits: { bodyTimeoutMs: 300 },
  });
});

afterAll(() => agw.stop());

/** `{"a":{"a":…}}` nested `levels` deep around a value. */
function nested(levels: number): string {
  return '{"a":'.repeat(levels) + "1" + "}".repeat(levels);
}

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${agw.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });

const depthMessage = (at: number) =>
  `the request body nests arrays and objects more than 128 levels deep (at byte ${at}; limits.maxJsonDepth)`;

test("a Responses body nested 50,000 levels is a 400 in OpenAI's shape, streamed or not, and logged as such", async () => {
  for (const stream of [false, true]) {
    const body = `{"model":"gpt-5","stream":${stream},"input":"hi","metadata":${nested(50_000)}}`;
    const response = await post("/v1/responses", body);
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toStartWith("application/json");
    // The body's own object is the first level.
    const at = body.indexOf('{"a":') + 127 * 5;
    expect(await response.json()).toEqual({
      error: { message: depthMessage(at), type: "invalid_request_error", param: null, code: "too_deeply_nested" },
    });
    agw.gateway.store.flush();
    expect(agw.gateway.store.requestLogs.get(response.headers.get("x-request-id")!)).toMatchObject({
      status: 400,
      errorClass: "too_deeply_nested",
      attempts: 0,
    });
  }
});

test("deep tool arguments on the Anthropic route: Anthropic's error shape", async () => {
  const body = `{"model":"claude-x","max_tokens":10,"messages":[{"role":"user","content":"hi"}],"tools":[{"name":"t","input_schema":${nested(1000)}}]}`;
  const response = await post("/v1/messages", body);
  expect(response.status).toBe(400);
  // The body, tools and the tool are the first three levels.
  const at = body.indexOf('{"a":') + 125 * 5;
  expect(await response.json()).toEqual({ type: "error", error: { type: "invalid_request_error", message: depthMessage(at) } });
});

test("ten deep bodies at once do not stall the server: /healthz answers meanwhile", async () => {
  const body = `{"model":"gpt-5","input":"hi","metadata":${nested(60_000)}}`;
  const attacks = Array.from({ length: 10 }, () => post("/v1/responses", body).then((response) => response.status));
  const health = await fetch(`${agw.url}/healthz`);
  expect(health.status).toBe(200);
  expect(await Promise.all(attacks)).toEqual(Array(10).fill(400));
});

test("an upload that stops halfway gets a 408 in the caller's shape after limits.bodyTimeoutMs", async () => {
  const { port } = new URL(agw.url);
  const answer = await new Promise<string>((resolve, reject) => {
    const socket = connect(Number(port), "127.0.0.1", () => {
      socket.write(
        "POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n" + '{"model":"claude',
      );
    });
    let received = "";
    socket.on("data", (data) => {
      received += data.toString("utf8");
      if (/\r\n\r\n[\s\S]*\}\}$/.test(received)) socket.destroy();
    });
    socket.on("close", () => resolve(received));
    socket.on("error", reject);
    setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer; received: ${received}`));
    }, 5_000);
  });
  expect(answer).toStartWith("HTTP/1.1 408");
  const body = JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4));
  expect(body).toEqual({
    type: "error",
    error: { type: "timeout_error", message: "the request body did not arrive within 300 ms (limits.bodyTimeoutMs)" },
  });
});

/** Sends raw bytes and reads the whole answer: for requests fetch() will not make. */
function rawRequest(text: string): Promise<string> {
  const { port } = new URL(agw.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), "127.0.0.1", () => socket.write(text));
    let received = "";
    socket.on("data", (data) => (received += data.toString("utf8")));
    socket.on("close", () => resolve(received));
    socket.on("error", reject);
  });
}
const bodyOf = (answer: string) => JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4));

test("a path that is not valid percent-encoding is the client's 400, in Google's shape", async () => {
  const answer = await rawRequest(
    "POST /v1beta/models/%ff%fe:generateContent HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}",
  );
  expect(answer).toStartWith("HTTP/1.1 400");
  expect(bodyOf(answer)).toEqual({
    error: { code: 400, message: "the model name in the path is not valid percent-encoded UTF-8: %ff%fe:generateContent", status: "INVALID_ARGUMENT" },
  });
});

test("an HTTP/1.0 request without Host is served like any other", async () => {
  const body = JSON.stringify({ model: "demo", messages: [{ role: "user", content: "old client" }] });
  const answer = await rawRequest(`POST /v1/chat/completions HTTP/1.0\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`);
  expect(answer).toStartWith("HTTP/1.1 200");
  expect(bodyOf(answer).choices[0].message.content).toBe("old client");
});

test("a body far over limits.maxBodyBytes is a 413 in the caller's shape, not the HTTP server's bare one", async () => {
  const small = startTestGateway({ providers: { demo: { type: "mock" } }, models: { "*": "demo/echo" }, limits: { maxBodyBytes: 1000 } });
  try {
    const response = await fetch(`${small.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "x".repeat(3 * 1024 * 1024),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      type: "error",
      error: { type: "request_too_large", message: "the request body is larger than the limit of 1000 bytes (limits.maxBodyBytes)" },
    });
  } finally {
    await small.stop();
  }
});

test("a data: URL is held to media.maxBytes like a fetched image: 413 naming the part", async () => {
  const small = startTestGateway({ providers: { demo: { type: "mock" } }, models: { "*": "demo/echo" }, media: { maxBytes: 1000 } });
  try {
    const image = `data:image/png;base64,${Buffer.alloc(3000, 7).toString("base64")}`;
    const response = await fetch(`${small.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: "demo",
        messages: [{ role: "user", content: [{ type: "text", text: "look" }, { type: "image_url", image_url: { url: image } }] }],
      }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      error: {
        message: "inline media of about 3000 bytes is larger than the 1000 bytes allowed (media.maxBytes)",
        type: "invalid_request_error",
        param: "messages[0].content[1]",
        code: "media_too_large",
      },
    });
  } finally {
    await small.stop();
  }
});

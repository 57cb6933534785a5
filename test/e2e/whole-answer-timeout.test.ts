/**
 * An answer that comes whole (a request passed through without streaming)
 * has its headers only once the upstream has generated all of it: a long or
 * thinking answer takes minutes. It is waited for up to the provider's
 * answerTimeoutMs, not cut at timeoutMs (the wait for a streamed answer's
 * headers, which tells a hung account from a slow one) and not by the retry
 * deadline once the upstream has it; a cut would fail it on every account in
 * turn, each one paid for. Streamed answers keep their header timeout.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { startFakeAnthropic, type FakeAnthropic } from "../harness/fake-anthropic.ts";
import { startFakeGemini, type FakeGemini } from "../harness/fake-gemini.ts";
import { startFakeOpenAI, type FakeOpenAI } from "../harness/fake-openai.ts";
import { startTestGateway, type TestGateway } from "../harness/gateway.ts";

/** How long the fakes take to generate a whole answer: past every provider's timeoutMs and the retry deadline. */
const GENERATION_MS = 1_200;

let openai: FakeOpenAI;
let anthropic: FakeAnthropic;
let gemini: FakeGemini;
let agw: TestGateway;

beforeAll(() => {
  // Whole answers take GENERATION_MS; streams answer at once, but for the key "k-hung", which hangs either way.
  openai = startFakeOpenAI({
    script: (request) =>
      request.apiKey.startsWith("k-overloaded")
        ? { type: "hang", ms: GENERATION_MS, then: { type: "error", status: 503, message: "The server is overloaded." } }
        : request.apiKey === "k-hung" || request.body.stream !== true
          ? { type: "hang", ms: GENERATION_MS }
          : undefined,
  });
  anthropic = startFakeAnthropic({ script: (request) => (request.body.stream !== true ? { type: "hang", ms: GENERATION_MS } : undefined) });
  // Generated whole answers (:generateContent, Imagen's :predict) take GENERATION_MS; counts and embeddings answer at once, but for "g-hung".
  gemini = startFakeGemini({
    script: (request) =>
      request.action === "generateContent" || request.action === "predict" || request.apiKey === "g-hung"
        ? { type: "hang", ms: GENERATION_MS }
        : undefined,
  });
  agw = startTestGateway({
    providers: {
      openai: {
        type: "openai",
        baseUrl: openai.url,
        timeoutMs: 300,
        accounts: [
          { id: "hung@example.com", apiKey: "k-hung", priority: 0 },
          { id: "good@example.com", apiKey: "k-good", priority: 1 },
        ],
      },
      anthropic: { type: "anthropic", baseUrl: anthropic.url, timeoutMs: 300, accounts: [{ id: "a@example.com", apiKey: "sk-ant-upstream" }] },
      gemini: {
        type: "gemini",
        baseUrl: gemini.url,
        timeoutMs: 300,
        accounts: [
          { id: "hung@example.com", apiKey: "g-hung", priority: 0 },
          { id: "g@example.com", apiKey: "g-key", priority: 1 },
        ],
      },
      overloaded: {
        type: "openai",
        baseUrl: openai.url,
        accounts: [
          { id: "o1@example.com", apiKey: "k-overloaded-1", priority: 0 },
          { id: "o2@example.com", apiKey: "k-overloaded-2", priority: 1 },
        ],
      },
      capped: { type: "openai", baseUrl: openai.url, timeoutMs: 300, answerTimeoutMs: 700, accounts: [{ id: "c@example.com", apiKey: "k-capped" }] },
    },
    models: {
      "gpt-*": "openai/gpt-4o",
      "claude-*": "anthropic/claude-sonnet-4-5",
      "gemini-*": "gemini/gemini-2.5-pro",
      "imagen-*": "gemini/imagen-4.0-generate-001",
      "embedding-*": "gemini/gemini-embedding-001",
      "capped-*": "capped/gpt-4o",
      "overloaded-*": "overloaded/gpt-4o",
    },
    scheduling: { mode: "priority" },
    retry: { maxAttempts: 2, deadlineMs: 800 },
  });
});

afterAll(async () => {
  await agw.stop();
  await openai.stop();
  await anthropic.stop();
  await gemini.stop();
});

function chat(model: string, stream: boolean): Promise<Response> {
  return fetch(`${agw.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer client-key" },
    body: JSON.stringify({ model, stream, messages: [{ role: "user", content: "hi" }] }),
  });
}

test("OpenAI: a whole answer longer than timeoutMs and the retry deadline comes back whole, from one upstream request", async () => {
  const before = openai.requests.length;
  const response = await chat("gpt-4o", false);
  const answer = (await response.json()) as any;
  expect(response.status).toBe(200);
  expect(answer.choices).toEqual([
    { index: 0, message: { role: "assistant", content: "Echo: hi", refusal: null }, logprobs: null, finish_reason: "stop" },
  ]);
  // The first account by priority took it, and only it: nothing was cut and tried again.
  expect(openai.requests.slice(before).map((request) => request.apiKey)).toEqual(["k-hung"]);
  expect(response.headers.get("x-account-email")).toBe("hung@example.com");
});

test("OpenAI: a streamed answer whose headers do not come within timeoutMs fails over to the next account", async () => {
  const before = openai.requests.length;
  const response = await chat("gpt-4o", true);
  const text = await response.text();
  expect(response.status).toBe(200);
  const content = [...text.matchAll(/"content":"([^"]*)"/g)].map((match) => match[1]).join("");
  expect(content).toBe("Echo: hi");
  expect(openai.requests.slice(before).map((request) => request.apiKey)).toEqual(["k-hung", "k-good"]);
});

function geminiCall(model: string, action: string, body: unknown): Promise<Response> {
  return fetch(`${agw.url}/v1beta/models/${model}:${action}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-goog-api-key": "client-key" },
    body: JSON.stringify(body),
  });
}

test("Anthropic: a whole Messages answer longer than timeoutMs comes back whole", async () => {
  const before = anthropic.requests.length;
  const response = await fetch(`${agw.url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": "client-key", "anthropic-version": "2023-06-01" },
    body: JSON.stringify({ model: "claude-opus-4-1", max_tokens: 100, messages: [{ role: "user", content: "hi" }] }),
  });
  const answer = (await response.json()) as any;
  expect(response.status).toBe(200);
  expect(answer.content).toEqual([{ type: "text", text: "Echo: hi" }]);
  expect(answer.stop_reason).toBe("end_turn");
  expect(anthropic.requests.length - before).toBe(1);
});

test("Gemini: a whole :generateContent answer longer than timeoutMs comes back whole", async () => {
  const before = gemini.requests.length;
  const response = await geminiCall("gemini-2.5-pro", "generateContent", { contents: [{ role: "user", parts: [{ text: "hi" }] }] });
  const answer = (await response.json()) as any;
  expect(response.status).toBe(200);
  expect(answer.candidates[0].content.parts.map((part: { text: string }) => part.text).join("")).toBe("Echo: hi");
  expect(gemini.requests.slice(before).map((request) => `${request.action} ${request.apiKey}`)).toEqual(["generateContent g-hung"]);
});

test("Gemini: Imagen's :predict is generated too, and waited for", async () => {
  const before = gemini.requests.length;
  const response = await geminiCall("imagen-4", "predict", { instances: [{ prompt: "a red circle" }], parameters: { sampleCount: 1 } });
  const answer = (await response.json()) as any;
  expect(response.status).toBe(200);
  expect(answer.predictions.map((prediction: { mimeType: string }) => prediction.mimeType)).toEqual(["image/png"]);
  expect(gemini.requests.slice(before).map((request) => `${request.action} ${request.apiKey}`)).toEqual(["predict g-hung"]);
});

test("OpenAI images client → Imagen: the pictures are generated whole, and waited for", async () => {
  const before = gemini.requests.length;
  const response = await fetch(`${agw.url}/v1/images/generations`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer client-key" },
    body: JSON.stringify({ model: "imagen-4", prompt: "a red circle", n: 1 }),
  });
  const answer = (await response.json()) as any;
  expect(response.status).toBe(200);
  expect(answer.data.length).toBe(1);
  expect(Buffer.from(answer.data[0].b64_json, "base64").subarray(1, 4).toString()).toBe("PNG");
  expect(gemini.requests.slice(before).map((request) => `${request.action} ${request.apiKey}`)).toEqual(["predict g-hung"]);
});

test("Gemini: a count and an embedding are made at once: a hung account is left at timeoutMs for the next", async () => {
  let before = gemini.requests.length;
  const counted = await geminiCall("gemini-2.5-pro", "countTokens", { contents: [{ role: "user", parts: [{ text: "twelve chars" }] }] });
  expect(counted.status).toBe(200);
  expect(await counted.json()).toEqual({ totalTokens: 3, promptTokensDetails: [{ modality: "TEXT", tokenCount: 3 }] });
  expect(gemini.requests.slice(before).map((request) => `${request.action} ${request.apiKey}`)).toEqual(["countTokens g-hung", "countTokens g-key"]);

  before = gemini.requests.length;
  const embedded = await geminiCall("embedding-001", "embedContent", { content: { parts: [{ text: "hello" }] } });
  const embedding = (await embedded.json()) as any;
  expect(embedded.status).toBe(200);
  expect(embedding.embedding.values.length).toBeGreaterThan(0);
  expect(gemini.requests.slice(before).map((request) => `${request.action} ${request.apiKey}`)).toEqual([
    "embedContent g-hung",
    "embedContent g-key",
  ]);
});

test("answerTimeoutMs bounds the wait: past it the attempt fails like any timeout, and the client gets a 504 in its shape", async () => {
  const before = openai.requests.length;
  const response = await chat("capped-4o", false);
  expect(response.status).toBe(504);
  expect(await response.json()).toEqual({
    error: { message: "the upstream did not answer within 700 ms", type: "server_error", param: null, code: null },
  });
  // Cut at 700 ms; a timeout is retryable, but the account's backoff (200 ms at least) ends past the 800 ms deadline.
  expect(openai.requests.slice(before).map((request) => request.apiKey)).toEqual(["k-capped"]);
});

test("an attempt that fails after the retry deadline is the last: its error is the answer, no other account is tried", async () => {
  const before = openai.requests.length;
  const response = await chat("overloaded-4o", false);
  expect(response.status).toBe(503);
  expect(await response.json()).toEqual({
    error: { message: "the upstream is overloaded: The server is overloaded.", type: "server_error", param: null, code: "upstream_overloaded" },
  });
  expect(openai.requests.slice(before).map((request) => request.apiKey)).toEqual(["k-overloaded-1"]);
});

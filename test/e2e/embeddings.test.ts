/**
 * Embeddings through agw with the official SDKs: the OpenAI SDK's
 * `embeddings.create` (float, base64 decoded by the SDK, base64 as sent) on a
 * Gemini upstream (`:batchEmbedContents`, batches of 100) and an
 * OpenAI-compatible one, Google's `models.embedContent` on both, failover on
 * a 429, and the clear errors for what an upstream cannot do.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { GoogleGenAI } from "@google/genai";
import OpenAI from "openai";
import { fakeVector } from "../harness/fake-embeddings.ts";
import type { FakeGemini } from "../harness/fake-gemini.ts";
import type { FakeOpenAI } from "../harness/fake-openai.ts";
import { startTestGateway, type TestGateway } from "../harness/gateway.ts";
import { startMediaGateway, type MediaGateway } from "../harness/media-gateway.ts";
import { estimateTextTokens } from "../../src/tokens/index.ts";

let gemini: FakeGemini;
let upstreamOpenAI: FakeOpenAI;
let agw: TestGateway;
let client: OpenAI;
let media: MediaGateway;

beforeAll(() => {
  media = startMediaGateway(
    {
      "text-embedding-3-small": "oai/text-embedding-3-small",
      "gemini-embed": "gemini/gemini-embedding-001",
      "claude-embed": "claude/claude-sonnet-4-5",
    },
    { geminiModels: ["gemini-embedding-001"] },
  );
  ({ gemini, upstreamOpenAI, agw, client } = media);
});

afterAll(async () => {
  await media?.stop();
});

const f32 = (vector: number[]) => Array.from(Float32Array.from(vector));

describe("OpenAI's /v1/embeddings on a Gemini upstream", () => {
  test("float: every vector in order, the upstream asked with batchEmbedContents, tokens estimated and logged", async () => {
    const before = gemini.requests.length;
    const answer = await client.embeddings.create({ model: "gemini-embed", input: ["the cat", "a dog"], dimensions: 8, encoding_format: "float" });
    const tokens = estimateTextTokens("the cat") + estimateTextTokens("a dog");
    expect(answer).toEqual({
      object: "list",
      data: [
        { object: "embedding", index: 0, embedding: fakeVector("the cat", 8) },
        { object: "embedding", index: 1, embedding: fakeVector("a dog", 8) },
      ],
      model: "gemini-embed",
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    });
    const upstream = gemini.requests.slice(before);
    expect(upstream.map((request) => [request.action, request.model, request.apiKey, request.body])).toEqual([
      [
        "batchEmbedContents",
        "gemini-embedding-001",
        "key-main",
        {
          requests: [
            { model: "models/gemini-embedding-001", content: { parts: [{ text: "the cat" }] }, outputDimensionality: 8 },
            { model: "models/gemini-embedding-001", content: { parts: [{ text: "a dog" }] }, outputDimensionality: 8 },
          ],
        },
      ],
    ]);
    agw.gateway.store.flush();
    const row = agw.gateway.store.requestLogs.query({}).at(-1)!;
    expect(row).toMatchObject({ route: "/v1/embeddings", status: 200, requestedModel: "gemini-embed", mappedModel: "gemini-embedding-001", provider: "gemini", accountId: "main", inputTokens: tokens, outputTokens: 0 });
    expect(row.costUsd).toBeCloseTo((tokens * 0.15) / 1e6, 15);
  });

  test("base64: the SDK's default (it asks for base64 and decodes) and base64 as sent, little-endian float32 exactly", async () => {
    const decoded = await client.embeddings.create({ model: "gemini-embed", input: "hello world", dimensions: 16 });
    expect(decoded.data[0]!.embedding).toEqual(f32(fakeVector("hello world", 16)));
    const raw = await client.embeddings.create({ model: "gemini-embed", input: "hello world", dimensions: 16, encoding_format: "base64" });
    const base64 = raw.data[0]!.embedding as unknown as string;
    const bytes = Buffer.from(base64, "base64");
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    expect(Array.from({ length: 16 }, (_, index) => view.getFloat32(index * 4, true))).toEqual(f32(fakeVector("hello world", 16)));
    expect(bytes.length).toBe(64);
  });

  test("more inputs than a Gemini batch holds: split into batches of 100 and joined back in order", async () => {
    const before = gemini.requests.length;
    const inputs = Array.from({ length: 150 }, (_, index) => `text number ${index}`);
    const answer = await client.embeddings.create({ model: "gemini-embed", input: inputs, dimensions: 4, encoding_format: "float" });
    expect(answer.data.map((item) => [item.index, item.embedding])).toEqual(inputs.map((text, index) => [index, fakeVector(text, 4)]));
    expect(gemini.requests.slice(before).map((request) => request.body.requests.length)).toEqual([100, 50]);
  });

  test("token ids cannot go to Gemini: a 400 in OpenAI's shape, no upstream call", async () => {
    const before = gemini.requests.length;
    const error = await client.embeddings.create({ model: "gemini-embed", input: [[1, 2, 3]], encoding_format: "float" }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).error).toEqual({
      message: "input[0]: this model's upstream (Gemini) embeds text only, not token ids: send the text itself",
      type: "invalid_request_error",
      param: "input",
      code: "tokens_unsupported",
    });
    expect(gemini.requests.length).toBe(before);
  });
});

describe("OpenAI's /v1/embeddings on an OpenAI-compatible upstream", () => {
  test("texts and token ids go as sent, with dimensions and user; the upstream's token count is the usage", async () => {
    const before = upstreamOpenAI.requests.length;
    const answer = await client.embeddings.create({ model: "text-embedding-3-small", input: [[11, 22, 33], [44]], dimensions: 6, user: "u-1", encoding_format: "float" });
    expect(answer).toEqual({
      object: "list",
      data: [
        { object: "embedding", index: 0, embedding: fakeVector("tokens:11,22,33", 6) },
        { object: "embedding", index: 1, embedding: fakeVector("tokens:44", 6) },
      ],
      model: "text-embedding-3-small",
      usage: { prompt_tokens: 4, total_tokens: 4 },
    });
    expect(upstreamOpenAI.requests.slice(before).map((request) => [request.path, request.apiKey, request.body])).toEqual([
      ["/v1/embeddings", "sk-oai", { model: "text-embedding-3-small", input: [[11, 22, 33], [44]], encoding_format: "float", dimensions: 6, user: "u-1" }],
    ]);
    const decoded = await client.embeddings.create({ model: "text-embedding-3-small", input: "plain" });
    expect(decoded.data[0]!.embedding).toEqual(f32(fakeVector("plain", 1536)));
  });

  test("the upstream's own refusal reaches the client in OpenAI's shape", async () => {
    const error = await client.embeddings.create({ model: "text-embedding-3-small", input: "x", dimensions: 5000, encoding_format: "float" }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).message).toContain("Invalid value for 'dimensions' = 5000. Must be between 1 and 1536.");
  });
});

test("/v1/models marks the embedding models", async () => {
  const models = (await client.models.list()).data as unknown as Array<{ id: string; agw: { serves: string[] } }>;
  expect(Object.fromEntries(models.map((model) => [model.id, model.agw.serves]))).toEqual({
    "text-embedding-3-small": ["embeddings"],
    "gemini-embed": ["embeddings"],
    "claude-embed": ["chat"],
    "gemini-embedding-001": ["embeddings"],
  });
});

describe("what cannot be embedded", () => {
  test("a provider without embeddings: a 400 naming it; a bad request: a 400 naming the field", async () => {
    const response = await fetch(`${agw.url}/v1/embeddings`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "claude-embed", input: "hi" }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: {
        message: "the model 'claude-embed' is mapped to the provider 'claude' (type anthropic), which has no embeddings: map it to a gemini or openai provider",
        type: "invalid_request_error",
        param: "model",
        code: "embeddings_unsupported",
      },
    });
    const bad = await fetch(`${agw.url}/v1/embeddings`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "gemini-embed", input: "hi", encoding_format: "int8" }),
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({
      error: {
        message: 'invalid embeddings request: encoding_format: Invalid option: expected one of "float"|"base64"',
        type: "invalid_request_error",
        param: "encoding_format",
        code: null,
      },
    });
    const unknown = await fetch(`${agw.url}/v1/embeddings`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "nope-model", input: "hi" }) });
    expect(unknown.status).toBe(404);
  });
});

test("a 429 on one account: the embeddings are fetched on the next, the log shows both attempts", async () => {
  const fresh = startTestGateway({
    auth: { mode: "off" },
    scheduling: { mode: "priority" },
    providers: {
      gemini: {
        type: "gemini",
        baseUrl: gemini.url,
        accounts: [
          { id: "limited", apiKey: "key-429", priority: 0 },
          { id: "spare", apiKey: "key-spare", priority: 1 },
        ],
      },
    },
    models: { "*": "gemini/gemini-embedding-001" },
  });
  try {
    const answer = await new OpenAI({ baseURL: `${fresh.url}/v1`, apiKey: "x", maxRetries: 0 }).embeddings.create({ model: "emb", input: "failover", dimensions: 3, encoding_format: "float" });
    expect(answer.data[0]!.embedding).toEqual(fakeVector("failover", 3));
    fresh.gateway.store.flush();
    const row = fresh.gateway.store.requestLogs.query({}).at(-1)!;
    expect([row.status, row.accountId, (row.attemptDetails as Array<{ accountId: string; status: number }>).map((attempt) => [attempt.accountId, attempt.status])]).toEqual([
      200,
      "spare",
      [
        ["limited", 429],
        ["spare", 200],
      ],
    ]);
  } finally {
    await fresh.stop();
  }
});

describe("Google's SDK: models.embedContent", () => {
  test("on a Gemini upstream the body goes through (per-request task type kept), only the model replaced", async () => {
    const ai = new GoogleGenAI({ apiKey: "unused", httpOptions: { baseUrl: agw.url } });
    const before = gemini.requests.length;
    const answer = await ai.models.embedContent({ model: "gemini-embed", contents: ["first", "second"], config: { outputDimensionality: 5, taskType: "RETRIEVAL_DOCUMENT" } });
    expect(answer.embeddings!.map((embedding) => embedding.values)).toEqual([fakeVector("first", 5), fakeVector("second", 5)]);
    const upstream = gemini.requests.slice(before);
    expect(upstream.map((request) => [request.action, request.model])).toEqual([["batchEmbedContents", "gemini-embedding-001"]]);
    expect(upstream[0]!.body.requests.map((request: any) => [request.model, request.content.parts[0].text, request.taskType, request.outputDimensionality])).toEqual([
      ["models/gemini-embedding-001", "first", "RETRIEVAL_DOCUMENT", 5],
      ["models/gemini-embedding-001", "second", "RETRIEVAL_DOCUMENT", 5],
    ]);
    agw.gateway.store.flush();
    expect(agw.gateway.store.requestLogs.query({}).at(-1)).toMatchObject({ route: "/v1beta/models", status: 200, mappedModel: "gemini-embedding-001", inputTokens: 2 });
  });

  test("on an OpenAI-compatible upstream it is translated both ways", async () => {
    const ai = new GoogleGenAI({ apiKey: "unused", httpOptions: { baseUrl: agw.url } });
    const before = upstreamOpenAI.requests.length;
    const answer = await ai.models.embedContent({ model: "text-embedding-3-small", contents: ["one", "two"], config: { outputDimensionality: 7 } });
    expect(answer.embeddings!.map((embedding) => embedding.values)).toEqual([fakeVector("one", 7), fakeVector("two", 7)]);
    expect(upstreamOpenAI.requests.slice(before).map((request) => request.body)).toEqual([
      { model: "text-embedding-3-small", input: ["one", "two"], encoding_format: "float", dimensions: 7 },
    ]);
  });

  test("a single :embedContent call, raw", async () => {
    const response = await fetch(`${agw.url}/v1beta/models/gemini-embed:embedContent`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ content: { parts: [{ text: "solo" }] }, outputDimensionality: 2 }),
    });
    expect([response.status, await response.json()]).toEqual([200, { embedding: { values: fakeVector("solo", 2) } }]);
  });
});

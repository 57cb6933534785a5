/**
 * The official Google GenAI SDK against the real gateway: passed through to
 * a Gemini upstream untouched but for the model, and translated when the
 * mapping sends it to another provider.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { GoogleGenAI, FunctionCallingConfigMode, type FunctionDeclaration } from "@google/genai";
import { startFakeGemini, type FakeGemini } from "../harness/fake-gemini.ts";
import { startTestGateway, type TestGateway } from "../harness/gateway.ts";

let gemini: FakeGemini;
let agw: TestGateway;
let ai: GoogleGenAI;

beforeAll(() => {
  gemini = startFakeGemini();
  agw = startTestGateway({
    auth: { mode: "strict", apiKey: "agw-key" },
    providers: {
      gemini: { type: "gemini", baseUrl: gemini.url, accounts: [{ id: "alice@example.com", apiKey: "upstream-key" }], models: ["gemini-2.5-flash"] },
      demo: { type: "mock" },
    },
    models: { "gemini-pro-latest": "gemini/gemini-2.5-pro", "echo-model": "demo/echo" },
  });
  ai = new GoogleGenAI({ apiKey: "agw-key", httpOptions: { baseUrl: agw.url } });
});

afterAll(async () => {
  await agw.stop();
  await gemini.stop();
});

const lastRequest = () => gemini.requests.at(-1)!;
const weather: FunctionDeclaration = {
  name: "get_weather",
  description: "Current weather",
  parametersJsonSchema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
};

describe("pass-through to a Gemini upstream", () => {
  test("generateContent: only the model and the key change, everything else arrives as sent", async () => {
    const response = await ai.models.generateContent({
      model: "gemini-pro-latest",
      contents: "Hello there",
      config: { systemInstruction: "Be terse.", temperature: 0.3, safetySettings: [{ category: "HARM_CATEGORY_HARASSMENT" as never, threshold: "BLOCK_NONE" as never }] },
    });
    expect(response.text).toBe("Echo: Hello there");
    const upstream = lastRequest();
    expect(upstream.model).toBe("gemini-2.5-pro");
    expect(upstream.action).toBe("generateContent");
    expect(upstream.apiKey).toBe("upstream-key");
    expect(upstream.body.safetySettings).toEqual([{ category: "HARM_CATEGORY_HARASSMENT", threshold: "BLOCK_NONE" }]);
    expect(upstream.body.generationConfig.temperature).toBe(0.3);
  });

  test("generateContentStream relays the SSE stream", async () => {
    let text = "";
    for await (const chunk of await ai.models.generateContentStream({ model: "gemini-2.5-flash", contents: "Stream please" })) {
      text += chunk.text ?? "";
    }
    expect(text).toBe("Echo: Stream please");
    expect(lastRequest().path).toContain(":streamGenerateContent?alt=sse");
  });

  test("countTokens is the upstream's own", async () => {
    const counted = await ai.models.countTokens({ model: "gemini-2.5-flash", contents: "How many tokens?" });
    expect(counted.totalTokens).toBe(Math.ceil("How many tokens?".length / 4));
    expect(lastRequest().action).toBe("countTokens");
  });

  test("function calling round trip", async () => {
    const first = await ai.models.generateContent({
      model: "gemini-2.5-flash",
      contents: "What's the weather in Paris?",
      config: { tools: [{ functionDeclarations: [weather] }], toolConfig: { functionCallingConfig: { mode: FunctionCallingConfigMode.AUTO } } },
    });
    expect(first.functionCalls?.[0]).toMatchObject({ name: "get_weather", args: { city: "Paris" } });
  });

  test("the request log has the usage read from the relayed answer", async () => {
    const response = await fetch(`${agw.url}/v1beta/models/gemini-2.5-flash:generateContent?key=agw-key`, {
      method: "POST",
      body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "usage please" }] }] }),
    });
    expect(response.status).toBe(200);
    await response.arrayBuffer();
    agw.gateway.store.flush();
    const row = agw.gateway.store.requestLogs.get(response.headers.get("x-request-id")!);
    expect(row).toMatchObject({ protocol: "gemini", provider: "gemini", mappedModel: "gemini-2.5-flash", status: 200 });
    expect(row!.inputTokens).toBeGreaterThan(0);
  });
});

test("a relayed stream longer than the kept tail, cut inside characters, reaches the client byte for byte and its usage is logged", async () => {
  const chunks = Array.from({ length: 60 }, (_, index) => ({
    candidates: [{ content: { role: "model", parts: [{ text: `part ${index}: héllo wörld 🙂 `.repeat(3) }] }, index: 0, ...(index === 59 ? { finishReason: "STOP" } : {}) }],
    usageMetadata: { promptTokenCount: 7, candidatesTokenCount: index + 1, totalTokenCount: 8 + index },
    modelVersion: "gemini-2.5-flash",
  }));
  gemini.setScript(() => ({ type: "stream", chunks }));
  try {
    const response = await fetch(`${agw.url}/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse&key=agw-key`, {
      method: "POST",
      body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "a long one" }] }] }),
    });
    const relayed = await response.text();
    expect(response.status).toBe(200);
    const sent = chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\r\n\r\n`).join("");
    expect(new TextEncoder().encode(sent).length).toBeGreaterThan(8192);
    expect(relayed).toBe(sent);
    agw.gateway.store.flush();
    const row = agw.gateway.store.requestLogs.get(response.headers.get("x-request-id")!)!;
    expect([row.status, row.inputTokens, row.outputTokens, row.errorClass]).toEqual([200, 7, 60, undefined]);
  } finally {
    gemini.setScript(undefined);
  }
});

describe("translated to another provider", () => {
  test("generateContent and the stream, answered by the mock", async () => {
    const response = await ai.models.generateContent({ model: "echo-model", contents: "translated hello" });
    expect(response.text).toBe("translated hello");
    let text = "";
    for await (const chunk of await ai.models.generateContentStream({ model: "echo-model", contents: "one two three" })) text += chunk.text ?? "";
    expect(text).toBe("one two three");
  });

  test("countTokens falls back to the local estimate", async () => {
    const counted = await ai.models.countTokens({ model: "echo-model", contents: "The quick brown fox jumps over the lazy dog." });
    expect(counted.totalTokens).toBeGreaterThan(5);
  });

  test("the JSON-array stream (no alt=sse) parses as one JSON array", async () => {
    const response = await fetch(`${agw.url}/v1beta/models/echo-model:streamGenerateContent`, {
      method: "POST",
      headers: { "x-goog-api-key": "agw-key" },
      body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "array framing works" }] }] }),
    });
    expect(response.headers.get("content-type")).toStartWith("application/json");
    const chunks = JSON.parse(await response.text()) as Array<{ candidates?: Array<{ content: { parts: Array<{ text?: string }> } }> }>;
    const text = chunks.flatMap((chunk) => chunk.candidates?.[0]?.content.parts.map((part) => part.text ?? "") ?? []).join("");
    expect(text).toBe("array framing works");
  });
});

describe("models, auth and errors in Google's shape", () => {
  test("models.list and models.get", async () => {
    const listed = await fetch(`${agw.url}/v1beta/models?key=agw-key`).then((r) => r.json() as Promise<{ models: Array<{ name: string; inputTokenLimit?: number; supportedGenerationMethods: string[] }> }>);
    const flash = listed.models.find((model) => model.name === "models/gemini-2.5-flash");
    expect(flash?.inputTokenLimit).toBe(1048576);
    expect(flash?.supportedGenerationMethods).toContain("generateContent");
    const model = await ai.models.get({ model: "gemini-2.5-flash" });
    expect(model.name).toBe("models/gemini-2.5-flash");
  });

  test("a wrong key is 401 UNAUTHENTICATED; ?key= works", async () => {
    const wrong = await fetch(`${agw.url}/v1beta/models/gemini-2.5-flash:generateContent?key=nope`, { method: "POST", body: "{}" });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: { code: 401, status: "UNAUTHENTICATED" } });
  });

  test("an unknown model is 404 NOT_FOUND; an unknown method too", async () => {
    const bare = startTestGateway({ providers: { demo: { type: "mock" } }, models: { "only-this": "demo/echo" } });
    try {
      const unknown = await fetch(`${bare.url}/v1beta/models/nope:generateContent`, { method: "POST", body: '{"contents":[]}' });
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toMatchObject({ error: { code: 404, status: "NOT_FOUND" } });
      const method = await fetch(`${bare.url}/v1beta/models/only-this:frobnicate`, { method: "POST", body: "{}" });
      expect(method.status).toBe(404);
    } finally {
      await bare.stop();
    }
  });

  test("a malformed request to a translated model is 400 INVALID_ARGUMENT naming the field", async () => {
    const response = await fetch(`${agw.url}/v1beta/models/echo-model:generateContent`, {
      method: "POST",
      headers: { "x-goog-api-key": "agw-key" },
      body: JSON.stringify({ contents: [{ role: "user", parts: "not a list" }] }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { status: string; message: string } };
    expect(body.error.status).toBe("INVALID_ARGUMENT");
    expect(body.error.message).toContain("contents[0].parts");
  });
});

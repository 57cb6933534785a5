import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { GatewayError } from "../../ir/errors.ts";
import type { ChatRequest } from "../../ir/request.ts";
import { startFakeGemini } from "../../../test/harness/fake-gemini.ts";
import type { ProviderCall, ProviderSettings } from "../types.ts";
import { countGeminiTokens } from "./count-tokens.ts";
import { createGeminiProvider } from "./provider.ts";

const gemini = startFakeGemini();
afterAll(() => gemini.stop());
beforeEach(() => {
  gemini.setScript(undefined);
  gemini.requests.length = 0;
});

const settings = (extra: Partial<ProviderSettings> = {}): ProviderSettings => ({
  name: "gemini",
  type: "gemini",
  baseUrl: gemini.url,
  timeoutMs: 5000,
  headers: { "x-team": "agw" },
  ...extra,
});

const call = (apiKey = "test-key", signal = new AbortController().signal): ProviderCall => ({
  model: "models/gemini-2.5-flash",
  account: { id: "me@example.com", apiKey },
  signal,
});

const ask = (text: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
  model: "client-model",
  stream: false,
  messages: [{ role: "user", content: [{ type: "text", text }] }],
  ...extra,
});

const count = (request: ChatRequest, providerCall = call()) => countGeminiTokens(gemini.url, settings(), request, providerCall);

async function rejection(promise: Promise<unknown>): Promise<GatewayError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    return error as GatewayError;
  }
  throw new Error("expected a rejection");
}

describe("countGeminiTokens against the fake Gemini", () => {
  test("sends the whole request as generateContentRequest and answers totalTokens", async () => {
    const request = ask("Hello there, how are you?", {
      messages: [
        { role: "system", content: [{ type: "text", text: "Be brief." }] },
        { role: "user", content: [{ type: "text", text: "Hello there, how are you?" }] },
      ],
      tools: [{ name: "get_weather", description: "Weather", parameters: { type: "object", properties: { city: { type: "string" } } } }],
      toolChoice: "auto",
      maxOutputTokens: 100,
    });
    // The fake counts ceil(characters of all text / 4): (9 + 25) / 4 → 9.
    expect(await count(request)).toBe(9);

    const [received] = gemini.requests;
    expect(received?.action).toBe("countTokens");
    expect(received?.path).toBe("/v1beta/models/gemini-2.5-flash:countTokens");
    expect(received?.headers.get("x-goog-api-key")).toBe("test-key");
    expect(received?.headers.get("content-type")).toBe("application/json");
    expect(received?.headers.get("x-team")).toBe("agw");
    expect(received?.body).toEqual({
      generateContentRequest: {
        model: "models/gemini-2.5-flash",
        contents: [{ role: "user", parts: [{ text: "Hello there, how are you?" }] }],
        systemInstruction: { parts: [{ text: "Be brief." }] },
        tools: [
          {
            functionDeclarations: [
              { name: "get_weather", description: "Weather", parameters: { type: "object", properties: { city: { type: "string" } } } },
            ],
          },
        ],
        toolConfig: { functionCallingConfig: { mode: "AUTO" } },
        generationConfig: { maxOutputTokens: 100 },
      },
    });
  });

  test("the provider's countTokens is wired to it", async () => {
    const provider = createGeminiProvider(settings({ baseUrl: `${gemini.url}/` }));
    expect(await provider.countTokens?.(ask("12345678"), call())).toBe(2);
    expect(gemini.requests[0]?.path).toBe("/v1beta/models/gemini-2.5-flash:countTokens");
  });

  test("an upstream refusal rejects with the mapped error", async () => {
    const limited = await rejection(count(ask("hi"), call("key-429")));
    expect(limited).toMatchObject({ kind: "rate_limit", retryable: true, retryAfterMs: 2000, upstreamStatus: 429 });
    const broken = await rejection(count(ask("hi"), call("key-500")));
    expect(broken).toMatchObject({ kind: "upstream", status: 502, retryable: true, upstreamStatus: 500 });

    gemini.setScript((request) => (request.action === "countTokens" ? { type: "error", status: 404, message: "models/nope is not found" } : undefined));
    const missing = await rejection(count(ask("hi")));
    expect(missing).toMatchObject({ kind: "not_found", code: "model_not_found", upstreamStatus: 404 });
  });

  test("an account without a key is refused before any request", async () => {
    const error = await rejection(count(ask("hi"), { ...call(), account: { id: "me@example.com" } }));
    expect(error).toMatchObject({ kind: "upstream", code: "upstream_unauthorized", retryable: true });
    expect(gemini.requests).toHaveLength(0);
  });

  test("a client that went away cancels the request", async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await rejection(count(ask("hi"), call("test-key", controller.signal)));
    expect(error.retryable).toBe(false);
  });
});

describe("countGeminiTokens reading odd answers", () => {
  const answering = async (body: string, check: (result: Promise<number>) => Promise<void>) => {
    const server = Bun.serve({ port: 0, fetch: () => new Response(body, { headers: { "content-type": "application/json" } }) });
    try {
      await check(countGeminiTokens(server.url.origin, settings(), ask("hi"), call()));
    } finally {
      await server.stop(true);
    }
  };

  test("a zero count left out (proto3 JSON) is 0; a string count is read", async () => {
    await answering("{}", async (result) => expect(await result).toBe(0));
    await answering('{"totalTokens":"42"}', async (result) => expect(await result).toBe(42));
  });

  test("an answer without a usable count is a retryable upstream error", async () => {
    for (const body of ["not json", "[]", '{"totalTokens":-1}', '{"totalTokens":"many"}']) {
      await answering(body, async (result) => {
        const error = await rejection(result);
        expect(error).toMatchObject({ kind: "upstream", retryable: true });
      });
    }
  });
});

describe("the fake Gemini's countTokens", () => {
  const post = (body: unknown, headers: Record<string, string> = { "x-goog-api-key": "k" }) =>
    fetch(`${gemini.url}/v1beta/models/gemini-2.5-flash:countTokens`, { method: "POST", headers, body: JSON.stringify(body) });

  test("counts top-level contents too, and details the count by modality", async () => {
    const answer = await post({ contents: [{ role: "user", parts: [{ text: "héllo wörld 👋" }] }] });
    expect(await answer.json()).toEqual({ totalTokens: 4, promptTokensDetails: [{ modality: "TEXT", tokenCount: 4 }] });
  });

  test("refuses what the real API refuses: no key, top-level systemInstruction, no model", async () => {
    expect((await post({ contents: [] }, {})).status).toBe(401);
    const topLevel = await post({ contents: [], systemInstruction: { parts: [{ text: "x" }] } });
    expect(topLevel.status).toBe(400);
    expect(((await topLevel.json()) as any).error.message).toContain('Unknown name "systemInstruction"');
    expect((await post({ generateContentRequest: { contents: [] } })).status).toBe(400);
    expect(gemini.requests.map((request) => request.action)).toEqual(["countTokens", "countTokens"]);
  });
});

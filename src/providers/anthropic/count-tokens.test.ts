import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { GatewayError } from "../../ir/errors.ts";
import type { ChatRequest } from "../../ir/request.ts";
import { startFakeAnthropic } from "../../../test/harness/fake-anthropic.ts";
import type { ProviderCall, ProviderSettings } from "../types.ts";
import { countAnthropicTokens } from "./count-tokens.ts";
import { createAnthropicProvider } from "./provider.ts";

const anthropic = startFakeAnthropic();
afterAll(() => anthropic.stop());
beforeEach(() => {
  anthropic.setScript(undefined);
  anthropic.requests.length = 0;
});

const settings = (extra: Partial<ProviderSettings> = {}): ProviderSettings => ({
  name: "claude",
  type: "anthropic",
  baseUrl: anthropic.url,
  timeoutMs: 5000,
  headers: { "x-team": "agw" },
  ...extra,
});

const call = (apiKey = "sk-ant-test-key", signal = new AbortController().signal): ProviderCall => ({
  model: "claude-sonnet-4-5",
  account: { id: "me@example.com", apiKey },
  signal,
});

const ask = (text: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
  model: "client-model",
  stream: false,
  messages: [{ role: "user", content: [{ type: "text", text }] }],
  ...extra,
});

const count = (request: ChatRequest, providerCall = call()) => countAnthropicTokens(anthropic.url, settings(), request, providerCall);

async function rejection(promise: Promise<unknown>): Promise<GatewayError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    return error as GatewayError;
  }
  throw new Error("expected a rejection");
}

describe("countAnthropicTokens against the fake Anthropic", () => {
  test("sends the lowered request without what only generation takes, and answers input_tokens", async () => {
    const request = ask("Hello there, how are you?", {
      messages: [
        { role: "system", content: [{ type: "text", text: "Be brief." }] },
        { role: "user", content: [{ type: "text", text: "Hello there, how are you?" }] },
      ],
      tools: [{ name: "get_weather", description: "Weather", parameters: { type: "object", properties: { city: { type: "string" } } } }],
      toolChoice: "auto",
      maxOutputTokens: 100,
      temperature: 0.5,
      stopSequences: ["END"],
      user: "u-1",
      reasoning: { effort: "low" },
    });
    // The fake counts ceil(characters of all text / 4): (9 + 25) / 4 → 9.
    expect(await count(request)).toBe(9);

    const [received] = anthropic.requests;
    expect(received?.action).toBe("count_tokens");
    expect(received?.path).toBe("/v1/messages/count_tokens");
    expect(received?.headers.get("x-api-key")).toBe("sk-ant-test-key");
    expect(received?.headers.get("anthropic-version")).toBe("2023-06-01");
    expect(received?.headers.get("x-team")).toBe("agw");
    expect(received?.body).toEqual({
      model: "claude-sonnet-4-5",
      messages: [{ role: "user", content: [{ type: "text", text: "Hello there, how are you?", cache_control: { type: "ephemeral" } }] }],
      system: [{ type: "text", text: "Be brief.", cache_control: { type: "ephemeral" } }],
      tools: [{ name: "get_weather", description: "Weather", input_schema: { type: "object", properties: { city: { type: "string" } } } }],
      tool_choice: { type: "auto" },
      thinking: { type: "enabled", budget_tokens: 2048 },
    });
  });

  test("the provider's countTokens is wired to it", async () => {
    const provider = createAnthropicProvider(settings({ baseUrl: `${anthropic.url}/` }));
    expect(await provider.countTokens?.(ask("12345678"), call())).toBe(2);
    expect(anthropic.requests[0]?.path).toBe("/v1/messages/count_tokens");
  });

  test("an upstream refusal rejects with the mapped error", async () => {
    expect(await rejection(count(ask("hi"), call("key-429")))).toMatchObject({ kind: "rate_limit", retryable: true, retryAfterMs: 2000 });
    expect(await rejection(count(ask("hi"), call("key-529")))).toMatchObject({ kind: "overloaded", retryable: true });
    anthropic.setScript(() => ({ type: "error", status: 404, message: "model: claude-nope" }));
    expect(await rejection(count(ask("hi")))).toMatchObject({ kind: "not_found", code: "model_not_found", upstreamStatus: 404 });
  });

  test("an account without a key is refused before any request", async () => {
    const error = await rejection(count(ask("hi"), { ...call(), account: { id: "me@example.com" } }));
    expect(error).toMatchObject({ kind: "upstream", code: "upstream_unauthorized", retryable: true });
    expect(anthropic.requests).toHaveLength(0);
  });
});

describe("countAnthropicTokens reading odd answers", () => {
  test("an answer without a usable count is a retryable upstream error", async () => {
    for (const body of ["not json", "[]", '{"input_tokens":-1}', '{"input_tokens":"many"}', "{}"]) {
      const server = Bun.serve({ port: 0, fetch: () => new Response(body, { headers: { "content-type": "application/json" } }) });
      try {
        const error = await rejection(countAnthropicTokens(server.url.origin, settings(), ask("hi"), call()));
        expect(error).toMatchObject({ kind: "upstream", retryable: true });
      } finally {
        await server.stop(true);
      }
    }
  });
});

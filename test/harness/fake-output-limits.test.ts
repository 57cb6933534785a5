/**
 * The fake Gemini and Anthropic refuse an output budget above the model's
 * limit with the real status, error body and message (rules and sources in
 * fake-gemini.ts and fake-anthropic.ts): the gateway must clamp before
 * sending, or these fail its tests as the real APIs fail its users.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { startFakeAnthropic } from "./fake-anthropic.ts";
import { startFakeGemini } from "./fake-gemini.ts";

const gemini = startFakeGemini({ pieceDelayMs: 0 });
const anthropic = startFakeAnthropic({ pieceDelayMs: 0 });

afterAll(async () => {
  await gemini.stop();
  await anthropic.stop();
});

async function post(url: string, body: unknown, headers: Record<string, string>) {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as any };
}

describe("fake Gemini: 1 ≤ maxOutputTokens ≤ the model's output limit", () => {
  const generate = (model: string, maxOutputTokens: number) =>
    post(
      `${gemini.url}/v1beta/models/${model}:generateContent`,
      { contents: [{ role: "user", parts: [{ text: "hi" }] }], generationConfig: { maxOutputTokens } },
      { "x-goog-api-key": "good-key" },
    );
  const refusal = (value: number, bound: number) => ({
    status: 400,
    body: {
      error: {
        code: 400,
        message: `Unable to submit request because it has a maxOutputTokens value of ${value} but the supported range is from 1 (inclusive) to ${bound} (exclusive). Update the value and try again.`,
        status: "INVALID_ARGUMENT",
      },
    },
  });

  test("above 65536 on Gemini 2.5 and 3, above 8192 on 2.0, and 0, are refused", async () => {
    expect(await generate("gemini-2.5-flash", 128000)).toEqual(refusal(128000, 65537));
    expect(await generate("gemini-3-pro-preview", 65537)).toEqual(refusal(65537, 65537));
    expect(await generate("gemini-2.0-flash", 8193)).toEqual(refusal(8193, 8193));
    expect(await generate("gemini-2.5-flash", 0)).toEqual(refusal(0, 65537));
  });

  test("the limit itself is accepted", async () => {
    expect((await generate("gemini-2.5-flash", 65536)).status).toBe(200);
    expect((await generate("gemini-2.0-flash", 8192)).status).toBe(200);
  });
});

describe("fake Anthropic: max_tokens ≤ the model's output limit", () => {
  const create = (model: string, maxTokens: number, headers: Record<string, string> = {}) =>
    post(
      `${anthropic.url}/v1/messages`,
      { model, max_tokens: maxTokens, messages: [{ role: "user", content: "hi" }] },
      { "x-api-key": "good-key", "anthropic-version": "2023-06-01", ...headers },
    );

  test("above the limit is refused as Anthropic words it", async () => {
    expect(await create("claude-sonnet-4-5-20250929", 128000)).toEqual({
      status: 400,
      body: {
        type: "error",
        error: {
          type: "invalid_request_error",
          message: "max_tokens: 128000 > 64000, which is the maximum allowed number of output tokens for claude-sonnet-4-5-20250929",
        },
      },
    });
    expect((await create("claude-opus-4-1-20250805", 32001)).body.error.message).toBe(
      "max_tokens: 32001 > 32000, which is the maximum allowed number of output tokens for claude-opus-4-1-20250805",
    );
  });

  test("at the limit, on 128K models, with Sonnet 3.7's extended-output beta, and on unlisted test models, accepted", async () => {
    expect((await create("claude-sonnet-4-5", 64000)).status).toBe(200);
    expect((await create("claude-opus-4-6", 128000)).status).toBe(200);
    expect((await create("claude-3-7-sonnet-20250219", 128000)).status).toBe(400);
    expect((await create("claude-3-7-sonnet-20250219", 128000, { "anthropic-beta": "output-128k-2025-02-19" })).status).toBe(200);
    expect((await create("test-model", 1_000_000)).status).toBe(200);
  });
});

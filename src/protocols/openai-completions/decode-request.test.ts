import { describe, expect, test } from "bun:test";
import { GatewayError } from "../../ir/errors.ts";
import { decodeOpenAICompletionsRequest } from "./decode-request.ts";

const fixture = async (name: string) => JSON.parse(await Bun.file(new URL(`./fixtures/${name}`, import.meta.url)).text());

function decodeError(body: unknown): GatewayError {
  try {
    decodeOpenAICompletionsRequest(body);
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error("expected the request to be rejected");
}

describe("decodeOpenAICompletionsRequest", () => {
  test("the reference example: the prompt becomes one user message", async () => {
    expect(decodeOpenAICompletionsRequest(await fixture("default-request.json"))).toStrictEqual({
      request: {
        model: "gpt-3.5-turbo-instruct",
        messages: [{ role: "user", content: [{ type: "text", text: "Say this is a test" }] }],
        stream: false,
        maxOutputTokens: 7,
        temperature: 0,
      },
      options: { includeUsage: false },
    });
  });

  test("streaming example", async () => {
    const { request, options } = decodeOpenAICompletionsRequest(await fixture("streaming-request.json"));
    expect(request.stream).toBe(true);
    expect(options).toStrictEqual({ includeUsage: false });
  });

  test("every supported field", async () => {
    expect(decodeOpenAICompletionsRequest(await fixture("full-request.json"))).toStrictEqual({
      request: {
        model: "gpt-3.5-turbo-instruct",
        messages: [{ role: "user", content: [{ type: "text", text: "Write a tagline for an ice cream shop." }] }],
        stream: true,
        maxOutputTokens: 32,
        temperature: 0.8,
        topP: 1,
        stopSequences: ["\n"],
        choices: 2,
        seed: 42,
        presencePenalty: 0.5,
        frequencyPenalty: -0.5,
        user: "user-1234",
      },
      options: { includeUsage: true, echo: "Write a tagline for an ice cream shop." },
      // logit_bias is accepted but no upstream behind the gateway takes it; a null logprobs asks for nothing.
      warnings: [{ code: "logit_bias_ignored", message: "logit_bias is accepted but not honoured: token probabilities are not biased" }],
    });
  });

  test("max_tokens defaults to 16, as OpenAI documents", () => {
    expect(decodeOpenAICompletionsRequest({ model: "m", prompt: "hi" }).request.maxOutputTokens).toBe(16);
  });

  test("stop as an array; an empty stop list is no stop", () => {
    expect(decodeOpenAICompletionsRequest({ model: "m", prompt: "x", stop: ["a", "b"] }).request.stopSequences).toEqual(["a", "b"]);
    expect(decodeOpenAICompletionsRequest({ model: "m", prompt: "x", stop: [] }).request.stopSequences).toBeUndefined();
  });

  test("nulls read as not set; logprobs, logit_bias, an empty suffix and best_of 1 are accepted", () => {
    const { request, options } = decodeOpenAICompletionsRequest({
      model: "m",
      prompt: "x",
      suffix: "",
      best_of: 1,
      n: null,
      temperature: null,
      echo: false,
      logprobs: 3,
      logit_bias: { "1": 2 },
      stream_options: null,
    });
    expect(request).toStrictEqual({
      model: "m",
      messages: [{ role: "user", content: [{ type: "text", text: "x" }] }],
      stream: false,
      maxOutputTokens: 16,
    });
    expect(options).toStrictEqual({ includeUsage: false });
  });

  test("best_of equal to n is accepted", () => {
    expect(decodeOpenAICompletionsRequest({ model: "m", prompt: "x", n: 3, best_of: 3 }).request.choices).toBe(3);
  });
});

describe("decodeOpenAICompletionsRequest: clear refusals", () => {
  test.each([
    ["body not an object", "x", "request body: expected an object, got \"x\"", undefined],
    ["model missing", { prompt: "x" }, "model: missing, expected a string", "model"],
    ["prompt missing", { model: "m" }, "prompt: missing, expected a string or an array of strings", "prompt"],
    ["prompt a number", { model: "m", prompt: 3 }, "prompt: expected a string or an array of strings, got 3", "prompt"],
    [
      "several prompts",
      { model: "m", prompt: ["a", "b"] },
      "prompt: got 2 prompts, but only one prompt per request is supported; send one request per prompt",
      "prompt",
    ],
    [
      "no prompt in the array",
      { model: "m", prompt: [] },
      "prompt: got an empty array, but only one prompt per request is supported; send one request per prompt",
      "prompt",
    ],
    ["token ids", { model: "m", prompt: [1212, 318] }, "prompt: token ids are not supported, send the prompt as text", "prompt"],
    ["token id arrays", { model: "m", prompt: [[1212, 318]] }, "prompt: token ids are not supported, send the prompt as text", "prompt"],
    ["an object in the array", { model: "m", prompt: [{ text: "x" }] }, "prompt[0]: expected a string", "prompt[0]"],
    ["suffix", { model: "m", prompt: "def f(", suffix: "return x" }, "suffix (fill-in-the-middle) is not supported", "suffix"],
    [
      "best_of above n",
      { model: "m", prompt: "x", best_of: 3 },
      "best_of: 3 is not supported; the gateway cannot rank candidates, so best_of must be 1 or equal to n (1)",
      "best_of",
    ],
    ["max_tokens zero", { model: "m", prompt: "x", max_tokens: 0 }, "max_tokens: expected a number >= 1, got 0", "max_tokens"],
    ["temperature too high", { model: "m", prompt: "x", temperature: 3 }, "temperature: expected a number <= 2, got 3", "temperature"],
    ["echo not a boolean", { model: "m", prompt: "x", echo: "yes" }, 'echo: expected a boolean, got "yes"', "echo"],
  ])("%s", (_name, body, message, param) => {
    const error = decodeError(body);
    expect(error.kind).toBe("invalid_request");
    expect(error.status).toBe(400);
    expect(error.message).toBe(message);
    expect(error.param).toBe(param);
  });
});

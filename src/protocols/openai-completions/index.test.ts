import { describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { GatewayError, toGatewayError } from "../../ir/errors.ts";
import type { StreamEvent } from "../../ir/event.ts";
import type { ChatResponse } from "../../ir/response.ts";
import { runMachine } from "../../sse/pipe.ts";
import { openaiCompletions } from "./index.ts";

/**
 * The protocol against the official `openai` SDK's `completions.create`:
 * the SDK's request goes through decodeRequest, and what the encoders
 * produce goes back to the SDK through a fetch that never leaves the process.
 */
function gateway(answer: { response?: ChatResponse; events?: StreamEvent[]; error?: GatewayError }) {
  const received: unknown[] = [];
  const fetch = async (_url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    try {
      const decoded = openaiCompletions.decodeRequest(JSON.parse(String(init?.body)));
      received.push(decoded);
      if (answer.error) throw answer.error;
      const context = { id: "cmpl-test", model: decoded.request.model, created: 1700000000, options: decoded.options };
      if (!decoded.request.stream) return Response.json(openaiCompletions.encodeResponse(answer.response as ChatResponse, context));
      const frames = runMachine(openaiCompletions.encodeStream(context), answer.events ?? []);
      return new Response(frames.join(""), { headers: { "content-type": "text/event-stream" } });
    } catch (error) {
      const { status, body } = openaiCompletions.encodeError(toGatewayError(error));
      return Response.json(body, { status });
    }
  };
  const client = new OpenAI({ apiKey: "sk-test", baseURL: "http://gateway.test/v1", fetch, maxRetries: 0 });
  return { client, received };
}

describe("openaiCompletions with the official SDK", () => {
  test("names", () => {
    expect(openaiCompletions.name).toBe("openai-completions");
    expect(openaiCompletions.idPrefix).toBe("cmpl-");
    expect(openaiCompletions.keepAliveFrame).toBe(": keep-alive\n\n");
  });

  test("non-streaming, with echo", async () => {
    const { client, received } = gateway({
      response: {
        choices: [{ index: 0, content: [{ type: "text", text: " is a test." }], finishReason: { unified: "stop" } }],
        usage: { input: { total: 5 }, output: { total: 4 } },
      },
    });
    const completion = await client.completions.create({ model: "gpt-3.5-turbo-instruct", prompt: "This", echo: true });
    expect(completion).toStrictEqual({
      id: "cmpl-test",
      object: "text_completion",
      created: 1700000000,
      model: "gpt-3.5-turbo-instruct",
      choices: [{ text: "This is a test.", index: 0, logprobs: null, finish_reason: "stop" }],
      usage: { prompt_tokens: 5, completion_tokens: 4, total_tokens: 9 },
    });
    expect(received).toHaveLength(1);
  });

  test("streaming with include_usage", async () => {
    const { client } = gateway({
      events: [
        { type: "message-start" },
        { type: "text-delta", text: "Hello" },
        { type: "text-delta", text: " there" },
        { type: "finish", reason: { unified: "length" } },
        { type: "usage", usage: { input: { total: 2 }, output: { total: 16 } } },
      ],
    });
    const stream = await client.completions.create({
      model: "m",
      prompt: "Hi",
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((c) => c.choices.map((choice) => [choice.text, choice.finish_reason] as unknown[]))).toEqual([
      [["Hello", null]],
      [[" there", null]],
      [["", "length"]],
      [],
    ]);
    expect(chunks.at(-1)?.usage).toStrictEqual({ prompt_tokens: 2, completion_tokens: 16, total_tokens: 18 });
  });

  test("a refused request is a BadRequestError naming the parameter", async () => {
    const { client } = gateway({});
    const error = await client.completions.create({ model: "m", prompt: "def f(", suffix: "  return 1" }).catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.message).toBe("400 suffix (fill-in-the-middle) is not supported");
    expect(error.param).toBe("suffix");
  });

  test("an error mid-stream reaches the SDK as an APIError", async () => {
    const { client } = gateway({
      events: [
        { type: "text-delta", text: "partial" },
        { type: "error", error: new GatewayError("upstream", "the upstream stream broke off") },
      ],
    });
    const stream = await client.completions.create({ model: "m", prompt: "Hi", stream: true });
    const texts: string[] = [];
    const error = await (async () => {
      for await (const chunk of stream) texts.push(chunk.choices[0]?.text ?? "");
    })().catch((e) => e);
    expect(texts).toEqual(["partial"]);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error.message).toContain("the upstream stream broke off");
  });
});

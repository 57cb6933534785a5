import { describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { GatewayError, toGatewayError } from "../../ir/errors.ts";
import type { StreamEvent } from "../../ir/event.ts";
import type { ChatResponse } from "../../ir/response.ts";
import { runMachine } from "../../sse/pipe.ts";
import { openaiChat } from "./index.ts";

/**
 * The protocol against the official `openai` SDK: the SDK's request goes
 * through decodeRequest, and what the encoders produce goes back to the SDK
 * through a fetch that never leaves the process.
 */
function gateway(answer: { response?: ChatResponse; events?: StreamEvent[] }) {
  const received: unknown[] = [];
  const fetch = async (_url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    try {
      const decoded = openaiChat.decodeRequest(JSON.parse(String(init?.body)));
      received.push(decoded);
      const context = { id: "chatcmpl-test", model: decoded.request.model, created: 1700000000, options: decoded.options };
      if (!decoded.request.stream) return Response.json(openaiChat.encodeResponse(answer.response as ChatResponse, context));
      const frames = runMachine(openaiChat.encodeStream(context), answer.events ?? []);
      return new Response(frames.join(""), { headers: { "content-type": "text/event-stream" } });
    } catch (error) {
      const { status, body } = openaiChat.encodeError(toGatewayError(error));
      return Response.json(body, { status });
    }
  };
  const client = new OpenAI({ apiKey: "sk-test", baseURL: "http://gateway.test/v1", fetch, maxRetries: 0 });
  return { client, received };
}

describe("openaiChat with the official SDK", () => {
  test("names", () => {
    expect(openaiChat.name).toBe("openai-chat");
    expect(openaiChat.idPrefix).toBe("chatcmpl-");
  });

  test("non-streaming: request decoded, completion parsed", async () => {
    const { client, received } = gateway({
      response: {
        choices: [
          {
            index: 0,
            content: [
              { type: "text", text: "Let me look." },
              { type: "tool-call", id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' },
            ],
            finishReason: { unified: "tool-calls" },
          },
        ],
        usage: { input: { total: 50 }, output: { total: 10 } },
      },
    });
    const completion = await client.chat.completions.create({
      model: "gpt-4o",
      messages: [
        { role: "developer", content: "Be brief." },
        {
          role: "user",
          content: [
            { type: "text", text: "Weather here?" },
            { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=", detail: "low" } },
          ],
        },
      ],
      tools: [{ type: "function", function: { name: "get_weather", parameters: { type: "object", properties: {} } } }],
      max_completion_tokens: 64,
    });
    expect(received).toHaveLength(1);
    expect(completion.id).toBe("chatcmpl-test");
    expect(completion.choices[0]?.message.content).toBe("Let me look.");
    expect(completion.choices[0]?.message.tool_calls).toEqual([
      { id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
    ]);
    expect(completion.choices[0]?.finish_reason).toBe("tool_calls");
    expect(completion.usage?.total_tokens).toBe(60);
  });

  test("streaming: the SDK's accumulator rebuilds text, interleaved tool calls and usage", async () => {
    const { client } = gateway({
      events: [
        { type: "message-start" },
        { type: "reasoning-delta", text: "thinking" },
        { type: "text-delta", text: "Two " },
        { type: "text-delta", text: "cities." },
        { type: "tool-call-start", id: "call_a", name: "get_weather" },
        { type: "tool-call-start", id: "call_b", name: "get_weather" },
        { type: "tool-call-delta", id: "call_a", argumentsDelta: '{"city":' },
        { type: "tool-call-delta", id: "call_b", argumentsDelta: '{"city":"Rome"}' },
        { type: "tool-call-delta", id: "call_a", argumentsDelta: '"Paris"}' },
        { type: "finish", reason: { unified: "tool-calls" } },
        { type: "usage", usage: { input: { total: 20 }, output: { total: 30, reasoning: 5 } } },
      ],
    });
    const stream = client.chat.completions.stream({
      model: "gpt-4o",
      messages: [{ role: "user", content: "Weather in Paris and Rome?" }],
      stream_options: { include_usage: true },
    });
    const completion = await stream.finalChatCompletion();
    const message = completion.choices[0]?.message;
    expect(message?.content).toBe("Two cities.");
    expect(message?.tool_calls?.map((call) => call.type === "function" && [call.id, call.function.arguments])).toEqual([
      ["call_a", '{"city":"Paris"}'],
      ["call_b", '{"city":"Rome"}'],
    ]);
    expect(completion.choices[0]?.finish_reason).toBe("tool_calls");
    expect(completion.usage?.completion_tokens_details?.reasoning_tokens).toBe(5);
  });

  test("streaming n=2 with create(): chunks arrive per choice index", async () => {
    const { client } = gateway({
      events: [
        { type: "text-delta", text: "A", choice: 0 },
        { type: "text-delta", text: "B", choice: 1 },
        { type: "finish", reason: { unified: "stop" }, choice: 0 },
        { type: "finish", reason: { unified: "length" }, choice: 1 },
      ],
    });
    const stream = await client.chat.completions.create({
      model: "gpt-4o",
      n: 2,
      stream: true,
      messages: [{ role: "user", content: "Pick a letter" }],
    });
    const text = ["", ""];
    const reasons: Array<string | null> = [null, null];
    for await (const chunk of stream) {
      for (const choice of chunk.choices) {
        text[choice.index] += choice.delta.content ?? "";
        if (choice.finish_reason) reasons[choice.index] = choice.finish_reason;
      }
    }
    expect(text).toEqual(["A", "B"]);
    expect(reasons).toEqual(["stop", "length"]);
  });

  test("an error frame mid-stream surfaces as the SDK's APIError", async () => {
    const { client } = gateway({
      events: [
        { type: "text-delta", text: "Once" },
        { type: "error", error: new GatewayError("upstream", "the upstream stream broke", { retryable: true }) },
      ],
    });
    const stream = await client.chat.completions.create({ model: "gpt-4o", stream: true, messages: [{ role: "user", content: "Story" }] });
    const seen: string[] = [];
    let caught: unknown;
    try {
      for await (const chunk of stream) seen.push(chunk.choices[0]?.delta.content ?? "");
    } catch (error) {
      caught = error;
    }
    expect(seen).toEqual(["", "Once"]);
    expect(caught).toBeInstanceOf(OpenAI.APIError);
    expect((caught as InstanceType<typeof OpenAI.APIError>).message).toBe("the upstream stream broke");
    expect((caught as InstanceType<typeof OpenAI.APIError>).type).toBe("server_error");
  });

  test("an invalid request is a BadRequestError naming the field", async () => {
    const { client } = gateway({});
    const request = client.chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "file:///etc/passwd" } }] }],
    });
    const error = await request.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    const badRequest = error as InstanceType<typeof OpenAI.BadRequestError>;
    expect(badRequest.status).toBe(400);
    expect(badRequest.param).toBe("messages[0].content[0].image_url.url");
    expect(badRequest.type).toBe("invalid_request_error");
    expect(badRequest.message).toBe(
      "400 messages[0].content[0].image_url.url: only data: and http(s) image URLs are accepted",
    );
  });
});

/**
 * Multi-turn Responses conversations the way clients that leave `store` on
 * hold them (the OpenAI SDK-based frameworks, the Vercel AI SDK): each turn
 * sends the whole history, the earlier output as references by id
 * (`item_reference`, a bare `{id}`, a reasoning item without its content).
 * The official OpenAI SDK against the real gateway, backed by the fake
 * Gemini 3 upstream, which checks thought signatures as Gemini 3 does.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { startFakeGemini, type FakeGemini } from "../harness/fake-gemini.ts";
import { startTestGateway, type TestGateway } from "../harness/gateway.ts";

let gemini: FakeGemini;
let agw: TestGateway;
let client: OpenAI;

beforeAll(() => {
  gemini = startFakeGemini();
  agw = startTestGateway({
    providers: { g3: { type: "gemini", baseUrl: gemini.url, accounts: [{ id: "bob@example.com", apiKey: "good-key-3" }] } },
    models: { "gpt-5-pro": "g3/gemini-3-pro-preview" },
  });
  client = new OpenAI({ baseURL: `${agw.url}/v1`, apiKey: "unused", maxRetries: 0 });
});

afterAll(async () => {
  await agw.stop();
  await gemini.stop();
});

const weather: OpenAI.Responses.FunctionTool = {
  type: "function",
  name: "get_weather",
  description: "Current weather",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"], additionalProperties: false },
  strict: true,
};
// No `include: ["reasoning.encrypted_content"]`: with `store` on, clients count on the server to keep signatures.
const settings = { model: "gpt-5-pro", tools: [weather], reasoning: { effort: "high" as const, summary: "auto" as const } };
const upstreamContents = () => gemini.requests.at(-1)!.body.contents;

describe("item references with store on", () => {
  test("three turns: the upstream gets every earlier answer, call and signature; the last answer is whole", async () => {
    // Turn 1: the model thinks and calls the tool; Gemini 3 signs the call ("sig-call-1").
    const first = await client.responses.create({ ...settings, input: "weather in Paris?" });
    expect(first.output.map((item) => [item.type, item.id])).toEqual([
      ["reasoning", `rs_${first.id.slice(5)}_0`],
      ["function_call", `fc_${first.id.slice(5)}_1`],
    ]);
    const [thought, call] = first.output as [OpenAI.Responses.ResponseReasoningItem, OpenAI.Responses.ResponseFunctionToolCall];
    expect(thought.encrypted_content ?? undefined).toBeUndefined();

    // Turn 2, streamed: the first turn's output by reference.
    const secondInput: OpenAI.Responses.ResponseInputItem[] = [
      { role: "user", content: "weather in Paris?" },
      { type: "item_reference", id: thought.id },
      { type: "item_reference", id: call.id! },
      { type: "function_call_output", call_id: call.call_id, output: "sunny" },
    ];
    const second = await client.responses.stream({ ...settings, input: secondInput }).finalResponse();
    // The call keeps its own signature, not the placeholder Gemini takes for a lost one
    // (the unsigned thought summary is not sent back: it means nothing to Gemini).
    const firstTurnUpstream = [
      { role: "user", parts: [{ text: "weather in Paris?" }] },
      { role: "model", parts: [{ functionCall: { name: "get_weather", args: { city: "Paris" } }, thoughtSignature: "sig-call-1" }] },
      { role: "user", parts: [{ functionResponse: { name: "get_weather", response: { result: "sunny" } } }] },
    ];
    expect(upstreamContents()).toEqual(firstTurnUpstream);
    expect(second.output_text).toBe('The result was: {"result":"sunny"}');
    const [secondThought, answer] = second.output as [OpenAI.Responses.ResponseReasoningItem, OpenAI.Responses.ResponseOutputMessage];
    expect([secondThought.type, answer.type]).toEqual(["reasoning", "message"]);

    // Turn 3: the answer as a bare id, its reasoning as a reasoning item without content.
    // Gemini 3 signed the answer's text ("sig-text-2"): the client never saw it, the store kept it.
    const third = await client.responses.create({
      ...settings,
      input: [
        ...secondInput,
        { type: "reasoning", id: secondThought.id, summary: [] },
        { id: answer.id } as OpenAI.Responses.ResponseInputItem.ItemReference,
        { role: "user", content: "Thanks!" },
      ],
    });
    expect(upstreamContents()).toEqual([
      ...firstTurnUpstream,
      { role: "model", parts: [{ text: 'The result was: {"result":"sunny"}', thoughtSignature: "sig-text-2" }] },
      { role: "user", parts: [{ text: "Thanks!" }] },
    ]);
    expect(third.output_text).toBe("Echo: Thanks!");
  });

  test("a reference agw does not have is a 404 naming the item, as OpenAI answers, and nothing goes upstream", async () => {
    const unstored = await client.responses.create({ model: "gpt-5-pro", input: "forget me", store: false });
    const before = gemini.requests.length;
    const response = await fetch(`${agw.url}/v1/responses`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: "gpt-5-pro",
        input: [
          { role: "user", content: "forget me" },
          { type: "item_reference", id: unstored.output[0]!.id },
          { role: "user", content: "and?" },
        ],
      }),
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: {
        message: `Item with id '${unstored.output[0]!.id}' not found. Items are kept for \`responses.retentionDays\` and not persisted when \`store\` is set to false. Try again with \`store\` set to true, or remove this item from your input.`,
        type: "invalid_request_error",
        param: "input[1].id",
        code: null,
      },
    });
    const error = await client.responses.create({ model: "gpt-5-pro", input: [{ id: "msg_nowhere" } as never] }).catch((thrown) => thrown);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect(error.error.param).toBe("input[0].id");
    expect(gemini.requests.length).toBe(before);
  });
});

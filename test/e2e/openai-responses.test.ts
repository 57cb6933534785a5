/**
 * The official OpenAI SDK's Responses and legacy Completions calls against
 * the real gateway, backed by the fake Gemini upstream.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { startFakeGemini, type FakeGemini } from "../harness/fake-gemini.ts";
import { startTestGateway, type TestGateway } from "../harness/gateway.ts";

let gemini: FakeGemini;
let agw: TestGateway;
let client: OpenAI;
const database = join(mkdtempSync(join(tmpdir(), "agw-responses-")), "agw.db");
const config = () => ({
  database,
  providers: {
    gemini: { type: "gemini", baseUrl: gemini.url, accounts: [{ id: "alice@example.com", apiKey: "good-key" }] },
    g3: { type: "gemini", baseUrl: gemini.url, accounts: [{ id: "bob@example.com", apiKey: "good-key-3" }] },
    midstream: { type: "gemini", baseUrl: gemini.url, accounts: [{ id: "m@example.com", apiKey: "key-midstream-error" }] },
  },
  models: { "gpt-5": "gemini/gemini-2.5-flash", "gpt-5-pro": "g3/gemini-3-pro-preview", "breaks-midway": "midstream/gemini-2.5-flash" },
});

beforeAll(() => {
  gemini = startFakeGemini();
  agw = startTestGateway(config());
  client = new OpenAI({ baseURL: `${agw.url}/v1`, apiKey: "unused", maxRetries: 0 });
});

afterAll(async () => {
  await agw.stop();
  await gemini.stop();
});

afterEach(() => gemini.setScript(undefined));

const lastRequest = () => gemini.requests.at(-1)!;
const weather: OpenAI.Responses.FunctionTool = {
  type: "function",
  name: "get_weather",
  description: "Current weather",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"], additionalProperties: false },
  strict: true,
};

describe("responses.create", () => {
  test("JSON: instructions and input, output_text, usage", async () => {
    const response = await client.responses.create({ model: "gpt-5", instructions: "Be terse.", input: "Hello there", store: false });
    expect(response.object).toBe("response");
    expect(response.status).toBe("completed");
    expect(response.output_text).toBe("Echo: Hello there");
    expect(response.usage?.input_tokens).toBeGreaterThan(0);
    expect(response.id).toStartWith("resp_");
    expect(lastRequest().body.systemInstruction).toEqual({ parts: [{ text: "Be terse." }] });
  });

  test("stream: events in order with increasing sequence numbers, completed with usage", async () => {
    const stream = await client.responses.create({ model: "gpt-5", input: "Stream this", stream: true, store: false });
    const events: OpenAI.Responses.ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    expect(events[0]!.type).toBe("response.created");
    expect(events[1]!.type).toBe("response.in_progress");
    expect(events.at(-1)!.type).toBe("response.completed");
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
    const text = events.flatMap((event) => (event.type === "response.output_text.delta" ? [event.delta] : [])).join("");
    expect(text).toBe("Echo: Stream this");
    const completed = events.at(-1) as OpenAI.Responses.ResponseCompletedEvent;
    expect(completed.response.usage?.total_tokens).toBeGreaterThan(0);
  });

  test("function tools round trip, streaming with the SDK helper", async () => {
    const first = await client.responses.stream({ model: "gpt-5", input: "weather in Paris?", tools: [weather], store: false }).finalResponse();
    const call = first.output.find((item) => item.type === "function_call")!;
    if (call.type !== "function_call") throw new Error("expected a function call");
    expect(call.name).toBe("get_weather");
    expect(JSON.parse(call.arguments)).toEqual({ city: "Paris" });
    const second = await client.responses.create({
      model: "gpt-5",
      store: false,
      tools: [weather],
      input: [
        { role: "user", content: "weather in Paris?" },
        call,
        { type: "function_call_output", call_id: call.call_id, output: '{"temperature":18}' },
      ],
    });
    expect(second.output_text).toBe('The result was: {"temperature":18}');
  });

  test("custom (free-form) tools are lowered to one string and raised back as custom_tool_call", async () => {
    gemini.setScript((request) =>
      request.body.tools
        ? {
            type: "stream",
            chunks: [
              {
                candidates: [
                  { content: { role: "model", parts: [{ functionCall: { name: "apply_patch", args: { input: "*** Begin Patch\n*** End Patch" } } }] }, finishReason: "STOP", index: 0 },
                ],
              },
            ],
          }
        : undefined,
    );
    const response = await client.responses.create({
      model: "gpt-5",
      store: false,
      input: "patch it",
      tools: [{ type: "custom", name: "apply_patch", description: "Apply a patch", format: { type: "grammar", syntax: "lark", definition: "start: /.+/" } }],
    });
    const declared = lastRequest().body.tools[0].functionDeclarations[0];
    expect(declared.parameters.properties.input.type).toBe("string");
    const item = response.output.find((output) => output.type === "custom_tool_call");
    expect(item).toMatchObject({ type: "custom_tool_call", name: "apply_patch", input: "*** Begin Patch\n*** End Patch" });
  });

  test("reasoning round trip: signatures travel in encrypted_content and come back to Gemini 3", async () => {
    const include: OpenAI.Responses.ResponseIncludable[] = ["reasoning.encrypted_content"];
    const first = await client.responses.create({
      model: "gpt-5-pro",
      store: false,
      include,
      reasoning: { effort: "high", summary: "auto" },
      tools: [weather],
      input: "weather in Paris?",
    });
    const reasoning = first.output.filter((item) => item.type === "reasoning");
    expect(reasoning.length).toBeGreaterThan(0);
    expect(reasoning.some((item) => item.type === "reasoning" && item.encrypted_content?.startsWith("agw1.gemini.c."))).toBe(true);
    const call = first.output.find((item) => item.type === "function_call")!;
    if (call.type !== "function_call") throw new Error("expected a function call");
    const second = await client.responses.create({
      model: "gpt-5-pro",
      store: false,
      include,
      tools: [weather],
      input: [
        { role: "user", content: "weather in Paris?" },
        ...(first.output as OpenAI.Responses.ResponseInputItem[]),
        { type: "function_call_output", call_id: call.call_id, output: "sunny" },
      ],
    });
    expect(second.status).toBe("completed");
    const replayedCall = lastRequest().body.contents[1].parts.find((part: any) => part.functionCall);
    expect(replayedCall.thoughtSignature).toStartWith("sig-call-");
  });

  test("json_schema output", async () => {
    const response = await client.responses.create({
      model: "gpt-5",
      store: false,
      input: "answer in JSON",
      text: { format: { type: "json_schema", name: "answer", schema: { type: "object", properties: { answer: { type: "string" } }, required: ["answer"] } } },
    });
    expect(JSON.parse(response.output_text)).toHaveProperty("answer");
    expect(lastRequest().body.generationConfig.responseMimeType).toBe("application/json");
  });

  test("Codex's tool types never cause a 400", async () => {
    const response = await client.responses.create({
      model: "gpt-5",
      store: false,
      input: "hi",
      tools: [
        weather,
        { type: "web_search" } as never,
        { type: "tool_search", execution: "client", description: "find tools", parameters: { type: "object", properties: { query: { type: "string" } } } } as never,
        { type: "namespace", name: "multi_agent_v1", description: "agents", tools: [{ type: "function", name: "spawn", parameters: { type: "object", properties: {} } }] } as never,
        { type: "local_shell" } as never,
      ],
    });
    expect(response.status).toBe("completed");
  });

  test("an error after streaming began: response.failed then error", async () => {
    const stream = await client.responses.create({ model: "breaks-midway", input: "x", stream: true, store: false });
    const types: string[] = [];
    const error = await (async () => {
      for await (const event of stream) types.push(event.type);
    })().catch((e) => e);
    expect(types).toContain("response.failed");
    expect(error).toBeInstanceOf(OpenAI.APIError);
  });
});

describe("stored responses", () => {
  test("previous_response_id continues a conversation after a restart; GET and DELETE", async () => {
    const first = await client.responses.create({ model: "gpt-5", input: "My name is Ada." });
    expect(first.output_text).toBe("Echo: My name is Ada.");

    await agw.stop();
    agw = startTestGateway(config());
    client = new OpenAI({ baseURL: `${agw.url}/v1`, apiKey: "unused", maxRetries: 0 });

    const second = await client.responses.create({ model: "gpt-5", input: "What is my name?", previous_response_id: first.id });
    expect(second.output_text).toBe("Echo: What is my name?");
    const contents = lastRequest().body.contents;
    expect(contents.map((content: any) => content.parts.map((part: any) => part.text).join(""))).toEqual([
      "My name is Ada.",
      "Echo: My name is Ada.",
      "What is my name?",
    ]);

    const fetched = await client.responses.retrieve(second.id);
    expect(fetched.id).toBe(second.id);
    expect(fetched.output_text).toBe("Echo: What is my name?");
    const deleted = await fetch(`${agw.url}/v1/responses/${second.id}`, { method: "DELETE" });
    expect(await deleted.json()).toEqual({ id: second.id, object: "response", deleted: true });
    const gone = await client.responses.retrieve(second.id).catch((e) => e);
    expect(gone).toBeInstanceOf(OpenAI.NotFoundError);
  });

  test("store: false keeps nothing; an unknown previous_response_id is a 404", async () => {
    const unstored = await client.responses.create({ model: "gpt-5", input: "forget me", store: false });
    expect(await client.responses.retrieve(unstored.id).catch((e) => e)).toBeInstanceOf(OpenAI.NotFoundError);
    const error = await client.responses.create({ model: "gpt-5", input: "x", previous_response_id: "resp_nope" }).catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect(error.error.param).toBe("previous_response_id");
  });

  test("a streamed, stored response can be continued", async () => {
    const stream = client.responses.stream({ model: "gpt-5", input: "streamed turn" });
    const first = await stream.finalResponse();
    const second = await client.responses.create({ model: "gpt-5", input: "next", previous_response_id: first.id, store: false });
    expect(second.status).toBe("completed");
    expect(lastRequest().body.contents).toHaveLength(3);
  });
});

describe("legacy completions.create", () => {
  test("JSON, echo, usage", async () => {
    const completion = await client.completions.create({ model: "gpt-5", prompt: "Say this is a test", max_tokens: 40, echo: true });
    expect(completion.object).toBe("text_completion");
    expect(completion.choices[0]!.text).toBe("Say this is a testEcho: Say this is a test");
    expect(completion.choices[0]!.finish_reason).toBe("stop");
    expect(completion.usage!.total_tokens).toBeGreaterThan(0);
    expect(lastRequest().body.generationConfig.maxOutputTokens).toBe(40);
  });

  test("stream ends with [DONE]", async () => {
    const stream = await client.completions.create({ model: "gpt-5", prompt: "Stream me", stream: true, stream_options: { include_usage: true } });
    let text = "";
    let usage = 0;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.text ?? "";
      usage = chunk.usage?.total_tokens ?? usage;
    }
    expect(text).toBe("Echo: Stream me");
    expect(usage).toBeGreaterThan(0);
  });

  test("suffix is refused clearly", async () => {
    const error = await client.completions.create({ model: "gpt-5", prompt: "def f(", suffix: "):" }).catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.error.param).toBe("suffix");
  });
});

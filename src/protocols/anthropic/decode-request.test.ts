import { describe, expect, test } from "bun:test";
import type { ChatRequest } from "../../ir/request.ts";
import { decodeAnthropicCountTokensRequest, decodeAnthropicRequest } from "./decode-request.ts";
import { fixture } from "./test-fixtures.ts";

async function decodeFixture(name: string): Promise<ChatRequest> {
  return decodeAnthropicRequest(await fixture(name)).request;
}

const base = { model: "claude-sonnet-4-5", max_tokens: 1024, messages: [{ role: "user", content: "hi" }] };
const decode = (extra: Record<string, unknown>) => decodeAnthropicRequest({ ...base, ...extra }).request;

describe("decodeAnthropicRequest: documented examples", () => {
  test("basic request", async () => {
    expect(decodeAnthropicRequest(await fixture("basic-request"))).toEqual({
      request: {
        model: "claude-sonnet-4-5",
        messages: [{ role: "user", content: [{ type: "text", text: "Hello, world" }] }],
        maxOutputTokens: 1024,
        stream: false,
      },
      options: {},
    });
  });

  test("system blocks become a leading system message, cache_control gone", async () => {
    const request = await decodeFixture("system-blocks-request");
    expect(request.messages).toEqual([
      {
        role: "system",
        content: [
          {
            type: "text",
            text: "You are an AI assistant tasked with analyzing literary works. Your goal is to provide insightful commentary on themes, characters, and writing style.\n",
          },
          { type: "text", text: "<the entire contents of 'Pride and Prejudice'>" },
        ],
      },
      { role: "user", content: [{ type: "text", text: "Analyze the major themes in 'Pride and Prejudice'." }] },
    ]);
  });

  test("images: base64 and URL", async () => {
    const request = await decodeFixture("image-request");
    expect(request.messages[0]).toEqual({
      role: "user",
      content: [
        { type: "text", text: "Image 1:" },
        { type: "image", mediaType: "image/jpeg", data: "/9j/4AAQSkZJRgABAQ==" },
        { type: "text", text: "Image 2:" },
        { type: "image", url: "https://upload.wikimedia.org/wikipedia/commons/a/a7/Camponotus_flavomarginatus_ant.jpg" },
        { type: "text", text: "How are these images different?" },
      ],
    });
  });

  test("documents: base64 PDF, URL PDF, plain text", async () => {
    const request = await decodeFixture("document-request");
    expect(request.messages[0]).toEqual({
      role: "user",
      content: [
        { type: "file", mediaType: "application/pdf", data: "JVBERi0xLjcK" },
        {
          type: "file",
          mediaType: "application/pdf",
          url: "https://assets.anthropic.com/m/1cd9d098ac3e6467/original/Claude-3-Model-Card-October-Addendum.pdf",
        },
        { type: "text", text: "The grass is green. The sky is blue." },
        { type: "text", text: "What are the key findings in this document?" },
      ],
    });
  });

  test("tool use round trip: definition, call, named result, tool choice", async () => {
    const request = await decodeFixture("tool-use-request");
    expect(request.tools).toEqual([
      {
        name: "get_weather",
        description: "Get the current weather in a given location",
        parameters: {
          type: "object",
          properties: {
            location: { type: "string", description: "The city and state, e.g. San Francisco, CA" },
            unit: {
              type: "string",
              enum: ["celsius", "fahrenheit"],
              description: "The unit of temperature, either 'celsius' or 'fahrenheit'",
            },
          },
          required: ["location"],
        },
      },
    ]);
    expect(request.toolChoice).toBe("auto");
    expect(request.parallelToolCalls).toBe(false);
    expect(request.messages.slice(1)).toEqual([
      {
        role: "assistant",
        content: [
          { type: "text", text: "I'll check the current weather in San Francisco for you." },
          {
            type: "tool-call",
            id: "toolu_01A09q90qw90lq917835lq9",
            name: "get_weather",
            arguments: '{"location":"San Francisco, CA","unit":"celsius"}',
          },
        ],
      },
      {
        role: "tool",
        content: [
          {
            type: "tool-result",
            toolCallId: "toolu_01A09q90qw90lq917835lq9",
            name: "get_weather",
            content: [{ type: "text", text: "15 degrees" }],
          },
        ],
      },
    ]);
  });

  test("thinking: budget and a genuine Anthropic signature", async () => {
    const request = await decodeFixture("thinking-request");
    expect(request.reasoning).toEqual({ budgetTokens: 10000 });
    expect(request.maxOutputTokens).toBe(16000);
    expect(request.messages[1]).toEqual({
      role: "assistant",
      content: [
        {
          type: "reasoning",
          text: "The user wants to know the current weather in Paris. I have access to a function `get_weather` that can provide this information.",
          signature: {
            family: "anthropic",
            value: "BDaL4VrbR2Oj0hO4XpJxT28J5TILnCrrUXoKiiNBZW9P+nr8XSj1zuZzAl4egiCCpQNvfyUuFFJP5CncdYZEQPPmLxYsNrcs",
          },
        },
        { type: "tool-call", id: "toolu_01CswdEQBMshySk6Y9DFKrfq", name: "get_weather", arguments: '{"location":"Paris"}' },
      ],
    });
  });

  test("redacted thinking keeps its data as an Anthropic signature", async () => {
    const request = await decodeFixture("redacted-thinking-request");
    expect(request.messages[1]).toEqual({
      role: "assistant",
      content: [
        {
          type: "reasoning",
          text: "Let me analyze this step by step...",
          signature: { family: "anthropic", value: "WaUjzkypQ2mUEVM36O2TxuC06KN8xyfbJwyem2dw3URve/op91XWHOEBLLqIOMfFG/UvLEczmEsUjavL" },
        },
        {
          type: "reasoning",
          text: "",
          redacted: true,
          signature: {
            family: "anthropic",
            value: "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpPkNRj2YfWXGmKDxH4mPnZ5sQ7vB5URv2fNdKpMmOb5dhh3yZo",
          },
        },
        { type: "text", text: "Based on my analysis..." },
      ],
    });
  });

  test("web search: the server tool becomes webSearch; its blocks in the history are dropped, citations too", async () => {
    const request = await decodeFixture("web-search-request");
    expect(request.tools).toBeUndefined();
    expect(request.webSearch).toEqual({ maxUses: 5, allowedDomains: ["example.com", "trusteddomain.org"], required: true });
    expect(request.messages[1]).toEqual({
      role: "assistant",
      content: [
        { type: "text", text: "I'll search for when Claude Shannon was born." },
        { type: "text", text: "Based on the search results, " },
        { type: "text", text: "Claude Shannon was born on April 30, 1916, in Petoskey, Michigan" },
      ],
    });
    expect(request.messages).toHaveLength(3);
  });
});

describe("decodeAnthropicRequest: fields", () => {
  test("sampling, stop sequences, user, stream", () => {
    const request = decode({
      temperature: 0.5,
      top_p: 0.9,
      top_k: 40,
      stop_sequences: ["\n\nHuman:"],
      metadata: { user_id: "user_abc_account_123_session_456" },
      stream: true,
    });
    expect(request).toMatchObject({
      maxOutputTokens: 1024,
      temperature: 0.5,
      topP: 0.9,
      topK: 40,
      stopSequences: ["\n\nHuman:"],
      user: "user_abc_account_123_session_456",
      stream: true,
    });
  });

  test("absent fields stay absent", () => {
    const request = decode({ stop_sequences: [], metadata: {} });
    expect(Object.keys(request).sort()).toEqual(["maxOutputTokens", "messages", "model", "stream"]);
  });

  test("role system messages stay where they are", () => {
    const request = decode({
      system: "top",
      messages: [
        { role: "user", content: "a" },
        { role: "system", content: [{ type: "text", text: "mid" }] },
        { role: "user", content: "b" },
      ],
    });
    expect(request.messages.map((message) => message.role)).toEqual(["system", "user", "system", "user"]);
    expect(request.messages[2]).toEqual({ role: "system", content: [{ type: "text", text: "mid" }] });
  });

  test("tool_choice any, tool, none", () => {
    expect(decode({ tool_choice: { type: "any" } }).toolChoice).toBe("required");
    expect(decode({ tool_choice: { type: "tool", name: "get_weather", disable_parallel_tool_use: true } })).toMatchObject({
      toolChoice: { name: "get_weather" },
      parallelToolCalls: false,
    });
    const none = decode({ tool_choice: { type: "none" } });
    expect(none.toolChoice).toBe("none");
    expect(none.parallelToolCalls).toBeUndefined();
  });

  test("thinking and output_config", () => {
    expect(decode({ thinking: { type: "disabled" } }).reasoning).toEqual({ effort: "none" });
    expect(decode({ thinking: { type: "adaptive" } }).reasoning).toEqual({ effort: "medium" });
    expect(decode({ thinking: { type: "adaptive" }, output_config: { effort: "max" } }).reasoning).toEqual({ effort: "xhigh" });
    expect(decode({ output_config: { effort: "low" } }).reasoning).toEqual({ effort: "low" });
    const schema = { type: "object", properties: { primes: { type: "array", items: { type: "number" } } } };
    expect(decode({ output_config: { format: { type: "json_schema", schema } } })).toMatchObject({
      responseFormat: { type: "json", schema },
    });
  });

  test("the conversation is cleaned: merged turns, interrupted calls answered", () => {
    const request = decode({
      messages: [
        { role: "user", content: "a" },
        { role: "user", content: [{ type: "text", text: "b" }] },
        { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "Bash", input: { command: "ls" } }] },
        { role: "user", content: "stop" },
      ],
    });
    expect(request.messages.map((message) => message.role)).toEqual(["user", "assistant", "tool", "user"]);
    expect(request.messages[0]?.content).toHaveLength(2);
  });
});

describe("decodeAnthropicCountTokensRequest", () => {
  test("the prompt without max_tokens; stream and sampling are not its business", () => {
    const { request, options } = decodeAnthropicCountTokensRequest({
      model: "claude-sonnet-4-5",
      system: "You are a scientist",
      messages: [{ role: "user", content: "Hello, Claude" }],
      tools: [{ name: "f", input_schema: { type: "object" } }],
      thinking: { type: "enabled", budget_tokens: 2048 },
    });
    expect(options).toEqual({});
    expect(request).toEqual({
      model: "claude-sonnet-4-5",
      messages: [
        { role: "system", content: [{ type: "text", text: "You are a scientist" }] },
        { role: "user", content: [{ type: "text", text: "Hello, Claude" }] },
      ],
      tools: [{ name: "f", parameters: { type: "object" } }],
      reasoning: { budgetTokens: 2048 },
      stream: false,
    });
  });
});

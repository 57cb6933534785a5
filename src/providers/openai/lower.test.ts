import { describe, expect, test } from "bun:test";
import { GatewayError } from "../../ir/errors.ts";
import type { ChatRequest } from "../../ir/request.ts";
import { lowerOpenAIRequest } from "./lower.ts";

const ask = (extra: Partial<ChatRequest> = {}): ChatRequest => ({
  model: "client-model",
  stream: false,
  messages: [{ role: "user", content: [{ type: "text", text: "Hello" }] }],
  ...extra,
});

const streaming = { stream: true, stream_options: { include_usage: true } } as const;

describe("lowerOpenAIRequest", () => {
  test("a plain question always streams with usage", () => {
    expect(lowerOpenAIRequest(ask(), "gpt-4o-mini")).toEqual({
      body: { model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello" }], ...streaming },
      warnings: [],
    });
  });

  test("every sampling setting; top_k, which Chat Completions lacks, is left out and reported", () => {
    const { body, warnings } = lowerOpenAIRequest(
      ask({
        maxOutputTokens: 512,
        temperature: 0.2,
        topP: 0.9,
        topK: 40,
        stopSequences: ["\n\n", "END"],
        choices: 2,
        seed: 7,
        presencePenalty: 0.5,
        frequencyPenalty: -0.5,
        user: "user-1234",
        reasoning: { effort: "minimal" },
      }),
      "gpt-5-mini",
    );
    expect(body).toEqual({
      model: "gpt-5-mini",
      messages: [{ role: "user", content: "Hello" }],
      ...streaming,
      max_completion_tokens: 512,
      temperature: 0.2,
      top_p: 0.9,
      stop: ["\n\n", "END"],
      n: 2,
      seed: 7,
      presence_penalty: 0.5,
      frequency_penalty: -0.5,
      reasoning_effort: "minimal",
      user: "user-1234",
    });
    expect(warnings).toEqual([{ code: "top_k_unsupported", message: "Chat Completions has no top_k; it was left out" }]);
  });

  test("max_completion_tokens above the model's limit is clamped to it and reported, under either field name", () => {
    expect(lowerOpenAIRequest(ask({ maxOutputTokens: 128000 }), "gpt-4o", { outputLimit: 16384 })).toEqual({
      body: { model: "gpt-4o", messages: [{ role: "user", content: "Hello" }], ...streaming, max_completion_tokens: 16384 },
      warnings: [{ code: "max_tokens_clamped", message: "max_tokens 128000 is above gpt-4o's output limit of 16384; 16384 was sent" }],
    });
    expect(lowerOpenAIRequest(ask({ maxOutputTokens: 9000 }), "llama3", { maxTokensField: "max_tokens", outputLimit: 8192 })).toMatchObject({
      body: { max_tokens: 8192 },
      warnings: [{ code: "max_tokens_clamped" }],
    });
    expect(lowerOpenAIRequest(ask({ maxOutputTokens: 128000 }), "some-local-model")).toMatchObject({
      body: { max_completion_tokens: 128000 },
      warnings: [],
    });
  });

  test("max_tokens when the upstream wants the older name; n=1 and empty stops are left out", () => {
    const { body } = lowerOpenAIRequest(ask({ maxOutputTokens: 100, choices: 1, stopSequences: [] }), "llama3", { maxTokensField: "max_tokens" });
    expect(body).toEqual({ model: "llama3", messages: [{ role: "user", content: "Hello" }], ...streaming, max_tokens: 100 });
  });

  test("a conversation with system prompts in place, images, files, tool calls, reasoning and tool results", () => {
    const request = ask({
      messages: [
        { role: "system", content: [{ type: "text", text: "You are terse." }, { type: "text", text: "Answer in French." }] },
        {
          role: "user",
          content: [
            { type: "text", text: "What is in these?" },
            { type: "image", mediaType: "image/png", data: "iVBORw0KGgo=" },
            { type: "image", url: "https://example.com/cat.jpg" },
            { type: "file", mediaType: "application/pdf", data: "JVBERi0xLjQ=", filename: "report.pdf" },
            { type: "file", mediaType: "application/pdf", data: "JVBERi0xLjU=" },
            { type: "file", mediaType: "audio/wav", data: "UklGRg==" },
            { type: "file", mediaType: "audio/mpeg", data: "SUQz" },
            { type: "file", mediaType: "image/webp", data: "UklGRlYA" },
          ],
        },
        {
          role: "assistant",
          content: [
            { type: "reasoning", text: "The user wants the weather.", signature: { family: "anthropic", value: "EqQBCkgIARABGAIiQL" } },
            { type: "reasoning", text: "", redacted: true, signature: { family: "anthropic", value: "EmwKAhgBEgy3va3pzix" } },
            { type: "text", text: "Let me check." },
            { type: "tool-call", id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}', signature: { family: "gemini", value: "sig" } },
            { type: "tool-call", id: "call_2", name: "get_time", arguments: "{}" },
          ],
        },
        {
          role: "tool",
          content: [
            { type: "tool-result", toolCallId: "call_1", name: "get_weather", content: [{ type: "text", text: "21°C" }, { type: "text", text: "sunny" }] },
            {
              type: "tool-result",
              toolCallId: "call_2",
              content: [{ type: "text", text: "noon" }, { type: "image", mediaType: "image/png", data: "AAAA" }],
              isError: false,
            },
          ],
        },
        { role: "system", content: [{ type: "text", text: "Be nice." }] },
        { role: "assistant", content: [{ type: "tool-call", id: "call_3", name: "snap", arguments: "{}" }] },
        { role: "tool", content: [{ type: "tool-result", toolCallId: "call_3", content: [{ type: "image", url: "https://example.com/snap.png" }] }] },
      ],
    });
    expect(lowerOpenAIRequest(request, "gpt-4o").body.messages).toEqual([
      { role: "system", content: "You are terse.\nAnswer in French." },
      {
        role: "user",
        content: [
          { type: "text", text: "What is in these?" },
          { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
          { type: "image_url", image_url: { url: "https://example.com/cat.jpg" } },
          { type: "file", file: { file_data: "data:application/pdf;base64,JVBERi0xLjQ=", filename: "report.pdf" } },
          { type: "file", file: { file_data: "data:application/pdf;base64,JVBERi0xLjU=", filename: "file.pdf" } },
          { type: "input_audio", input_audio: { data: "UklGRg==", format: "wav" } },
          { type: "input_audio", input_audio: { data: "SUQz", format: "mp3" } },
          { type: "image_url", image_url: { url: "data:image/webp;base64,UklGRlYA" } },
        ],
      },
      {
        role: "assistant",
        content: "Let me check.",
        reasoning_content: "The user wants the weather.",
        tool_calls: [
          { id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
          { id: "call_2", type: "function", function: { name: "get_time", arguments: "{}" } },
        ],
      },
      { role: "tool", tool_call_id: "call_1", content: "21°C\nsunny" },
      { role: "tool", tool_call_id: "call_2", content: "noon" },
      { role: "user", content: [{ type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } }] },
      { role: "system", content: "Be nice." },
      { role: "assistant", content: null, tool_calls: [{ id: "call_3", type: "function", function: { name: "snap", arguments: "{}" } }] },
      { role: "tool", tool_call_id: "call_3", content: "" },
      { role: "user", content: [{ type: "image_url", image_url: { url: "https://example.com/snap.png" } }] },
    ]);
  });

  test("images of consecutive tool turns wait until the tool messages end", () => {
    const image = { type: "image" as const, mediaType: "image/jpeg", data: "/9j/" };
    const messages = lowerOpenAIRequest(
      ask({
        messages: [
          { role: "tool", content: [{ type: "tool-result", toolCallId: "a", content: [image] }] },
          { role: "tool", content: [{ type: "tool-result", toolCallId: "b", content: [image] }] },
          { role: "user", content: [{ type: "text", text: "and?" }] },
        ],
      }),
      "m",
    ).body.messages;
    expect(messages.map((message) => message.role)).toEqual(["tool", "tool", "user", "user"]);
    expect(messages[2]).toEqual({
      role: "user",
      content: [
        { type: "image_url", image_url: { url: "data:image/jpeg;base64,/9j/" } },
        { type: "image_url", image_url: { url: "data:image/jpeg;base64,/9j/" } },
      ],
    });
  });

  test("an assistant turn with nothing in it is an empty string", () => {
    expect(lowerOpenAIRequest(ask({ messages: [{ role: "assistant", content: [] }] }), "m").body.messages).toEqual([
      { role: "assistant", content: "" },
    ]);
  });

  test("tools, tool choice and parallel tool calls", () => {
    const parameters = { type: "object", properties: { city: { type: "string" } }, required: ["city"], additionalProperties: false };
    const { body } = lowerOpenAIRequest(
      ask({
        tools: [
          { name: "get_weather", description: "Weather for a city", parameters, strict: true },
          { name: "now", parameters: { type: "object", properties: {} } },
        ],
        toolChoice: { name: "get_weather" },
        parallelToolCalls: false,
      }),
      "gpt-4.1",
    );
    expect(body).toEqual({
      model: "gpt-4.1",
      messages: [{ role: "user", content: "Hello" }],
      ...streaming,
      tools: [
        { type: "function", function: { name: "get_weather", description: "Weather for a city", parameters, strict: true } },
        { type: "function", function: { name: "now", parameters: { type: "object", properties: {} } } },
      ],
      tool_choice: { type: "function", function: { name: "get_weather" } },
      parallel_tool_calls: false,
    });
    for (const choice of ["auto", "none", "required"] as const) {
      expect(lowerOpenAIRequest(ask({ tools: [{ name: "now", parameters: {} }], toolChoice: choice }), "m").body.tool_choice).toBe(choice);
    }
  });

  test("tool choice and parallel calls without tools are left out (OpenAI refuses them)", () => {
    const { body } = lowerOpenAIRequest(ask({ tools: [], toolChoice: "required", parallelToolCalls: true }), "m");
    expect(body).toEqual({ model: "m", messages: [{ role: "user", content: "Hello" }], ...streaming });
  });

  test("response formats", () => {
    const schema = { type: "object", properties: { answer: { type: "string" } }, required: ["answer"], additionalProperties: false };
    expect(lowerOpenAIRequest(ask({ responseFormat: { type: "json" } }), "m").body.response_format).toEqual({ type: "json_object" });
    expect(lowerOpenAIRequest(ask({ responseFormat: { type: "json", schema } }), "m").body.response_format).toEqual({
      type: "json_schema",
      json_schema: { name: "response", schema },
    });
    expect(lowerOpenAIRequest(ask({ responseFormat: { type: "json", schema, name: "answer", strict: true } }), "m").body.response_format).toEqual({
      type: "json_schema",
      json_schema: { name: "answer", schema, strict: true },
    });
    expect(lowerOpenAIRequest(ask({ responseFormat: { type: "text" } }), "m").body.response_format).toBeUndefined();
  });

  test("reasoning: efforts pass through, budgets pick the nearest effort", () => {
    const effort = (reasoning: ChatRequest["reasoning"]) => lowerOpenAIRequest(ask({ reasoning }), "o4-mini").body.reasoning_effort;
    expect(effort({ effort: "none" })).toBe("none");
    expect(effort({ effort: "xhigh" })).toBe("xhigh");
    expect(effort({ effort: "low", budgetTokens: 30000 })).toBe("low");
    expect(effort({ budgetTokens: 0 })).toBe("none");
    expect(effort({ budgetTokens: 1024 })).toBe("low");
    expect(effort({ budgetTokens: 8192 })).toBe("medium");
    expect(effort({ budgetTokens: 32000 })).toBe("high");
    expect(effort({})).toBeUndefined();
  });

  test("web search: dropped when optional (reported), refused when required", () => {
    expect(lowerOpenAIRequest(ask({ webSearch: { required: false } }), "m")).toEqual({
      body: { model: "m", messages: [{ role: "user", content: "Hello" }], ...streaming },
      warnings: [{ code: "web_search_dropped", message: "this upstream has no web search; the optional web search was left out" }],
    });
    let error: unknown;
    try {
      lowerOpenAIRequest(ask({ webSearch: { required: true, maxUses: 3 } }), "m");
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ kind: "invalid_request", status: 400, param: "tools", message: "this upstream has no web search" });
  });

  test("files Chat Completions cannot carry are refused with the part's position", () => {
    const refuse = (part: ChatRequest["messages"][number]) => {
      try {
        lowerOpenAIRequest(ask({ messages: [{ role: "system", content: [] }, part] }), "m");
      } catch (error) {
        return error;
      }
      return undefined;
    };
    expect(refuse({ role: "user", content: [{ type: "file", mediaType: "application/pdf", url: "https://example.com/a.pdf" }] })).toMatchObject({
      kind: "invalid_request",
      param: "messages[1].content[0]",
      message: "this upstream takes application/pdf files only inline, not by URL",
    });
    expect(refuse({ role: "user", content: [{ type: "text", text: "hi" }, { type: "file", mediaType: "audio/ogg", data: "T2dnUw==" }] })).toMatchObject({
      kind: "invalid_request",
      param: "messages[1].content[1]",
    });
  });
});

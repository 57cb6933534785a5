import { describe, expect, test } from "bun:test";
import type { ChatRequest } from "../../ir/request.ts";
import { lowerAnthropicRequest } from "./lower.ts";

const ephemeral = { type: "ephemeral" } as const;

const ask = (extra: Partial<ChatRequest> = {}): ChatRequest => ({
  model: "client-model",
  stream: false,
  messages: [{ role: "user", content: [{ type: "text", text: "Hello" }] }],
  ...extra,
});

const weatherTool = {
  name: "get_weather",
  description: "Current weather",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
};

describe("lowerAnthropicRequest", () => {
  test("a plain question: streamed, default max_tokens, one cache breakpoint", () => {
    expect(lowerAnthropicRequest(ask(), "claude-sonnet-4-5")).toEqual({
      body: {
        model: "claude-sonnet-4-5",
        max_tokens: 4096,
        messages: [{ role: "user", content: [{ type: "text", text: "Hello", cache_control: ephemeral }] }],
        stream: true,
      },
      warnings: [],
    });
  });

  test("a full request: system, history with thinking and tools, sampling, stop, user, structured output; seed and penalty reported", () => {
    const schema = { type: "object", properties: { answer: { type: "string" } }, required: ["answer"] };
    const request = ask({
      messages: [
        { role: "system", content: [{ type: "text", text: "You are terse." }] },
        { role: "user", content: [{ type: "text", text: "Weather in Paris?" }] },
        {
          role: "assistant",
          content: [
            { type: "reasoning", text: "I should call the tool.", signature: { family: "anthropic", value: "EqQB" } },
            { type: "tool-call", id: "toolu_1", name: "get_weather", arguments: '{"city":"Paris"}' },
          ],
        },
        { role: "tool", content: [{ type: "tool-result", toolCallId: "toolu_1", content: [{ type: "text", text: "21°C" }] }] },
      ],
      tools: [weatherTool, { name: "ping", parameters: {} }],
      toolChoice: "auto",
      parallelToolCalls: false,
      maxOutputTokens: 1000,
      temperature: 0.3,
      topP: 0.9,
      topK: 40,
      stopSequences: ["END"],
      user: "user-42",
      responseFormat: { type: "json", schema },
      seed: 7,
      presencePenalty: 0.5,
    });
    const { body, warnings } = lowerAnthropicRequest(request, "claude-sonnet-4-5");
    expect(warnings).toEqual([
      { code: "seed_unsupported", message: "Anthropic has no seed; it was left out" },
      { code: "presence_penalty_unsupported", message: "Anthropic has no presence penalty; it was left out" },
    ]);
    expect(body).toEqual({
      model: "claude-sonnet-4-5",
      max_tokens: 1000,
      system: [{ type: "text", text: "You are terse.", cache_control: ephemeral }],
      messages: [
        { role: "user", content: [{ type: "text", text: "Weather in Paris?", cache_control: ephemeral }] },
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "I should call the tool.", signature: "EqQB" },
            { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } },
          ],
        },
        {
          role: "user",
          content: [{ type: "tool_result", tool_use_id: "toolu_1", content: [{ type: "text", text: "21°C" }], cache_control: ephemeral }],
        },
      ],
      tools: [
        { name: "get_weather", description: "Current weather", input_schema: weatherTool.parameters },
        { name: "ping", input_schema: { type: "object", properties: {} } },
      ],
      tool_choice: { type: "auto", disable_parallel_tool_use: true },
      temperature: 0.3,
      top_p: 0.9,
      top_k: 40,
      stop_sequences: ["END"],
      metadata: { user_id: "user-42" },
      output_config: { format: { type: "json_schema", schema } },
      stream: true,
    });
  });

  test.each([
    ["auto", undefined, { type: "auto" }],
    ["required", undefined, { type: "any" }],
    ["none", undefined, { type: "none" }],
    [{ name: "get_weather" }, undefined, { type: "tool", name: "get_weather" }],
    [{ name: "get_weather" }, false, { type: "tool", name: "get_weather", disable_parallel_tool_use: true }],
    [undefined, false, { type: "auto", disable_parallel_tool_use: true }],
    ["none", false, { type: "none" }],
    [undefined, undefined, undefined],
  ] as const)("tool choice %p with parallelToolCalls %p", (toolChoice, parallelToolCalls, expected) => {
    const { body } = lowerAnthropicRequest(ask({ tools: [weatherTool], toolChoice, parallelToolCalls }), "m");
    expect(body.tool_choice).toEqual(expected);
  });

  test("a tool choice without tools is left out, and does not cost the thinking", () => {
    const { body, warnings } = lowerAnthropicRequest(ask({ toolChoice: "required", reasoning: { effort: "low" } }), "m");
    expect(body.tool_choice).toBeUndefined();
    expect(body.thinking).toEqual({ type: "enabled", budget_tokens: 2048 });
    expect(warnings).toEqual([]);
  });

  test("thinking: an effort becomes a budget, max_tokens grows, temperature, top_k and a low top_p are left out and reported", () => {
    const { body, warnings } = lowerAnthropicRequest(ask({ reasoning: { effort: "medium" }, temperature: 0.5, topK: 5, topP: 0.5 }), "m");
    expect(body.thinking).toEqual({ type: "enabled", budget_tokens: 8192 });
    expect(body.max_tokens).toBe(8192 + 4096);
    expect(body.temperature).toBeUndefined();
    expect(body.top_k).toBeUndefined();
    expect(body.top_p).toBeUndefined();
    expect(warnings).toEqual([
      { code: "temperature_ignored_with_thinking", message: "Anthropic takes no temperature with thinking on; it was left out" },
      { code: "top_p_ignored_with_thinking", message: "Anthropic takes no top_p below 0.95 with thinking on; it was left out" },
      { code: "top_k_ignored_with_thinking", message: "Anthropic takes no top_k with thinking on; it was left out" },
    ]);
    expect(lowerAnthropicRequest(ask({ reasoning: { effort: "low" }, topP: 0.97 }), "m")).toMatchObject({ body: { top_p: 0.97 }, warnings: [] });
  });

  test("thinking: an explicit budget; effort none leaves thinking out", () => {
    const { body } = lowerAnthropicRequest(ask({ reasoning: { budgetTokens: 10000 }, maxOutputTokens: 16000 }), "m");
    expect(body.thinking).toEqual({ type: "enabled", budget_tokens: 10000 });
    expect(body.max_tokens).toBe(16000);
    const { body: off } = lowerAnthropicRequest(ask({ reasoning: { effort: "none" }, temperature: 0.2 }), "m");
    expect(off.thinking).toBeUndefined();
    expect(off.temperature).toBe(0.2);
  });

  test("thinking is dropped when the client forces a tool (Anthropic refuses both), and that is reported", () => {
    const { body, warnings } = lowerAnthropicRequest(ask({ tools: [weatherTool], toolChoice: "required", reasoning: { effort: "high" } }), "m");
    expect(body.thinking).toBeUndefined();
    expect(body.tool_choice).toEqual({ type: "any" });
    expect(body.max_tokens).toBe(4096);
    expect(warnings).toEqual([
      { code: "thinking_dropped_for_forced_tool", message: "Anthropic cannot think while a tool is forced; thinking was left out" },
    ]);
  });

  test("answering tool calls that came without Anthropic's signed thinking: thinking is left out for the turn, and that is reported", () => {
    const loop = (reasoning?: { type: "reasoning"; text: string; signature?: { family: "anthropic" | "gemini"; value: string } }): ChatRequest =>
      ask({
        tools: [weatherTool],
        reasoning: { budgetTokens: 2000 },
        maxOutputTokens: 8000,
        messages: [
          { role: "user", content: [{ type: "text", text: "Weather in Paris?" }] },
          { role: "assistant", content: [...(reasoning ? [reasoning] : []), { type: "tool-call", id: "toolu_1", name: "get_weather", arguments: '{"city":"Paris"}' }] },
          { role: "tool", content: [{ type: "tool-result", toolCallId: "toolu_1", name: "get_weather", content: [{ type: "text", text: "sunny" }] }] },
        ],
      });
    const dropped = {
      code: "thinking_dropped_unsigned_history",
      message:
        "the tool calls being answered came without Anthropic's signed thinking, which Anthropic requires while thinking is on; thinking was left out for this turn",
    };
    // A Chat client's reasoning_content comes back without a signature; a Gemini-signed thought means nothing to Anthropic.
    for (const reasoning of [undefined, { type: "reasoning" as const, text: "I should look." }, { type: "reasoning" as const, text: "x", signature: { family: "gemini" as const, value: "g" } }]) {
      const { body, warnings } = lowerAnthropicRequest(loop(reasoning), "m");
      expect(body.thinking).toBeUndefined();
      expect(warnings).toEqual([dropped]);
    }
    const signed = lowerAnthropicRequest(loop({ type: "reasoning", text: "I should look.", signature: { family: "anthropic", value: "EqQB" } }), "m");
    expect(signed.body.thinking).toEqual({ type: "enabled", budget_tokens: 2000 });
    expect(signed.warnings).toEqual([]);
  });

  test("temperature is clamped to Anthropic's 0–1 range, and that is reported", () => {
    expect(lowerAnthropicRequest(ask({ temperature: 1.6 }), "m")).toMatchObject({
      body: { temperature: 1 },
      warnings: [{ code: "temperature_clamped", message: "Anthropic's temperature ranges from 0 to 1; 1.6 was sent as 1" }],
    });
  });

  test("JSON mode without a schema has no Anthropic equivalent: left out and reported", () => {
    const { body, warnings } = lowerAnthropicRequest(ask({ responseFormat: { type: "json" } }), "m");
    expect(body.output_config).toBeUndefined();
    expect(warnings).toEqual([
      { code: "json_mode_unsupported", message: "Anthropic's structured output needs a JSON schema; JSON mode without one was left out" },
    ]);
  });

  test("web search becomes the server tool, beside the functions", () => {
    const { body, warnings } = lowerAnthropicRequest(
      ask({ tools: [weatherTool], webSearch: { maxUses: 5, allowedDomains: ["example.com"], blockedDomains: ["bad.com"], required: false } }),
      "m",
    );
    expect(warnings).toEqual([
      { code: "web_search_filters_ignored", message: "Anthropic takes allowed or blocked domains, not both; the blocked domains were left out" },
    ]);
    expect(body.tools).toEqual([
      { name: "get_weather", description: "Current weather", input_schema: weatherTool.parameters },
      { type: "web_search_20250305", name: "web_search", max_uses: 5, allowed_domains: ["example.com"] },
    ]);
    const { body: blocked } = lowerAnthropicRequest(ask({ webSearch: { blockedDomains: ["bad.com"], required: true } }), "m");
    expect(blocked.tools).toEqual([{ type: "web_search_20250305", name: "web_search", blocked_domains: ["bad.com"] }]);
  });

  test("a long conversation gets breakpoints on the system and on the last two user turns", () => {
    const request = ask({
      messages: [
        { role: "system", content: [{ type: "text", text: "A" }, { type: "text", text: "B" }] },
        { role: "user", content: [{ type: "text", text: "1" }] },
        { role: "assistant", content: [{ type: "text", text: "2" }] },
        { role: "user", content: [{ type: "text", text: "3" }, { type: "image", mediaType: "image/png", data: "iVBOR" }] },
        { role: "assistant", content: [{ type: "text", text: "4" }] },
        { role: "user", content: [{ type: "text", text: "5" }] },
      ],
    });
    const { body } = lowerAnthropicRequest(request, "m");
    expect(body.system).toEqual([
      { type: "text", text: "A" },
      { type: "text", text: "B", cache_control: ephemeral },
    ]);
    expect(body.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "1" }] },
      { role: "assistant", content: [{ type: "text", text: "2" }] },
      {
        role: "user",
        content: [
          { type: "text", text: "3" },
          { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBOR" }, cache_control: ephemeral },
        ],
      },
      { role: "assistant", content: [{ type: "text", text: "4" }] },
      { role: "user", content: [{ type: "text", text: "5", cache_control: ephemeral }] },
    ]);
  });

  test("settings the Messages API has no field for are left out, each reported once", () => {
    expect(lowerAnthropicRequest(ask({ choices: 2, seed: 7, presencePenalty: 0.1, frequencyPenalty: 0.2 }), "claude-sonnet-4-5")).toEqual({
      body: {
        model: "claude-sonnet-4-5",
        max_tokens: 4096,
        messages: [{ role: "user", content: [{ type: "text", text: "Hello", cache_control: ephemeral }] }],
        stream: true,
      },
      warnings: [
        { code: "n_unsupported", message: "Anthropic gives one answer per request; 2 were asked, one is returned" },
        { code: "seed_unsupported", message: "Anthropic has no seed; it was left out" },
        { code: "presence_penalty_unsupported", message: "Anthropic has no presence penalty; it was left out" },
        { code: "frequency_penalty_unsupported", message: "Anthropic has no frequency penalty; it was left out" },
      ],
    });
  });

  test("max_tokens above the model's output limit is clamped to it and reported; within it, untouched", () => {
    expect(lowerAnthropicRequest(ask({ maxOutputTokens: 128000 }), "claude-sonnet-4-5", { outputLimit: 64000 })).toEqual({
      body: {
        model: "claude-sonnet-4-5",
        max_tokens: 64000,
        messages: [{ role: "user", content: [{ type: "text", text: "Hello", cache_control: ephemeral }] }],
        stream: true,
      },
      warnings: [
        { code: "max_tokens_clamped", message: "max_tokens 128000 is above claude-sonnet-4-5's output limit of 64000; 64000 was sent" },
      ],
    });
    expect(lowerAnthropicRequest(ask({ maxOutputTokens: 64000 }), "claude-sonnet-4-5", { outputLimit: 64000 })).toMatchObject({
      body: { max_tokens: 64000 },
      warnings: [],
    });
    // Without a known limit the client's value goes as is.
    expect(lowerAnthropicRequest(ask({ maxOutputTokens: 128000 }), "glm-4.6")).toMatchObject({ body: { max_tokens: 128000 }, warnings: [] });
  });

  test("thinking grows max_tokens only up to the limit; a budget that no longer fits shrinks and is reported", () => {
    // 8000 of answer beside 50000 of thinking fits 64000: max_tokens grows to the sum as usual.
    expect(
      lowerAnthropicRequest(ask({ maxOutputTokens: 8000, reasoning: { budgetTokens: 50000 } }), "claude-sonnet-4-5", { outputLimit: 64000 }),
    ).toMatchObject({ body: { max_tokens: 58000, thinking: { type: "enabled", budget_tokens: 50000 } }, warnings: [] });
    const { body, warnings } = lowerAnthropicRequest(
      ask({ maxOutputTokens: 8000, reasoning: { budgetTokens: 100000 } }),
      "claude-sonnet-4-5",
      { outputLimit: 64000 },
    );
    expect(body.max_tokens).toBe(64000);
    expect(body.thinking).toEqual({ type: "enabled", budget_tokens: 56000 });
    expect(warnings).toEqual([
      {
        code: "thinking_budget_clamped",
        message: "a thinking budget of 100000 tokens does not fit the model's output limit of 64000 beside the answer; 56000 was sent",
      },
    ]);
  });

  test("a file Anthropic cannot read is left out and reported", () => {
    const request = ask({
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "Transcribe this" },
            { type: "file", mediaType: "audio/wav", data: "UklGR" },
          ],
        },
      ],
    });
    expect(lowerAnthropicRequest(request, "m")).toEqual({
      body: {
        model: "m",
        max_tokens: 4096,
        messages: [{ role: "user", content: [{ type: "text", text: "Transcribe this", cache_control: ephemeral }] }],
        stream: true,
      },
      warnings: [{ code: "file_dropped", message: "Anthropic reads images, PDFs and plain text, not audio/wav; the file was left out" }],
    });
  });
});

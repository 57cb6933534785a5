import { describe, expect, test } from "bun:test";
import { anthropicMessages } from "./anthropic/index.ts";
import { geminiNative } from "./gemini/index.ts";
import { openaiChat } from "./openai-chat/index.ts";
import { openaiCompletions } from "./openai-completions/index.ts";
import { openaiResponses } from "./openai-responses/index.ts";

/**
 * Fields a protocol accepts but no translated upstream honours are reported
 * by its decoder (`Decoded.warnings`, sent as `x-agw-warnings`); values that
 * ask for nothing (false, null, empty, the default) are not.
 */
describe("decoders report the fields they accept and ignore", () => {
  test("Responses: the eight accepted-and-ignored fields, and a verbosity other than medium", () => {
    const decoded = openaiResponses.decodeRequest({
      model: "gpt-5",
      input: "hi",
      client_metadata: { installation: "x" },
      stream_options: { include_obfuscation: false },
      top_logprobs: 5,
      background: true,
      prompt: { id: "pmpt_1" },
      conversation: "conv_1",
      max_tool_calls: 3,
      prompt_cache_retention: "24h",
      text: { verbosity: "low" },
    });
    expect(decoded.warnings).toEqual([
      { code: "client_metadata_ignored", message: "client_metadata is accepted but not honoured: it reaches no upstream" },
      { code: "stream_options_ignored", message: "stream_options is accepted but not honoured: the stream is sent without its options" },
      { code: "top_logprobs_ignored", message: "top_logprobs is accepted but not honoured: no log probabilities are returned" },
      { code: "background_ignored", message: "background is accepted but not honoured: the response is generated while the request waits" },
      { code: "prompt_ignored", message: "prompt is accepted but not honoured: stored prompt templates are not expanded" },
      {
        code: "conversation_ignored",
        message: "conversation is accepted but not honoured: stored conversations are neither read nor written (previous_response_id is)",
      },
      { code: "max_tool_calls_ignored", message: "max_tool_calls is accepted but not honoured: the number of tool calls is not limited" },
      {
        code: "prompt_cache_retention_ignored",
        message: "prompt_cache_retention is accepted but not honoured: the upstream keeps its cache for its own time",
      },
      { code: "verbosity_ignored", message: "verbosity is accepted but not honoured: the answer's length follows the model's default" },
    ]);
  });

  test("Responses: nothing set, nothing reported", () => {
    const decoded = openaiResponses.decodeRequest({ model: "gpt-5", input: "hi", background: false, top_logprobs: null, text: { verbosity: "medium" } });
    expect(decoded.warnings).toBeUndefined();
  });

  test("Chat Completions: log probabilities, logit bias, audio, predictions, web search options, verbosity", () => {
    const decoded = openaiChat.decodeRequest({
      model: "gpt-4o",
      messages: [{ role: "user", content: "hi" }],
      logprobs: true,
      top_logprobs: 2,
      logit_bias: { "50256": -100 },
      modalities: ["text", "audio"],
      audio: { voice: "alloy", format: "wav" },
      prediction: { type: "content", content: "x" },
      web_search_options: {},
      verbosity: "high",
      store: true,
      metadata: { a: "b" },
      service_tier: "flex",
    });
    expect(decoded.warnings?.map((warning) => warning.code)).toEqual([
      "logprobs_ignored",
      "top_logprobs_ignored",
      "logit_bias_ignored",
      "modalities_ignored",
      "audio_ignored",
      "prediction_ignored",
      "web_search_options_ignored",
      "verbosity_ignored",
    ]);
    expect(decoded.warnings?.[0]).toEqual({
      code: "logprobs_ignored",
      message: "logprobs is accepted but not honoured: no log probabilities are returned",
    });
  });

  test("Chat Completions: values that ask for nothing are not reported", () => {
    const decoded = openaiChat.decodeRequest({
      model: "gpt-4o",
      messages: [{ role: "user", content: "hi" }],
      logprobs: false,
      logit_bias: {},
      modalities: ["text"],
      verbosity: "medium",
    });
    expect(decoded.warnings).toBeUndefined();
  });

  test("Completions: logprobs and logit_bias", () => {
    const decoded = openaiCompletions.decodeRequest({ model: "m", prompt: "hi", logprobs: 2, logit_bias: { "1": 1 } });
    expect(decoded.warnings).toEqual([
      { code: "logprobs_ignored", message: "logprobs is accepted but not honoured: no log probabilities are returned" },
      { code: "logit_bias_ignored", message: "logit_bias is accepted but not honoured: token probabilities are not biased" },
    ]);
  });

  test("Gemini: what only Gemini honours, for a request translated elsewhere", () => {
    const decoded = geminiNative.decodeRequest({
      model: "gemini-2.5-flash",
      contents: [{ role: "user", parts: [{ text: "hi" }] }],
      safetySettings: [{ category: "HARM_CATEGORY_HARASSMENT", threshold: "BLOCK_NONE" }],
      cachedContent: "cachedContents/abc",
      generationConfig: { responseLogprobs: true, logprobs: 3, responseModalities: ["TEXT", "IMAGE"], mediaResolution: "MEDIA_RESOLUTION_LOW" },
    });
    expect(decoded.warnings?.map((warning) => warning.code)).toEqual([
      "safety_settings_ignored",
      "cached_content_ignored",
      "response_logprobs_ignored",
      "logprobs_ignored",
      "response_modalities_ignored",
      "media_resolution_ignored",
    ]);
    const plain = geminiNative.decodeRequest({
      model: "gemini-2.5-flash",
      contents: [{ role: "user", parts: [{ text: "hi" }] }],
      generationConfig: { responseModalities: ["TEXT"] },
    });
    expect(plain.warnings).toBeUndefined();
  });

  test("Anthropic: MCP servers and a container", () => {
    const decoded = anthropicMessages.decodeRequest({
      model: "claude-sonnet-4-5",
      max_tokens: 100,
      messages: [{ role: "user", content: "hi" }],
      mcp_servers: [{ type: "url", url: "https://mcp.example/sse", name: "example" }],
      container: "container_1",
    });
    expect(decoded.warnings).toEqual([
      { code: "mcp_servers_ignored", message: "mcp_servers is accepted but not honoured: the model cannot call the MCP servers" },
      { code: "container_ignored", message: "container is accepted but not honoured: the model has no code-execution container" },
    ]);
    const plain = anthropicMessages.decodeRequest({ model: "claude-sonnet-4-5", max_tokens: 100, messages: [{ role: "user", content: "hi" }] });
    expect(plain.warnings).toBeUndefined();
  });
});

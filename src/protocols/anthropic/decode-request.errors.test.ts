import { describe, expect, test } from "bun:test";
import { GatewayError } from "../../ir/errors.ts";
import { decodeAnthropicCountTokensRequest, decodeAnthropicRequest } from "./decode-request.ts";

const base = { model: "claude-sonnet-4-5", max_tokens: 1024, messages: [{ role: "user", content: "hi" }] };

function failure(body: unknown, decode = decodeAnthropicRequest): GatewayError {
  try {
    decode(body);
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error("expected the request to be rejected");
}

describe("decodeAnthropicRequest rejects bad input, naming the field", () => {
  test.each([
    ["not an object", [], undefined, "request body: expected an object, got an array"],
    ["no model", { max_tokens: 1, messages: base.messages }, "model", "model: missing, expected a string"],
    ["no max_tokens", { model: "m", messages: base.messages }, "max_tokens", "max_tokens: missing, expected a number"],
    ["max_tokens 0", { ...base, max_tokens: 0 }, "max_tokens", "max_tokens: expected a number >= 1, got 0"],
    ["empty messages", { ...base, messages: [] }, "messages", "messages: expected a non-empty array"],
    [
      "unknown role",
      { ...base, messages: [{ role: "model", content: "x" }] },
      "messages[0].role",
      'messages[0].role: expected one of user, assistant, system, got "model"',
    ],
    [
      "block without type",
      { ...base, messages: [{ role: "user", content: "a" }, { role: "user", content: [{ text: "x" }] }] },
      "messages[1].content[0].type",
      "messages[1].content[0].type: missing, expected one of text, image, document, tool_result",
    ],
    [
      "text block with a number",
      { ...base, messages: [{ role: "user", content: [{ type: "text", text: 3 }] }] },
      "messages[0].content[0].text",
      "messages[0].content[0].text: expected a string, got 3",
    ],
    [
      "image without source",
      { ...base, messages: [{ role: "user", content: [{ type: "image" }] }] },
      "messages[0].content[0].source",
      "messages[0].content[0].source: missing, expected an object",
    ],
    [
      "image from the Files API",
      { ...base, messages: [{ role: "user", content: [{ type: "image", source: { type: "file", file_id: "file_1" } }] }] },
      "messages[0].content[0].source.type",
      'messages[0].content[0].source.type: expected one of base64, url, got "file"',
    ],
    [
      "tool_result without its id",
      { ...base, messages: [{ role: "user", content: [{ type: "tool_result", content: "x" }] }] },
      "messages[0].content[0].tool_use_id",
      "messages[0].content[0].tool_use_id: missing, expected a string",
    ],
    [
      "tool_result content of the wrong kind",
      { ...base, messages: [{ role: "user", content: [{ type: "tool_result", tool_use_id: "t", content: [{ type: "text" }] }] }] },
      "messages[0].content[0].content[0].text",
      "messages[0].content[0].content[0].text: missing, expected a string",
    ],
    [
      "tool_use without name",
      { ...base, messages: [{ role: "assistant", content: [{ type: "tool_use", id: "t", input: {} }] }] },
      "messages[0].content[0].name",
      "messages[0].content[0].name: missing, expected a string",
    ],
    [
      "content neither string nor array",
      { ...base, messages: [{ role: "user", content: 4 }] },
      "messages[0].content",
      "messages[0].content: expected a string or an array of content blocks, got 4",
    ],
    [
      "system of the wrong type",
      { ...base, system: 5 },
      "system",
      "system: expected a string or an array of text blocks, got 5",
    ],
    [
      "temperature above 1",
      { ...base, temperature: 1.5 },
      "temperature",
      "temperature: expected a number <= 1, got 1.5",
    ],
    [
      "unknown thinking type",
      { ...base, thinking: { type: "on" } },
      "thinking.type",
      'thinking.type: expected one of enabled, disabled, adaptive, got "on"',
    ],
    [
      "thinking without budget",
      { ...base, thinking: { type: "enabled" } },
      "thinking.budget_tokens",
      "thinking.budget_tokens: missing, expected a number",
    ],
    [
      "unknown effort",
      { ...base, output_config: { effort: "extreme" } },
      "output_config.effort",
      'output_config.effort: expected one of low, medium, high, xhigh, max, got "extreme"',
    ],
    [
      "tool_choice tool without name",
      { ...base, tool_choice: { type: "tool" } },
      "tool_choice.name",
      "tool_choice.name: missing, expected a string",
    ],
    [
      "custom tool without input_schema",
      { ...base, tools: [{ name: "f", input_schema: { type: "object" } }, { name: "g", description: "x" }] },
      "tools[1].input_schema",
      "tools[1].input_schema: missing, expected an object",
    ],
    [
      "web search with a bad max_uses",
      { ...base, tools: [{ type: "web_search_20250305", name: "web_search", max_uses: "5" }] },
      "tools[0].max_uses",
      'tools[0].max_uses: expected a number, got "5"',
    ],
    [
      "metadata.user_id not a string",
      { ...base, metadata: { user_id: 7 } },
      "metadata.user_id",
      "metadata.user_id: expected a string, got 7",
    ],
  ])("%s", (_name, body, param, message) => {
    const error = failure(body);
    expect(error.kind).toBe("invalid_request");
    expect(error.status).toBe(400);
    expect(error.param).toBe(param);
    expect(error.message).toBe(message);
  });

  test.each([
    ["bash_20250124", 0],
    ["text_editor_20250728", 0],
    ["code_execution_20250825", 1],
    ["computer_20250124", 1],
    ["web_fetch_20250910", 1],
  ])("the typed tool %s is refused by name", (type, index) => {
    const tools = [{ name: "f", input_schema: { type: "object" } }, { type, name: "x" }];
    if (index === 0) tools.reverse();
    const error = failure({ ...base, tools });
    expect(error.kind).toBe("invalid_request");
    expect(error.message).toBe(`${type} is an Anthropic server tool that this gateway's upstreams cannot run`);
    expect(error.param).toBe(`tools[${index}].type`);
  });

  test("count_tokens reports its own fields the same way", () => {
    const error = failure({ model: "m", messages: [{ role: "user" }] }, decodeAnthropicCountTokensRequest);
    expect(error.param).toBe("messages[0].content");
    expect(error.message).toBe("messages[0].content: missing, expected a string or an array of content blocks");
  });
});

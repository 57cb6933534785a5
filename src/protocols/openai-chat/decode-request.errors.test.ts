import { describe, expect, test } from "bun:test";
import { GatewayError } from "../../ir/errors.ts";
import { decodeOpenAIChatRequest } from "./decode-request.ts";

function decodeError(body: unknown): GatewayError {
  try {
    decodeOpenAIChatRequest(body);
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error("expected the request to be rejected");
}

const hello = [{ role: "user", content: "Hello!" }];

describe("decodeOpenAIChatRequest: errors name the field", () => {
  test.each([
    ["body is not an object", [], "request body: expected an object, got an array", undefined],
    ["model missing", { messages: hello }, "model: missing, expected a string", "model"],
    ["model empty", { model: "", messages: hello }, "model: expected a non-empty string", "model"],
    ["messages empty", { model: "m", messages: [] }, "messages: expected a non-empty array", "messages"],
    ["messages not an array", { model: "m", messages: "hi" }, 'messages: expected an array, got "hi"', "messages"],
    [
      "unknown role",
      { model: "m", messages: [{ role: "bot", content: "x" }] },
      'messages[0].role: expected one of system, developer, user, assistant, tool, function, got "bot"',
      "messages[0].role",
    ],
    [
      "missing role",
      { model: "m", messages: [{ content: "x" }] },
      "messages[0].role: missing, expected one of system, developer, user, assistant, tool, function",
      "messages[0].role",
    ],
    [
      "user content of the wrong type",
      { model: "m", messages: [...hello, { role: "user", content: 42 }] },
      "messages[1].content: expected a string or an array of content parts, got 42",
      "messages[1].content",
    ],
    [
      "unknown user part type",
      { model: "m", messages: [{ role: "user", content: [{ type: "text", text: "a" }, { type: "video", video: {} }] }] },
      'messages[0].content[1].type: expected one of text, image_url, input_audio, file, got "video"',
      "messages[0].content[1].type",
    ],
    [
      "text part without text",
      { model: "m", messages: [{ role: "user", content: [{ type: "text" }] }] },
      "messages[0].content[0].text: missing, expected a string",
      "messages[0].content[0].text",
    ],
    [
      "image part in a system message",
      { model: "m", messages: [{ role: "system", content: [{ type: "image_url", image_url: { url: "https://x" } }] }] },
      'messages[0].content[0].type: expected text, got "image_url"',
      "messages[0].content[0].type",
    ],
    [
      "audio format",
      { model: "m", messages: [{ role: "user", content: [{ type: "input_audio", input_audio: { data: "QUJD", format: "ogg" } }] }] },
      'messages[0].content[0].input_audio.format: expected one of wav, mp3, got "ogg"',
      "messages[0].content[0].input_audio.format",
    ],
    [
      "tool message without tool_call_id",
      { model: "m", messages: [...hello, { role: "tool", content: "14" }] },
      "messages[1].tool_call_id: missing, expected a string",
      "messages[1].tool_call_id",
    ],
    [
      "tool call arguments not a string",
      {
        model: "m",
        messages: [
          ...hello,
          { role: "assistant", tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: { a: 1 } } }] },
        ],
      },
      "messages[1].tool_calls[0].function.arguments: expected a string, got an object",
      "messages[1].tool_calls[0].function.arguments",
    ],
    [
      "custom tool call type",
      {
        model: "m",
        messages: [...hello, { role: "assistant", tool_calls: [{ id: "c", type: "custom", function: { name: "f", arguments: "" } }] }],
      },
      'messages[1].tool_calls[0].type: expected function, got "custom"',
      "messages[1].tool_calls[0].type",
    ],
    [
      "custom tools",
      { model: "m", messages: hello, tools: [{ type: "custom", custom: { name: "x" } }] },
      'tools[0].type: expected function, got "custom"',
      "tools[0].type",
    ],
    [
      "tool without a name",
      { model: "m", messages: hello, tools: [{ type: "function", function: {} }] },
      "tools[0].function.name: missing, expected a string",
      "tools[0].function.name",
    ],
    [
      "tool_choice string",
      { model: "m", messages: hello, tool_choice: "any" },
      'tool_choice: expected "none", "auto", "required" or {"type": "function", "function": {"name": …}}, got "any"',
      "tool_choice",
    ],
    [
      "tool_choice allowed_tools",
      { model: "m", messages: hello, tool_choice: { type: "allowed_tools", allowed_tools: {} } },
      'tool_choice.type: expected function, got "allowed_tools"',
      "tool_choice.type",
    ],
    [
      "response_format type",
      { model: "m", messages: hello, response_format: { type: "xml" } },
      'response_format.type: expected one of text, json_object, json_schema, got "xml"',
      "response_format.type",
    ],
    [
      "json_schema without a name",
      { model: "m", messages: hello, response_format: { type: "json_schema", json_schema: { schema: {} } } },
      "response_format.json_schema.name: missing, expected a string",
      "response_format.json_schema.name",
    ],
    ["temperature too high", { model: "m", messages: hello, temperature: 3 }, "temperature: expected a number <= 2, got 3", "temperature"],
    ["temperature negative", { model: "m", messages: hello, temperature: -1 }, "temperature: expected a number >= 0, got -1", "temperature"],
    ["temperature a string", { model: "m", messages: hello, temperature: "hot" }, 'temperature: expected a number, got "hot"', "temperature"],
    ["top_p", { model: "m", messages: hello, top_p: 1.5 }, "top_p: expected a number <= 1, got 1.5", "top_p"],
    ["n zero", { model: "m", messages: hello, n: 0 }, "n: expected a number >= 1, got 0", "n"],
    ["n fractional", { model: "m", messages: hello, n: 1.5 }, "n: expected an integer, got 1.5", "n"],
    ["max_tokens", { model: "m", messages: hello, max_tokens: 0 }, "max_tokens: expected a number >= 1, got 0", "max_tokens"],
    [
      "presence_penalty",
      { model: "m", messages: hello, presence_penalty: 2.5 },
      "presence_penalty: expected a number <= 2, got 2.5",
      "presence_penalty",
    ],
    ["stop", { model: "m", messages: hello, stop: 5 }, "stop: expected a string or an array of strings, got 5", "stop"],
    [
      "reasoning_effort",
      { model: "m", messages: hello, reasoning_effort: "max" },
      'reasoning_effort: expected one of none, minimal, low, medium, high, xhigh, got "max"',
      "reasoning_effort",
    ],
    ["stream", { model: "m", messages: hello, stream: "yes" }, 'stream: expected a boolean, got "yes"', "stream"],
    [
      "stream_options.include_usage",
      { model: "m", messages: hello, stream_options: { include_usage: 1 } },
      "stream_options.include_usage: expected a boolean, got 1",
      "stream_options.include_usage",
    ],
    [
      "legacy function_call",
      { model: "m", messages: hello, function_call: "required" },
      'function_call: expected "none", "auto" or {"name": …}, got "required"',
      "function_call",
    ],
  ] as Array<[string, unknown, string, string | undefined]>)("%s", (_name, body, message, param) => {
    const error = decodeError(body);
    expect(error.kind).toBe("invalid_request");
    expect(error.status).toBe(400);
    expect(error.message).toBe(message);
    expect(error.param).toBe(param);
  });

  test.each([
    [
      "file: image URL",
      { type: "image_url", image_url: { url: "file:///etc/passwd" } },
      "messages[0].content[0].image_url.url: only data: and http(s) image URLs are accepted",
      "messages[0].content[0].image_url.url",
    ],
    [
      "bare path image URL",
      { type: "image_url", image_url: { url: "/tmp/cat.png" } },
      "messages[0].content[0].image_url.url: only data: and http(s) image URLs are accepted",
      "messages[0].content[0].image_url.url",
    ],
    [
      "malformed data URL",
      { type: "image_url", image_url: { url: "data:image/png;base64,%%%" } },
      "messages[0].content[0].image_url.url: malformed data URL, expected data:<media type>;base64,<data>",
      "messages[0].content[0].image_url.url",
    ],
    [
      "file_id",
      { type: "file", file: { file_id: "file-abc123" } },
      "messages[0].content[0].file.file_id: uploaded file ids are not supported, send the file inline as file_data",
      "messages[0].content[0].file.file_id",
    ],
  ])("%s", (_name, part, message, param) => {
    const error = decodeError({ model: "m", messages: [{ role: "user", content: [part] }] });
    expect(error.message).toBe(message);
    expect(error.param).toBe(param);
  });
});

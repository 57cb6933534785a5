import { describe, expect, test } from "bun:test";
import { GatewayError } from "../../ir/errors.ts";
import { decodeResponsesRequest } from "./decode-request.ts";

function failure(body: unknown): { message: string; param: string | undefined } {
  try {
    decodeResponsesRequest(body);
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
    expect(error.kind).toBe("invalid_request");
    expect(error.status).toBe(400);
    return { message: error.message, param: error.param };
  }
  throw new Error("expected the request to be refused");
}

const withInput = (input: unknown, extra: Record<string, unknown> = {}) => ({ model: "gpt-5", input, ...extra });

describe("decodeResponsesRequest errors name the field", () => {
  test.each([
    ["not an object", [], { message: "request body: expected an object, got an array", param: undefined }],
    ["no model", { input: "hi" }, { message: "model: missing, expected a string", param: "model" }],
    ["input of the wrong type", withInput(5), { message: "input: expected a string or an array of input items, got 5", param: "input" }],
    ["no input at all", { model: "gpt-5" }, { message: "input: missing, expected a string or a non-empty array of input items", param: "input" }],
    [
      "a bad role",
      withInput([{ role: "tool", content: "x" }]),
      { message: 'input[0].role: expected one of user, assistant, system, developer, got "tool"', param: "input[0].role" },
    ],
    [
      "a function call without call_id",
      withInput([{ type: "function_call", name: "f", arguments: "{}" }]),
      { message: "input[0].call_id: missing, expected a string", param: "input[0].call_id" },
    ],
    [
      "arguments as an object",
      withInput([{ type: "function_call", call_id: "c", name: "f", arguments: {} }]),
      { message: "input[0].arguments: expected a string, got an object", param: "input[0].arguments" },
    ],
    [
      "a custom call without input",
      withInput([{ type: "custom_tool_call", call_id: "c", name: "apply_patch" }]),
      { message: "input[0].input: missing, expected a string", param: "input[0].input" },
    ],
    [
      "a local shell command that is no list",
      withInput([{ type: "local_shell_call", call_id: "c", action: { type: "exec", command: "ls" } }]),
      { message: 'input[0].action.command: expected an array, got "ls"', param: "input[0].action.command" },
    ],
    [
      "an output that is no text",
      withInput([{ type: "function_call_output", call_id: "c", output: 42 }]),
      { message: "input[0].output: expected a string or an array of content parts, got 42", param: "input[0].output" },
    ],
    [
      "an unknown content part",
      withInput([{ role: "user", content: [{ type: "input_video", url: "x" }] }]),
      {
        message: 'input[0].content[0].type: expected one of input_text, output_text, refusal, input_image, input_file, input_audio, got "input_video"',
        param: "input[0].content[0].type",
      },
    ],
    [
      "an uploaded image id",
      withInput([{ role: "user", content: [{ type: "input_image", file_id: "file-1" }] }]),
      {
        message: "input[0].content[0].file_id: uploaded file ids are not supported, send the content inline as image_url (a data URL)",
        param: "input[0].content[0].file_id",
      },
    ],
    [
      "a malformed data URL",
      withInput([{ role: "user", content: [{ type: "input_image", image_url: "data:image/png,abc" }] }]),
      {
        message: "input[0].content[0].image_url: malformed data URL, expected data:<media type>;base64,<data>",
        param: "input[0].content[0].image_url",
      },
    ],
    [
      "an uploaded file id",
      withInput([{ role: "user", content: [{ type: "input_file", file_id: "file-1" }] }]),
      {
        message: "input[0].content[0].file_id: uploaded file ids are not supported, send the content inline as file_data (a data URL)",
        param: "input[0].content[0].file_id",
      },
    ],
    [
      "an image in a system message",
      withInput([{ role: "system", content: [{ type: "input_image", image_url: "https://x.test/a.png" }] }]),
      { message: 'input[0].content[0].type: only text is accepted in system messages, got "input_image"', param: "input[0].content[0].type" },
    ],
    [
      "a function tool without a name",
      withInput("hi", { tools: [{ type: "function", parameters: {} }] }),
      { message: "tools[0].name: missing, expected a string", param: "tools[0].name" },
    ],
    [
      "a tool without a type",
      withInput("hi", { tools: [{ name: "f" }] }),
      { message: "tools[0].type: missing, expected a string", param: "tools[0].type" },
    ],
    [
      "a namespace tool with bad parameters",
      withInput("hi", { tools: [{ type: "namespace", name: "ns", tools: [{ type: "function", name: "f", parameters: "x" }] }] }),
      { message: 'tools[0].tools[0].parameters: expected an object, got "x"', param: "tools[0].tools[0].parameters" },
    ],
    [
      "a bad tool loaded by a tool search",
      withInput([{ type: "tool_search_output", call_id: "t", tools: [{ type: "function" }] }]),
      { message: "input[0].tools[0].name: missing, expected a string", param: "input[0].tools[0].name" },
    ],
    [
      "a bad reasoning effort",
      withInput("hi", { reasoning: { effort: "max" } }),
      {
        message: 'reasoning.effort: expected one of none, minimal, low, medium, high, xhigh, got "max"',
        param: "reasoning.effort",
      },
    ],
    [
      "a json_schema format without a schema",
      withInput("hi", { text: { format: { type: "json_schema", name: "out" } } }),
      { message: "text.format.schema: missing, expected an object", param: "text.format.schema" },
    ],
    [
      "a tool choice of the wrong type",
      withInput("hi", { tool_choice: 3 }),
      { message: 'tool_choice: expected "none", "auto", "required" or an object with a type, got 3', param: "tool_choice" },
    ],
    ["a temperature out of range", withInput("hi", { temperature: 3 }), { message: "temperature: expected a number <= 2, got 3", param: "temperature" }],
  ])("%s", (_name, body, expected) => {
    expect(failure(body)).toEqual(expected);
  });
});

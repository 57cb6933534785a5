import { describe, expect, test } from "bun:test";
import { GatewayError } from "../../ir/errors.ts";
import { decodeGeminiAugmentedRequest, decodeGeminiCountTokensRequest, decodeGeminiRequest } from "./decode-request.ts";
import { fixture } from "./test-fixtures.ts";

function decodeError(decode: () => unknown): GatewayError {
  try {
    decode();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error("expected the request to be rejected");
}

const hello = [{ parts: [{ text: "hi" }] }];

describe("decodeGeminiRequest: errors name the field", () => {
  test.each([
    ["body is not an object", [], "request body: expected an object, got an array", undefined],
    ["contents missing", {}, "contents: missing, expected an array", "contents"],
    ["contents empty", { contents: [] }, "contents: expected a non-empty array", "contents"],
    ["unknown role", { contents: [{ role: "assistant", parts: [{ text: "x" }] }] }, 'contents[0].role: expected one of user, model, function, got "assistant"', "contents[0].role"],
    ["parts missing", { contents: [{ role: "user" }] }, "contents[0].parts: missing, expected an array", "contents[0].parts"],
    [
      "text of the wrong type",
      { contents: [{ parts: [{ text: "a" }, { text: 5 }] }] },
      "contents[0].parts[1].text: expected a string, got 5",
      "contents[0].parts[1].text",
    ],
    [
      "an empty part",
      { contents: [{ parts: [{}] }] },
      "contents[0].parts[0]: expected one of text, inlineData, fileData, functionCall or functionResponse",
      "contents[0].parts[0]",
    ],
    [
      "inline data without its type (snake_case reported in camelCase)",
      { contents: [{ parts: [{ inline_data: { data: "AAAA" } }] }] },
      "contents[0].parts[0].inlineData.mimeType: missing, expected a string",
      "contents[0].parts[0].inlineData.mimeType",
    ],
    [
      "a function call from the user",
      { contents: [{ role: "user", parts: [{ functionCall: { name: "f", args: {} } }] }] },
      "contents[0].parts[0].functionCall: a function call belongs in a model turn, not a user turn",
      "contents[0].parts[0].functionCall",
    ],
    [
      "a function response from the model",
      { contents: [{ role: "model", parts: [{ functionResponse: { name: "f", response: {} } }] }] },
      "contents[0].parts[0].functionResponse: a function response belongs in a user turn, not a model turn",
      "contents[0].parts[0].functionResponse",
    ],
    [
      "function args not an object",
      { contents: [{ role: "model", parts: [{ functionCall: { name: "f", args: [1] } }] }] },
      "contents[0].parts[0].functionCall.args: expected an object, got an array",
      "contents[0].parts[0].functionCall.args",
    ],
    [
      "an image in the system instruction",
      { systemInstruction: { parts: [{ inlineData: { mimeType: "image/png", data: "x" } }] }, contents: hello },
      "systemInstruction.parts[0]: only text parts are supported in a system instruction",
      "systemInstruction.parts[0]",
    ],
    [
      "a declaration without a name",
      { contents: hello, tools: [{ functionDeclarations: [{ description: "x" }] }] },
      "tools[0].functionDeclarations[0].name: missing, expected a string",
      "tools[0].functionDeclarations[0].name",
    ],
    [
      "URL context, a Gemini-only tool",
      { contents: hello, tools: [{ url_context: {} }] },
      "tools[0].urlContext: the urlContext tool is only available on Gemini models; supported here: functionDeclarations, googleSearch",
      "tools[0].urlContext",
    ],
    [
      "an unknown calling mode",
      { contents: hello, toolConfig: { functionCallingConfig: { mode: "SOMETIMES" } } },
      'toolConfig.functionCallingConfig.mode: expected one of MODE_UNSPECIFIED, AUTO, ANY, NONE, VALIDATED, got "SOMETIMES"',
      "toolConfig.functionCallingConfig.mode",
    ],
    [
      "allowed names that match no declaration",
      { contents: hello, tools: [{ functionDeclarations: [{ name: "a" }] }], toolConfig: { functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["b"] } } },
      "toolConfig.functionCallingConfig.allowedFunctionNames: none of these names is a declared function",
      "toolConfig.functionCallingConfig.allowedFunctionNames",
    ],
    [
      "temperature out of range",
      { contents: hello, generationConfig: { temperature: 3 } },
      "generationConfig.temperature: expected a number <= 2, got 3",
      "generationConfig.temperature",
    ],
    [
      "maxOutputTokens zero",
      { contents: hello, generation_config: { max_output_tokens: 0 } },
      "generationConfig.maxOutputTokens: expected a number >= 1, got 0",
      "generationConfig.maxOutputTokens",
    ],
    [
      "an unknown thinking level",
      { contents: hello, generationConfig: { thinkingConfig: { thinkingLevel: "extreme" } } },
      'generationConfig.thinkingConfig.thinkingLevel: expected one of MINIMAL, LOW, MEDIUM, HIGH, got "extreme"',
      "generationConfig.thinkingConfig.thinkingLevel",
    ],
  ])("%s", (_name, body, message, param) => {
    const error = decodeError(() => decodeGeminiRequest(body, "gemini-2.5-flash", false));
    expect(error.kind).toBe("invalid_request");
    expect(error.status).toBe(400);
    expect(error.message).toBe(message);
    expect(error.param).toBe(param);
  });

  test("code execution is refused, saying why", async () => {
    const body = await fixture("code-execution-request.json");
    const error = decodeError(() => decodeGeminiRequest(body, "claude-sonnet-4", false));
    expect(error.status).toBe(400);
    expect(error.message).toBe(
      "tools[0].codeExecution: code execution is only available on Gemini models; this model is served by another upstream",
    );
    expect(error.param).toBe("tools[0].codeExecution");
  });

  test("the augmented body's own fields", () => {
    expect(decodeError(() => decodeGeminiAugmentedRequest({ contents: hello })).message).toBe("model: missing, expected a model name");
    expect(decodeError(() => decodeGeminiAugmentedRequest({ contents: hello, model: "m", stream: "yes" })).message).toBe(
      "stream: expected a boolean",
    );
    expect(decodeError(() => decodeGeminiAugmentedRequest({ contents: hello, model: "m", alt: "proto" })).message).toBe(
      'alt: expected json or sse, got "proto"',
    );
    expect(decodeError(() => decodeGeminiRequest({ contents: hello }, "models/", false)).param).toBe("model");
  });

  test("errors inside a countTokens generateContentRequest name the whole path", () => {
    const error = decodeError(() => decodeGeminiCountTokensRequest({ generateContentRequest: { contents: [{ parts: [{ text: 1 }] }] } }, "m"));
    expect(error.message).toBe("generateContentRequest.contents[0].parts[0].text: expected a string, got 1");
    expect(error.param).toBe("generateContentRequest.contents[0].parts[0].text");
  });
});

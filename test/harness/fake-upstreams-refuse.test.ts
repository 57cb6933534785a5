/**
 * The fake upstreams refuse what the real APIs refuse, with the real status
 * and error body (the rules and their sources are in the *-request-refusal.ts
 * files): a gateway bug that the real API would catch must fail the tests.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { FAKE_THINKING_SIGNATURE, startFakeAnthropic } from "./fake-anthropic.ts";
import { startFakeGemini } from "./fake-gemini.ts";
import { startFakeOpenAI } from "./fake-openai.ts";

const openai = startFakeOpenAI({ pieceDelayMs: 0 });
const anthropic = startFakeAnthropic({ pieceDelayMs: 0 });
const gemini = startFakeGemini({ pieceDelayMs: 0 });

afterAll(async () => {
  await openai.stop();
  await anthropic.stop();
  await gemini.stop();
});

async function post(url: string, body: unknown, headers: Record<string, string>) {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: response.headers.get("content-type")?.includes("json") ? JSON.parse(text) : text };
}

describe("fake OpenAI", () => {
  const send = (body: Record<string, unknown>) => post(`${openai.url}/chat/completions`, { model: "gpt-4o", ...body }, { authorization: "Bearer good-key" });
  const refusal = (message: string, param: string | null = null, code: string | null = null) => ({
    status: 400,
    body: { error: { message, type: "invalid_request_error", param, code } },
  });
  const call = { id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } };
  const user = { role: "user", content: "weather?" };

  test("a tool message must answer a call of the assistant message before it", async () => {
    const orphan = refusal("Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.", "messages.[1].role");
    expect(await send({ messages: [user, { role: "tool", tool_call_id: "call_1", content: "22C" }] })).toEqual(orphan);
    const wrongId = [user, { role: "assistant", content: null, tool_calls: [call] }, { role: "tool", tool_call_id: "call_2", content: "22C" }];
    expect(await send({ messages: wrongId })).toEqual({
      ...orphan,
      body: { error: { ...orphan.body.error, param: "messages.[2].role" } },
    });
  });

  test("every call is answered before the conversation goes on", async () => {
    const messages = [user, { role: "assistant", content: null, tool_calls: [call] }, { role: "user", content: "and?" }];
    expect(await send({ messages })).toEqual(
      refusal(
        "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: call_1",
        "messages.[1].role",
      ),
    );
  });

  test("a paired call and result are accepted", async () => {
    const messages = [user, { role: "assistant", content: null, tool_calls: [call] }, { role: "tool", tool_call_id: "call_1", content: "22C" }];
    const answer = await send({ messages });
    expect(answer.status).toBe(200);
    expect((answer.body as any).choices[0].message.content).toBe("The result was: 22C");
  });

  test("unknown fields, unknown roles, empty content, an output limit above the model's", async () => {
    expect(await send({ messages: [user], thinking: { type: "enabled" } })).toEqual(refusal("Unrecognized request argument supplied: thinking"));
    expect(await send({ messages: [{ role: "model", content: "hi" }] })).toEqual(
      refusal("Invalid value: 'model'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.", "messages[0].role", "invalid_value"),
    );
    expect(await send({ messages: [{ role: "user", content: [] }] })).toEqual(
      refusal(
        "Invalid 'messages[0].content': empty array. Expected an array with minimum length 1, but got an empty array instead.",
        "messages[0].content",
        "empty_array",
      ),
    );
    expect(await send({ messages: [user], max_completion_tokens: 20_000 })).toEqual(
      refusal(
        "max_completion_tokens is too large: 20000. This model supports at most 16384 completion tokens, whereas you provided 20000.",
        "max_completion_tokens",
        "invalid_value",
      ),
    );
    expect(await send({ model: "o4-mini", messages: [user], max_tokens: 100 })).toEqual(
      refusal("Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.", "max_tokens", "unsupported_parameter"),
    );
  });

  test("JSON mode needs 'json' in the messages and answers JSON that follows no schema", async () => {
    expect(await send({ messages: [user], response_format: { type: "json_object" } })).toEqual(
      refusal("'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.", "messages"),
    );
    const answer = await send({ messages: [{ role: "user", content: "answer in JSON" }], response_format: { type: "json_object" } });
    expect(JSON.parse((answer.body as any).choices[0].message.content)).toEqual({ echo: "answer in JSON" });
  });
});

describe("fake Anthropic", () => {
  const send = (body: Record<string, unknown>) =>
    post(`${anthropic.url}/v1/messages`, { model: "claude-sonnet-4-5", max_tokens: 4000, ...body }, { "x-api-key": "good-key", "anthropic-version": "2023-06-01" });
  const refusal = (message: string) => ({ status: 400, body: { type: "error", error: { type: "invalid_request_error", message } } });
  const user = { role: "user", content: "weather?" };
  const use = { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } }] };
  const result = (id: string) => ({ role: "user", content: [{ type: "tool_result", tool_use_id: id, content: "22C" }] });

  test("a tool_result must answer a tool_use of the message before it", async () => {
    expect(await send({ messages: [user, result("toolu_1")] })).toEqual(
      refusal(
        "messages.1.content.0: unexpected `tool_use_id` found in `tool_result` blocks: toolu_1. Each `tool_result` block must have a corresponding `tool_use` block in the previous message.",
      ),
    );
    const extra = { role: "user", content: [...result("toolu_1").content, ...result("toolu_2").content] };
    expect(await send({ messages: [user, use, extra] })).toEqual(
      refusal(
        "messages.2.content.1: unexpected `tool_use_id` found in `tool_result` blocks: toolu_2. Each `tool_result` block must have a corresponding `tool_use` block in the previous message.",
      ),
    );
  });

  test("a tool_use must be answered in the next message, results first", async () => {
    const unanswered = refusal(
      "messages.1: `tool_use` ids were found without `tool_result` blocks immediately after: toolu_1. Each `tool_use` block must have a corresponding `tool_result` block in the next message.",
    );
    expect(await send({ messages: [user, use, { role: "user", content: "and?" }] })).toEqual(unanswered);
    const textFirst = { role: "user", content: [{ type: "text", text: "here" }, ...result("toolu_1").content] };
    expect(await send({ messages: [user, use, textFirst] })).toEqual(unanswered);
    expect((await send({ messages: [user, use, result("toolu_1")] })).status).toBe(200);
  });

  test("text blocks must hold text; unknown fields are extra inputs", async () => {
    expect(await send({ messages: [{ role: "user", content: [{ type: "text", text: "" }] }] })).toEqual(refusal("messages: text content blocks must be non-empty"));
    expect(await send({ messages: [{ role: "user", content: [{ type: "text", text: " \n" }] }] })).toEqual(
      refusal("messages: text content blocks must contain non-whitespace text"),
    );
    expect(await send({ messages: [user], reasoning_effort: "low" })).toEqual(refusal("reasoning_effort: Extra inputs are not permitted"));
  });

  test("a thinking block comes back only with the signature the fake gave its exact text", async () => {
    const thinking = { type: "enabled", budget_tokens: 2048 };
    const turn = (block: Record<string, unknown>) => [user, { role: "assistant", content: [block, { type: "text", text: "Sunny." }] }, { role: "user", content: "thanks" }];
    const signed = { type: "thinking", thinking: "Thinking about it.", signature: FAKE_THINKING_SIGNATURE };
    expect((await send({ thinking, messages: turn(signed) })).status).toBe(200);
    expect(await send({ thinking, messages: turn({ ...signed, thinking: "Thinking about it!" }) })).toEqual(
      refusal("messages.1.content.0: Invalid `signature` in `thinking` block"),
    );
    expect(await send({ thinking, messages: turn({ type: "thinking", thinking: "Thinking about it." }) })).toEqual(
      refusal("messages.1.content.0.thinking.signature: Field required"),
    );
  });

  test("thinking settings, and a tool loop's assistant turn starts with its thinking", async () => {
    expect(await send({ thinking: { type: "enabled", budget_tokens: 512 }, messages: [user] })).toEqual(
      refusal("thinking.enabled.budget_tokens: Input should be greater than or equal to 1024"),
    );
    expect(await send({ max_tokens: 2048, thinking: { type: "enabled", budget_tokens: 2048 }, messages: [user] })).toEqual(
      refusal(
        "`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size",
      ),
    );
    const loop = await send({ thinking: { type: "enabled", budget_tokens: 2048 }, messages: [user, use, result("toolu_1")] });
    expect(loop.status).toBe(400);
    expect((loop.body as any).error.message).toStartWith(
      "messages.1.content.0.type: Expected `thinking` or `redacted_thinking`, but found `tool_use`. When `thinking` is enabled, a final `assistant` message must start with a thinking block",
    );
  });
});

describe("fake Gemini", () => {
  const send = (body: Record<string, unknown>) =>
    post(`${gemini.url}/v1beta/models/gemini-2.5-flash:generateContent`, body, { "x-goog-api-key": "good-key" });
  const refusal = (message: string) => ({ status: 400, body: { error: { code: 400, message, status: "INVALID_ARGUMENT" } } });
  const user = { role: "user", parts: [{ text: "weather?" }] };
  const calls = { role: "model", parts: [{ functionCall: { name: "get_weather", args: { city: "Paris" } } }, { functionCall: { name: "get_weather", args: { city: "Tokyo" } } }] };
  const response = { functionResponse: { name: "get_weather", response: { result: "22C" } } };

  test("unknown fields, roles other than user and model, empty parts", async () => {
    expect(await send({ contents: [user], thinking: {} })).toEqual(refusal('Invalid JSON payload received. Unknown name "thinking": Cannot find field.'));
    expect(await send({ contents: [user], generationConfig: { maxTokens: 5 } })).toEqual(
      refusal(`Invalid JSON payload received. Unknown name "maxTokens" at 'generation_config': Cannot find field.`),
    );
    expect(await send({ contents: [user, { role: "assistant", parts: [{ text: "hi" }] }] })).toEqual(refusal("Please use a valid role: user, model."));
    expect(await send({ contents: [{ role: "user", parts: [] }] })).toEqual(refusal("* GenerateContentRequest.contents[0].parts: contents.parts must not be empty.\n"));
  });

  test("each function call of a turn gets a response in the next turn", async () => {
    expect(await send({ contents: [user, calls, { role: "user", parts: [response] }] })).toEqual(
      refusal("Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn."),
    );
    expect((await send({ contents: [user, calls, { role: "user", parts: [response, response] }] })).status).toBe(200);
    expect(await send({ contents: [calls, { role: "user", parts: [response, response] }] })).toEqual(
      refusal("Please ensure that function call turn comes immediately after a user turn or after a function response turn."),
    );
  });
});

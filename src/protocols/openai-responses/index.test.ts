import { describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { GatewayError } from "../../ir/errors.ts";
import type { StreamEvent } from "../../ir/event.ts";
import { runMachine } from "../../sse/pipe.ts";
import type { EncodeContext } from "../types.ts";
import { openaiResponses, type ResponsesOptions } from "./index.ts";
import { fixture } from "./test-helpers.ts";

test("the protocol: name, id prefix, an SSE comment as keep-alive", () => {
  expect(openaiResponses.name).toBe("openai-responses");
  expect(openaiResponses.idPrefix).toBe("resp_");
  expect(openaiResponses.keepAliveFrame).toBe(": keep-alive\n\n");
  expect(openaiResponses.encodeError(new GatewayError("not_found", "The model `x` does not exist"))).toEqual({
    status: 404,
    body: { error: { message: "The model `x` does not exist", type: "invalid_request_error", param: null, code: null } },
  });
});

describe("a Codex turn round trip", () => {
  async function codexContext(): Promise<{ body: Record<string, unknown>; context: EncodeContext<ResponsesOptions> }> {
    const body = await fixture("codex-request.json");
    const { request, options } = openaiResponses.decodeRequest(body);
    return { body, context: { id: "resp_turn2", model: request.model, created: 1, options } };
  }

  test("a namespaced call streams back with its namespace, and decodes again to the same IR call next turn", async () => {
    const { body, context } = await codexContext();
    const events: StreamEvent[] = [
      { type: "reasoning-delta", text: "Listing issues." },
      { type: "reasoning-signature", signature: { family: "gemini", value: "sig-t" } },
      { type: "tool-call-start", id: "call_gh", name: "mcp__github__list_issues", signature: { family: "gemini", value: "sig-c" } },
      { type: "tool-call-delta", id: "call_gh", argumentsDelta: '{"repo":"agw"}' },
      { type: "tool-call-end", id: "call_gh" },
      { type: "finish", reason: { unified: "tool-calls" } },
      { type: "usage", usage: { input: { total: 900 }, output: { total: 30 } } },
    ];
    const frames = runMachine(openaiResponses.encodeStream(context), events);
    // Codex keeps the items of `response.output_item.done` and sends them back next turn, with the output.
    const done = frames
      .map((frame) => JSON.parse(frame.slice(frame.indexOf("data: ") + 6)))
      .filter((event) => event.type === "response.output_item.done")
      .map((event) => event.item);
    expect(done).toStrictEqual([
      { type: "reasoning", id: "rs_turn2_0", summary: [{ type: "summary_text", text: "Listing issues." }], encrypted_content: "agw1.gemini.t.sig-t" },
      { type: "reasoning", id: "rs_turn2_1", summary: [], encrypted_content: "agw1.gemini.c.sig-c" },
      { type: "function_call", id: "fc_turn2_2", call_id: "call_gh", name: "list_issues", arguments: '{"repo":"agw"}', status: "completed", namespace: "mcp__github" },
    ]);
    const next = {
      ...body,
      input: [...(body.input as unknown[]), ...done, { type: "function_call_output", call_id: "call_gh", output: "[]" }],
    };
    const { request } = openaiResponses.decodeRequest(next);
    expect(request.messages.slice(-2)).toStrictEqual([
      {
        role: "assistant",
        content: [
          { type: "reasoning", text: "Listing issues.", signature: { family: "gemini", value: "sig-t" } },
          { type: "tool-call", id: "call_gh", name: "mcp__github__list_issues", arguments: '{"repo":"agw"}', signature: { family: "gemini", value: "sig-c" } },
        ],
      },
      { role: "tool", content: [{ type: "tool-result", toolCallId: "call_gh", name: "mcp__github__list_issues", content: [{ type: "text", text: "[]" }] }] },
    ]);
  });

  test("apply_patch streams back as a custom tool call and decodes again to the same arguments", async () => {
    const { body, context } = await codexContext();
    const args = JSON.stringify({ input: "*** Begin Patch\n*** Delete File: old.txt\n*** End Patch\n" });
    const frames = runMachine(openaiResponses.encodeStream(context), [
      { type: "tool-call-start", id: "call_p", name: "apply_patch" },
      { type: "tool-call-delta", id: "call_p", argumentsDelta: args },
      { type: "tool-call-end", id: "call_p" },
      { type: "finish", reason: { unified: "tool-calls" } },
    ]);
    const item = frames
      .map((frame) => JSON.parse(frame.slice(frame.indexOf("data: ") + 6)))
      .find((event) => event.type === "response.output_item.done").item;
    expect(item).toStrictEqual({
      type: "custom_tool_call",
      id: "ctc_turn2_0",
      call_id: "call_p",
      name: "apply_patch",
      input: "*** Begin Patch\n*** Delete File: old.txt\n*** End Patch\n",
      status: "completed",
    });
    const { request } = openaiResponses.decodeRequest({ ...body, input: [item] });
    expect(request.messages).toStrictEqual([{ role: "assistant", content: [{ type: "tool-call", id: "call_p", name: "apply_patch", arguments: args }] }]);
  });
});

describe("the official SDK reads what agw sends", () => {
  const client = (reply: () => Response) => new OpenAI({ apiKey: "test", baseURL: "http://agw.test/v1", fetch: async () => reply() });

  test("a streamed answer, through the SDK's own event accumulation", async () => {
    const { request, options } = openaiResponses.decodeRequest({
      model: "gpt-5",
      input: "Weather?",
      stream: true,
      tools: [{ type: "function", name: "get_weather", parameters: { type: "object", properties: {} } }],
    });
    const context = { id: "resp_sdk", model: request.model, created: 1, options };
    const frames = runMachine(openaiResponses.encodeStream(context), [
      { type: "reasoning-delta", text: "Checking." },
      { type: "text-delta", text: "Let me look " },
      { type: "text-delta", text: "it up." },
      { type: "tool-call-start", id: "call_w", name: "get_weather" },
      { type: "tool-call-delta", id: "call_w", argumentsDelta: '{"city":' },
      { type: "tool-call-delta", id: "call_w", argumentsDelta: '"Oslo"}' },
      { type: "tool-call-end", id: "call_w" },
      { type: "finish", reason: { unified: "tool-calls" } },
      { type: "usage", usage: { input: { total: 10 }, output: { total: 5 } } },
    ]);
    const sdk = client(() => new Response(frames.join(""), { headers: { "content-type": "text/event-stream" } }));
    const stream = sdk.responses.stream({ model: "gpt-5", input: "Weather?" });
    const types: string[] = [];
    stream.on("event", (event) => types.push(event.type));
    const final = await stream.finalResponse();
    expect(final.id).toBe("resp_sdk");
    expect(final.output_text).toBe("Let me look it up.");
    expect(final.output.map((item) => item.type)).toEqual(["reasoning", "message", "function_call"]);
    expect(final.output[2]).toMatchObject({ call_id: "call_w", arguments: '{"city":"Oslo"}' });
    expect(final.usage?.total_tokens).toBe(15);
    expect(types).toContain("response.function_call_arguments.delta");
  });

  test("a JSON answer", async () => {
    const { request, options } = openaiResponses.decodeRequest({ model: "gpt-5", input: "Hi" });
    const body = openaiResponses.encodeResponse(
      { choices: [{ index: 0, content: [{ type: "text", text: "Hello!" }], finishReason: { unified: "stop" } }] },
      { id: "resp_json", model: request.model, created: 1, options },
    );
    const response = await client(() => Response.json(body)).responses.create({ model: "gpt-5", input: "Hi" });
    expect(response.output_text).toBe("Hello!");
    expect(response.status).toBe("completed");
  });

  test("a failed stream surfaces as the SDK's error", async () => {
    const { request, options } = openaiResponses.decodeRequest({ model: "gpt-5", input: "Hi", stream: true });
    const frames = runMachine(openaiResponses.encodeStream({ id: "resp_err", model: request.model, created: 1, options }), [
      { type: "error", error: new GatewayError("upstream", "the upstream stream broke off") },
    ]);
    const sdk = client(() => new Response(frames.join(""), { headers: { "content-type": "text/event-stream" } }));
    const stream = sdk.responses.stream({ model: "gpt-5", input: "Hi" });
    await expect(stream.finalResponse()).rejects.toThrow("the upstream stream broke off");
  });
});

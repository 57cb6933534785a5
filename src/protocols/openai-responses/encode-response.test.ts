import { describe, expect, test } from "bun:test";
import { ResponseCollector } from "../../ir/collect.ts";
import type { StreamEvent } from "../../ir/event.ts";
import type { AssistantContent } from "../../ir/request.ts";
import type { ChatResponse } from "../../ir/response.ts";
import { encodeResponsesResponse } from "./encode-response.ts";
import { contextFor, fixture, streamEvents } from "./test-helpers.ts";

/** Drops what agw fills differently from the docs: OpenAI's sampling defaults (agw echoes null), newer fields. */
const withoutDefaults = (value: unknown, replace: Array<[string, string]> = []): unknown => {
  let text = JSON.stringify(value);
  for (const [from, to] of replace) text = text.replaceAll(from, to);
  const dropped = new Set(["temperature", "top_p", "logprobs", "background", "service_tier", "prompt_cache_key", "safety_identifier", "tools"]);
  return JSON.parse(text, (key, field) => (dropped.has(key) ? undefined : field));
};

const answer = (content: AssistantContent[], unified: "stop" | "length" | "tool-calls" | "content-filter" = "stop"): ChatResponse => ({
  choices: [{ index: 0, content, finishReason: { unified } }],
  usage: { input: { total: 100, cacheRead: 60 }, output: { total: 40, reasoning: 25 } },
});

const codexTools = {
  include: ["reasoning.encrypted_content"],
  tools: [
    { type: "custom", name: "apply_patch" },
    { type: "local_shell" },
    { type: "namespace", name: "mcp__github", tools: [{ type: "function", name: "list_issues" }] },
    { type: "tool_search", execution: "client" },
  ],
};

describe("encodeResponsesResponse", () => {
  test("the documented text response", async () => {
    const documented = await fixture("text-response.json");
    const context = contextFor(await fixture("text-request.json"), documented.id as string, documented.model as string);
    context.created = documented.created_at as number;
    const text = (documented.output as Array<{ content: Array<{ text: string }> }>)[0]?.content[0]?.text as string;
    const encoded = encodeResponsesResponse(
      { choices: [{ index: 0, content: [{ type: "text", text }], finishReason: { unified: "stop", raw: "STOP" } }], usage: { input: { total: 36 }, output: { total: 87 } } },
      context,
    );
    const messageId = `msg_${(documented.id as string).slice(5)}_0`;
    expect(withoutDefaults(encoded)).toEqual(withoutDefaults(documented, [["msg_67ccd2bf17f0819081ff3bb2cf6508e60bb6a6b452d3795b", messageId]]));
  });

  test("the documented function call response; the tools are echoed as sent", async () => {
    const documented = await fixture("function-response.json");
    const request = await fixture("function-request.json");
    const context = contextFor(request, documented.id as string, documented.model as string);
    context.created = documented.created_at as number;
    const call = (documented.output as Array<{ call_id: string; name: string; arguments: string }>)[0];
    const encoded = encodeResponsesResponse(
      {
        choices: [
          { index: 0, content: [{ type: "tool-call", id: call?.call_id as string, name: call?.name as string, arguments: call?.arguments as string }], finishReason: { unified: "tool-calls" } },
        ],
        usage: { input: { total: 291 }, output: { total: 23 } },
      },
      context,
    );
    const callId = `fc_${(documented.id as string).slice(5)}_0`;
    expect(withoutDefaults(encoded)).toEqual(withoutDefaults(documented, [["fc_67ca09c6bedc8190a7abfec07b1a1332096610f474011cc0", callId]]));
    expect(encoded.tools).toEqual(request.tools as unknown[]);
  });

  test("every item type, with deterministic ids; a Gemini-signed call gets its signature item first", () => {
    const encoded = encodeResponsesResponse(
      answer([
        { type: "reasoning", text: "Plan the fix.", signature: { family: "openai", value: "gAAAAB-enc" } },
        { type: "text", text: "Fixing " },
        { type: "text", text: "it." },
        { type: "tool-call", id: "c1", name: "apply_patch", arguments: '{"input":"*** Begin Patch\\n*** End Patch\\n"}' },
        { type: "tool-call", id: "c2", name: "local_shell", arguments: '{"command":["npm","test"]}', signature: { family: "gemini", value: "c2ln" } },
        { type: "tool-call", id: "c3", name: "mcp__github__list_issues", arguments: '{"repo":"agw"}' },
        { type: "tool-call", id: "c4", name: "tool_search", arguments: '{"query":"calendar"}' },
        { type: "tool-call", id: "c5", name: "undeclared", arguments: "{}" },
      ]),
      contextFor(codexTools, "resp_xyz"),
    );
    expect(encoded.output).toStrictEqual([
      { type: "reasoning", id: "rs_xyz_0", summary: [{ type: "summary_text", text: "Plan the fix." }], encrypted_content: "gAAAAB-enc" },
      { type: "message", id: "msg_xyz_1", role: "assistant", status: "completed", content: [{ type: "output_text", text: "Fixing it.", annotations: [], logprobs: [] }] },
      { type: "custom_tool_call", id: "ctc_xyz_2", call_id: "c1", name: "apply_patch", input: "*** Begin Patch\n*** End Patch\n", status: "completed" },
      { type: "reasoning", id: "rs_xyz_3", summary: [], encrypted_content: "agw1.gemini.c.c2ln" },
      { type: "local_shell_call", id: "lsh_xyz_4", call_id: "c2", status: "completed", action: { type: "exec", command: ["npm", "test"], env: {} } },
      { type: "function_call", id: "fc_xyz_5", call_id: "c3", name: "list_issues", arguments: '{"repo":"agw"}', status: "completed", namespace: "mcp__github" },
      { type: "tool_search_call", id: "tsc_xyz_6", call_id: "c4", execution: "client", status: "completed", arguments: { query: "calendar" } },
      { type: "function_call", id: "fc_xyz_7", call_id: "c5", name: "undeclared", arguments: "{}", status: "completed" },
    ]);
    expect(encoded.status).toBe("completed");
    expect(encoded.usage).toEqual({
      input_tokens: 100,
      input_tokens_details: { cached_tokens: 60 },
      output_tokens: 40,
      output_tokens_details: { reasoning_tokens: 25 },
      total_tokens: 140,
    });
  });

  test("signatures: another family's tagged; none at all without encrypted content in include", () => {
    const content: AssistantContent[] = [
      { type: "reasoning", text: "", signature: { family: "anthropic", value: "redacted-data" }, redacted: true },
      { type: "reasoning", text: "Hmm.", signature: { family: "gemini", value: "g" } },
      { type: "tool-call", id: "c1", name: "f", arguments: "{}", signature: { family: "gemini", value: "call" } },
    ];
    expect(encodeResponsesResponse(answer(content), contextFor({ include: ["reasoning.encrypted_content"] }, "resp_s")).output).toStrictEqual([
      { type: "reasoning", id: "rs_s_0", summary: [], encrypted_content: "agw1.anthropic.t.redacted-data" },
      { type: "reasoning", id: "rs_s_1", summary: [{ type: "summary_text", text: "Hmm." }], encrypted_content: "agw1.gemini.t.g" },
      { type: "reasoning", id: "rs_s_2", summary: [], encrypted_content: "agw1.gemini.c.call" },
      { type: "function_call", id: "fc_s_3", call_id: "c1", name: "f", arguments: "{}", status: "completed" },
    ]);
    expect(encodeResponsesResponse(answer(content), contextFor({}, "resp_s")).output).toStrictEqual([
      { type: "reasoning", id: "rs_s_0", summary: [{ type: "summary_text", text: "Hmm." }] },
      { type: "function_call", id: "fc_s_1", call_id: "c1", name: "f", arguments: "{}", status: "completed" },
    ]);
  });

  test.each([
    ["length", { reason: "max_output_tokens" }],
    ["content-filter", { reason: "content_filter" }],
  ] as const)("%s → incomplete", (unified, details) => {
    const encoded = encodeResponsesResponse(answer([{ type: "text", text: "Once" }], unified), contextFor({}));
    expect(encoded.status).toBe("incomplete");
    expect(encoded.incomplete_details).toEqual(details);
  });

  test("no usage reported: zeros; no content: no items", () => {
    const encoded = encodeResponsesResponse({ choices: [{ index: 0, content: [], finishReason: { unified: "stop" } }] }, contextFor({}));
    expect(encoded.output).toEqual([]);
    expect(encoded.usage).toEqual({
      input_tokens: 0,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 0,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 0,
    });
  });

  test("the collected answer gives the same items, ids included, as the stream's final response", () => {
    const events: StreamEvent[] = [
      { type: "message-start" },
      { type: "reasoning-delta", text: "Think." },
      { type: "reasoning-signature", signature: { family: "gemini", value: "t" } },
      { type: "text-delta", text: "Patching." },
      { type: "tool-call-start", id: "c1", name: "apply_patch", signature: { family: "gemini", value: "c" } },
      { type: "tool-call-delta", id: "c1", argumentsDelta: '{"input":"x"}' },
      { type: "tool-call-end", id: "c1" },
      { type: "tool-call-start", id: "c2", name: "mcp__github__list_issues" },
      { type: "tool-call-delta", id: "c2", argumentsDelta: "{}" },
      { type: "tool-call-end", id: "c2" },
      { type: "finish", reason: { unified: "tool-calls" } },
      { type: "usage", usage: { input: { total: 5 }, output: { total: 6 } } },
    ];
    const context = contextFor(codexTools);
    const collector = new ResponseCollector();
    for (const event of events) collector.add(event);
    const streamed = streamEvents(events, context).at(-1);
    expect(encodeResponsesResponse(collector.result(), context)).toEqual(streamed?.response);
  });
});

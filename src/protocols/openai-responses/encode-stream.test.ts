import { describe, expect, test } from "bun:test";
import type { StreamEvent } from "../../ir/event.ts";
import { contextFor, fixture, type StreamedEvent, streamEvents } from "./test-helpers.ts";

const usage = { input: { total: 20, cacheRead: 5 }, output: { total: 12, reasoning: 4 } };
const usageOut = {
  input_tokens: 20,
  input_tokens_details: { cached_tokens: 5 },
  output_tokens: 12,
  output_tokens_details: { reasoning_tokens: 4 },
  total_tokens: 32,
};

/** Numbers the expected events in order, as the stream must. */
const numbered = (events: Array<{ type: string } & Record<string, unknown>>): StreamedEvent[] =>
  events.map((event, index) => ({ ...event, sequence_number: index }));

/** The two opening events, whose response snapshot is checked in its own test. */
const opening = [
  { type: "response.created", response: expect.objectContaining({ status: "in_progress", output: [] }) },
  { type: "response.in_progress", response: expect.objectContaining({ status: "in_progress", output: [] }) },
];

const codexTools = {
  include: ["reasoning.encrypted_content"],
  tools: [
    { type: "function", name: "exec_command", parameters: { type: "object", properties: { cmd: { type: "string" } } } },
    { type: "custom", name: "apply_patch", description: "Edit files." },
    { type: "local_shell" },
    { type: "namespace", name: "mcp__github", tools: [{ type: "function", name: "list_issues" }] },
    { type: "tool_search", execution: "client" },
  ],
};

function messageEvents(id: string, index: number, deltas: string[]) {
  const text = deltas.join("");
  const at = { item_id: id, output_index: index, content_index: 0 };
  const part = { type: "output_text", text, annotations: [], logprobs: [] };
  return [
    { type: "response.output_item.added", output_index: index, item: { type: "message", id, role: "assistant", status: "in_progress", content: [] } },
    { type: "response.content_part.added", ...at, part: { ...part, text: "" } },
    ...deltas.map((delta) => ({ type: "response.output_text.delta", ...at, delta, logprobs: [] })),
    { type: "response.output_text.done", ...at, text, logprobs: [] },
    { type: "response.content_part.done", ...at, part },
    { type: "response.output_item.done", output_index: index, item: { type: "message", id, role: "assistant", status: "completed", content: [part] } },
  ];
}

describe("openaiResponsesStreamMachine", () => {
  test("text: the documented event sequence", async () => {
    const request = await fixture("streaming-request.json");
    const documented = (await Bun.file(new URL("./fixtures/streaming-events.jsonl", import.meta.url)).text())
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as StreamedEvent);
    const responseId = "resp_67c9fdcecf488190bdd9a0409de3a1ec07b8b0ad4e5eb654";
    const context = contextFor(request, responseId, "gpt-4.1-2025-04-14");
    const deltas = documented.filter((event) => event.type === "response.output_text.delta").map((event) => event.delta as string);
    const events = streamEvents(
      [
        { type: "message-start", id: "upstream", model: "gemini-2.5-flash" },
        ...deltas.map((text): StreamEvent => ({ type: "text-delta", text })),
        { type: "finish", reason: { unified: "stop", raw: "STOP" } },
        { type: "usage", usage: { input: { total: 37 }, output: { total: 11 } } },
      ],
      context,
    );
    // The docs' ids are OpenAI's; ours are derived from the response id. The docs predate `logprobs`,
    // and echo OpenAI's sampling defaults where agw echoes null for "not set".
    const ourMessageId = `msg_${responseId.slice(5)}_0`;
    const normalize = (value: unknown): unknown =>
      JSON.parse(JSON.stringify(value).replaceAll("msg_67c9fdcf37fc8190ba82116e33fb28c507b8b0ad4e5eb654", ourMessageId), (key, field) =>
        key === "logprobs" || key === "temperature" || key === "top_p" || key === "background" || key === "service_tier" ||
        key === "prompt_cache_key" || key === "safety_identifier"
          ? undefined
          : field,
      );
    expect(normalize(events)).toEqual(normalize(documented));
  });

  test("the opening snapshot echoes the request", () => {
    const context = contextFor({ instructions: "Be brief.", max_output_tokens: 50, metadata: { run: "7" }, store: false });
    const [created] = streamEvents([{ type: "message-start" }], context);
    expect(created).toEqual({
      type: "response.created",
      sequence_number: 0,
      response: {
        id: "resp_abc",
        object: "response",
        created_at: 1741290958,
        status: "in_progress",
        background: false,
        error: null,
        incomplete_details: null,
        model: "gpt-5",
        output: [],
        usage: null,
        instructions: "Be brief.",
        max_output_tokens: 50,
        metadata: { run: "7" },
        parallel_tool_calls: true,
        previous_response_id: null,
        prompt_cache_key: null,
        reasoning: { effort: null, summary: null },
        safety_identifier: null,
        service_tier: null,
        store: false,
        temperature: null,
        text: { format: { type: "text" } },
        tool_choice: "auto",
        tools: [],
        top_p: null,
        truncation: "disabled",
        user: null,
      },
    });
  });

  test("reasoning then text; the signature completes the reasoning item as encrypted content", () => {
    const events = streamEvents(
      [
        { type: "message-start" },
        { type: "reasoning-delta", text: "Two plus two" },
        { type: "reasoning-delta", text: " is four." },
        { type: "reasoning-signature", signature: { family: "gemini", value: "sig" } },
        { type: "text-delta", text: "" },
        { type: "text-delta", text: "4" },
        { type: "finish", reason: { unified: "stop" } },
        { type: "usage", usage },
      ],
      contextFor({ include: ["reasoning.encrypted_content"] }),
    );
    const reasoning = { type: "reasoning", id: "rs_abc_0", summary: [{ type: "summary_text", text: "Two plus two is four." }], encrypted_content: "agw1.gemini.t.sig" };
    const at = { item_id: "rs_abc_0", output_index: 0, summary_index: 0 };
    const message = messageEvents("msg_abc_1", 1, ["4"]);
    expect(events).toEqual(
      numbered([
        ...opening,
        { type: "response.output_item.added", output_index: 0, item: { type: "reasoning", id: "rs_abc_0", summary: [] } },
        { type: "response.reasoning_summary_part.added", ...at, part: { type: "summary_text", text: "" } },
        { type: "response.reasoning_summary_text.delta", ...at, delta: "Two plus two" },
        { type: "response.reasoning_summary_text.delta", ...at, delta: " is four." },
        { type: "response.reasoning_summary_text.done", ...at, text: "Two plus two is four." },
        { type: "response.reasoning_summary_part.done", ...at, part: { type: "summary_text", text: "Two plus two is four." } },
        { type: "response.output_item.done", output_index: 0, item: reasoning },
        ...message,
        {
          type: "response.completed",
          response: expect.objectContaining({ status: "completed", output: [reasoning, (message.at(-1) as { item: unknown }).item], usage: usageOut }),
        },
      ]),
    );
  });

  test("without reasoning.encrypted_content in include, reasoning items carry no signature", () => {
    const events = streamEvents(
      [
        { type: "reasoning-delta", text: "Hmm." },
        { type: "reasoning-signature", signature: { family: "gemini", value: "sig" } },
        { type: "reasoning-signature", signature: { family: "gemini", value: "lone" } },
        { type: "tool-call-start", id: "call_1", name: "exec_command", signature: { family: "gemini", value: "call" } },
        { type: "tool-call-end", id: "call_1" },
        { type: "finish", reason: { unified: "tool-calls" } },
      ],
      contextFor({ tools: codexTools.tools }),
    );
    expect(events.at(-1)?.response.output).toEqual([
      { type: "reasoning", id: "rs_abc_0", summary: [{ type: "summary_text", text: "Hmm." }] },
      { type: "function_call", id: "fc_abc_1", call_id: "call_1", name: "exec_command", arguments: "", status: "completed" },
    ]);
  });

  test("a function call of a namespace, its arguments in several deltas", () => {
    const events = streamEvents(
      [
        { type: "message-start" },
        { type: "tool-call-start", id: "call_1", name: "mcp__github__list_issues" },
        { type: "tool-call-delta", id: "call_1", argumentsDelta: '{"repo":' },
        { type: "tool-call-delta", id: "call_1", argumentsDelta: '"agw"' },
        { type: "tool-call-delta", id: "call_1", argumentsDelta: "}" },
        { type: "tool-call-end", id: "call_1" },
        { type: "finish", reason: { unified: "tool-calls", raw: "STOP" } },
        { type: "usage", usage },
      ],
      contextFor(codexTools),
    );
    const call = { type: "function_call", id: "fc_abc_0", call_id: "call_1", name: "list_issues", namespace: "mcp__github" };
    const at = { item_id: "fc_abc_0", output_index: 0 };
    const done = { ...call, arguments: '{"repo":"agw"}', status: "completed" };
    expect(events).toEqual(
      numbered([
        ...opening,
        { type: "response.output_item.added", output_index: 0, item: { ...call, arguments: "", status: "in_progress" } },
        { type: "response.function_call_arguments.delta", ...at, delta: '{"repo":' },
        { type: "response.function_call_arguments.delta", ...at, delta: '"agw"' },
        { type: "response.function_call_arguments.delta", ...at, delta: "}" },
        { type: "response.function_call_arguments.done", ...at, arguments: '{"repo":"agw"}' },
        { type: "response.output_item.done", output_index: 0, item: done },
        { type: "response.completed", response: expect.objectContaining({ status: "completed", output: [done], usage: usageOut }) },
      ]),
    );
  });

  test("a custom tool call sends its input, out of the JSON arguments, when the call ends", () => {
    const patch = "*** Begin Patch\n*** Add File: a.txt\n+hi\n*** End Patch\n";
    const args = JSON.stringify({ input: patch });
    const events = streamEvents(
      [
        { type: "tool-call-start", id: "call_p", name: "apply_patch" },
        { type: "tool-call-delta", id: "call_p", argumentsDelta: args.slice(0, 20) },
        { type: "tool-call-delta", id: "call_p", argumentsDelta: args.slice(20) },
        { type: "tool-call-end", id: "call_p" },
        { type: "finish", reason: { unified: "tool-calls" } },
        { type: "usage", usage },
      ],
      contextFor(codexTools),
    );
    const call = { type: "custom_tool_call", id: "ctc_abc_0", call_id: "call_p", name: "apply_patch" };
    const at = { item_id: "ctc_abc_0", output_index: 0 };
    const done = { ...call, input: patch, status: "completed" };
    expect(events).toEqual(
      numbered([
        ...opening,
        { type: "response.output_item.added", output_index: 0, item: { ...call, input: "", status: "in_progress" } },
        { type: "response.custom_tool_call_input.delta", ...at, delta: patch },
        { type: "response.custom_tool_call_input.done", ...at, input: patch },
        { type: "response.output_item.done", output_index: 0, item: done },
        { type: "response.completed", response: expect.objectContaining({ output: [done] }) },
      ]),
    );
  });

  test("a local shell call: its action when the call ends", () => {
    const events = streamEvents(
      [
        { type: "tool-call-start", id: "call_s", name: "local_shell" },
        { type: "tool-call-delta", id: "call_s", argumentsDelta: '{"command":["ls","-la"],' },
        { type: "tool-call-delta", id: "call_s", argumentsDelta: '"workdir":"/tmp","timeout_ms":5000}' },
        { type: "tool-call-end", id: "call_s" },
        { type: "finish", reason: { unified: "tool-calls" } },
        { type: "usage", usage },
      ],
      contextFor(codexTools),
    );
    const done = {
      type: "local_shell_call",
      id: "lsh_abc_0",
      call_id: "call_s",
      status: "completed",
      action: { type: "exec", command: ["ls", "-la"], env: {}, working_directory: "/tmp", timeout_ms: 5000 },
    };
    expect(events).toEqual(
      numbered([
        ...opening,
        {
          type: "response.output_item.added",
          output_index: 0,
          item: { type: "local_shell_call", id: "lsh_abc_0", call_id: "call_s", status: "in_progress", action: { type: "exec", command: [], env: {} } },
        },
        { type: "response.output_item.done", output_index: 0, item: done },
        { type: "response.completed", response: expect.objectContaining({ output: [done] }) },
      ]),
    );
  });

  test("a tool search call: the arguments as an object", () => {
    const events = streamEvents(
      [
        { type: "tool-call-start", id: "call_t", name: "tool_search" },
        { type: "tool-call-delta", id: "call_t", argumentsDelta: '{"query":"calendar","limit":2}' },
        { type: "tool-call-end", id: "call_t" },
        { type: "finish", reason: { unified: "tool-calls" } },
      ],
      contextFor(codexTools),
    );
    expect(events.filter((event) => event.type === "response.output_item.done")).toEqual([
      {
        type: "response.output_item.done",
        output_index: 0,
        item: { type: "tool_search_call", id: "tsc_abc_0", call_id: "call_t", execution: "client", status: "completed", arguments: { query: "calendar", limit: 2 } },
        sequence_number: 3,
      },
    ]);
  });

  test("two interleaved calls after text; the first signed by Gemini gets a reasoning item before it", () => {
    const events = streamEvents(
      [
        { type: "message-start" },
        { type: "text-delta", text: "Checking." },
        { type: "tool-call-start", id: "call_a", name: "exec_command", signature: { family: "gemini", value: "c2ln" } },
        { type: "tool-call-start", id: "call_b", name: "exec_command" },
        { type: "tool-call-delta", id: "call_b", argumentsDelta: '{"cmd":"ls"}' },
        { type: "tool-call-delta", id: "call_a", argumentsDelta: '{"cmd":"pwd"}' },
        { type: "tool-call-end", id: "call_a" },
        { type: "tool-call-end", id: "call_b" },
        { type: "finish", reason: { unified: "tool-calls" } },
        { type: "usage", usage },
      ],
      contextFor(codexTools),
    );
    const signatureItem = { type: "reasoning", id: "rs_abc_1", summary: [], encrypted_content: "agw1.gemini.c.c2ln" };
    const callA = { type: "function_call", id: "fc_abc_2", call_id: "call_a", name: "exec_command" };
    const callB = { type: "function_call", id: "fc_abc_3", call_id: "call_b", name: "exec_command" };
    const doneA = { ...callA, arguments: '{"cmd":"pwd"}', status: "completed" };
    const doneB = { ...callB, arguments: '{"cmd":"ls"}', status: "completed" };
    const message = messageEvents("msg_abc_0", 0, ["Checking."]);
    expect(events).toEqual(
      numbered([
        ...opening,
        ...message,
        { type: "response.output_item.added", output_index: 1, item: signatureItem },
        { type: "response.output_item.done", output_index: 1, item: signatureItem },
        { type: "response.output_item.added", output_index: 2, item: { ...callA, arguments: "", status: "in_progress" } },
        { type: "response.output_item.added", output_index: 3, item: { ...callB, arguments: "", status: "in_progress" } },
        { type: "response.function_call_arguments.delta", item_id: "fc_abc_3", output_index: 3, delta: '{"cmd":"ls"}' },
        { type: "response.function_call_arguments.delta", item_id: "fc_abc_2", output_index: 2, delta: '{"cmd":"pwd"}' },
        { type: "response.function_call_arguments.done", item_id: "fc_abc_2", output_index: 2, arguments: '{"cmd":"pwd"}' },
        { type: "response.output_item.done", output_index: 2, item: doneA },
        { type: "response.function_call_arguments.done", item_id: "fc_abc_3", output_index: 3, arguments: '{"cmd":"ls"}' },
        { type: "response.output_item.done", output_index: 3, item: doneB },
        {
          type: "response.completed",
          response: expect.objectContaining({ output: [(message.at(-1) as { item: unknown }).item, signatureItem, doneA, doneB] }),
        },
      ]),
    );
  });

});

import { describe, expect, test } from "bun:test";
import type { StreamEvent } from "../../ir/event.ts";
import { collectResponse } from "../../ir/collect.ts";
import { decodeResponsesRequest } from "./decode-request.ts";
import { encodeResponsesResponse } from "./encode-response.ts";
import { contextFor, streamEvents } from "./test-helpers.ts";

/**
 * Gemini 3 signs a text answer's last part and a step's first function call.
 * Codex keeps what the output items carry and sends them back: the answer
 * must stay one message item, a reasoning step one reasoning item, and every
 * signature must come back to the part it signed.
 */
const gemini = (value: string) => ({ family: "gemini" as const, value });
const encrypted = { include: ["reasoning.encrypted_content"] };

async function* iterate(events: StreamEvent[]) {
  yield* events;
}

const textAnswer: StreamEvent[] = [
  { type: "message-start" },
  { type: "reasoning-delta", text: "Counting the letters." },
  ...["There ", "are ", "three ", "r's."].map((text) => ({ type: "text-delta" as const, text })),
  { type: "text-signature", signature: gemini("EqsF") },
  { type: "finish", reason: { unified: "stop" } },
];

const callAnswer: StreamEvent[] = [
  { type: "message-start" },
  { type: "reasoning-delta", text: "I should list the files." },
  { type: "tool-call-start", id: "call_1", name: "exec_command", signature: gemini("EsgB") },
  { type: "tool-call-delta", id: "call_1", argumentsDelta: '{"cmd":"ls"}' },
  { type: "tool-call-end", id: "call_1" },
  { type: "finish", reason: { unified: "tool-calls" } },
];

const tools = { tools: [{ type: "function", name: "exec_command", parameters: { type: "object" } }] };

describe("Responses and Gemini 3 signatures", () => {
  const expectedText = [
    { type: "reasoning", id: "rs_abc_0", summary: [{ type: "summary_text", text: "Counting the letters." }] },
    {
      type: "message",
      id: "msg_abc_1",
      role: "assistant",
      status: "completed",
      content: [{ type: "output_text", text: "There are three r's.", annotations: [], logprobs: [] }],
    },
    { type: "reasoning", id: "rs_abc_2", summary: [], encrypted_content: "agw1.gemini.x.EqsF" },
  ];
  const expectedCall = [
    {
      type: "reasoning",
      id: "rs_abc_0",
      summary: [{ type: "summary_text", text: "I should list the files." }],
      encrypted_content: "agw1.gemini.c.EsgB",
    },
    { type: "function_call", id: "fc_abc_1", call_id: "call_1", name: "exec_command", arguments: '{"cmd":"ls"}', status: "completed" },
  ];

  test("stream: the answer is one message item, its signature in a reasoning item after it", () => {
    const events = streamEvents(textAnswer, contextFor(encrypted));
    expect(events.filter((event) => event.type === "response.output_item.done").map((event) => event.item)).toEqual(expectedText);
    expect(events.at(-1)?.response.output).toEqual(expectedText);
  });

  test("stream: a reasoning step before a signed call is one reasoning item holding the call's signature", () => {
    const events = streamEvents(callAnswer, contextFor({ ...encrypted, ...tools }));
    expect(events.at(-1)?.response.output).toEqual(expectedCall);
    expect(events.filter((event) => event.type === "response.output_item.added")).toHaveLength(2);
  });

  test("JSON gives the same items as the stream", async () => {
    const text = encodeResponsesResponse(await collectResponse(iterate(textAnswer)), contextFor(encrypted));
    expect(text.output as unknown[]).toEqual(expectedText);
    const call = encodeResponsesResponse(await collectResponse(iterate(callAnswer)), contextFor({ ...encrypted, ...tools }));
    expect(call.output as unknown[]).toEqual(expectedCall);
  });

  test("sent back as input, every signature returns to the part it signed", () => {
    const { request } = decodeResponsesRequest({
      model: "gpt-5",
      ...tools,
      input: [
        { role: "user", content: "How many r's in strawberry?" },
        ...expectedText,
        { role: "user", content: "List the files." },
        ...expectedCall,
        { type: "function_call_output", call_id: "call_1", output: "a.txt" },
      ],
    });
    expect(request.messages.slice(1, 2)).toEqual([
      {
        role: "assistant",
        content: [
          { type: "reasoning", text: "Counting the letters." },
          { type: "text", text: "There are three r's.", signature: gemini("EqsF") },
        ],
      },
    ]);
    expect(request.messages[3]).toEqual({
      role: "assistant",
      content: [
        { type: "reasoning", text: "I should list the files." },
        { type: "tool-call", id: "call_1", name: "exec_command", arguments: '{"cmd":"ls"}', signature: gemini("EsgB") },
      ],
    });
  });
});

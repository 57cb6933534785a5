import { describe, expect, test } from "bun:test";
import { GatewayError } from "../../ir/errors.ts";
import type { AssistantContent, Signature } from "../../ir/request.ts";
import type { ChatResponse } from "../../ir/response.ts";
import { encodeOpenAIError } from "../shared/encode-openai-error.ts";
import { decodeResponsesRequest } from "./decode-request.ts";
import { encodeStoredOutput } from "./encode-stored-output.ts";
import { expandItemReferences, itemReference, type StoredItemLookup } from "./item-references.ts";
import type { OutputItem } from "./output-items.ts";
import { contextFor } from "./test-helpers.ts";

/**
 * Clients that leave `store` on (the OpenAI SDK-based frameworks, the Vercel
 * AI SDK) send their earlier output back by id: `{"type": "item_reference",
 * "id": …}`, `{"id": …}`, or a reasoning item without its content. The
 * upstream must still see the whole conversation, signatures included.
 */
const gemini = (value: string): Signature => ({ family: "gemini", value });
const answer = (content: AssistantContent[]): ChatResponse => ({
  choices: [{ index: 0, content, finishReason: { unified: "stop" } }],
});
const weather = { tools: [{ type: "function", name: "get_weather", parameters: { type: "object" } }] };

/** The items a first turn left in the store, looked up the way the server does, counting the lookups. */
function storeOf(response: ChatResponse, body: Record<string, unknown> = {}) {
  const { referable } = encodeStoredOutput(response, contextFor(body, "resp_one"));
  const stored = new Map(referable.map((item) => [item.id, item.items as unknown[]]));
  const lookups: string[][] = [];
  const lookup: StoredItemLookup = (ids) => {
    lookups.push([...ids]);
    return new Map(ids.flatMap((id) => (stored.has(id) ? [[id, stored.get(id)!] as const] : [])));
  };
  return { lookup, lookups };
}

function thrown(run: () => unknown): GatewayError {
  try {
    run();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error("expected a GatewayError");
}

describe("itemReference", () => {
  test.each([
    [{ type: "item_reference", id: "msg_1" }, { id: "msg_1", required: true }],
    [{ id: "msg_1" }, { id: "msg_1", required: true }],
    [{ type: "reasoning", id: "rs_1" }, { id: "rs_1", required: true }],
    [{ type: "reasoning", id: "rs_1", summary: [] }, { id: "rs_1", required: true }],
    [{ type: "reasoning", id: "rs_1", summary: [{ type: "summary_text", text: "Hm." }] }, { id: "rs_1", required: false }],
    [{ type: "reasoning", id: "rs_1", summary: [], encrypted_content: "gAAAA" }, undefined],
    [{ type: "reasoning", summary: [] }, undefined],
    [{ type: "message", id: "msg_1", role: "assistant", content: "Hi" }, undefined],
    [{ id: "msg_1", role: "assistant", content: "Hi" }, undefined],
    [{ type: "function_call", id: "fc_1", call_id: "c", name: "f", arguments: "{}" }, undefined],
    [{ type: "item_reference" }, undefined],
    ["msg_1", undefined],
  ])("%j → %j", (raw, expected) => {
    expect(itemReference(raw)).toStrictEqual(expected);
  });
});

describe("expandItemReferences, then decoding", () => {
  test("a signed call's turn by reference: the upstream gets the reasoning, the call and both signatures", () => {
    // The first turn's client did not ask for encrypted content: it saw rs_one_0 and fc_one_1 only.
    const { lookup, lookups } = storeOf(
      answer([
        { type: "reasoning", text: "Checking the weather.", signature: gemini("sig-1") },
        { type: "tool-call", id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}', signature: gemini("sig-call-1") },
      ]),
      weather,
    );
    const input = expandItemReferences(
      [
        { role: "user", content: "Weather in Paris?" },
        { type: "item_reference", id: "rs_one_0" },
        { id: "fc_one_1" },
        { type: "function_call_output", call_id: "call_1", output: "sunny" },
      ],
      lookup,
    );
    expect(lookups).toEqual([["rs_one_0", "fc_one_1"]]);
    expect(decodeResponsesRequest({ model: "gpt-5", input, ...weather }).request.messages).toStrictEqual([
      { role: "user", content: [{ type: "text", text: "Weather in Paris?" }] },
      {
        role: "assistant",
        content: [
          { type: "reasoning", text: "Checking the weather.", signature: gemini("sig-1") },
          { type: "tool-call", id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}', signature: gemini("sig-call-1") },
        ],
      },
      { role: "tool", content: [{ type: "tool-result", toolCallId: "call_1", name: "get_weather", content: [{ type: "text", text: "sunny" }] }] },
    ]);
  });

  test("an answer by reference: its reasoning (sent without content) and its text keep their signatures", () => {
    const { lookup } = storeOf(
      answer([
        { type: "reasoning", text: "Thinking about it.", signature: gemini("sig-1") },
        { type: "text", text: "Echo: hi", signature: gemini("sig-text") },
      ]),
    );
    const input = expandItemReferences(
      [
        { role: "user", content: "hi" },
        { type: "reasoning", id: "rs_one_0", summary: [] },
        { type: "item_reference", id: "msg_one_1" },
        { role: "user", content: "and now?" },
      ],
      lookup,
    );
    expect(decodeResponsesRequest({ model: "gpt-5", input }).request.messages).toStrictEqual([
      { role: "user", content: [{ type: "text", text: "hi" }] },
      {
        role: "assistant",
        content: [
          { type: "reasoning", text: "Thinking about it.", signature: gemini("sig-1") },
          { type: "text", text: "Echo: hi", signature: gemini("sig-text") },
        ],
      },
      { role: "user", content: [{ type: "text", text: "and now?" }] },
    ]);
  });

  test("a whole reasoning item the store knows gets its signature back; one it does not know stays as sent", () => {
    const { lookup } = storeOf(answer([{ type: "reasoning", text: "Thinking about it.", signature: gemini("sig-1") }, { type: "text", text: "Hi" }]));
    const summary = [{ type: "summary_text", text: "Thinking about it." }];
    const input = expandItemReferences(
      [
        { role: "user", content: "hi" },
        { type: "reasoning", id: "rs_one_0", summary },
        { type: "reasoning", id: "rs_elsewhere", summary },
      ],
      lookup,
    );
    expect(decodeResponsesRequest({ model: "gpt-5", input }).request.messages[1]).toStrictEqual({
      role: "assistant",
      content: [
        { type: "reasoning", text: "Thinking about it.", signature: gemini("sig-1") },
        { type: "reasoning", text: "Thinking about it." },
      ],
    });
  });

  test("nothing to look up: the same input, no lookup", () => {
    const { lookup, lookups } = storeOf(answer([{ type: "text", text: "Hi" }]));
    const input = [{ role: "user", content: "hi" }, { type: "reasoning", id: "rs_x", summary: [], encrypted_content: "gAAAA" }];
    expect(expandItemReferences(input, lookup)).toBe(input);
    expect(lookups).toEqual([]);
  });

  test("an unknown reference is refused like OpenAI refuses it, naming the item and where it stands", () => {
    const { lookup } = storeOf(answer([{ type: "text", text: "Hi" }]));
    const error = thrown(() =>
      expandItemReferences([{ role: "user", content: "hi" }, { type: "item_reference", id: "msg_one_0" }, { id: "msg_gone" }], lookup),
    );
    expect(encodeOpenAIError(error)).toStrictEqual({
      status: 404,
      body: {
        error: {
          message:
            "Item with id 'msg_gone' not found. Items are kept for `responses.retentionDays` and not persisted when `store` is set to false. Try again with `store` set to true, or remove this item from your input.",
          type: "invalid_request_error",
          param: "input[2].id",
          code: null,
        },
      },
    });
  });
});

describe("a reference that reaches the decoder (nothing expanded it)", () => {
  test.each([
    [[{ role: "user", content: "hi" }, { type: "item_reference", id: "msg_1" }], "msg_1", "input[1].id"],
    [[{ id: "msg_2" }], "msg_2", "input[0].id"],
    [[{ role: "user", content: "hi" }, { type: "reasoning", id: "rs_3", summary: [] }], "rs_3", "input[1].id"],
  ])("%j is an unknown item, never dropped", (input, id, param) => {
    const error = thrown(() => decodeResponsesRequest({ model: "gpt-5", input }));
    expect(error.status).toBe(404);
    expect(error.param).toBe(param);
    expect(error.message).toStartWith(`Item with id '${id}' not found.`);
  });

  test("a reference without an id is a 400", () => {
    const error = thrown(() => decodeResponsesRequest({ model: "gpt-5", input: [{ type: "item_reference" }] }));
    expect([error.status, error.param, error.message]).toEqual([400, "input[0].id", "input[0].id: missing, expected a string"]);
  });
});

describe("encodeStoredOutput", () => {
  const signedTurn = answer([
    { type: "reasoning", text: "Checking the weather.", signature: gemini("sig-1") },
    { type: "tool-call", id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}', signature: gemini("sig-call-1") },
    { type: "text", text: "Done.", signature: gemini("sig-text") },
  ]);
  const reasoning = (id: string, text: string, encrypted?: string): OutputItem => ({
    type: "reasoning",
    id,
    summary: text === "" ? [] : [{ type: "summary_text", text }],
    ...(encrypted ? { encrypted_content: encrypted } : {}),
  });
  const call = (id: string): OutputItem => ({
    type: "function_call",
    id,
    call_id: "call_1",
    name: "get_weather",
    arguments: '{"city":"Paris"}',
    status: "completed",
  });
  const message = (id: string): OutputItem => ({
    type: "message",
    id,
    role: "assistant",
    status: "completed",
    content: [{ type: "output_text", text: "Done.", annotations: [], logprobs: [] }],
  });

  test("without encrypted content asked: every signature kept, each shown item by the id the client saw", () => {
    const stored = encodeStoredOutput(signedTurn, contextFor(weather, "resp_one"));
    expect(stored.output).toStrictEqual([
      reasoning("rs_one_0", "Checking the weather.", "agw1.gemini.t.sig-1"),
      reasoning("rs_one_1", "", "agw1.gemini.c.sig-call-1"),
      call("fc_one_1"),
      message("msg_one_2"),
      reasoning("rs_one_4", "", "agw1.gemini.x.sig-text"),
    ]);
    expect(stored.referable).toStrictEqual([
      { id: "rs_one_0", items: [reasoning("rs_one_0", "Checking the weather.", "agw1.gemini.t.sig-1")] },
      { id: "fc_one_1", items: [reasoning("rs_one_1", "", "agw1.gemini.c.sig-call-1"), call("fc_one_1")] },
      { id: "msg_one_2", items: [message("msg_one_2"), reasoning("rs_one_4", "", "agw1.gemini.x.sig-text")] },
    ]);
  });

  test("with encrypted content asked: the items as the client saw them", () => {
    const stored = encodeStoredOutput(signedTurn, contextFor({ ...weather, include: ["reasoning.encrypted_content"] }, "resp_one"));
    const shown = [
      reasoning("rs_one_0", "Checking the weather.", "agw1.gemini.t.sig-1"),
      reasoning("rs_one_1", "", "agw1.gemini.c.sig-call-1"),
      call("fc_one_2"),
      message("msg_one_3"),
      reasoning("rs_one_4", "", "agw1.gemini.x.sig-text"),
    ];
    expect(stored.output).toStrictEqual(shown);
    expect(stored.referable).toStrictEqual(shown.map((item) => ({ id: item.id, items: [item] })));
  });
});

import { describe, expect, test } from "bun:test";
import { placeCacheBreakpoints } from "./place-cache-breakpoints.ts";
import type { AnthropicRequest } from "./types.ts";

const ephemeral = { type: "ephemeral" } as const;

const conversation = (): AnthropicRequest => ({
  model: "claude-sonnet-4-5",
  max_tokens: 1024,
  system: [
    { type: "text", text: "You are a helpful assistant." },
    { type: "text", text: "<a long style guide>" },
  ],
  messages: [
    { role: "user", content: [{ type: "text", text: "First question" }] },
    { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "read", input: {} }] },
    {
      role: "user",
      content: [
        { type: "tool_result", tool_use_id: "toolu_1", content: [{ type: "text", text: "file contents" }] },
        { type: "text", text: "And now?" },
      ],
    },
    { role: "assistant", content: [{ type: "text", text: "Done." }] },
    { role: "user", content: [{ type: "text", text: "Thanks, one more thing" }] },
  ],
});

describe("placeCacheBreakpoints", () => {
  test("marks the last system block and the last block of the last two user messages", () => {
    const body = placeCacheBreakpoints(conversation());
    expect(body.system).toEqual([
      { type: "text", text: "You are a helpful assistant." },
      { type: "text", text: "<a long style guide>", cache_control: ephemeral },
    ]);
    expect(body.messages.map((message) => message.content.map((block) => block.cache_control))).toEqual([
      [undefined],
      [undefined],
      [undefined, ephemeral],
      [undefined],
      [ephemeral],
    ]);
  });

  test("a single-turn request without a system prompt gets one mark; a tool result can carry it", () => {
    const body: AnthropicRequest = placeCacheBreakpoints<AnthropicRequest>({
      model: "m",
      max_tokens: 1,
      messages: [{ role: "user", content: [{ type: "tool_result", tool_use_id: "t", content: [{ type: "text", text: "x" }] }] }],
    });
    expect(body.messages[0]?.content[0]).toEqual({
      type: "tool_result",
      tool_use_id: "t",
      content: [{ type: "text", text: "x" }],
      cache_control: ephemeral,
    });
    expect(body.system).toBeUndefined();
  });

  test("breakpoints already present count against the limit of 4, and marked blocks are not marked twice", () => {
    const body = conversation();
    body.tools = [
      { name: "a", input_schema: { type: "object" }, cache_control: { type: "ephemeral" } },
      { name: "b", input_schema: { type: "object" }, cache_control: { type: "ephemeral" } },
    ];
    const last = body.messages[4]!.content[0]!;
    last.cache_control = { type: "ephemeral" };
    placeCacheBreakpoints(body);
    const marks = [
      ...body.tools.map((tool) => tool.cache_control),
      ...body.system!.map((block) => block.cache_control),
      ...body.messages.flatMap((message) => message.content.map((block) => block.cache_control)),
    ].filter((mark) => mark !== undefined);
    expect(marks).toHaveLength(4);
    // System first (tools + system are the most stable prefix); the earlier user message lost the race.
    expect(body.system![1]!.cache_control).toEqual(ephemeral);
    expect(body.messages[2]!.content[1]!.cache_control).toBeUndefined();
  });

  test("with the limit already reached nothing is added", () => {
    const body = conversation();
    body.tools = [1, 2, 3, 4].map((n) => ({ name: `t${n}`, input_schema: { type: "object" }, cache_control: { type: "ephemeral" as const } }));
    placeCacheBreakpoints(body);
    expect(body.system![1]!.cache_control).toBeUndefined();
    expect(body.messages[4]!.content[0]!.cache_control).toBeUndefined();
  });
});

import { describe, expect, test } from "bun:test";
import type { Message } from "../../ir/request.ts";
import { encodeSignature } from "../shared/signature-codec.ts";
import { decodeInputItems } from "./decode-input.ts";
import { emptyToolSet, type ToolSet } from "./decode-tools.ts";
import { parseInputItems } from "./parse-input-items.ts";

function decode(input: Array<Record<string, unknown>> | string, tools: ToolSet = emptyToolSet()): Message[] {
  return decodeInputItems(parseInputItems(input as never), tools);
}

const user = (text: string): Message => ({ role: "user", content: [{ type: "text", text }] });
const geminiCall = encodeSignature({ family: "gemini", value: "CiQB" }, "c", "openai");

describe("decodeInputItems", () => {
  test("messages of every role; system and developer stay where they stand", () => {
    expect(
      decode([
        { role: "developer", content: "Be terse." },
        { type: "message", role: "user", content: [{ type: "input_text", text: "Hi" }] },
        { role: "assistant", content: [{ type: "output_text", text: "Hello", annotations: [] }, { type: "refusal", refusal: "No." }] },
        { role: "system", content: [{ type: "input_text", text: "Now in French." }] },
        { role: "user", content: "Bonjour" },
      ]),
    ).toStrictEqual([
      { role: "system", content: [{ type: "text", text: "Be terse." }] },
      user("Hi"),
      { role: "assistant", content: [{ type: "text", text: "Hello" }, { type: "text", text: "No." }] },
      { role: "system", content: [{ type: "text", text: "Now in French." }] },
      user("Bonjour"),
    ]);
  });

  test("assistant-side items merge into one message; outputs into one tool message, named after their calls", () => {
    expect(
      decode([
        { role: "user", content: "Weather in Paris and Rome?" },
        { type: "reasoning", id: "rs_1", summary: [{ type: "summary_text", text: "Two cities." }] },
        { type: "message", role: "assistant", content: [{ type: "output_text", text: "Checking both." }] },
        { type: "function_call", call_id: "c1", name: "get_weather", arguments: '{"city":"Paris"}' },
        { type: "function_call", call_id: "c2", name: "get_weather", arguments: '{"city":"Rome"}' },
        { type: "function_call_output", call_id: "c1", output: "18C" },
        { type: "function_call_output", call_id: "c2", output: [{ type: "input_text", text: "21C" }] },
        { type: "message", role: "assistant", content: [{ type: "output_text", text: "Rome is warmer." }] },
      ]),
    ).toStrictEqual([
      user("Weather in Paris and Rome?"),
      {
        role: "assistant",
        content: [
          { type: "reasoning", text: "Two cities." },
          { type: "text", text: "Checking both." },
          { type: "tool-call", id: "c1", name: "get_weather", arguments: '{"city":"Paris"}' },
          { type: "tool-call", id: "c2", name: "get_weather", arguments: '{"city":"Rome"}' },
        ],
      },
      {
        role: "tool",
        content: [
          { type: "tool-result", toolCallId: "c1", name: "get_weather", content: [{ type: "text", text: "18C" }] },
          { type: "tool-result", toolCallId: "c2", name: "get_weather", content: [{ type: "text", text: "21C" }] },
        ],
      },
      { role: "assistant", content: [{ type: "text", text: "Rome is warmer." }] },
    ]);
  });

  test("a namespaced call, a custom call, a local shell call: IR calls under their IR names", () => {
    const messages = decode([
      { type: "function_call", call_id: "c1", name: "list_issues", namespace: "mcp__github", arguments: "{}" },
      { type: "custom_tool_call", call_id: "c2", name: "apply_patch", input: "*** Begin Patch\n*** End Patch" },
      { type: "local_shell_call", id: "lsh_1", status: "completed", action: { type: "exec", command: ["ls"], env: {} } },
      { type: "function_call_output", call_id: "c1", output: "[]" },
      { type: "custom_tool_call_output", call_id: "c2", output: "Done" },
      { type: "local_shell_call_output", id: "lsh_1", output: "a.txt" },
    ]);
    expect(messages).toStrictEqual([
      {
        role: "assistant",
        content: [
          { type: "tool-call", id: "c1", name: "mcp__github__list_issues", arguments: "{}" },
          { type: "tool-call", id: "c2", name: "apply_patch", arguments: '{"input":"*** Begin Patch\\n*** End Patch"}' },
          // OpenAI's own local_shell_call names the call by its id.
          { type: "tool-call", id: "lsh_1", name: "local_shell", arguments: '{"command":["ls"]}' },
        ],
      },
      {
        role: "tool",
        content: [
          { type: "tool-result", toolCallId: "c1", name: "mcp__github__list_issues", content: [{ type: "text", text: "[]" }] },
          { type: "tool-result", toolCallId: "c2", name: "apply_patch", content: [{ type: "text", text: "Done" }] },
          { type: "tool-result", toolCallId: "lsh_1", name: "local_shell", content: [{ type: "text", text: "a.txt" }] },
        ],
      },
    ]);
  });

  test("reasoning: raw content wins over summaries; OpenAI's encrypted content is its signature", () => {
    const [message] = decode([
      {
        type: "reasoning",
        summary: [{ type: "summary_text", text: "Short." }],
        content: [{ type: "reasoning_text", text: "The long thought." }],
        encrypted_content: "gAAAAAB-x",
      },
      { type: "reasoning", summary: [], encrypted_content: "gAAAAAB-y" },
      { type: "reasoning", summary: [] },
    ]);
    expect(message).toStrictEqual({
      role: "assistant",
      content: [
        { type: "reasoning", text: "The long thought.", signature: { family: "openai", value: "gAAAAAB-x" } },
        { type: "reasoning", text: "", signature: { family: "openai", value: "gAAAAAB-y" }, redacted: true },
      ],
    });
  });

  test("a tagged signature for the reasoning: Gemini's is no redaction, Anthropic's redacted thinking is", () => {
    const [message] = decode([
      { type: "reasoning", summary: [], encrypted_content: encodeSignature({ family: "gemini", value: "g" }, "t", "openai") },
      { type: "reasoning", summary: [], encrypted_content: encodeSignature({ family: "anthropic", value: "a" }, "t", "openai") },
      { type: "reasoning", summary: [{ type: "summary_text", text: "Thinking." }], encrypted_content: encodeSignature({ family: "anthropic", value: "s" }, "t", "openai") },
    ]);
    expect(message?.content).toStrictEqual([
      { type: "reasoning", text: "", signature: { family: "gemini", value: "g" } },
      { type: "reasoning", text: "", signature: { family: "anthropic", value: "a" }, redacted: true },
      { type: "reasoning", text: "Thinking.", signature: { family: "anthropic", value: "s" } },
    ]);
  });

  test("a signature for a call goes on the next call of the turn; empty reasoning carrying it goes", () => {
    expect(
      decode([
        { type: "reasoning", summary: [], encrypted_content: geminiCall },
        { type: "message", role: "assistant", content: [{ type: "output_text", text: "Let me look." }] },
        { type: "local_shell_call", call_id: "s1", action: { type: "exec", command: ["ls"] } },
        { type: "function_call", call_id: "f1", name: "read", arguments: "{}" },
      ]),
    ).toStrictEqual([
      {
        role: "assistant",
        content: [
          { type: "text", text: "Let me look." },
          { type: "tool-call", id: "s1", name: "local_shell", arguments: '{"command":["ls"]}', signature: { family: "gemini", value: "CiQB" } },
          { type: "tool-call", id: "f1", name: "read", arguments: "{}" },
        ],
      },
    ]);
  });

  test("reasoning with text and a call signature keeps its text; the signature still reaches the call", () => {
    const [message] = decode([
      { type: "reasoning", summary: [{ type: "summary_text", text: "Plan." }], encrypted_content: geminiCall },
      { type: "custom_tool_call", call_id: "p1", name: "apply_patch", input: "x" },
    ]);
    expect(message?.content).toStrictEqual([
      { type: "reasoning", text: "Plan." },
      { type: "tool-call", id: "p1", name: "apply_patch", arguments: '{"input":"x"}', signature: { family: "gemini", value: "CiQB" } },
    ]);
  });

  test("a call signature does not cross into another turn", () => {
    const messages = decode([
      { type: "reasoning", summary: [], encrypted_content: geminiCall },
      { role: "user", content: "Stop." },
      { type: "function_call", call_id: "f1", name: "read", arguments: "{}" },
    ]);
    expect(messages).toStrictEqual([user("Stop."), { role: "assistant", content: [{ type: "tool-call", id: "f1", name: "read", arguments: "{}" }] }]);
  });

  test("tool outputs: text and images kept, other files noted, unknown parts dropped, empty is one empty text", () => {
    const [tool] = decode([
      { type: "function_call", call_id: "c1", name: "look", arguments: "{}" },
      {
        type: "function_call_output",
        call_id: "c1",
        output: [
          { type: "input_text", text: "Here:" },
          { type: "input_image", image_url: "data:image/png;base64,iVBORw0KGgo=", detail: "high" },
          { type: "input_image", image_url: "not a url" },
          { type: "input_file", filename: "r.pdf", file_data: "data:application/pdf;base64,JVBERi0=" },
          { type: "encrypted_content", data: "x" },
        ],
      },
      { type: "function_call", call_id: "c2", name: "look", arguments: "{}" },
      { type: "function_call_output", call_id: "c2", output: [] },
    ]).filter((message) => message.role === "tool");
    expect(tool?.content).toStrictEqual([
      {
        type: "tool-result",
        toolCallId: "c1",
        name: "look",
        content: [
          { type: "text", text: "Here:" },
          { type: "image", mediaType: "image/png", data: "iVBORw0KGgo=" },
          { type: "text", text: "[file r.pdf (application/pdf) omitted: tool results carry text and images only]" },
        ],
      },
    ]);
    expect(decode([{ type: "function_call_output", call_id: "x", output: [] }])).toStrictEqual([
      { role: "tool", content: [{ type: "tool-result", toolCallId: "x", content: [{ type: "text", text: "" }] }] },
    ]);
  });

  test("a tool search: the call with its arguments, the output listing what became callable", () => {
    const tools = emptyToolSet();
    const messages = decode(
      [
        { type: "tool_search_call", call_id: "t1", execution: "client", arguments: { query: "calendar" } },
        {
          type: "tool_search_output",
          call_id: "t1",
          execution: "client",
          tools: [
            { type: "namespace", name: "mcp__cal", description: "Calendar", tools: [{ type: "function", name: "create_event", description: "Create an event.\nMore." }] },
            { type: "function", name: "ping" },
          ],
        },
      ],
      tools,
    );
    expect(messages).toStrictEqual([
      { role: "assistant", content: [{ type: "tool-call", id: "t1", name: "tool_search", arguments: '{"query":"calendar"}' }] },
      {
        role: "tool",
        content: [
          {
            type: "tool-result",
            toolCallId: "t1",
            name: "tool_search",
            content: [{ type: "text", text: "Tools loaded, callable from now on:\n- mcp__cal__create_event: Create an event.\n- ping" }],
          },
        ],
      },
    ]);
    expect(tools.definitions.map((definition) => definition.name)).toEqual(["mcp__cal__create_event", "ping"]);
    expect(tools.origins.mcp__cal__create_event).toStrictEqual({ kind: "function", originalName: "create_event", namespace: "mcp__cal" });
  });

  test("a server-run tool search without call ids pairs call and output by order", () => {
    const messages = decode([
      { type: "tool_search_call", id: "tsc_1", call_id: null, execution: "server", arguments: {} },
      { type: "tool_search_output", id: "tso_1", call_id: null, execution: "server", tools: [] },
    ]);
    expect(messages).toStrictEqual([
      { role: "assistant", content: [{ type: "tool-call", id: "tsc_1", name: "tool_search", arguments: "{}" }] },
      { role: "tool", content: [{ type: "tool-result", toolCallId: "tsc_1", name: "tool_search", content: [{ type: "text", text: "No tools found." }] }] },
    ]);
  });

  test("additional_tools join the tools; unknown item types are dropped", () => {
    const tools = emptyToolSet();
    const messages = decode(
      [
        { type: "additional_tools", role: "developer", tools: [{ type: "function", name: "late" }] },
        { type: "web_search_call", id: "ws_1", status: "completed", action: { type: "search", query: "x" } },
        { type: "compaction", encrypted_content: "abc" },
        { role: "user", content: "go" },
      ],
      tools,
    );
    expect(messages).toStrictEqual([user("go")]);
    expect(tools.definitions.map((definition) => definition.name)).toEqual(["late"]);
  });
});

import { describe, expect, test } from "bun:test";
import { customToolInput, encodeToolCallItem } from "./encode-tool-call-item.ts";
import type { ToolOrigin } from "./tool-origins.ts";

const raise = (origin: ToolOrigin, args: string) => encodeToolCallItem({ id: "call_1", arguments: args, origin }, "resp_r", 4);

describe("encodeToolCallItem", () => {
  test("function calls, a namespaced one with its namespace and own name again", () => {
    expect(raise({ kind: "function", originalName: "get_weather" }, '{"city":"Paris"}')).toStrictEqual({
      type: "function_call",
      id: "fc_r_4",
      call_id: "call_1",
      name: "get_weather",
      arguments: '{"city":"Paris"}',
      status: "completed",
    });
    expect(raise({ kind: "function", originalName: "list_issues", namespace: "mcp__github" }, "{}")).toStrictEqual({
      type: "function_call",
      id: "fc_r_4",
      call_id: "call_1",
      name: "list_issues",
      arguments: "{}",
      status: "completed",
      namespace: "mcp__github",
    });
  });

  test("custom tool calls carry the input string", () => {
    expect(raise({ kind: "custom", originalName: "apply_patch" }, JSON.stringify({ input: "*** Begin Patch\n" }))).toStrictEqual({
      type: "custom_tool_call",
      id: "ctc_r_4",
      call_id: "call_1",
      name: "apply_patch",
      input: "*** Begin Patch\n",
      status: "completed",
    });
  });

  test("local shell calls: an exec action; a command line given as one string runs through bash", () => {
    expect(raise({ kind: "local_shell", originalName: "local_shell" }, '{"command":["git","status"],"working_directory":"/w","timeout_ms":1000}')).toStrictEqual({
      type: "local_shell_call",
      id: "lsh_r_4",
      call_id: "call_1",
      status: "completed",
      action: { type: "exec", command: ["git", "status"], env: {}, working_directory: "/w", timeout_ms: 1000 },
    });
    expect(raise({ kind: "local_shell", originalName: "local_shell" }, '{"command":"ls | wc -l"}')).toMatchObject({
      action: { type: "exec", command: ["bash", "-lc", "ls | wc -l"], env: {} },
    });
    expect(raise({ kind: "local_shell", originalName: "local_shell" }, "not json")).toMatchObject({ action: { command: [] } });
  });

  test("tool search calls carry their arguments as an object", () => {
    expect(raise({ kind: "tool_search", originalName: "tool_search" }, '{"query":"calendar"}')).toStrictEqual({
      type: "tool_search_call",
      id: "tsc_r_4",
      call_id: "call_1",
      execution: "client",
      status: "completed",
      arguments: { query: "calendar" },
    });
    expect(raise({ kind: "tool_search", originalName: "tool_search" }, "[1]")).toMatchObject({ arguments: {} });
  });
});

describe("customToolInput", () => {
  test.each([
    ['{"input":"raw text"}', "raw text"],
    ['{"input":5}', '{"input":5}'],
    ['{"patch":"x"}', '{"patch":"x"}'],
    ["plain text the model sent as is", "plain text the model sent as is"],
    ["", ""],
  ])("%j → %j", (args, input) => {
    expect(customToolInput(args)).toBe(input);
  });
});

import { describe, expect, test } from "bun:test";
import { addTools, emptyToolSet, type ToolSet } from "./decode-tools.ts";
import { fixture } from "./test-helpers.ts";

function toolSet(tools: Array<{ type: string } & Record<string, unknown>>): ToolSet {
  const set = emptyToolSet();
  addTools(set, tools, ["tools"]);
  return set;
}

const lark = 'start: expr\nexpr: INT\n%import common.INT';

describe("addTools", () => {
  test("a function keeps its schema and strictness; no parameters means an empty object", () => {
    const set = toolSet([
      { type: "function", name: "f", description: "Does f.", parameters: { type: "object", properties: { a: { type: "string" } } }, strict: true },
      { type: "function", name: "g", parameters: null, strict: null },
    ]);
    expect(set.definitions).toStrictEqual([
      { name: "f", description: "Does f.", parameters: { type: "object", properties: { a: { type: "string" } } }, strict: true },
      { name: "g", parameters: { type: "object", properties: {} } },
    ]);
    expect(set.origins).toStrictEqual({ f: { kind: "function", originalName: "f" }, g: { kind: "function", originalName: "g" } });
  });

  test("a custom tool with a grammar: one input string whose description carries the grammar", () => {
    const set = toolSet([
      { type: "custom", name: "math_exp", description: "Creates valid mathematical expressions", format: { type: "grammar", syntax: "lark", definition: lark } },
    ]);
    expect(set.definitions).toStrictEqual([
      {
        name: "math_exp",
        description:
          "Creates valid mathematical expressions\n\nIts input is free-form text, not JSON: pass the whole text as `input`; it must follow the lark grammar given there.",
        parameters: {
          type: "object",
          properties: { input: { type: "string", description: `The raw input text, following this lark grammar:\n${lark}` } },
          required: ["input"],
          additionalProperties: false,
        },
      },
    ]);
    expect(set.origins.math_exp).toStrictEqual({ kind: "custom", originalName: "math_exp" });
  });

  test("Codex's apply_patch keeps its description and its Lark grammar", async () => {
    const codex = (await fixture("codex-request.json")) as { tools: Array<{ type: string; name?: string; format?: { definition: string } }> };
    const applyPatch = codex.tools.find((tool) => tool.name === "apply_patch") as { type: string; format: { definition: string } };
    const [definition] = toolSet([applyPatch]).definitions;
    expect(definition?.description).toStartWith("Use the `apply_patch` tool to edit files. This is a FREEFORM tool, so do not wrap the patch in JSON.");
    const input = (definition?.parameters.properties as { input: { description: string } }).input;
    expect(input.description).toEndWith(applyPatch.format.definition);
  });

  test("local_shell: the argument vector, a working directory, a timeout", () => {
    const set = toolSet([{ type: "local_shell" }]);
    expect(set.definitions[0]?.name).toBe("local_shell");
    expect(set.definitions[0]?.parameters).toStrictEqual({
      type: "object",
      properties: {
        command: { type: "array", items: { type: "string" }, description: "The command and its arguments." },
        workdir: { type: "string", description: "The working directory to run the command in." },
        timeout_ms: { type: "integer", description: "The longest the command may run, in milliseconds." },
      },
      required: ["command"],
      additionalProperties: false,
    });
    expect(set.origins.local_shell).toStrictEqual({ kind: "local_shell", originalName: "local_shell" });
  });

  test("a namespace's function and custom tools are flattened to <namespace>__<name>; others dropped", () => {
    const set = toolSet([
      {
        type: "namespace",
        name: "mcp__github",
        description: "GitHub",
        tools: [
          { type: "function", name: "list_issues", description: "List issues.", parameters: { type: "object", properties: {} } },
          { type: "custom", name: "query" },
          { type: "web_search" },
        ],
      },
    ]);
    expect(set.definitions.map((definition) => definition.name)).toEqual(["mcp__github__list_issues", "mcp__github__query"]);
    expect(set.definitions[0]?.description).toBe("List issues.");
    expect(set.origins).toStrictEqual({
      mcp__github__list_issues: { kind: "function", originalName: "list_issues", namespace: "mcp__github" },
      mcp__github__query: { kind: "custom", originalName: "query", namespace: "mcp__github" },
    });
    expect(set.webSearch).toBeUndefined();
  });

  test("a namespace ending in __ is not doubled", () => {
    expect(toolSet([{ type: "namespace", name: "mcp__x__", tools: [{ type: "function", name: "y" }] }]).definitions[0]?.name).toBe("mcp__x__y");
  });

  test("a client-executed tool_search keeps Codex's schema; a server-executed one is dropped", () => {
    const parameters = { type: "object", properties: { query: { type: "string" } }, required: ["query"] };
    const client = toolSet([{ type: "tool_search", execution: "client", description: "Find tools.", parameters }]);
    expect(client.definitions).toStrictEqual([{ name: "tool_search", description: "Find tools.", parameters }]);
    expect(client.origins.tool_search).toStrictEqual({ kind: "tool_search", originalName: "tool_search" });
    expect(toolSet([{ type: "tool_search", execution: "server" }]).definitions).toEqual([]);
    expect(toolSet([{ type: "tool_search" }]).definitions[0]?.parameters).toMatchObject({ required: ["query"] });
  });

  test.each(["web_search", "web_search_preview", "web_search_2025_08_26", "web_search_preview_2025_03_11"])(
    "%s asks for the upstream's own search, optional",
    (type) => {
      const set = toolSet([{ type, external_web_access: false, search_context_size: "medium" }]);
      expect(set.webSearch).toEqual({ required: false });
      expect(set.definitions).toEqual([]);
    },
  );

  test("web search domain filters", () => {
    expect(toolSet([{ type: "web_search", filters: { allowed_domains: ["openai.com"] } }]).webSearch).toEqual({
      required: false,
      allowedDomains: ["openai.com"],
    });
  });

  test("hosted and unknown tools are dropped, never refused", () => {
    const set = toolSet([
      { type: "image_generation", output_format: "png" },
      { type: "file_search", vector_store_ids: ["vs_1"] },
      { type: "mcp", server_label: "x" },
      { type: "code_interpreter", container: { type: "auto" } },
      { type: "computer_use_preview" },
      { type: "apply_patch" },
      { type: "shell" },
      { type: "something_new" },
    ]);
    expect(set).toStrictEqual({ definitions: [], origins: {} });
  });

  test("a name declared twice keeps its first definition; the names are returned either way", () => {
    const set = emptyToolSet();
    const first: { type: string } = { type: "function", name: "f", description: "first" } as { type: string };
    const second: { type: string } = { type: "function", name: "f", description: "second" } as { type: string };
    expect(addTools(set, [first], ["tools"])).toEqual(["f"]);
    expect(addTools(set, [second], ["input", 3, "tools"])).toEqual(["f"]);
    expect(set.definitions).toStrictEqual([{ name: "f", description: "first", parameters: { type: "object", properties: {} } }]);
  });
});

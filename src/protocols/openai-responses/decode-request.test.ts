import { describe, expect, test } from "bun:test";
import { decodeResponsesRequest } from "./decode-request.ts";
import { fixture } from "./test-helpers.ts";

const decode = (body: Record<string, unknown>) => decodeResponsesRequest({ model: "gpt-5", ...body });

describe("decodeResponsesRequest: Codex", () => {
  test("a Codex turn with every item and tool type decodes, nothing refused", async () => {
    const { request, options } = decodeResponsesRequest(await fixture("codex-request.json"));
    expect(request.messages).toStrictEqual([
      {
        role: "system",
        content: [
          {
            type: "text",
            text: "You are Codex, a coding agent based on GPT-5. You and the user share the same workspace and collaborate to achieve the user's goals.",
          },
        ],
      },
      {
        role: "user",
        content: [{ type: "text", text: "<environment_context>\n  <cwd>/Users/you/work/demo</cwd>\n  <shell>zsh</shell>\n</environment_context>" }],
      },
      { role: "user", content: [{ type: "text", text: "Fix the failing test and add a calendar reminder for the release." }] },
      {
        role: "assistant",
        content: [
          {
            type: "reasoning",
            text: "**Looking at the tests**\n\nI should run the test suite first.",
            signature: { family: "openai", value: "gAAAAABo9xTqE8wUqN1Gm0a2Xl7c-encrypted-reasoning" },
          },
          { type: "tool-call", id: "call_exec_1", name: "exec_command", arguments: '{"cmd":"npm test","workdir":"/Users/you/work/demo"}' },
        ],
      },
      {
        role: "tool",
        content: [
          {
            type: "tool-result",
            toolCallId: "call_exec_1",
            name: "exec_command",
            content: [{ type: "text", text: "FAIL src/sum.test.ts\n  expected 3, got 4" }],
          },
        ],
      },
      {
        role: "assistant",
        content: [
          {
            type: "tool-call",
            id: "call_patch_1",
            name: "apply_patch",
            arguments: JSON.stringify({ input: "*** Begin Patch\n*** Update File: src/sum.ts\n@@\n-  return a + b + 1;\n+  return a + b;\n*** End Patch\n" }),
          },
        ],
      },
      {
        role: "tool",
        content: [
          {
            type: "tool-result",
            toolCallId: "call_patch_1",
            name: "apply_patch",
            content: [{ type: "text", text: "Success. Updated the following files:\nM src/sum.ts\n" }],
          },
        ],
      },
      {
        role: "assistant",
        content: [
          {
            type: "tool-call",
            id: "call_shell_1",
            name: "local_shell",
            arguments: '{"command":["bash","-lc","npm test"],"workdir":"/Users/you/work/demo","timeout_ms":120000}',
          },
        ],
      },
      {
        role: "tool",
        content: [{ type: "tool-result", toolCallId: "call_shell_1", name: "local_shell", content: [{ type: "text", text: "PASS src/sum.test.ts" }] }],
      },
      {
        role: "assistant",
        content: [{ type: "tool-call", id: "call_search_1", name: "tool_search", arguments: '{"query":"create calendar event","limit":1}' }],
      },
      {
        role: "tool",
        content: [
          {
            type: "tool-result",
            toolCallId: "call_search_1",
            name: "tool_search",
            content: [{ type: "text", text: "Tools loaded, callable from now on:\n- mcp__calendar__create_event: Create a calendar event." }],
          },
        ],
      },
      {
        role: "assistant",
        content: [
          {
            type: "tool-call",
            id: "call_event_1",
            name: "mcp__calendar__create_event",
            arguments: '{"title":"Release","starts_at":"2026-04-01T09:00:00Z"}',
          },
        ],
      },
      {
        role: "tool",
        content: [
          {
            type: "tool-result",
            toolCallId: "call_event_1",
            name: "mcp__calendar__create_event",
            content: [{ type: "text", text: '{"id":"evt_42"}' }],
          },
        ],
      },
      { role: "assistant", content: [{ type: "text", text: "The test passes now, and the release reminder is in your calendar." }] },
      { role: "user", content: [{ type: "text", text: "Thanks! Now check the GitHub issues." }] },
    ]);
    expect(request.tools?.map((tool) => tool.name)).toEqual([
      "exec_command",
      "apply_patch",
      "local_shell",
      "mcp__github__list_issues",
      "tool_search",
      "mcp__calendar__create_event",
    ]);
    expect(request.webSearch).toEqual({ required: false });
    expect(request.toolChoice).toBe("auto");
    expect(request.parallelToolCalls).toBe(true);
    expect(request.reasoning).toEqual({ effort: "medium" });
    expect(request.stream).toBe(true);
    expect(request.user).toBe("019d27fa-d92f-7e91-a4f1-5b910be3713a");
    expect(request.responseFormat).toBeUndefined();
    expect(options.tools).toStrictEqual({
      exec_command: { kind: "function", originalName: "exec_command" },
      apply_patch: { kind: "custom", originalName: "apply_patch" },
      local_shell: { kind: "local_shell", originalName: "local_shell" },
      mcp__github__list_issues: { kind: "function", originalName: "list_issues", namespace: "mcp__github" },
      tool_search: { kind: "tool_search", originalName: "tool_search" },
      mcp__calendar__create_event: { kind: "function", originalName: "create_event", namespace: "mcp__calendar" },
    });
    expect(options.includeEncrypted).toBe(true);
    expect(options.store).toBe(false);
    expect(options.reasoningSummary).toBe("auto");
    expect(options.previousResponseId).toBeUndefined();
    expect(options.inputItems).toHaveLength(16);
    expect(options.echo.text).toEqual({ format: { type: "text" }, verbosity: "low" });
    expect(options.echo.tools).toHaveLength(7);
  });
});

describe("decodeResponsesRequest: documented requests", () => {
  test("a string input is one user message; OpenAI's defaults", async () => {
    const { request, options } = decodeResponsesRequest(await fixture("text-request.json"));
    expect(request).toStrictEqual({
      model: "gpt-4.1",
      messages: [{ role: "user", content: [{ type: "text", text: "Tell me a three sentence bedtime story about a unicorn." }] }],
      stream: false,
    });
    expect(options).toStrictEqual({
      tools: {},
      includeEncrypted: false,
      store: true,
      inputItems: [{ type: "message", role: "user", content: [{ type: "input_text", text: "Tell me a three sentence bedtime story about a unicorn." }] }],
      echo: {
        instructions: null,
        max_output_tokens: null,
        metadata: {},
        parallel_tool_calls: true,
        previous_response_id: null,
        prompt_cache_key: null,
        reasoning: { effort: null, summary: null },
        safety_identifier: null,
        service_tier: null,
        store: true,
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

  test("instructions lead as a system message", async () => {
    const { request, options } = decodeResponsesRequest(await fixture("streaming-request.json"));
    expect(request.messages).toStrictEqual([
      { role: "system", content: [{ type: "text", text: "You are a helpful assistant." }] },
      { role: "user", content: [{ type: "text", text: "Hello!" }] },
    ]);
    expect(request.stream).toBe(true);
    expect(options.echo.instructions).toBe("You are a helpful assistant.");
  });

  test("function tools as they are", async () => {
    const { request } = decodeResponsesRequest(await fixture("function-request.json"));
    expect(request.tools).toStrictEqual([
      {
        name: "get_current_weather",
        description: "Get the current weather in a given location",
        parameters: {
          type: "object",
          properties: {
            location: { type: "string", description: "The city and state, e.g. San Francisco, CA" },
            unit: { type: "string", enum: ["celsius", "fahrenheit"] },
          },
          required: ["location", "unit"],
        },
      },
    ]);
    expect(request.toolChoice).toBe("auto");
  });

  test("reasoning effort, summary and encrypted content", async () => {
    const { request, options } = decodeResponsesRequest(await fixture("reasoning-request.json"));
    expect(request.reasoning).toEqual({ effort: "high" });
    expect(options.reasoningSummary).toBe("auto");
    expect(options.includeEncrypted).toBe(true);
    expect(options.store).toBe(false);
  });

  test("images and files", async () => {
    expect(decodeResponsesRequest(await fixture("image-request.json")).request.messages[0]).toStrictEqual({
      role: "user",
      content: [
        { type: "text", text: "what is in this image?" },
        {
          type: "image",
          url: "https://upload.wikimedia.org/wikipedia/commons/thumb/d/dd/Gfp-wisconsin-madison-the-nature-boardwalk.jpg/2560px-Gfp-wisconsin-madison-the-nature-boardwalk.jpg",
        },
      ],
    });
    expect(decodeResponsesRequest(await fixture("file-request.json")).request.messages[0]).toStrictEqual({
      role: "user",
      content: [
        { type: "file", mediaType: "application/pdf", data: "JVBERi0xLjQK", filename: "draconomicon.pdf" },
        { type: "file", mediaType: "application/pdf", url: "https://www.berkshirehathaway.com/letters/2024ltr.pdf" },
        { type: "text", text: "What is the first dragon in the book?" },
      ],
    });
  });

  test("files: bare base64 typed by the file name, image files as images, audio", () => {
    const content = [
      { type: "input_file", filename: "notes.md", file_data: "IyBIaQ==" },
      { type: "input_file", filename: "chart.png", file_data: "data:image/png;base64,iVBORw0KGgo=" },
      { type: "input_file", file_url: "https://x.test/photo.JPG" },
      { type: "input_audio", input_audio: { data: "UklGRg==", format: "wav" } },
      { type: "input_image", image_url: "data:image/jpeg;base64,/9j/4AAQ", detail: "low" },
    ];
    expect(decode({ input: [{ role: "user", content }] }).request.messages[0]?.content).toStrictEqual([
      { type: "file", mediaType: "text/markdown", data: "IyBIaQ==", filename: "notes.md" },
      { type: "image", mediaType: "image/png", data: "iVBORw0KGgo=" },
      { type: "image", mediaType: "image/jpeg", url: "https://x.test/photo.JPG" },
      { type: "file", mediaType: "audio/wav", data: "UklGRg==" },
      { type: "image", mediaType: "image/jpeg", data: "/9j/4AAQ" },
    ]);
  });

  test("custom tools become functions taking one input string", async () => {
    const { request, options } = decodeResponsesRequest(await fixture("custom-tool-request.json"));
    expect(request.tools).toStrictEqual([
      {
        name: "code_exec",
        description: "Executes arbitrary Python code.\n\nIts input is free-form text, not JSON: pass the whole text as `input`.",
        parameters: {
          type: "object",
          properties: { input: { type: "string", description: "The raw input text." } },
          required: ["input"],
          additionalProperties: false,
        },
      },
    ]);
    expect(options.tools).toStrictEqual({ code_exec: { kind: "custom", originalName: "code_exec" } });
  });
});

describe("decodeResponsesRequest: settings", () => {
  test.each([
    ["none", "none"],
    ["required", "required"],
    [{ type: "function", name: "get_weather" }, { name: "get_weather" }],
    [{ type: "custom", name: "apply_patch" }, { name: "apply_patch" }],
    [{ type: "function", name: "list_issues" }, { name: "mcp__github__list_issues" }],
    [{ type: "allowed_tools", mode: "required", tools: [{ type: "function", name: "get_weather" }] }, "required"],
    [{ type: "allowed_tools", mode: "auto", tools: [] }, "auto"],
    [{ type: "web_search_preview" }, undefined],
  ])("tool_choice %j", (choice, expected) => {
    const tools = [
      { type: "function", name: "get_weather" },
      { type: "custom", name: "apply_patch" },
      { type: "namespace", name: "mcp__github", tools: [{ type: "function", name: "list_issues" }] },
    ];
    expect(decode({ input: "x", tools, tool_choice: choice }).request.toolChoice).toEqual(expected as never);
  });

  test.each([
    [{ type: "text" }, { type: "text" }],
    [{ type: "json_object" }, { type: "json" }],
    [
      { type: "json_schema", name: "codex_output_schema", schema: { type: "object" }, strict: true },
      { type: "json", name: "codex_output_schema", schema: { type: "object" }, strict: true },
    ],
  ])("text.format %j", (format, expected) => {
    expect(decode({ input: "x", text: { format } }).request.responseFormat).toEqual(expected as never);
  });

  test("sampling and limits", () => {
    const { request } = decode({ input: "x", max_output_tokens: 100, temperature: 0.2, top_p: 0.9, parallel_tool_calls: false });
    expect(request).toMatchObject({ maxOutputTokens: 100, temperature: 0.2, topP: 0.9, parallelToolCalls: false });
  });

  test("the user key prefers the conversation's prompt_cache_key", () => {
    expect(decode({ input: "x", user: "u", safety_identifier: "s", prompt_cache_key: "p" }).request.user).toBe("p");
    expect(decode({ input: "x", user: "u", safety_identifier: "s" }).request.user).toBe("s");
    expect(decode({ input: "x", user: "u" }).request.user).toBe("u");
    expect(decode({ input: "x" }).request.user).toBeUndefined();
  });

  test("previous_response_id, store and metadata go to the options", () => {
    const { options } = decode({ input: "x", previous_response_id: "resp_prev", metadata: { k: "v" }, store: true });
    expect(options.previousResponseId).toBe("resp_prev");
    expect(options.store).toBe(true);
    expect(options.echo).toMatchObject({ previous_response_id: "resp_prev", metadata: { k: "v" } });
  });

  test("input items are kept as the client sent them, for storage", () => {
    const input = [
      { role: "user", content: "hi", extra: 1 },
      { type: "web_search_call", id: "ws_1", status: "completed" },
    ];
    expect(decode({ input }).options.inputItems).toStrictEqual(input);
  });

  test("an unknown field is ignored", () => {
    expect(() => decode({ input: "x", new_setting: { a: 1 } })).not.toThrow();
  });
});

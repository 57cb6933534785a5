import { describe, expect, test } from "bun:test";
import { Glob } from "bun";
import { decodeResponsesRequest } from "./decode-request.ts";

/** Requests recorded from Codex CLI 0.169.0 (see test/fixtures/codex/README.md). */
const root = new URL("../../../test/fixtures/codex/captured/", import.meta.url).pathname;
const captured = [...new Glob("*/*-POST-v1_responses*.json").scanSync(root)].sort();

async function body(path: string): Promise<Record<string, unknown>> {
  return ((await Bun.file(root + path).json()) as { body: Record<string, unknown> }).body;
}

describe("requests recorded from Codex CLI", () => {
  test("there are recordings to check", () => {
    expect(captured.length).toBeGreaterThanOrEqual(10);
  });

  test.each(captured)("%s decodes, its base instructions as the first system message", async (path) => {
    const { request, options } = decodeResponsesRequest(await body(path));
    expect(request.messages[0]?.role).toBe("system");
    expect(request.stream).toBe(true);
    expect(request.webSearch).toEqual({ required: false });
    expect(options.includeEncrypted).toBe(true);
    expect(options.store).toBe(false);
  });

  test("a catalog model's tools: apply_patch as a custom tool, a client tool_search", async () => {
    const { options } = decodeResponsesRequest(await body("tool-apply-patch/002-POST-v1_responses.json"));
    expect(options.tools.apply_patch).toEqual({ kind: "custom", originalName: "apply_patch" });
    expect(options.tools.tool_search).toEqual({ kind: "tool_search", originalName: "tool_search" });
  });

  test("an unknown model's tools: the multi_agent_v1 namespace, flattened", async () => {
    const { request, options } = decodeResponsesRequest(await body("plain-unknown-model/001-POST-v1_responses.json"));
    expect(request.tools?.map((tool) => tool.name)).toContain("multi_agent_v1__spawn_agent");
    expect(options.tools.multi_agent_v1__spawn_agent).toEqual({ kind: "function", originalName: "spawn_agent", namespace: "multi_agent_v1" });
  });

  test("a second turn with reasoning, a message and a call: one assistant message, then the output", async () => {
    const { request } = decodeResponsesRequest(await body("tool-exec-reasoning/002-POST-v1_responses.json"));
    expect(request.messages.slice(-2)).toStrictEqual([
      {
        role: "assistant",
        content: [
          {
            type: "reasoning",
            text: "**Running the command**\n\nI will run echo.",
            signature: { family: "openai", value: "opaque-reasoning-blob-1" },
          },
          { type: "text", text: "Running it now." },
          { type: "tool-call", id: "call_rec_exec_command", name: "exec_command", arguments: '{"cmd":"echo agw-tool-ok"}' },
        ],
      },
      {
        role: "tool",
        content: [
          {
            type: "tool-result",
            toolCallId: "call_rec_exec_command",
            name: "exec_command",
            content: [
              {
                type: "text",
                text: "Chunk ID: ab4146\nWall time: 0.0000 seconds\nProcess exited with code 0\nOriginal token count: 3\nOutput:\nagw-tool-ok\n",
              },
            ],
          },
        ],
      },
    ]);
  });
});

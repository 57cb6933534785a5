/**
 * Checks the harness itself: the real Claude Code CLI, started by runClaude,
 * against the recording server (a fake Anthropic API on 127.0.0.1) — a plain
 * prompt and a Bash tool round trip, both in Anthropic's wire format.
 * If this fails, claude-code.test.ts failing says nothing about agw.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { startRecordingServer, toolResultTexts, toolScript, type RecordingServer } from "./recording-server.ts";
import { runClaude } from "./run-claude.ts";

let server: RecordingServer;

beforeAll(() => {
  server = startRecordingServer();
});

afterAll(async () => {
  await server?.stop();
});

afterEach(() => {
  server.setScript(undefined);
  server.requests.length = 0;
});

describe("runClaude against the recording server", () => {
  test(
    "plain prompt, API key: streams the answer, exits 0 with the text as result",
    async () => {
      const run = await runClaude({ baseUrl: server.url, apiKey: "test-key", prompt: "Say hello", timeoutMs: 60_000 });
      if (run.exitCode !== 0) console.error(run.stdout, run.stderr);
      expect(run.exitCode).toBe(0);
      expect(run.json?.is_error).toBe(false);
      expect(run.json?.result).toBe("Echo: Say hello");

      const [message] = server.messages();
      expect(server.messages()).toHaveLength(1);
      expect(message!.path).toBe("/v1/messages?beta=true");
      expect(message!.headers["anthropic-version"]).toBe("2023-06-01");
      expect(message!.headers["x-api-key"]).toStartWith("<redacted");
      expect(message!.headers.authorization).toBeUndefined();
      expect(message!.body.stream).toBe(true);
      expect(message!.body.model).toStartWith("claude-");
      expect(message!.body.tools.map((tool: any) => tool.name)).toContain("Bash");
      // Nothing but the preconnect probe and the messages call.
      expect(server.requests.every((request) => request.path === "/" || request.path.startsWith("/v1/messages"))).toBe(true);
    },
    120_000,
  );

  test(
    "auth token instead of API key: sent as Authorization: Bearer",
    async () => {
      const run = await runClaude({ baseUrl: server.url, authToken: "test-token", prompt: "Say hello", timeoutMs: 60_000 });
      expect(run.exitCode).toBe(0);
      expect(run.json?.result).toBe("Echo: Say hello");
      const [message] = server.messages();
      expect(message!.headers.authorization).toContain("Bearer");
      expect(message!.headers["x-api-key"]).toBeUndefined();
    },
    120_000,
  );

  test(
    "tool round trip: tool_use of Bash, Claude Code runs it, tool_result comes back, final text is the result",
    async () => {
      server.setScript(toolScript("Bash", { command: "echo agw-tool-ok", description: "Print a marker" }, (result) => `The command printed: ${result}`));
      const run = await runClaude({ baseUrl: server.url, prompt: "Run `echo agw-tool-ok` and tell me what it printed", timeoutMs: 60_000 });
      if (run.exitCode !== 0) console.error(run.stdout, run.stderr);
      expect(run.exitCode).toBe(0);
      expect(run.json?.result).toBe("The command printed: agw-tool-ok");
      expect(run.json?.num_turns).toBe(2);

      const messages = server.messages();
      expect(messages).toHaveLength(2);
      const last = messages[1]!.body.messages.at(-1);
      expect(last.role).toBe("user");
      expect(last.content[0]).toMatchObject({ type: "tool_result", tool_use_id: "toolu_rec_Bash", is_error: false });
      expect(toolResultTexts(messages[1]!.body)).toEqual(["agw-tool-ok"]);
    },
    120_000,
  );
});

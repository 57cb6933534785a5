/**
 * Checks the harness itself: the real Codex CLI, started by runCodex, against
 * the recording server (a fake OpenAI Responses API on 127.0.0.1) — a plain
 * prompt, an exec_command tool round trip and a fast failure, all in the
 * Responses wire format. If this fails, codex.test.ts failing says nothing
 * about agw.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { startRecordingServer, toolNames, toolOutputs, toolScript, type RecordingServer } from "./recording-server.ts";
import { runCodex, type RunCodexResult } from "./run-codex.ts";

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

function explain(run: RunCodexResult): string {
  return JSON.stringify({ exitCode: run.exitCode, timedOut: run.timedOut, stdout: run.stdout.slice(0, 3000), stderr: run.stderr.slice(0, 3000) }, null, 2);
}

describe("runCodex against the recording server", () => {
  test(
    "plain prompt: streams the answer, exits 0 with the text as last message",
    async () => {
      const run = await runCodex({ baseUrl: server.url, apiKey: "test-key", prompt: "Say hello", timeoutMs: 60_000 });
      if (run.exitCode !== 0) console.error(explain(run));
      expect(run.timedOut).toBe(false);
      expect(run.exitCode).toBe(0);
      expect(run.lastMessage).toBe("Echo: Say hello");
      expect(run.stdout).toContain("Echo: Say hello");

      const responses = server.responses();
      expect(responses).toHaveLength(1);
      const [request] = responses;
      expect(request!.path).toBe("/v1/responses");
      expect(request!.headers.authorization).toBe("<redacted, 15 chars, Bearer>"); // "Bearer test-key"
      expect(request!.headers.accept).toBe("text/event-stream");
      expect(request!.headers.originator).toBe("codex_exec");
      expect(request!.body).toMatchObject({ model: "gpt-5.5", stream: true, store: false, tool_choice: "auto", parallel_tool_calls: true });
      expect(request!.body.instructions).toBeUndefined(); // the base instructions come as a developer message
      expect(request!.body.input.map((item: any) => item.role)).toEqual(["developer", "developer", "user", "user"]);
      expect(toolNames(request!.body)).toContain("exec_command");
      // Nothing but the responses call.
      expect(server.requests.every((recorded) => recorded.path === "/v1/responses")).toBe(true);
    },
    120_000,
  );

  test(
    "tool round trip: function_call of exec_command, Codex runs it, function_call_output comes back, final text is the last message",
    async () => {
      server.setScript(toolScript("exec_command", { cmd: "echo agw-tool-ok" }, (output) => `The command printed: ${output.trim().split("\n").at(-1)}`));
      const run = await runCodex({ baseUrl: server.url, prompt: "Run `echo agw-tool-ok` and tell me what it printed", json: true, timeoutMs: 60_000 });
      if (run.exitCode !== 0) console.error(explain(run));
      expect(run.exitCode).toBe(0);
      expect(run.lastMessage).toBe("The command printed: agw-tool-ok");
      const execution = run.events?.find((event) => event.type === "item.completed" && event.item?.type === "command_execution")?.item;
      expect(execution).toMatchObject({ command: "/bin/bash -lc 'echo agw-tool-ok'", aggregated_output: "agw-tool-ok\n", exit_code: 0, status: "completed" });

      const responses = server.responses();
      expect(responses).toHaveLength(2);
      const input: any[] = responses[1]!.body.input;
      expect(input.at(-2)).toMatchObject({ type: "function_call", name: "exec_command", call_id: "call_rec_exec_command", arguments: '{"cmd":"echo agw-tool-ok"}' });
      expect(input.at(-1)).toMatchObject({ type: "function_call_output", call_id: "call_rec_exec_command" });
      expect(toolOutputs(responses[1]!.body).at(-1)!.output).toContain("Output:\nagw-tool-ok\n");
    },
    120_000,
  );

  test(
    "an error status fails the run at once (no retries) with exit code 1",
    async () => {
      server.setScript(() => ({ output: [], error: { status: 404, message: "no such endpoint (agw-e2e)" } }));
      const run = await runCodex({ baseUrl: server.url, prompt: "Say hello", timeoutMs: 60_000 });
      expect(run.exitCode).toBe(1);
      expect(run.stderr).toContain("no such endpoint (agw-e2e)");
      expect(server.responses()).toHaveLength(1);
      expect(run.durationMs).toBeLessThan(5_000);
    },
    120_000,
  );
});

/**
 * Records what the installed Codex CLI sends, into
 * test/fixtures/codex/captured/<scenario>/:
 *
 *   bun test/e2e/codex/capture.ts             # all scenarios
 *   bun test/e2e/codex/capture.ts tool-exec   # some
 *
 * Each request is written as NNN-METHOD-path.json ({ index, method, path,
 * headers, body }) with keys redacted, ids that change every run left as they
 * are, and every string longer than 300 characters cut. The structure — input
 * items, tools with their full schemas, reasoning, include, text — is kept
 * whole, and so are headers and client_metadata. One request (tool-exec, the
 * second call) is also written untrimmed as `*.full.json`. The paths of the
 * temp HOME and working directory become <home> and <cwd>. `events.jsonl` is
 * the CLI's `--json` output, `run.json` the exit code, duration, command line,
 * last message and stderr.
 *
 * Only a local recording server (127.0.0.1, port 0) is contacted.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startRecordingServer, toolOutputs, toolScript, type ResponsesScript } from "./recording-server.ts";
import { codexCommand, codexVersion, runCodex, type RunCodexOptions } from "./run-codex.ts";

const fixtures = resolve(import.meta.dir, "../../fixtures/codex/captured");
const MAX_STRING = 300;

interface Scenario {
  prompt: string;
  script?: ResponsesScript;
  options?: Partial<RunCodexOptions>;
  /** Files to create in the CLI's working directory. */
  files?: Record<string, string>;
}

const patch = "*** Begin Patch\n*** Add File: notes.txt\n+agw-patch-ok\n*** End Patch\n";

const scenarios: Record<string, (cwd: string) => Scenario> = {
  // A model of Codex's bundled catalog: the full tool set (apply_patch as a custom tool, tool_search, web_search).
  plain: () => ({ prompt: "Say hello" }),
  // A name Codex does not know: fallback metadata, a warning on stderr, another tool set.
  "plain-unknown-model": () => ({ prompt: "Say hello", options: { model: "gpt-5-codex" } }),
  "tool-exec": () => ({
    prompt: "Run `echo agw-tool-ok` and tell me what it printed",
    script: toolScript("exec_command", { cmd: "echo agw-tool-ok" }, (output) => `The command printed: ${output.trim().split("\n").at(-1)}`),
    options: { json: true },
  }),
  // The same through Codex's own sandbox (bundled bubblewrap), as a user would run it by default.
  "tool-exec-sandbox-read-only": () => ({
    prompt: "Run `echo agw-tool-ok` and tell me what it printed",
    script: toolScript("exec_command", { cmd: "echo agw-tool-ok" }, (output) => `The command printed: ${output.trim().split("\n").at(-1)}`),
    options: { json: true, sandbox: "read-only" },
  }),
  "tool-apply-patch": () => ({
    prompt: "Create notes.txt containing agw-patch-ok",
    script: (body) => {
      const outputs = toolOutputs(body);
      if (outputs.length > 0) return { output: [{ type: "message", text: `Patched: ${outputs.at(-1)!.output}` }] };
      return { output: [{ type: "custom_tool_call", name: "apply_patch", input: patch, call_id: "call_rec_apply_patch" }] };
    },
    options: { json: true },
  }),
  // A turn with reasoning (summary + encrypted_content) and text before the call: what Codex sends back of it.
  "tool-exec-reasoning": () => ({
    prompt: "Run `echo agw-tool-ok` and tell me what it printed",
    script: (body) => {
      const outputs = toolOutputs(body);
      if (outputs.length > 0) return { output: [{ type: "message", text: `The command printed: ${outputs.at(-1)!.output.trim().split("\n").at(-1)}` }] };
      return {
        output: [
          { type: "reasoning", summary: "**Running the command**\n\nI will run echo.", encrypted_content: "opaque-reasoning-blob-1" },
          { type: "message", text: "Running it now." },
          { type: "function_call", name: "exec_command", arguments: { cmd: "echo agw-tool-ok" }, call_id: "call_rec_exec_command" },
        ],
      };
    },
    options: { json: true },
  }),
  "error-404": () => ({
    prompt: "Say hello",
    script: () => ({ output: [], error: { status: 404, message: "The model `gpt-5.5` does not exist", type: "invalid_request_error", code: "model_not_found" } }),
  }),
};

/** Strings longer than MAX_STRING are cut, except in `headers` and `client_metadata` (ids and turn metadata, kept whole). */
export function trim(value: unknown, key?: string): unknown {
  if (key === "headers" || key === "client_metadata") return value;
  if (typeof value === "string") {
    return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…[truncated, ${value.length} chars]` : value;
  }
  if (Array.isArray(value)) return value.map((item) => trim(item));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, trim(item, name)]));
  return value;
}

/** Requests also written whole (untrimmed), as NNN-METHOD-path.full.json: one complete body for decoder tests. */
const untrimmed: Record<string, number[]> = { "tool-exec": [2] };

const wanted = process.argv.slice(2);
const names = wanted.length > 0 ? wanted : Object.keys(scenarios);
console.log(`CLI: ${codexCommand().join(" ")} (${codexVersion()})`);

for (const name of names) {
  const make = scenarios[name];
  if (!make) throw new Error(`unknown scenario ${name}; known: ${Object.keys(scenarios).join(", ")}`);
  const cwd = mkdtempSync(join(tmpdir(), "agw-codex-capture-"));
  const scenario = make(cwd);
  for (const [file, text] of Object.entries(scenario.files ?? {})) writeFileSync(join(cwd, file), text);
  const server = startRecordingServer({ script: scenario.script });
  try {
    const run = await runCodex({ baseUrl: server.url, apiKey: "test-key", prompt: scenario.prompt, cwd, timeoutMs: 60_000, ...scenario.options });
    const dir = join(fixtures, name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const request of server.requests) {
      const slug = request.path.split("?")[0]!.replace(/[^A-Za-z0-9]+/g, "_").replace(/^_|_$/g, "") || "root";
      const anonymise = (text: string) =>
        text.replaceAll(cwd, "<cwd>").replaceAll(run.home, "<home>").replaceAll(server.url.replace("http://", ""), "127.0.0.1:<port>");
      const base = `${String(request.index).padStart(3, "0")}-${request.method}-${slug}`;
      writeFileSync(join(dir, `${base}.json`), anonymise(JSON.stringify(trim(request), null, 2)) + "\n");
      if (untrimmed[name]?.includes(request.index)) writeFileSync(join(dir, `${base}.full.json`), anonymise(JSON.stringify(request, null, 2)) + "\n");
    }
    if (run.events) writeFileSync(join(dir, "events.jsonl"), run.events.map((event) => JSON.stringify(event).replaceAll(cwd, "<cwd>")).join("\n") + "\n");
    const summary = {
      prompt: scenario.prompt,
      version: codexVersion(),
      exitCode: run.exitCode,
      timedOut: run.timedOut,
      durationMs: run.durationMs,
      command: run.command.map((part) =>
        part === scenario.prompt ? "<prompt>" : part.replace(/^.*node_modules\//, "node_modules/").replace(run.home, "<home>"),
      ),
      lastMessage: run.lastMessage,
      stdout: run.events ? "<events.jsonl>" : run.stdout,
      stderr: run.stderr.replaceAll(run.home, "<home>").replaceAll(cwd, "<cwd>").replaceAll(server.url, "http://127.0.0.1:<port>"),
      requests: server.requests.map((request) => `${request.method} ${request.path}`),
    };
    writeFileSync(join(dir, "run.json"), JSON.stringify(summary, null, 2) + "\n");
    console.log(`${name}: exit ${run.exitCode} in ${run.durationMs} ms, ${server.requests.length} requests, last message ${JSON.stringify(run.lastMessage)}`);
  } finally {
    await server.stop();
    rmSync(cwd, { recursive: true, force: true });
  }
}

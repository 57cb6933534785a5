/**
 * Records what the installed Claude Code CLI sends, into
 * test/fixtures/claude-code/captured/<scenario>/:
 *
 *   bun test/e2e/claude-code/capture.ts            # all scenarios
 *   bun test/e2e/claude-code/capture.ts tool-bash  # some
 *
 * Each request is written as NNN-METHOD-path.json ({ index, method, path,
 * headers, body }) with keys redacted and every string longer than 300
 * characters cut (the structure — system blocks, tools, schemas, metadata —
 * is kept whole). `result.json` is the CLI's `--output-format json` output,
 * `run.json` the exit code, duration and command line.
 *
 * Only a local recording server (127.0.0.1, port 0) is contacted.
 */
import { mkdirSync, rmSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startRecordingServer, toolScript, type MessagesScript } from "./recording-server.ts";
import { claudeCommand, runClaude, type RunClaudeOptions } from "./run-claude.ts";

const fixtures = resolve(import.meta.dir, "../../fixtures/claude-code/captured");
const MAX_STRING = 300;

interface Scenario {
  prompt: string;
  script?: MessagesScript;
  options?: Partial<RunClaudeOptions>;
  /** Files to create in the CLI's working directory. */
  files?: Record<string, string>;
}

const scenarios: Record<string, (cwd: string) => Scenario> = {
  "plain-api-key": () => ({ prompt: "Say hello", options: { apiKey: "test-key" } }),
  "plain-auth-token": () => ({ prompt: "Say hello", options: { apiKey: undefined, authToken: "test-token" } }),
  "tool-bash": () => ({
    prompt: "Run `echo agw-tool-ok` and tell me what it printed",
    script: toolScript("Bash", { command: "echo agw-tool-ok", description: "Print a marker" }, (result) => `The command printed: ${result}`),
  }),
  "tool-read": (cwd) => ({
    prompt: "Read notes.txt and tell me what it says",
    files: { "notes.txt": "agw-read-ok\n" },
    script: toolScript("Read", { file_path: join(cwd, "notes.txt") }, (result) => `The file says: ${result}`),
  }),
};

export function trim(value: unknown): unknown {
  if (typeof value === "string") {
    return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…[truncated, ${value.length} chars]` : value;
  }
  if (Array.isArray(value)) return value.map(trim);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, trim(item)]));
  return value;
}

const wanted = process.argv.slice(2);
const names = wanted.length > 0 ? wanted : Object.keys(scenarios);
console.log(`CLI: ${claudeCommand().join(" ")}`);

for (const name of names) {
  const make = scenarios[name];
  if (!make) throw new Error(`unknown scenario ${name}; known: ${Object.keys(scenarios).join(", ")}`);
  const cwd = mkdtempSync(join(tmpdir(), "agw-claude-capture-"));
  const scenario = make(cwd);
  for (const [file, text] of Object.entries(scenario.files ?? {})) writeFileSync(join(cwd, file), text);
  const server = startRecordingServer({ script: scenario.script });
  try {
    const run = await runClaude({ baseUrl: server.url, prompt: scenario.prompt, cwd, timeoutMs: 60_000, ...scenario.options });
    const dir = join(fixtures, name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const request of server.requests) {
      const slug = request.path.split("?")[0]!.replace(/[^A-Za-z0-9]+/g, "_").replace(/^_|_$/g, "") || "root";
      writeFileSync(join(dir, `${String(request.index).padStart(3, "0")}-${request.method}-${slug}.json`), JSON.stringify(trim(request), null, 2) + "\n");
    }
    if (run.json) writeFileSync(join(dir, "result.json"), JSON.stringify(run.json, null, 2) + "\n");
    const summary = {
      prompt: scenario.prompt,
      exitCode: run.exitCode,
      timedOut: run.timedOut,
      durationMs: run.durationMs,
      command: run.command.map((part) => (part === scenario.prompt ? "<prompt>" : part.replace(/^.*node_modules\//, "node_modules/"))),
      stderr: run.stderr,
      requests: server.requests.map((request) => `${request.method} ${request.path}`),
    };
    writeFileSync(join(dir, "run.json"), JSON.stringify(summary, null, 2) + "\n");
    console.log(`${name}: exit ${run.exitCode} in ${run.durationMs} ms, ${server.requests.length} requests, result ${JSON.stringify(run.json?.result)}`);
  } finally {
    await server.stop();
    rmSync(cwd, { recursive: true, force: true });
  }
}

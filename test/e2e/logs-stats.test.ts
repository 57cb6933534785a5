/**
 * `agw logs` and `agw stats` as a user runs them: the real CLI in its own
 * process, reading the database a running gateway writes.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { startTestGateway, type TestGateway } from "../harness/gateway.ts";

const main = join(import.meta.dir, "../../src/main.ts");
let agw: TestGateway;
let config: string;

async function chat(model: string, content: string): Promise<number> {
  const response = await fetch(`${agw.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content }] }),
  });
  await response.text();
  return response.status;
}

async function cli(...args: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const child = Bun.spawn([process.execPath, main, ...args], { stdout: "pipe", stderr: "pipe", env: { ...process.env } });
  const [stdout, stderr, exitCode] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  return { exitCode, stdout, stderr };
}

/** The rows as the store reads them, without the read cursor: what `--json` must print. */
function storedRows() {
  return agw.gateway.store.requestLogs.query({}).map(({ cursor: _cursor, ...fields }) => fields);
}

beforeAll(async () => {
  agw = startTestGateway({ providers: { demo: { type: "mock" } }, models: { fast: "demo/echo", slow: "demo/echo" } });
  // The CLI finds the database through --config, reading only its `database`.
  config = join(dirname(agw.database), "cli.json");
  writeFileSync(config, JSON.stringify({ database: agw.database }));
  expect([await chat("fast", "one"), await chat("fast", "two"), await chat("slow", "three"), await chat("nope", "four")]).toEqual([200, 200, 200, 404]);
  agw.gateway.store.flush();
});

afterAll(async () => {
  await agw.stop();
});

test("agw logs --json prints every row's fields in camelCase, one JSON object per line, oldest first", async () => {
  const result = await cli("logs", "--config", config, "--json");
  expect(result.stderr).toBe("");
  expect(result.exitCode).toBe(0);
  const lines = result.stdout.trimEnd().split("\n").map((line) => JSON.parse(line));
  expect(lines).toEqual(storedRows());
  expect(lines.map((line) => [line.requestedModel, line.status, line.provider, line.accountId])).toEqual([
    ["fast", 200, "demo", "local"],
    ["fast", 200, "demo", "local"],
    ["slow", 200, "demo", "local"],
    ["nope", 404, undefined, undefined],
  ]);
});

test("agw logs filters: --status 4xx, --model, --account, --since; text lines", async () => {
  const notFound = await cli("logs", "--config", config, "--status", "4xx");
  const row = storedRows().at(-1)!;
  expect(notFound.stdout).toBe(`${new Date(row.startedAt).toISOString()} 404 /v1/chat/completions nope - ${row.latencyMs}ms in=- out=- error=model_not_found\n`);
  const slow = await cli("logs", "--config", config, "--model", "slow", "--json", "--since", "1h");
  expect(slow.stdout.trimEnd().split("\n").map((line) => JSON.parse(line).requestedModel)).toEqual(["slow"]);
  const account = await cli("logs", "--config", config, "--account", "local", "--status", "200", "--json");
  expect(account.stdout.trimEnd().split("\n")).toHaveLength(3);
});

test("agw stats --json: one object per group with requests, errors, p50/p95 and tokens", async () => {
  const result = await cli("stats", "--config", config, "--json");
  expect(result.exitCode).toBe(0);
  const latency = (model: string) => storedRows().filter((row) => row.requestedModel === model).map((row) => row.latencyMs!).sort((a, b) => a - b);
  const tokens = (model: string, field: "inputTokens" | "outputTokens") =>
    storedRows().reduce((sum, row) => sum + (row.requestedModel === model ? (row[field] ?? 0) : 0), 0);
  const fast = latency("fast");
  // Two rows: nearest-rank p50 is the lower latency, p95 the higher.
  expect(result.stdout.trimEnd().split("\n").map((line) => JSON.parse(line))).toEqual([
    { model: "fast", requests: 2, errors: 0, p50Ms: fast[0], p95Ms: fast[1], inputTokens: tokens("fast", "inputTokens"), outputTokens: tokens("fast", "outputTokens"), costUsd: 0 },
    { model: "nope", requests: 1, errors: 1, p50Ms: latency("nope")[0], p95Ms: latency("nope")[0], inputTokens: 0, outputTokens: 0, costUsd: 0 },
    { model: "slow", requests: 1, errors: 0, p50Ms: latency("slow")[0], p95Ms: latency("slow")[0], inputTokens: tokens("slow", "inputTokens"), outputTokens: tokens("slow", "outputTokens"), costUsd: 0 },
  ]);
  expect(tokens("fast", "inputTokens")).toBeGreaterThan(0);
  const byProvider = await cli("stats", "--config", config, "--by", "provider", "--json");
  expect(byProvider.stdout.trimEnd().split("\n").map((line) => JSON.parse(line)).map((group) => [group.provider, group.requests, group.errors])).toEqual([
    ["demo", 3, 0],
    [null, 1, 1],
  ]);
});

test("agw logs --follow prints the latest rows, then a request made after it started", async () => {
  const child = spawn(process.execPath, [main, "logs", "--config", config, "--follow", "--json"], { stdio: ["ignore", "pipe", "pipe"] });
  try {
    let stdout = "";
    const waiters: Array<() => void> = [];
    const lineCount = () => stdout.split("\n").length - 1;
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      for (const waiter of waiters.splice(0)) waiter();
    });
    /** Resolves once `count` lines are out; a bounded wait, so a follower that never prints fails instead of hanging. */
    const lines = (count: number) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`waited 10 s for ${count} lines, got:\n${stdout}`)), 10_000);
        const check = () => (lineCount() >= count ? (clearTimeout(timer), resolve()) : waiters.push(check));
        check();
      });
    const before = storedRows();
    await lines(before.length);
    expect(await chat("late", "five")).toBe(404);
    agw.gateway.store.flush();
    await lines(before.length + 1);
    expect(stdout.trimEnd().split("\n").map((line) => JSON.parse(line))).toEqual(storedRows());
    expect(storedRows().at(-1)!.requestedModel).toBe("late");
  } finally {
    child.kill("SIGTERM");
  }
}, 15_000);

test("agw logs without a database says where it looked", async () => {
  const missing = join(dirname(agw.database), "missing.json");
  writeFileSync(missing, JSON.stringify({ database: "./nowhere.db" }));
  const result = await cli("logs", "--config", missing);
  expect(result).toEqual({
    exitCode: 1,
    stdout: "",
    stderr: `agw: no database at ${join(dirname(agw.database), "nowhere.db")} yet: the server creates it at start-up (or pass --config FILE / --db PATH)\n`,
  });
});

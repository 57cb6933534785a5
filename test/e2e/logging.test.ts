/**
 * logging.format and logging.access as an operator sees them: the real
 * server in its own process, its stdout read line by line.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const dir = mkdtempSync(join(tmpdir(), "agw-logging-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const main = join(import.meta.dir, "../../src/main.ts");

/** Runs agw with this config until `work` is done, then stops it with SIGTERM; returns all it printed. */
async function run(config: Record<string, unknown>, work: (url: string) => Promise<void>): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  const file = join(dir, `agw-${crypto.randomUUID()}.json`);
  writeFileSync(file, JSON.stringify({ database: join(dir, `${crypto.randomUUID()}.db`), listen: { host: "127.0.0.1", port: 0 }, ...config }));
  const child = Bun.spawn([process.execPath, main, "--config", file], { stdout: "pipe", stderr: "pipe" });
  const stderr = new Response(child.stderr).text();
  const decoder = new TextDecoder();
  let stdout = "";
  const reader = (child.stdout as ReadableStream<Uint8Array>).getReader();
  let url: string | undefined;
  while (url === undefined) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`agw did not start:\n${stdout}\n${await stderr}`);
    stdout += decoder.decode(value, { stream: true });
    url = /listening on (http:\/\/[^\s"]+)/.exec(stdout)?.[1];
  }
  await work(url);
  child.kill("SIGTERM");
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    stdout += decoder.decode(value, { stream: true });
  }
  return { stdout, stderr: await stderr, exitCode: await child.exited };
}

const secretKey = "sk-agw-logging-test-secret";
const secretText = "the body text that must never reach a log line";

async function chat(url: string, model: string): Promise<number> {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${secretKey}` },
    body: JSON.stringify({ model, messages: [{ role: "user", content: secretText }] }),
  });
  await response.text();
  return response.status;
}

test('logging.format "json" with access: every stdout line is JSON; one access line per request, never a key or body', async () => {
  const result = await run(
    { auth: { mode: "strict", apiKey: secretKey }, providers: { demo: { type: "mock" } }, models: { fast: "demo/echo" }, logging: { format: "json", access: true } },
    async (url) => {
      expect([await chat(url, "fast"), await chat(url, "nope")]).toEqual([200, 404]);
    },
  );
  expect(result.exitCode).toBe(0);
  expect(result.stderr).toBe("");
  const lines = result.stdout.trimEnd().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
  for (const line of lines) {
    expect(typeof line.time).toBe("string");
    expect(line.level).toBe("info");
  }
  expect(lines[0]!.msg).toMatch(/^agw .+ listening on http:\/\/127\.0\.0\.1:\d+$/);
  expect(lines.some((line) => line.msg === "auth: strict (key configured)")).toBe(true);
  expect(lines.at(-1)!.msg).toMatch(/^SIGTERM received, finishing open requests/);
  const access = lines.filter((line) => line.msg === "access");
  const stable: Array<Record<string, unknown>> = access.map(({ time: _time, id, latencyMs, ...rest }) => ({ ...rest, id: typeof id, latencyMs: typeof latencyMs }));
  expect(stable).toEqual([
    {
      level: "info",
      msg: "access",
      id: "string",
      route: "/v1/chat/completions",
      protocol: "openai-chat",
      status: 200,
      latencyMs: "number",
      model: "fast",
      mappedModel: "echo",
      provider: "demo",
      account: "local",
      stream: false,
      inputTokens: access[0]!.inputTokens,
      outputTokens: access[0]!.outputTokens,
      attempts: 1,
    },
    {
      level: "info",
      msg: "access",
      id: "string",
      route: "/v1/chat/completions",
      protocol: "openai-chat",
      status: 404,
      latencyMs: "number",
      model: "nope",
      stream: false,
      attempts: 0,
      errorClass: "model_not_found",
    },
  ]);
  expect(typeof access[0]!.inputTokens).toBe("number");
  expect(result.stdout).not.toContain(secretKey);
  expect(result.stdout).not.toContain(secretText);
});

test("text format without access (the default): no access lines, the banner as plain text", async () => {
  const result = await run({ providers: { demo: { type: "mock" } }, models: { fast: "demo/echo" } }, async (url) => {
    expect(await chat(url, "fast")).toBe(200);
  });
  expect(result.exitCode).toBe(0);
  expect(result.stdout).toMatch(/^agw .+ listening on http:\/\/127\.0\.0\.1:\d+\n/);
  expect(result.stdout).not.toContain("access");
  expect(result.stdout).not.toContain("{");
});

test("text format with access: one readable line per request", async () => {
  const result = await run({ providers: { demo: { type: "mock" } }, models: { fast: "demo/echo" }, logging: { access: true } }, async (url) => {
    expect(await chat(url, "fast")).toBe(200);
  });
  const access = result.stdout.split("\n").filter((line) => line.startsWith("agw: access "));
  expect(access).toHaveLength(1);
  expect(access[0]).toMatch(/^agw: access 200 \/v1\/chat\/completions fast→echo demo\/local \d+ms id=[0-9a-f-]{36}$/);
});

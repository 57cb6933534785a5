/**
 * The compiled binary, as users run it: built once with build.ts, then
 * started on port 0 with a config file, probed over HTTP and stopped with
 * SIGTERM.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import packageJson from "../../package.json" with { type: "json" };

const root = join(import.meta.dir, "../..");
const binary = join(root, "dist", process.platform === "win32" ? "agw.exe" : "agw");
const dir = mkdtempSync(join(tmpdir(), "agw-binary-"));

beforeAll(() => {
  const build = Bun.spawnSync([process.execPath, join(root, "build.ts")], { cwd: root, stdout: "pipe", stderr: "pipe" });
  if (!build.success) throw new Error(`build failed:\n${build.stderr.toString()}`);
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Reads the process's stdout until a line matches. */
async function waitForLine(stream: ReadableStream<Uint8Array>, pattern: RegExp): Promise<{ match: RegExpMatchArray; text: string }> {
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) {
    text += decoder.decode(chunk, { stream: true });
    const match = text.match(pattern);
    if (match) return { match, text };
  }
  throw new Error(`the binary exited before printing ${pattern}:\n${text}`);
}

describe("dist/agw", () => {
  test("--version prints the version and the commit baked in", () => {
    const result = Bun.spawnSync([binary, "--version"]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.toString()).toMatch(new RegExp(`^agw ${packageJson.version.replaceAll(".", "\\.")} \\(commit (unknown|[0-9a-f]{12}(-dirty)?)\\)\\n$`));
  });

  test("--help prints usage", () => {
    const result = Bun.spawnSync([binary, "--help"]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.toString()).toContain("agw check-config FILE");
  });

  test("check-config: 0 for a valid file, 2 with path and expectation for an invalid one", () => {
    const valid = Bun.spawnSync([binary, "check-config", join(root, "examples/agw.json")]);
    expect(valid.exitCode).toBe(0);
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ providers: { gemini: { type: "gemnii" } } }));
    const invalid = Bun.spawnSync([binary, "check-config", bad]);
    expect(invalid.exitCode).toBe(2);
    expect(invalid.stderr.toString()).toBe(
      `agw: invalid config ${bad}:\n  providers.gemini.type: expected one of gemini, openai, anthropic, mock\n`,
    );
  });

  test("starting on a bad config exits 2 without a stack trace", () => {
    const result = Bun.spawnSync([binary, "--config", join(dir, "missing.json")]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr.toString()).toBe(`agw: invalid config ${join(dir, "missing.json")}:\n  file not found\n`);
  });

  test("serves /healthz and a chat completion, prints no key, and flushes its log on SIGTERM", async () => {
    const config = join(dir, "agw.json");
    writeFileSync(
      config,
      JSON.stringify({
        auth: { mode: "all_except_health", apiKey: "${TEST_AGW_KEY}" },
        database: "./state/agw.db",
        providers: { demo: { type: "mock" }, g: { type: "gemini", accounts: [{ id: "a@example.com", apiKey: "AIza-secret-upstream-key" }] } },
        models: { "*": "demo/echo" },
      }),
    );
    const child = Bun.spawn([binary, "--config", config, "--port", "0"], {
      cwd: dir,
      env: { ...process.env, TEST_AGW_KEY: "gateway-secret" },
      stdout: "pipe",
      stderr: "pipe",
    });
    try {
      const { match, text } = await waitForLine(child.stdout, /listening on (http:\/\/127\.0\.0\.1:\d+)\n[\s\S]*provider g: .*\n/);
      expect(text).toContain("auth: all_except_health (key configured)");
      expect(text).toContain("provider g: gemini, 1 account(s) ready");
      expect(text).not.toContain("gateway-secret");
      expect(text).not.toContain("AIza-secret-upstream-key");
      const base = match[1]!;
      expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: "ok" });
      const answer = await fetch(`${base}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: "Bearer gateway-secret", "content-type": "application/json" },
        body: JSON.stringify({ model: "anything", messages: [{ role: "user", content: "from the binary" }] }),
      });
      expect(answer.status).toBe(200);
      const requestId = answer.headers.get("x-request-id")!;
      expect(((await answer.json()) as any).choices[0].message.content).toBe("from the binary");
      // The dashboard's files are inside the binary (it runs in a folder without them): byte for byte the sources.
      for (const [path, file, type] of [
        ["/ui/assets/dashboard.js", "src/server/dashboard/assets/dashboard.js", "text/javascript; charset=utf-8"],
        ["/ui/assets/dashboard.css", "src/server/dashboard/assets/dashboard.css", "text/css; charset=utf-8"],
      ] as const) {
        const asset = await fetch(`${base}${path}`);
        expect({ status: asset.status, type: asset.headers.get("content-type"), body: await asset.text() }).toEqual({
          status: 200,
          type,
          body: await Bun.file(join(root, file)).text(),
        });
      }
      const signIn = await fetch(`${base}/ui/sign-in`);
      expect(signIn.status).toBe(200);
      expect(await signIn.text()).toContain('<input type="password" name="key"');
      // The admin API's and the images handlers' modules load at their first request: from the binary's own chunks.
      const keys = await fetch(`${base}/admin/keys`, { headers: { authorization: "Bearer gateway-secret" } });
      expect({ status: keys.status, body: await keys.json() }).toEqual({ status: 200, body: { keys: [] } });
      const image = await fetch(`${base}/v1/images/generations`, {
        method: "POST",
        headers: { authorization: "Bearer gateway-secret", "content-type": "application/json" },
        body: JSON.stringify({ prompt: "" }),
      });
      expect({ status: image.status, message: ((await image.json()) as any).error.message }).toEqual({
        status: 400,
        message: "invalid images request: prompt: Too small: expected string to have >=1 characters",
      });
      // The WAL checkpointer, a worker thread whose module must be inside the binary, starts with the
      // request log's first write: only its checkpoints copy pages from the WAL into the database file.
      const database = join(dir, "state/agw.db");
      const deadline = Date.now() + 5_000;
      while (statSync(database).size <= 4096 && Date.now() < deadline) await Bun.sleep(50);
      expect(statSync(database).size).toBeGreaterThan(4096);
      child.kill("SIGTERM");
      expect(await child.exited).toBe(0);
      expect(await new Response(child.stderr).text()).not.toContain("checkpointer failed");
      const db = new Database(join(dir, "state/agw.db"), { readonly: true });
      const row = db.query("SELECT status, requested_model, mapped_model FROM request_logs WHERE id = ?").get(requestId);
      db.close();
      expect(row).toEqual({ status: 200, requested_model: "anything", mapped_model: "echo" });
    } finally {
      child.kill();
    }
  }, 20_000);
});

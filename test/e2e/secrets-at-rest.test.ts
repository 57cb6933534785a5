/**
 * secrets.key as users run it: the config names "${AGW_SECRET_KEY}", the
 * server stores the upstream key encrypted and still uses it, the accounts
 * CLI reads the same database with the same config, and a wrong key stops
 * agw at start-up with exit 2 instead of sending garbage upstream.
 */
import { afterAll, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFakeOpenAI } from "../harness/fake-openai.ts";

const root = join(import.meta.dir, "../..");
const dir = mkdtempSync(join(tmpdir(), "agw-secrets-e2e-"));
const KEY = Buffer.alloc(32, 42).toString("base64");
const UPSTREAM_KEY = "sk-proj-SECRET-4c0ffee-upstream";
const upstream = startFakeOpenAI();
afterAll(async () => {
  await upstream.stop();
  rmSync(dir, { recursive: true, force: true });
});

const config = join(dir, "agw.json");
writeFileSync(
  config,
  JSON.stringify({
    database: "./agw.db",
    secrets: { key: "${AGW_SECRET_KEY}" },
    providers: { openai: { type: "openai", baseUrl: upstream.url, accounts: [{ id: "o@example.com", apiKey: "${OPENAI_KEY}" }] } },
    models: { "*": "openai/gpt-4o-mini" },
  }),
);
const env = (secret: string) => ({ ...process.env, AGW_SECRET_KEY: secret, OPENAI_KEY: UPSTREAM_KEY });

test("the server uses an encrypted key; the database never holds it in plain text; the CLI reads it with the same config", async () => {
  const server = Bun.spawn([process.execPath, join(root, "src/main.ts"), "--config", config, "--port", "0"], {
    env: env(KEY),
    stdout: "pipe",
    stderr: "pipe",
  });
  try {
    const decoder = new TextDecoder();
    let out = "";
    for await (const chunk of server.stdout as unknown as AsyncIterable<Uint8Array>) {
      out += decoder.decode(chunk);
      if (/listening on (http:\/\/\S+)/.test(out)) break;
    }
    const url = /listening on (http:\/\/\S+)/.exec(out)![1];
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(response.status).toBe(200);
    expect(upstream.requests.at(-1)?.apiKey).toBe(UPSTREAM_KEY);

    const list = Bun.spawnSync([process.execPath, join(root, "src/main.ts"), "accounts", "list", "--config", config, "--json"], { env: env(KEY) });
    expect(list.stderr.toString()).toBe("");
    expect(list.exitCode).toBe(0);
    expect(JSON.parse(list.stdout.toString()).accounts.map((account: { id: string; credentials: string }) => [account.id, account.credentials])).toEqual([["o@example.com", "api key"]]);
    expect(list.stdout.toString()).not.toContain(UPSTREAM_KEY);
  } finally {
    server.kill("SIGTERM");
    await server.exited;
  }
  const db = new Database(join(dir, "agw.db"));
  db.run("PRAGMA wal_checkpoint(TRUNCATE)");
  db.close();
  expect(readFileSync(join(dir, "agw.db")).toString("latin1").includes(UPSTREAM_KEY)).toBe(false);
});

test("a wrong key stops agw at start-up, exit 2, saying why", () => {
  const wrong = Bun.spawnSync([process.execPath, join(root, "src/main.ts"), "--config", config, "--port", "0"], {
    env: env(Buffer.alloc(32, 1).toString("base64")),
  });
  expect(wrong.exitCode).toBe(2);
  expect(wrong.stderr.toString()).toBe(
    "agw: secrets.key does not decrypt the credentials stored in the database (a different key was used to store them)\n",
  );
});

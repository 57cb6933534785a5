/**
 * kill -9 under load: the database stays intact (WAL), the process comes
 * back up on it, and the rows lost are only those of the last batch of the
 * request log (the README states the bound: 200 ms or 500 rows).
 */
import { afterAll, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(import.meta.dir, "../..");
const dir = mkdtempSync(join(tmpdir(), "agw-kill9-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const config = join(dir, "agw.json");
writeFileSync(config, JSON.stringify({ database: "./agw.db", providers: { demo: { type: "mock" } }, models: { "*": "demo/echo" } }));

async function start(): Promise<{ process: Bun.Subprocess<"ignore", "pipe", "pipe">; url: string }> {
  const child = Bun.spawn([process.execPath, join(root, "src/main.ts"), "--config", config, "--port", "0"], { stdout: "pipe", stderr: "pipe" });
  const decoder = new TextDecoder();
  let out = "";
  for await (const chunk of child.stdout as unknown as AsyncIterable<Uint8Array>) {
    out += decoder.decode(chunk);
    const match = /listening on (http:\/\/\S+)/.exec(out);
    if (match) return { process: child, url: match[1]! };
  }
  throw new Error(`agw did not start:\n${out}\n${await new Response(child.stderr).text()}`);
}

test("kill -9 mid-load: integrity_check ok, the server restarts on the same database, at most one batch of rows lost", async () => {
  const first = await start();
  let sent = 0;
  let stop = false;
  const load = Array.from({ length: 8 }, async () => {
    while (!stop) {
      const response = await fetch(`${first.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "demo", stream: sent % 2 === 0, messages: [{ role: "user", content: `request ${sent}` }] }),
      }).catch(() => undefined);
      if (response === undefined) return;
      await response.text().catch(() => "");
      if (response.status === 200) sent++;
    }
  });
  await Bun.sleep(700);
  first.process.kill("SIGKILL");
  stop = true;
  await first.process.exited;
  await Promise.all(load);

  const db = new Database(join(dir, "agw.db"));
  expect(db.query("PRAGMA integrity_check").get()).toEqual({ integrity_check: "ok" });
  const logged = (db.query("SELECT COUNT(*) AS n FROM request_logs").get() as { n: number }).n;
  db.close();
  console.log(`kill -9 after ${sent} answered requests: ${logged} rows logged, ${sent - logged} lost`);
  expect(logged).toBeGreaterThan(0);
  expect(logged).toBeLessThanOrEqual(sent);
  expect(sent - logged).toBeLessThanOrEqual(500);

  // It comes back on the same database and serves.
  const second = await start();
  try {
    const response = await fetch(`${second.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "demo", messages: [{ role: "user", content: "back again" }] }),
    });
    expect(((await response.json()) as any).choices[0].message.content).toBe("back again");
  } finally {
    second.process.kill("SIGTERM");
    await second.process.exited;
  }
  const after = new Database(join(dir, "agw.db"));
  // The clean stop lost nothing: the last request is there.
  expect((after.query("SELECT COUNT(*) AS n FROM request_logs").get() as { n: number }).n).toBe(logged + 1);
  after.close();
});

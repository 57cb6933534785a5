/**
 * Live reload (POST /admin/reload in-process, SIGHUP to a real agw process):
 * new requests use the new config, a stream open across the reload finishes
 * whole on the old one, an invalid file is refused and changes nothing, a
 * listen change is reported as needing a restart.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfigFile } from "../../src/config/load.ts";
import { startGateway, type Gateway } from "../../src/server/gateway.ts";
import type { SqliteStore } from "../../src/store/index.ts";
import { startFakeOpenAI, type FakeOpenAI } from "../harness/fake-openai.ts";

let openai: FakeOpenAI;
let dir: string;
let file: string;
let gateway: Gateway<SqliteStore>;
let url: string;

const chunk = (content: string, finish: string | null = null) => ({
  id: "chatcmpl-1",
  object: "chat.completion.chunk",
  created: 1700000000,
  model: "gpt-4o-mini",
  choices: [{ index: 0, delta: { content }, finish_reason: finish }],
  usage: null,
});

function config(overrides: { model: string; accounts: string[]; port?: number }) {
  return {
    listen: { host: "127.0.0.1", port: overrides.port ?? 0 },
    database: join(dir, "agw.db"),
    auth: { mode: "strict", apiKey: "client-key" },
    providers: {
      openai: { type: "openai", baseUrl: openai.url, accounts: overrides.accounts.map((id) => ({ id, apiKey: `key-${id}` })) },
    },
    models: { "my-model": `openai/${overrides.model}` },
  };
}

const write = (value: unknown) => writeFileSync(file, typeof value === "string" ? value : JSON.stringify(value, null, 2));

const ask = (content: string, stream = false) =>
  fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer client-key" },
    body: JSON.stringify({ model: "my-model", stream, messages: [{ role: "user", content }] }),
  });

const reload = () => fetch(`${url}/admin/reload`, { method: "POST", headers: { authorization: "Bearer client-key" } });

beforeAll(() => {
  openai = startFakeOpenAI({
    script: (request) =>
      JSON.stringify(request.body.messages).includes("slow")
        ? { type: "stream", chunks: [chunk("The first half"), chunk(", the second half.", "stop")], pauseBeforeChunkMs: { 1: 400 } }
        : undefined,
  });
  dir = mkdtempSync(join(tmpdir(), "agw-reload-"));
  file = join(dir, "agw.json");
  write(config({ model: "gpt-4o-mini", accounts: ["a"] }));
  gateway = startGateway(loadConfigFile(file));
  url = gateway.url.href.replace(/\/$/, "");
});

afterAll(async () => {
  await gateway.stop(true);
  await openai.stop();
  rmSync(dir, { recursive: true, force: true });
});

test("POST /admin/reload: new requests use the new mapping and accounts, an open stream finishes on the old one", async () => {
  const before = await ask("hello");
  expect(((await before.json()) as any).choices[0].message.content).toBe("Echo: hello");
  expect(openai.requests.at(-1)!.model).toBe("gpt-4o-mini");
  expect(openai.requests.at(-1)!.apiKey).toBe("key-a");

  const stream = await ask("slow", true);
  const reader = stream.body!.getReader();
  const decoder = new TextDecoder();
  let streamed = "";
  while (!streamed.includes("The first half")) streamed += decoder.decode((await reader.read()).value);

  write(config({ model: "gpt-4o", accounts: ["b"] }));
  const answer = await reload();
  expect(answer.status).toBe(200);
  expect(await answer.json()).toEqual({ ok: true, changes: ["providers.openai", "models"], restartNeeded: [] });

  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    streamed += decoder.decode(value);
  }
  const texts = streamed
    .split("\n")
    .filter((line) => line.startsWith("data: {"))
    .map((line) => JSON.parse(line.slice(6)).choices[0]?.delta?.content ?? "")
    .join("");
  expect(texts).toBe("The first half, the second half.");
  expect(streamed.trimEnd().endsWith("data: [DONE]")).toBe(true);
  const slowRequest = openai.requests.find((request) => JSON.stringify(request.body.messages).includes("slow"))!;
  expect([slowRequest.model, slowRequest.apiKey]).toEqual(["gpt-4o-mini", "key-a"]);

  const after = await ask("again");
  expect(((await after.json()) as any).choices[0].message.content).toBe("Echo: again");
  // The new mapping, and only the new account: account "a" left the config.
  expect([openai.requests.at(-1)!.model, openai.requests.at(-1)!.apiKey]).toEqual(["gpt-4o", "key-b"]);
  expect(gateway.store.accounts.list().map((account) => account.id)).toEqual(["b"]);

  // Counters go on across the reload, and the account gauges show the new pool.
  const metrics = await (await fetch(`${url}/metrics`, { headers: { authorization: "Bearer client-key" } })).text();
  const attempts = metrics.split("\n").filter((line) => line.startsWith("agw_upstream_attempts_total{"));
  expect(attempts).toEqual([
    'agw_upstream_attempts_total{provider="openai",account="a",outcome="ok"} 2',
    'agw_upstream_attempts_total{provider="openai",account="b",outcome="ok"} 1',
  ]);
});

test("an invalid config is refused with its errors, and the running one keeps serving", async () => {
  write(config({ model: "gpt-4o", accounts: ["b"] }));
  expect((await reload()).status).toBe(200);
  write('{ "providers": { "openai": { "type": "nope" } } }');
  const refused = await reload();
  expect(refused.status).toBe(400);
  expect(await refused.json()).toEqual({
    error: {
      message: `invalid config ${file}:\n  providers.openai.type: expected one of gemini, openai, anthropic, mock`,
      type: "invalid_request_error",
      param: null,
      code: "reload_refused",
    },
  });
  write("{ not json");
  expect((await reload()).status).toBe(400);
  const after = await ask("still here");
  expect(after.status).toBe(200);
  expect([openai.requests.at(-1)!.model, openai.requests.at(-1)!.apiKey]).toEqual(["gpt-4o", "key-b"]);
});

test("a listen port change needs a restart: reported, and agw keeps serving where it listens", async () => {
  write(config({ model: "gpt-4o", accounts: ["b"], port: 1 }));
  const answer = await reload();
  expect(await answer.json()).toEqual({ ok: true, changes: [], restartNeeded: ["listen.port"] });
  expect((await ask("same port")).status).toBe(200);
});

test("SIGHUP makes a running agw process reload its config file, and it says so in one line", async () => {
  const processDir = mkdtempSync(join(tmpdir(), "agw-sighup-"));
  const processFile = join(processDir, "agw.json");
  // A port nobody holds now (a random one may be a live ephemeral port): agw binds it a moment later.
  const probe = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
  const port = probe.port!;
  probe.stop(true);
  const configFor = (model: string) =>
    JSON.stringify({ ...config({ model, accounts: ["s"], port }), database: join(processDir, "agw.db") });
  writeFileSync(processFile, configFor("gpt-4o-mini"));
  const agw = Bun.spawn(["bun", join(import.meta.dir, "../../src/main.ts"), "--config", processFile], { stdout: "pipe", stderr: "pipe" });
  const lines = (async function* () {
    const decoder = new TextDecoder();
    let buffered = "";
    for await (const bytes of agw.stdout) {
      buffered += decoder.decode(bytes);
      let end: number;
      while ((end = buffered.indexOf("\n")) >= 0) {
        yield buffered.slice(0, end);
        buffered = buffered.slice(end + 1);
      }
    }
  })();
  const waitFor = async (pattern: RegExp) => {
    // next() by hand: leaving a for-await would close the generator for the next wait.
    for (let line = await lines.next(); !line.done; line = await lines.next()) if (pattern.test(line.value)) return line.value;
    throw new Error(`agw exited before printing ${pattern}: ${await new Response(agw.stderr).text()}`);
  };
  try {
    await waitFor(new RegExp(`127\\.0\\.0\\.1:${port}`));
    const processAsk = () =>
      fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: "Bearer client-key" },
        body: JSON.stringify({ model: "my-model", messages: [{ role: "user", content: "via process" }] }),
      });
    expect((await processAsk()).status).toBe(200);
    expect(openai.requests.at(-1)!.model).toBe("gpt-4o-mini");
    writeFileSync(processFile, configFor("o4-mini"));
    agw.kill("SIGHUP");
    expect(await waitFor(/config reloaded/)).toBe(`agw: config reloaded from ${processFile} (changed: models)`);
    expect((await processAsk()).status).toBe(200);
    expect(openai.requests.at(-1)!.model).toBe("o4-mini");
  } finally {
    agw.kill("SIGTERM");
    await agw.exited;
    rmSync(processDir, { recursive: true, force: true });
  }
});

test("the admin key guards the reload", async () => {
  const refused = await fetch(`${url}/admin/reload`, { method: "POST", headers: { authorization: "Bearer wrong" } });
  expect(refused.status).toBe(401);
});

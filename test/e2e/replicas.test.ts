/**
 * Two agw processes' worth of gateways on one real PostgreSQL server,
 * behaving as one: a cooldown seen by one keeps the other off the account,
 * a client key's daily limit holds across both, an expired OAuth token is
 * refreshed once for both, a stored response is continued on the other, and
 * Postgres going away mid-load fails no request and loses no log row.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { SQL } from "bun";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { parseConfig } from "../../src/config/load.ts";
import { openGateway, type Gateway } from "../../src/server/gateway.ts";
import { PostgresOAuthTokenStore } from "../../src/store/postgres/oauth-tokens.ts";
import { migratePostgres } from "../../src/store/postgres/migrate.ts";
import { startFakeGemini, type FakeGemini } from "../harness/fake-gemini.ts";
import { startPostgres, type TestPostgres } from "../harness/postgres.ts";
import { startTokenEndpoint, type TokenEndpoint } from "../harness/token-endpoint.ts";

const ADMIN_KEY = "admin-key-0123456789";
const CLIENT_KEY = "client-key-0123456789abcdef";

let pg: TestPostgres;
let gemini: FakeGemini;
let databases = 0;
const open: Array<() => Promise<void>> = [];

beforeAll(async () => {
  pg = await startPostgres();
  gemini = startFakeGemini();
}, 60_000);

afterEach(async () => {
  for (const close of open.splice(0).reverse()) await close();
  gemini.setScript(undefined);
  gemini.requests.length = 0;
});

afterAll(async () => {
  await gemini.stop();
  await pg.stop();
});

/** A fresh database on the test server, as its URL. */
async function freshDatabase(): Promise<string> {
  const name = `replicas_${++databases}`;
  const admin = new SQL(pg.url);
  await admin.unsafe(`CREATE DATABASE ${name}`);
  await admin.close();
  return pg.url.replace(/\/agw$/, `/${name}`);
}

/** Two gateways on one database, each with the same config, as two agw processes behind a load balancer would run. */
async function replicas(database: string, raw: Record<string, unknown>): Promise<[Gateway, Gateway]> {
  const dir = mkdtempSync(join(tmpdir(), "agw-replicas-"));
  const auth = { mode: "strict", adminKey: ADMIN_KEY, ...(raw.auth as object | undefined) };
  const config = parseConfig({ ...raw, database, auth }, join(dir, "agw.json"), {});
  const started = await Promise.all([openGateway(config, { host: "127.0.0.1", port: 0 }), openGateway(config, { host: "127.0.0.1", port: 0 })]);
  open.push(async () => {
    await Promise.all(started.map((gateway) => gateway.stop(true)));
    rmSync(dir, { recursive: true, force: true });
  });
  return started;
}

const main = join(import.meta.dir, "../../src/main.ts");

async function cli(...args: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const child = Bun.spawn([process.execPath, main, ...args], { stdout: "pipe", stderr: "pipe", env: { ...process.env, EXTRA_KEY: "key-extra" } });
  const [stdout, stderr, exitCode] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  return { exitCode, stdout, stderr };
}

const base = (gateway: Gateway) => gateway.url.href.replace(/\/$/, "");

function chat(gateway: Gateway, content: string, key = CLIENT_KEY): Promise<Response> {
  return fetch(`${base(gateway)}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "gemini-2.5-flash", messages: [{ role: "user", content }] }),
  });
}

/** Polls `read` until `done` holds (the other replica hears within its one-second beat); fails after `ms` with the last value. */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 5_000): Promise<T> {
  const deadline = Date.now() + ms;
  let value = await read();
  while (!done(value)) {
    if (Date.now() > deadline) throw new Error(`not reached in ${ms} ms: ${JSON.stringify(value)}`);
    await Bun.sleep(50);
    value = await read();
  }
  return value;
}

async function metrics(gateway: Gateway): Promise<string> {
  return (await fetch(`${base(gateway)}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).text();
}

async function keyNow(gateway: Gateway, id: string): Promise<{ dayRequests: number; minuteRequests: number }> {
  const response = await fetch(`${base(gateway)}/admin/keys/${id}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
  return ((await response.json()) as { now: { dayRequests: number; minuteRequests: number } }).now;
}

/** Waits for the next minute when fewer than `seconds` are left of this one: a per-minute test must not straddle two. */
async function freshMinute(seconds = 20): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < seconds * 1000) await Bun.sleep(left + 50);
}

const GEMINI_PROVIDER = (accounts: unknown[]) => ({ gemini: { type: "gemini", baseUrl: gemini.url, accounts } });

test("an unreachable Postgres stops agw at start with exit 2 and a message that names it without the password", async () => {
  const dir = mkdtempSync(join(tmpdir(), "agw-replicas-"));
  try {
    const file = join(dir, "agw.json");
    await Bun.write(file, JSON.stringify({ database: "postgres://agw:Pa55-w0rd@127.0.0.1:1/agw", providers: { demo: { type: "mock" } } }));
    const result = await cli("--config", file, "--port", "0");
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe("agw: could not open the Postgres database agw@127.0.0.1:1/agw: Failed to connect\n");
    expect(result.stdout + result.stderr).not.toContain("Pa55-w0rd");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe("two replicas on one Postgres", () => {
  test("a 429 seen by replica A keeps replica B off that account and model", async () => {
    const [a, b] = await replicas(await freshDatabase(), {
      auth: { apiKey: CLIENT_KEY },
      scheduling: { mode: "priority" },
      providers: GEMINI_PROVIDER([
        { id: "first", apiKey: "key-quota", priority: 0 },
        { id: "second", apiKey: "key-second", priority: 1 },
      ]),
      models: { "*": "gemini/gemini-2.5-flash" },
    });
    // B has not heard of any trouble: it would pick "first" too.
    const first = await chat(a, "to A");
    expect(first.status).toBe(200);
    expect(gemini.requests.map((request) => request.apiKey)).toEqual(["key-quota", "key-second"]);
    // A wrote the cooldown (37 s, from Gemini's RetryInfo) and announced it; B now holds it in memory.
    const cooling = await until(
      () => metrics(b),
      (text) => /agw_account_cooldown_seconds\{provider="gemini",account="first",model="gemini-2\.5-flash"\} (3\d|2\d)/.test(text),
    );
    expect(cooling).toContain('agw_accounts{provider="gemini",state="ready"} 1');
    const second = await chat(b, "to B");
    expect(second.status).toBe(200);
    expect(((await second.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content.length).toBeGreaterThan(0);
    // B went straight to "second": "first" was not asked again.
    expect(gemini.requests.map((request) => request.apiKey)).toEqual(["key-quota", "key-second", "key-second"]);
  });

  test("sticky scheduling: a conversation goes to the same account whichever replica serves it", async () => {
    const [a, b] = await replicas(await freshDatabase(), {
      auth: { apiKey: CLIENT_KEY },
      scheduling: { mode: "sticky" },
      providers: GEMINI_PROVIDER(["k1", "k2", "k3"].map((id) => ({ id, apiKey: `key-${id}` }))),
      models: { "*": "gemini/gemini-2.5-flash" },
    });
    const accountOf = async (gateway: Gateway, session: string) => {
      const response = await fetch(`${base(gateway)}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${CLIENT_KEY}`, "content-type": "application/json", "x-session-id": session },
        body: JSON.stringify({ model: "gemini-2.5-flash", messages: [{ role: "user", content: session }] }),
      });
      await response.text();
      return response.headers.get("x-account-email");
    };
    const served = new Set<string>();
    for (let index = 0; index < 12; index++) {
      const session = `session-${index}`;
      const onA = await accountOf(a, session);
      expect(await accountOf(b, session)).toBe(onA);
      expect(await accountOf(a, session)).toBe(onA);
      served.add(onA!);
    }
    // Conversations spread over the accounts; each one stays put.
    expect(served.size).toBeGreaterThan(1);
  });

  test("agw keys, accounts, logs and stats work against the Postgres URL while the replicas run", async () => {
    const database = await freshDatabase();
    const [a, b] = await replicas(database, {
      auth: { mode: "all_except_health" },
      providers: GEMINI_PROVIDER([{ id: "cfg", apiKey: "key-cfg" }]),
      models: { "*": "gemini/gemini-2.5-flash" },
    });
    const created = await cli("keys", "create", "--db", database, "--id", "ci", "--daily-requests", "50", "--json");
    expect(created.stderr).toBe("");
    expect(created.exitCode).toBe(0);
    const { key } = JSON.parse(created.stdout) as { key: string };
    // A key made by another process works on both replicas within their beat (at once on a NOTIFY).
    for (const replica of [a, b]) await until(() => chat(replica, "hello", key).then((response) => response.status), (status) => status === 200);
    const added = await cli("accounts", "add", "--provider", "gemini", "--id", "extra", "--db", database, "--api-key-env", "EXTRA_KEY");
    expect(added).toMatchObject({ exitCode: 0, stdout: "added gemini/extra (api key, enabled)\n" });
    const disabled = await cli("accounts", "disable", "cfg", "--db", database);
    expect(disabled).toMatchObject({ exitCode: 0, stdout: "disabled gemini/cfg\n" });
    // Both replicas take the change: the next requests go to "extra" only.
    for (const replica of [a, b]) {
      await until(() => metrics(replica), (text) => text.includes('agw_accounts{provider="gemini",state="disabled"} 1'));
    }
    gemini.requests.length = 0;
    for (const replica of [a, b]) expect((await chat(replica, "after", key)).status).toBe(200);
    expect(gemini.requests.map((request) => request.apiKey)).toEqual(["key-extra", "key-extra"]);
    await Promise.all([a.store.flush(), b.store.flush()]);
    const logs = await cli("logs", "--db", database, "--json");
    expect(logs.exitCode).toBe(0);
    const rows = logs.stdout.trim().split("\n").map((line) => JSON.parse(line) as { status: number; keyId?: string; accountId?: string });
    expect(rows.filter((row) => row.keyId === "ci" && row.status === 200).length).toBe(4);
    const stats = await cli("stats", "--db", database, "--by", "key", "--json");
    expect(stats.exitCode).toBe(0);
    expect(JSON.parse(stats.stdout.trim().split("\n").find((line) => line.includes('"ci"'))!)).toMatchObject({ key: "ci", requests: 4, errors: 0 });
    const list = await cli("keys", "list", "--db", database, "--json");
    expect(JSON.parse(list.stdout.trim())).toMatchObject({ id: "ci", status: "active", dailyRequests: 50, usage: { today: { requests: 4 } } });
    // The URL's password (here none) and the key's secret never show in the CLI's output.
    expect(list.stdout + logs.stdout + stats.stdout).not.toContain(key);
  });

  test("the dashboard on one replica shows what the other served: overview, accounts, keys, the request log and a request's detail", async () => {
    const [a, b] = await replicas(await freshDatabase(), {
      auth: { keys: [{ id: "team", key: CLIENT_KEY }] },
      providers: GEMINI_PROVIDER([{ id: "acct-1", apiKey: "key-acct-1" }]),
      models: { "*": "gemini/gemini-2.5-flash" },
    });
    const served = await chat(a, "seen from the other side");
    expect(served.status).toBe(200);
    const id = served.headers.get("x-request-id")!;
    await a.store.flush();
    const signIn = await fetch(`${base(b)}/ui/sign-in`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: base(b) },
      body: new URLSearchParams({ key: ADMIN_KEY, next: "/ui/" }),
    });
    expect(signIn.status).toBe(303);
    const cookie = signIn.headers.get("set-cookie")!.split(";")[0]!;
    const page = async (path: string) => {
      const response = await fetch(`${base(b)}${path}`, { headers: { cookie } });
      return { status: response.status, html: await response.text() };
    };
    const overview = await page("/ui/");
    expect(overview.status).toBe(200);
    expect(overview.html).toContain("gemini-2.5-flash");
    const accounts = await page("/ui/accounts");
    expect([accounts.status, accounts.html.includes("acct-1")]).toEqual([200, true]);
    const keys = await page("/ui/keys");
    expect([keys.status, keys.html.includes("team")]).toEqual([200, true]);
    const log = await page("/ui/requests");
    expect([log.status, log.html.includes(`data-request-id="${id}"`)]).toEqual([200, true]);
    const detail = await page(`/ui/requests/${id}`);
    expect([detail.status, detail.html.includes(id), detail.html.includes("acct-1")]).toEqual([200, true, true]);
    expect(overview.html + accounts.html + keys.html + log.html + detail.html).not.toContain(CLIENT_KEY);
  });

  test("a client key's daily limit holds across both replicas", async () => {
    const database = await freshDatabase();
    const [a, b] = await replicas(database, {
      auth: { keys: [{ id: "team", key: CLIENT_KEY, dailyRequests: 6 }] },
      providers: { demo: { type: "mock" } },
      models: { "*": "demo/echo" },
    });
    for (let i = 0; i < 3; i++) expect((await chat(a, `a${i}`)).status).toBe(200);
    // A writes its three within its beat; B reads them within its own.
    await until(() => keyNow(b, "team"), (now) => now.dayRequests === 3);
    const onB = await Promise.all(Array.from({ length: 4 }, (_, i) => chat(b, `b${i}`)));
    expect(onB.map((response) => response.status).sort()).toEqual([200, 200, 200, 429]);
    const refused = onB.find((response) => response.status === 429)!;
    expect(await refused.json()).toEqual({
      error: {
        message: expect.stringMatching(/^the API key 'team' reached its limit of 6 requests per day \(UTC\); it frees up in \d+h\d+m\d+s$/),
        type: "rate_limit_error",
        param: null,
        code: "rate_limit_exceeded",
      },
    });
    await until(() => keyNow(a, "team"), (now) => now.dayRequests === 6);
    expect((await chat(a, "a-late")).status).toBe(429);
    // Six answered in all, and the shared count says so once both have written.
    await Promise.all([a.store.flush(), b.store.flush()]);
    const sql = new SQL(database);
    const [row] = await sql`SELECT requests FROM client_key_usage WHERE key_id = 'team'`;
    await sql.close();
    expect(Number(row.requests)).toBe(6);
  });

  test("a client key's requests per minute hold across both replicas", async () => {
    const [a, b] = await replicas(await freshDatabase(), {
      auth: { keys: [{ id: "burst", key: CLIENT_KEY, rpm: 5 }] },
      providers: { demo: { type: "mock" } },
      models: { "*": "demo/echo" },
    });
    await freshMinute();
    for (let i = 0; i < 3; i++) expect((await chat(a, `a${i}`)).status).toBe(200);
    await until(() => keyNow(b, "burst"), (now) => now.minuteRequests === 3);
    const onB = [];
    for (let i = 0; i < 3; i++) onB.push((await chat(b, `b${i}`)).status);
    expect(onB).toEqual([200, 200, 429]);
    await until(() => keyNow(a, "burst"), (now) => now.minuteRequests === 5);
    const late = await chat(a, "a-late");
    expect(late.status).toBe(429);
    expect(((await late.json()) as { error: { message: string } }).error.message).toStartWith("the API key 'burst' reached its limit of 5 requests per minute; it frees up in ");
  }, 45_000);

  test("50 concurrent requests with an expired OAuth token across both replicas: exactly one refresh", async () => {
    const database = await freshDatabase();
    const endpoint: TokenEndpoint = startTokenEndpoint({ kind: "token", rotate: true, delayMs: 50 });
    try {
      // The token both replicas find in the store has expired (as after a night off).
      const migrator = new SQL(database);
      await migratePostgres(migrator);
      await new PostgresOAuthTokenStore(migrator).save("gemini", "oauth@example.com", { accessToken: "expired-token", expiresAt: Date.now() - 60_000 });
      await migrator.close();
      const [a, b] = await replicas(database, {
        auth: { apiKey: CLIENT_KEY },
        providers: GEMINI_PROVIDER([
          { id: "oauth@example.com", oauth: { tokenUrl: endpoint.url, clientId: "client", clientSecret: "client-secret", refreshToken: "refresh-1" } },
        ]),
        models: { "*": "gemini/gemini-2.5-flash" },
      });
      const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => chat(i % 2 === 0 ? a : b, `q${i}`)));
      expect(answers.map((response) => response.status)).toEqual(Array(50).fill(200));
      expect(endpoint.requests).toHaveLength(1);
      expect(endpoint.requests[0]!.form).toMatchObject({ grant_type: "refresh_token", refresh_token: "refresh-1" });
      // Every upstream call, from either replica, carried the one new token.
      expect(new Set(gemini.requests.map((request) => request.apiKey))).toEqual(new Set(["access-1"]));
      // The rotated refresh token is stored for both (and for the next start).
      const sql = new SQL(database);
      const [row] = await sql`SELECT access_token, refresh_token FROM oauth_tokens WHERE account_id = 'oauth@example.com'`;
      await sql.close();
      expect({ access: row.access_token, refresh: row.refresh_token }).toEqual({ access: "access-1", refresh: "rotated-1" });
    } finally {
      await endpoint.stop();
    }
  });

  test("a response stored on replica A is continued with previous_response_id on replica B", async () => {
    const [a, b] = await replicas(await freshDatabase(), {
      auth: { apiKey: CLIENT_KEY },
      providers: GEMINI_PROVIDER([{ id: "k", apiKey: "key-plain" }]),
      models: { "*": "gemini/gemini-2.5-flash" },
    });
    const onA = new OpenAI({ baseURL: `${base(a)}/v1`, apiKey: CLIENT_KEY });
    const onB = new OpenAI({ baseURL: `${base(b)}/v1`, apiKey: CLIENT_KEY });
    const first = await onA.responses.create({ model: "gemini-2.5-flash", input: "Remember the word: heliotrope." });
    const firstText = first.output_text;
    expect(firstText.length).toBeGreaterThan(0);
    const second = await onB.responses.create({ model: "gemini-2.5-flash", previous_response_id: first.id, input: "Which word?" });
    expect(second.output_text.length).toBeGreaterThan(0);
    // B sent the whole conversation upstream: A's turn, A's answer, then the new question.
    const upstream = gemini.requests.at(-1)!.body as { contents: Array<{ role: string; parts: Array<{ text?: string }> }> };
    expect(upstream.contents.map((content) => [content.role, content.parts.map((part) => part.text ?? "").join("")])).toEqual([
      ["user", "Remember the word: heliotrope."],
      ["model", firstText],
      ["user", "Which word?"],
    ]);
    // And either replica answers GET for either response.
    expect((await onA.responses.retrieve(second.id)).id).toBe(second.id);
    expect((await onB.responses.retrieve(first.id)).output_text).toBe(firstText);
  });

  test("Postgres stopped mid-load: no client request fails, /readyz says why, and every log row is written once it is back", async () => {
    const database = await freshDatabase();
    const [a, b] = await replicas(database, {
      auth: { mode: "all_except_health", keys: [{ id: "team", key: CLIENT_KEY }] },
      providers: GEMINI_PROVIDER([{ id: "k1", apiKey: "key-one" }, { id: "k2", apiKey: "key-two" }]),
      models: { "*": "gemini/gemini-2.5-flash" },
    });
    const statuses: number[] = [];
    const load = async (count: number) => {
      for (let i = 0; i < count; i++) {
        const response = await chat(i % 2 === 0 ? a : b, `load ${statuses.length}`);
        await response.text();
        statuses.push(response.status);
      }
    };
    await load(10);
    await pg.pause();
    try {
      await load(20);
      // The next beat fails and says so; /healthz stays up.
      const notReady = await until(
        () => fetch(`${base(a)}/readyz`).then(async (response) => ({ status: response.status, body: (await response.json()) as { status: string; store: string; reason?: string } })),
        (ready) => ready.status === 503,
      );
      expect(notReady.body).toMatchObject({ status: "not_ready", store: "postgres" });
      expect(notReady.body.reason).toStartWith("the last write to Postgres failed: ");
      expect((await fetch(`${base(a)}/healthz`)).status).toBe(200);
      await load(10);
    } finally {
      await pg.resume();
    }
    expect(statuses).toEqual(Array(40).fill(200));
    for (const replica of [a, b]) {
      await until(() => fetch(`${base(replica)}/readyz`).then((response) => response.status), (status) => status === 200, 15_000);
    }
    await Promise.all([a.store.flush(), b.store.flush()]);
    const sql = new SQL(database);
    const [logs] = await sql`SELECT count(*)::int AS rows, count(DISTINCT id)::int AS ids FROM request_logs WHERE status = 200`;
    const [usage] = await sql`SELECT requests FROM client_key_usage WHERE key_id = 'team'`;
    const [accounts] = await sql`SELECT SUM(requests)::int AS requests FROM account_usage`;
    await sql.close();
    expect(logs).toEqual({ rows: 40, ids: 40 });
    expect(Number(usage.requests)).toBe(40);
    expect(accounts.requests).toBe(40);
  }, 60_000);

  test("a replica shuts down while Postgres is away: it serves until then and its stop does not wait for the server", async () => {
    const database = await freshDatabase();
    const dir = mkdtempSync(join(tmpdir(), "agw-replicas-"));
    const config = parseConfig({ database, providers: { demo: { type: "mock" } }, models: { "*": "demo/echo" } }, join(dir, "agw.json"), {});
    const gateway = await openGateway(config, { host: "127.0.0.1", port: 0 });
    await pg.pause();
    try {
      const response = await fetch(`${base(gateway)}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "any", messages: [{ role: "user", content: "still here?" }] }),
      });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content).toBe("still here?");
      await gateway.stop();
      expect((await fetch(`${base(gateway)}/healthz`).catch(() => undefined))?.status).toBeUndefined();
    } finally {
      await pg.resume();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});

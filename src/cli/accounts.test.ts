/** `agw accounts …` through the real entry point, against a temp config and database. */
import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { SqliteStore } from "../store/index.ts";
import { startTestGateway } from "../../test/harness/gateway.ts";

const MAIN = resolve(import.meta.dir, "../main.ts");
const SECRET = "sk-live-0123456789-do-not-print";
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function agw(cwd: string, args: string[], options: { env?: Record<string, string>; stdin?: string } = {}): Promise<Run> {
  const child = Bun.spawn([process.execPath, MAIN, "accounts", ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...options.env },
    stdin: options.stdin === undefined ? "ignore" : new Blob([options.stdin]),
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  return { code, stdout, stderr };
}

/** A directory with ./agw.json naming two providers; the database goes to ./data/agw.db. */
function project(): string {
  const dir = mkdtempSync(join(tmpdir(), "agw-accounts-"));
  dirs.push(dir);
  const config = {
    database: "./data/agw.db",
    providers: {
      gemini: { type: "gemini", accounts: [{ id: "cfg", apiKey: "${GEMINI_KEY}" }] },
      backup: { type: "gemini" },
    },
  };
  writeFileSync(join(dir, "agw.json"), JSON.stringify(config));
  return dir;
}

/** Opens the project's database, as the server would, for set-up and checks. */
function withStore<T>(dir: string, use: (store: SqliteStore) => T): T {
  const store = SqliteStore.open(join(dir, "data", "agw.db"));
  try {
    return use(store);
  } finally {
    store.close();
  }
}

const account = (id: string, provider = "gemini") => ({ provider, id, credentials: { apiKey: `${id}-${SECRET}` }, enabled: true, weight: 1, priority: 0 });

let dir: string;
beforeEach(() => {
  dir = project();
});

describe("list", () => {
  test("before the database exists: exit 1 with a hint", async () => {
    const run = await agw(dir, ["list"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("no database at");
    expect(existsSync(join(dir, "data", "agw.db"))).toBe(false);
  });

  test("a table with state, cooldowns and usage; JSON with the same; never a secret", async () => {
    const now = Date.now();
    withStore(dir, (store) => {
      store.accounts.syncFromConfig([account("cfg")]);
      store.accounts.add({ ...account("limited"), dailyRequestLimit: 5, weight: 2, priority: 1 });
      store.accounts.add({ ...account("grant", "backup"), credentials: { oauth: { tokenUrl: "https://t.test/token", clientId: "c", refreshToken: SECRET } } });
      store.accountState.save({ provider: "gemini", accountId: "cfg", model: "gemini-2.5-pro", cooldownUntil: now + 252_500, reason: "rate limited", failures: 1 });
      store.usage.record({ provider: "gemini", accountId: "limited", model: "m", day: new Date(now).toISOString().slice(0, 10), requests: 5, inputTokens: 7, outputTokens: 3 });
      store.accounts.setDisabledReason("backup", "grant", "refresh token revoked");
    });
    const table = await agw(dir, ["list"]);
    expect(table.code).toBe(0);
    expect(table.stderr).toBe("");
    const lines = table.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^PROVIDER\s+ID\s+STATE\s+REASON\s+COOLDOWNS\s+REQUESTS\s+TOKENS\s+WEIGHT\s+PRIORITY\s+SOURCE$/);
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(/^backup\s+grant\s+needs attention\s+refresh token revoked\s+-\s+0\s+0\s+1\s+0\s+cli$/);
    expect(lines[2]).toMatch(/^gemini\s+cfg\s+cooling\s+-\s+gemini-2\.5-pro 4m1[23]s \(rate limited\)\s+0\s+0\s+1\s+0\s+config$/);
    expect(lines[3]).toMatch(/^gemini\s+limited\s+limit reached\s+daily request limit of 5 reached\s+-\s+5\/5\s+10\s+2\s+1\s+cli$/);

    const json = await agw(dir, ["list", "--json", "--provider", "gemini"]);
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as { accounts: { id: string; state: string; credentials: string }[] };
    expect(parsed.accounts.map((a) => [a.id, a.state, a.credentials])).toEqual([
      ["cfg", "cooling", "api key"],
      ["limited", "limit reached", "api key"],
    ]);
    for (const output of [table.stdout, json.stdout, (await agw(dir, ["list", "--json"])).stdout]) expect(output).not.toContain(SECRET);
  });

  test("no accounts for a provider", async () => {
    withStore(dir, () => undefined);
    expect(await agw(dir, ["list", "--provider", "backup"])).toEqual({ code: 0, stdout: "no accounts for provider backup\n", stderr: "" });
    expect(JSON.parse((await agw(dir, ["list", "--json"])).stdout)).toEqual({ accounts: [] });
  });
});

describe("add", () => {
  test("--api-key-env, --api-key - and --api-key: stored, never listed", async () => {
    const fromEnv = await agw(dir, ["add", "--provider", "gemini", "--id", "env", "--api-key-env", "MY_KEY", "--weight", "3", "--priority", "2", "--models", "a,b", "--daily-requests", "100", "--daily-tokens", "5000"], {
      env: { MY_KEY: `env-${SECRET}` },
    });
    expect(fromEnv).toEqual({ code: 0, stdout: "added gemini/env (api key, enabled)\n", stderr: "" });
    const fromStdin = await agw(dir, ["add", "--provider=backup", "--id=stdin", "--api-key", "-", "--disabled"], { stdin: `stdin-${SECRET}\n` });
    expect(fromStdin.code).toBe(0);
    expect(fromStdin.stdout).toBe("added backup/stdin (api key, disabled)\n");
    const inline = await agw(dir, ["add", "--provider", "gemini", "--id", "inline", "--api-key", `inline-${SECRET}`]);
    expect(inline.code).toBe(0);

    withStore(dir, (store) => {
      expect(store.accounts.get("gemini", "env")).toEqual({
        provider: "gemini",
        id: "env",
        credentials: { apiKey: `env-${SECRET}` },
        enabled: true,
        weight: 3,
        priority: 2,
        models: ["a", "b"],
        dailyRequestLimit: 100,
        dailyTokenLimit: 5000,
        source: "cli",
      });
      expect(store.accounts.get("backup", "stdin")).toMatchObject({ credentials: { apiKey: `stdin-${SECRET}` }, enabled: false });
      expect(store.accounts.get("gemini", "inline")?.credentials.apiKey).toBe(`inline-${SECRET}`);
    });
    for (const args of [["list"], ["list", "--json"]]) {
      const run = await agw(dir, args);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain("inline");
      expect(run.stdout).not.toContain(SECRET);
      expect(run.stderr).not.toContain(SECRET);
    }
  });

  test("--oauth-json FILE", async () => {
    const grant = { tokenUrl: "https://oauth2.example.test/token", clientId: "client", clientSecret: `cs-${SECRET}`, refreshToken: `rt-${SECRET}` };
    writeFileSync(join(dir, "grant.json"), JSON.stringify(grant));
    const run = await agw(dir, ["add", "--provider", "gemini", "--id", "grant", "--oauth-json", "grant.json"]);
    expect(run).toEqual({ code: 0, stdout: "added gemini/grant (oauth, enabled)\n", stderr: "" });
    withStore(dir, (store) => expect(store.accounts.get("gemini", "grant")?.credentials).toEqual({ oauth: grant }));
    for (const args of [["list"], ["list", "--json"]]) expect((await agw(dir, args)).stdout).not.toContain(SECRET);

    writeFileSync(join(dir, "bad.json"), JSON.stringify({ tokenUrl: "nope", clientId: "c" }));
    const bad = await agw(dir, ["add", "--provider", "gemini", "--id", "bad", "--oauth-json", "bad.json"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("tokenUrl");
    expect(bad.stderr).toContain("refreshToken: required");
  });

  test("refuses a duplicate id, also one the config lists but the server has not stored yet", async () => {
    expect((await agw(dir, ["add", "--provider", "gemini", "--id", "a", "--api-key", "k1"])).code).toBe(0);
    const again = await agw(dir, ["add", "--provider", "gemini", "--id", "a", "--api-key", "k2"]);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe("agw: gemini already has an account 'a' (from agw accounts add)\n");
    const configured = await agw(dir, ["add", "--provider", "gemini", "--id", "cfg", "--api-key", "k"]);
    expect(configured.code).toBe(1);
    expect(configured.stderr).toContain("already has an account 'cfg'");
    // The same id in another provider is fine, with a note.
    const other = await agw(dir, ["add", "--provider", "backup", "--id", "a", "--api-key", "k3"]);
    expect(other.code).toBe(0);
    expect(other.stderr).toContain("also has an account 'a'");
    withStore(dir, (store) => expect(store.accounts.get("gemini", "a")?.credentials.apiKey).toBe("k1"));
  });

  test.each([
    [["--provider", "nope", "--id", "x", "--api-key", "k"], "provider 'nope' is not in"],
    [["--provider", "gemini", "--id", "x"], "give exactly one of"],
    [["--provider", "gemini", "--id", "x", "--api-key", "k", "--api-key-env", "K"], "give exactly one of"],
    [["--provider", "gemini", "--id", "x", "--api-key-env", "UNSET_VAR"], "environment variable UNSET_VAR is not set"],
    [["--provider", "gemini", "--id", "x", "--api-key", "k", "--weight", "0"], "--weight: expected a positive whole number"],
    [["--id", "x", "--api-key", "k"], "--provider is required"],
    [["--provider", "gemini", "--id", "x", "--api-key", "k", "--json"], "--json does not apply to 'agw accounts add'"],
  ])("%j is a usage error", async (args, message) => {
    const run = await agw(dir, ["add", ...args]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stdout).toBe("");
    if (existsSync(join(dir, "data", "agw.db"))) withStore(dir, (store) => expect(store.accounts.get("gemini", "x")).toBeUndefined());
  });

  test("with an empty stdin", async () => {
    const run = await agw(dir, ["add", "--provider", "gemini", "--id", "x", "--api-key", "-"], { stdin: "\n" });
    expect(run).toMatchObject({ code: 2, stderr: "agw: --api-key -: no key on stdin\n" });
  });
});

describe("where the database is", () => {
  test("--config FILE from elsewhere resolves the database beside the config", async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), "agw-cwd-"));
    dirs.push(elsewhere);
    expect((await agw(elsewhere, ["add", "--config", join(dir, "agw.json"), "--provider", "gemini", "--id", "a", "--api-key", "k"])).code).toBe(0);
    withStore(dir, (store) => expect(store.accounts.get("gemini", "a")).toBeDefined());
    expect(existsSync(join(elsewhere, "agw.db"))).toBe(false);
  });

  test("--db PATH, any provider; without a config, ./agw.db", async () => {
    const bare = mkdtempSync(join(tmpdir(), "agw-bare-"));
    dirs.push(bare);
    expect((await agw(bare, ["add", "--db", "other.db", "--provider", "anything", "--id", "a", "--api-key", "k"])).code).toBe(0);
    expect(existsSync(join(bare, "other.db"))).toBe(true);
    expect((await agw(bare, ["add", "--provider", "anything", "--id", "b", "--api-key", "k"])).code).toBe(0);
    expect(existsSync(join(bare, "agw.db"))).toBe(true);
    expect(JSON.parse((await agw(bare, ["list", "--json"])).stdout).accounts.map((a: { id: string }) => a.id)).toEqual(["b"]);
  });

  test("a missing --config file is a usage error", async () => {
    const run = await agw(dir, ["list", "--config", "missing.json"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("missing.json: file not found");
  });

  test("works on the database of a running gateway", async () => {
    const gateway = startTestGateway({ providers: { gemini: { type: "gemini", accounts: [{ id: "cfg", apiKey: "k" }] } } });
    try {
      const added = await agw(dir, ["add", "--db", gateway.database, "--provider", "gemini", "--id", "live", "--api-key", "k2"]);
      expect(added.code).toBe(0);
      expect(gateway.gateway.store.accounts.get("gemini", "live")?.source).toBe("cli");
      expect((await agw(dir, ["disable", "--db", gateway.database, "cfg"])).code).toBe(0);
      expect(gateway.gateway.store.accounts.get("gemini", "cfg")?.enabled).toBe(false);
      const listed = JSON.parse((await agw(dir, ["list", "--db", gateway.database, "--json"])).stdout);
      expect(listed.accounts.map((a: { id: string; state: string }) => `${a.id}:${a.state}`)).toEqual(["cfg:disabled", "live:ready"]);
    } finally {
      await gateway.stop();
    }
  });
});

describe("remove, enable, disable, reset", () => {
  beforeEach(() => {
    withStore(dir, (store) => {
      store.accounts.syncFromConfig([account("cfg")]);
      store.accounts.add(account("solo"));
      store.accounts.add(account("twin"));
      store.accounts.add(account("twin", "backup"));
    });
  });

  test("remove: by id, then not found", async () => {
    expect(await agw(dir, ["remove", "solo"])).toEqual({ code: 0, stdout: "removed gemini/solo\n", stderr: "" });
    withStore(dir, (store) => expect(store.accounts.get("gemini", "solo")).toBeUndefined());
    expect(await agw(dir, ["remove", "solo"])).toEqual({ code: 1, stdout: "", stderr: "agw: no account 'solo'\n" });
    expect((await agw(dir, ["remove", "solo", "--provider", "backup"])).stderr).toBe("agw: no account 'solo' in provider backup\n");
  });

  test("remove a config account: done, with a note that it comes back", async () => {
    const run = await agw(dir, ["remove", "cfg"]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("comes from the config file");
  });

  test("an id in two providers needs --provider", async () => {
    const run = await agw(dir, ["disable", "twin"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("agw: more than one provider has an account 'twin' (backup, gemini): say which with --provider\n");
    expect(await agw(dir, ["disable", "twin", "--provider", "backup"])).toEqual({ code: 0, stdout: "disabled backup/twin\n", stderr: "" });
    withStore(dir, (store) => {
      expect(store.accounts.get("backup", "twin")?.enabled).toBe(false);
      expect(store.accounts.get("gemini", "twin")?.enabled).toBe(true);
    });
  });

  test("disable and enable; doing it twice changes nothing (exit 1)", async () => {
    expect((await agw(dir, ["disable", "solo"])).code).toBe(0);
    expect(await agw(dir, ["disable", "solo"])).toEqual({ code: 1, stdout: "", stderr: "agw: gemini/solo is already disabled\n" });
    expect(await agw(dir, ["enable", "--provider", "gemini", "solo"])).toEqual({ code: 0, stdout: "enabled gemini/solo\n", stderr: "" });
    expect((await agw(dir, ["enable", "solo"])).code).toBe(1);
    // Enabling clears the reason agw took an account out.
    withStore(dir, (store) => store.accounts.setDisabledReason("gemini", "solo", "API key rejected (401)"));
    expect((await agw(dir, ["enable", "solo"])).stdout).toBe("enabled gemini/solo (cleared: API key rejected (401))\n");
    withStore(dir, (store) => expect(store.accounts.get("gemini", "solo")?.disabledReason).toBeUndefined());
  });

  test("reset clears the disabled reason, cooldowns and failure streaks", async () => {
    withStore(dir, (store) => {
      store.accounts.setDisabledReason("gemini", "solo", "grant revoked");
      store.accountState.save({ provider: "gemini", accountId: "solo", model: "", cooldownUntil: Date.now() + 600_000, reason: "quota", failures: 3 });
      store.accountState.save({ provider: "gemini", accountId: "solo", model: "m", cooldownUntil: 0, failures: 2 });
    });
    expect(await agw(dir, ["reset", "solo"])).toEqual({ code: 0, stdout: "reset gemini/solo\n", stderr: "" });
    const status = JSON.parse((await agw(dir, ["list", "--json"])).stdout).accounts.find((a: { id: string }) => a.id === "solo");
    expect(status).toMatchObject({ state: "ready", cooldowns: [], failures: 0 });
    expect(await agw(dir, ["reset", "solo"])).toEqual({ code: 1, stdout: "", stderr: "agw: gemini/solo has nothing to reset\n" });
  });

  test.each([
    [["remove"], "usage: agw accounts remove ID [--provider P]"],
    [["reset", "a", "b"], "usage: agw accounts reset ID [--provider P]"],
    [["enable", "solo", "--weight", "2"], "--weight does not apply to 'agw accounts enable'"],
    [["frobnicate"], "unknown accounts command 'frobnicate'"],
    [[], "usage: agw accounts list|add|remove|enable|disable|reset"],
  ])("%j is a usage error", async (args, message) => {
    const run = await agw(dir, args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });

  test("--help", async () => {
    const run = await agw(dir, ["--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("agw accounts add --provider P --id ID");
  });
});

test("a database that is not there yet is created only by add", async () => {
  const fresh = mkdtempSync(join(tmpdir(), "agw-fresh-"));
  dirs.push(fresh);
  mkdirSync(join(fresh, "sub"));
  for (const action of ["remove", "enable", "disable", "reset"]) {
    expect((await agw(fresh, [action, "x", "--db", "sub/agw.db"])).code).toBe(1);
  }
  expect(existsSync(join(fresh, "sub", "agw.db"))).toBe(false);
});

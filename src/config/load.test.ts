import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, defaultConfig, loadConfigFile, parseConfig } from "./load.ts";

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

const dir = mkdtempSync(join(tmpdir(), "agw-config-"));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe("loadConfigFile", () => {
  test("the example config loads with no environment", () => {
    const config = loadConfigFile(join(import.meta.dir, "../../examples/agw.json"), {});
    expect(config.listen).toEqual({ host: "127.0.0.1", port: 8045, allowedHosts: [] });
    expect(config.providers.gemini?.accounts[0]).toMatchObject({ id: "alice@example.com", apiKey: "" });
    expect(config.providers.demo?.type).toBe("mock");
    expect(config.database).toBe(join(import.meta.dir, "../../examples/agw.db"));
  });

  test("comments and trailing commas are allowed", () => {
    const path = file("comments.json", `{\n // a comment\n "listen": { "port": 9000, /* inline */ },\n}`);
    expect(loadConfigFile(path, {}).listen.port).toBe(9000);
  });

  test("${VAR} is replaced from the environment, ${VAR:-x} falls back", () => {
    const path = file("env.json", JSON.stringify({ auth: { mode: "strict", apiKey: "${KEY}" }, database: "${DB:-./x.db}" }));
    const config = loadConfigFile(path, { KEY: "secret" });
    expect(config.auth.apiKey).toBe("secret");
    expect(config.database).toBe(join(dir, "x.db"));
  });

  test("a missing variable is an error naming it and where it is used", () => {
    const path = file("missing.json", JSON.stringify({ providers: { g: { type: "gemini", accounts: [{ id: "a", apiKey: "${GEMINI_KEY}" }] } } }));
    expect(problemsOf(() => loadConfigFile(path, {}))).toEqual([
      "providers.g.accounts[0].apiKey: environment variable GEMINI_KEY is not set",
    ]);
  });

  test("relative database paths resolve against the config's folder; absolute ones stay", () => {
    expect(loadConfigFile(file("rel.json", `{"database": "data/agw.db"}`), {}).database).toBe(join(dir, "data/agw.db"));
    expect(loadConfigFile(file("abs.json", `{"database": "/var/lib/agw.db"}`), {}).database).toBe("/var/lib/agw.db");
  });

  test("a missing file and invalid JSON are clear errors", () => {
    expect(problemsOf(() => loadConfigFile(join(dir, "nope.json")))).toEqual(["file not found"]);
    const problems = problemsOf(() => loadConfigFile(file("bad.json", `{"listen": }`)));
    expect(problems[0]).toStartWith("not valid JSON (comments allowed)");
  });

  test("the error message names the file", () => {
    const path = file("type.json", `{"providers": {"gemini": {"type": "gemnii"}}}`);
    try {
      loadConfigFile(path, {});
      throw new Error("expected an error");
    } catch (error) {
      expect((error as Error).message).toBe(`${path}:\n  providers.gemini.type: expected one of gemini, openai, anthropic, mock`);
    }
  });
});

describe("parseConfig validation", () => {
  test.each([
    [{ providers: { gemini: { type: "gemnii" } } }, "providers.gemini.type: expected one of gemini, openai, anthropic, mock"],
    [{ listen: { port: "8045" } }, "listen.port: expected number, got string"],
    [{ listen: { port: 70000 } }, "listen.port: Too big: expected number to be <=65535"],
    [{ auth: { mode: "on" } }, "auth.mode: expected one of off, strict, all_except_health, auto"],
    [{ models: { "gpt-4o": "gemini-2.5-flash" } }, "models.gpt-4o: a target of the form PROVIDER/MODEL"],
    [{ providers: { g: { type: "gemini", accounts: [{ apiKey: "k" }] } } }, "providers.g.accounts[0].id: required (string)"],
    [{ listn: {} }, "listn: unknown field"],
    [{ providers: { g: { type: "gemini", baseUrl: "ftp://x" } } }, "providers.g.baseUrl: Invalid URL"],
  ])("%j → %s", (raw, expected) => {
    expect(problemsOf(() => parseConfig(raw, "agw.json", {}))).toEqual([expected]);
  });

  test("every section is checked when given (its schema is built then), and each problem named in document order", () => {
    const raw = {
      listen: "x",
      cors: { origins: ["https://app.example/path"] },
      scheduling: { mode: "random" },
      retry: { maxAttempts: 50 },
      limits: { maxBodyBytes: -1, bogus: 1 },
      media: { timeoutMs: 1.5 },
      intercept: { warmup: "yes" },
      responses: { retentionDays: 0 },
      secrets: { key: "short" },
      shutdown: { drainMs: -1 },
      logging: { format: "xml" },
      metrics: { public: 1 },
    };
    expect(problemsOf(() => parseConfig(raw, "agw.json", {}))).toEqual([
      "listen: expected object, got string",
      "cors.origins[0]: an origin such as https://app.example",
      "scheduling.mode: expected one of round-robin, sticky, least-used, priority",
      "retry.maxAttempts: Too big: expected number to be <=20",
      "limits.maxBodyBytes: Too small: expected number to be >0",
      "limits.bogus: unknown field",
      "media.timeoutMs: expected int, got number",
      "intercept.warmup: expected boolean, got string",
      "responses.retentionDays: Too small: expected number to be >0",
      "secrets.key: 32 random bytes in base64 (make one with: openssl rand -base64 32)",
      "shutdown.drainMs: Too small: expected number to be >=0",
      "logging.format: expected one of text, json",
      "metrics.public: expected boolean, got number",
    ]);
  });

  test("a section left out is its defaults, the same for every config read", () => {
    const first = parseConfig({}, "agw.json", {});
    expect({ ...first, file: undefined, database: undefined }).toEqual({
      file: undefined,
      database: undefined,
      listen: { host: "127.0.0.1", port: 8045, allowedHosts: [] },
      cors: { origins: [] },
      allowLanAccess: false,
      auth: { mode: "auto", apiKey: "", keys: [] },
      pricing: {},
      scheduling: { mode: "round-robin" },
      providers: {},
      models: {},
      retry: { maxAttempts: 3, defaultCooldownMs: 30_000, maxCooldownMs: 1_800_000, maxWaitMs: 0, deadlineMs: 240_000 },
      limits: { maxBodyBytes: 104_857_600, keepAliveMs: 15_000, maxJsonDepth: 128, bodyTimeoutMs: 30_000 },
      media: { maxBytes: 20_971_520, timeoutMs: 10_000, allowPrivateNetworks: false },
      intercept: { warmup: true, background: true },
      responses: { retentionDays: 30, maxStoredBytes: 268_435_456 },
      secrets: {},
      shutdown: { drainMs: 10_000 },
      logging: { requests: true, retentionDays: 30, format: "text", access: false },
      metrics: { public: false },
    });
    // A default is a copy: changing one config's does not change the next one's.
    first.retry.maxAttempts = 9;
    expect(parseConfig({}, "agw.json", {}).retry.maxAttempts).toBe(3);
  });

  test("defaults: 127.0.0.1:8045, auth auto, 3 attempts", () => {
    const config = defaultConfig();
    expect(config.listen).toEqual({ host: "127.0.0.1", port: 8045, allowedHosts: [] });
    expect(config.auth).toEqual({ mode: "auto", apiKey: "", keys: [] });
    expect(config.retry.maxAttempts).toBe(3);
    expect(config.providers).toEqual({});
  });

  test("allowLanAccess listens on 0.0.0.0 unless listen.host says otherwise", () => {
    expect(parseConfig({ allowLanAccess: true }, "f", {}).listen.host).toBe("0.0.0.0");
    expect(parseConfig({ allowLanAccess: true, listen: { host: "192.168.1.2" } }, "f", {}).listen.host).toBe("192.168.1.2");
  });

  test("the issue's contract example parses", () => {
    const config = parseConfig(
      {
        listen: { host: "127.0.0.1", port: 8045 },
        allowLanAccess: false,
        auth: { mode: "auto", apiKey: "${AGW_API_KEY}" },
        database: "./agw.db",
        providers: {
          gemini: {
            type: "gemini",
            baseUrl: "https://generativelanguage.googleapis.com",
            accounts: [{ id: "alice@example.com", apiKey: "${GEMINI_API_KEY}" }],
            models: ["gemini-2.5-flash", "gemini-2.5-pro"],
          },
          demo: { type: "mock" },
        },
        models: { "gpt-4o": "gemini/gemini-2.5-flash", "claude-*": "gemini/gemini-2.5-pro", "*": "gemini/gemini-2.5-flash" },
        retry: { maxAttempts: 3 },
      },
      "/etc/agw.json",
      { AGW_API_KEY: "k", GEMINI_API_KEY: "g" },
    );
    expect(config.providers.gemini?.accounts[0]?.apiKey).toBe("g");
    expect(config.database).toBe("/etc/agw.db");
  });
});

test("a Postgres URL as the database is kept as it is; a malformed one is refused without echoing its password", () => {
  expect(parseConfig({ database: "postgres://agw:secret@db:5432/agw" }, "/etc/agw/agw.json", {}).database).toBe("postgres://agw:secret@db:5432/agw");
  expect(parseConfig({ database: "${DATABASE_URL}" }, "/etc/agw/agw.json", { DATABASE_URL: "postgresql://u:p@10.0.0.5/agw?sslmode=require" }).database).toBe(
    "postgresql://u:p@10.0.0.5/agw?sslmode=require",
  );
  expect(problemsOf(() => parseConfig({ database: "postgres://agw:secret@db:5432/" }, "agw.json", {}))).toEqual([
    "database: a Postgres URL, but it names no database (expected postgres://user:password@host:5432/database)",
  ]);
  expect(problemsOf(() => parseConfig({ database: "postgres:///agw" }, "agw.json", {}))).toEqual([
    "database: a Postgres URL, but it names no host (expected postgres://user:password@host:5432/database)",
  ]);
});

import { expect, test } from "bun:test";
import { parseArgs, UsageError } from "./args.ts";

test.each([
  [[], { kind: "serve" }],
  [["--config", "a.json"], { kind: "serve", config: "a.json" }],
  [["--config=a.json", "--port", "0", "--host", "::1"], { kind: "serve", config: "a.json", port: 0, host: "::1" }],
  [["-c", "b.json", "-p", "9000"], { kind: "serve", config: "b.json", port: 9000 }],
  [["check-config", "x.json"], { kind: "check-config", file: "x.json" }],
  [["--help"], { kind: "help" }],
  [["logs", "--help"], { kind: "help", text: expect.stringMatching(/^agw logs — the request log[\s\S]*--follow, -f {4}keep printing/) }],
  [["stats", "-h"], { kind: "help", text: expect.stringMatching(/^agw stats — requests, errors[\s\S]*--by G {10}group by model/) }],
  [["service", "--help"], { kind: "help", text: expect.stringMatching(/^agw service — run agw as a service[\s\S]*agw service status \[--user\]/) }],
  [["service", "install", "--help"], { kind: "help", text: expect.stringMatching(/^agw service — /) }],
  [["models", "--help"], { kind: "help", text: expect.stringMatching(/^usage: agw models \[--config FILE\] \[--refresh\]\n/) }],
  [["--version"], { kind: "version" }],
])("%j", (argv, expected) => {
  expect(parseArgs(argv)).toEqual(expected as never);
});

test.each([
  [["--port", "99999"], "--port: expected a number from 0 to 65535, got '99999'"],
  [["--config"], "--config needs a value"],
  [["--frobnicate"], "unknown argument '--frobnicate' (see agw --help)"],
  [["check-config"], "usage: agw check-config FILE"],
])("%j is a usage error", (argv, message) => {
  expect(() => parseArgs(argv)).toThrow(new UsageError(message));
});

test.each([
  [["accounts", "list"], { kind: "accounts", database: {}, command: { action: "list", json: false } }],
  [
    ["accounts", "list", "--json", "--provider", "gemini", "--config", "a.json"],
    { kind: "accounts", database: { config: "a.json" }, command: { action: "list", json: true, provider: "gemini" } },
  ],
  [["accounts", "--db=x.db", "list"], { kind: "accounts", database: { db: "x.db" }, command: { action: "list", json: false } }],
  [["accounts", "--help"], { kind: "accounts", database: {}, command: { action: "help" } }],
  [["accounts", "add", "--help"], { kind: "accounts", database: {}, command: { action: "help" } }],
  [
    ["accounts", "add", "--provider", "g", "--id", "a", "--api-key-env", "KEY"],
    { kind: "accounts", database: {}, command: { action: "add", provider: "g", id: "a", credentials: { apiKeyEnv: "KEY" }, disabled: false } },
  ],
  [
    ["accounts", "add", "--provider=g", "--id=a", "--api-key", "-", "--disabled", "-c", "c.json"],
    { kind: "accounts", database: { config: "c.json" }, command: { action: "add", provider: "g", id: "a", credentials: { apiKeyStdin: true }, disabled: true } },
  ],
  [
    [
      "accounts", "add", "--provider", "g", "--id", "a", "--oauth-json", "grant.json", "--weight", "2", "--priority", "0",
      "--models", "m1, m2", "--daily-requests", "10", "--daily-tokens", "1000",
    ],
    {
      kind: "accounts",
      database: {},
      command: {
        action: "add", provider: "g", id: "a", credentials: { oauthJson: "grant.json" }, disabled: false,
        weight: 2, priority: 0, models: ["m1", "m2"], dailyRequests: 10, dailyTokens: 1000,
      },
    },
  ],
  [
    ["accounts", "add", "--api-key", "sk-1", "--id", "a", "--provider", "g"],
    { kind: "accounts", database: {}, command: { action: "add", provider: "g", id: "a", credentials: { apiKey: "sk-1" }, disabled: false } },
  ],
  [["accounts", "remove", "a"], { kind: "accounts", database: {}, command: { action: "remove", id: "a" } }],
  [["accounts", "enable", "--provider", "g", "a"], { kind: "accounts", database: {}, command: { action: "enable", id: "a", provider: "g" } }],
  [["accounts", "disable", "a", "--db", "d.db"], { kind: "accounts", database: { db: "d.db" }, command: { action: "disable", id: "a" } }],
  [["accounts", "reset", "a"], { kind: "accounts", database: {}, command: { action: "reset", id: "a" } }],
])("%j", (argv, expected) => {
  expect(parseArgs(argv)).toEqual(expected as never);
});

test.each([
  [["accounts"], "usage: agw accounts list|add|remove|enable|disable|reset … (see agw accounts --help)"],
  [["accounts", "show"], "unknown accounts command 'show'; usage: agw accounts list|add|remove|enable|disable|reset … (see agw accounts --help)"],
  [["accounts", "list", "--frob"], "unknown argument '--frob' (see agw accounts --help)"],
  [["accounts", "list", "extra"], "unexpected argument 'extra'; usage: agw accounts list [--provider P] [--json]"],
  [["accounts", "list", "--provider"], "--provider needs a value"],
  [["accounts", "list", "--provider", "--json"], "--provider needs a value"],
  [["accounts", "list", "--json=yes"], "--json takes no value"],
  [["accounts", "list", "--provider", "a", "--provider", "b"], "--provider given twice"],
  [["accounts", "remove", "a", "--json"], "--json does not apply to 'agw accounts remove'"],
  [["accounts", "enable"], "usage: agw accounts enable ID [--provider P]"],
  [["accounts", "add", "--id", "a", "--api-key", "k"], expect.stringContaining("--provider is required")],
  [["accounts", "add", "--provider", "g", "--api-key", "k"], expect.stringContaining("--id is required")],
  [["accounts", "add", "--provider", "g", "--id", "a"], "give exactly one of --api-key-env VAR, --api-key - (stdin), --api-key KEY or --oauth-json FILE"],
  [["accounts", "add", "--provider", "g", "--id", "a", "--api-key", "k", "--oauth-json", "f"], expect.stringContaining("give exactly one of")],
  [["accounts", "add", "--provider", "g", "--id", "a", "--api-key", "k", "--weight", "0"], "--weight: expected a positive whole number, got '0'"],
  [["accounts", "add", "--provider", "g", "--id", "a", "--api-key", "k", "--priority", "-1"], "--priority: expected a whole number, got '-1'"],
  [["accounts", "add", "--provider", "g", "--id", "a", "--api-key", "k", "--daily-tokens", "1.5"], "--daily-tokens: expected a positive whole number, got '1.5'"],
  [["accounts", "add", "--provider", "g", "--id", "a", "--api-key", "k", "--models", "a,,b"], "--models: expected model names separated by commas, got 'a,,b'"],
  [["accounts", "add", "--provider", "g", "--id", "a", "--api-key", "k", "extra"], expect.stringContaining("unexpected argument 'extra'")],
])("%j is a usage error", (argv, message) => {
  let thrown: unknown;
  try {
    parseArgs(argv);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(UsageError);
  expect((thrown as Error).message).toEqual(message as string);
});

test("agw models [--config FILE] [--refresh]", () => {
  expect(parseArgs(["models"])).toEqual({ kind: "models", refresh: false });
  expect(parseArgs(["models", "--config", "a.json", "--refresh"])).toEqual({ kind: "models", config: "a.json", refresh: true });
  expect(() => parseArgs(["models", "--frob"])).toThrow("usage: agw models [--config FILE] [--refresh]");
});

import { expect, test } from "bun:test";
import { parseArgs, UsageError } from "./args.ts";

test("agw keys: limits as the admin API's fields, ids positional, 'none' clears with set", () => {
  expect(parseArgs(["keys", "create", "--name", "CI", "--models", "gemini-*, gpt-4o", "--rpm", "60", "--budget-usd", "$7.50", "--expires", "2027-01-01T00:00:00Z", "--disabled", "--json", "--db", "x.db"])).toEqual({
    kind: "keys",
    database: { db: "x.db" },
    command: {
      action: "create",
      json: true,
      fields: { name: "CI", models: ["gemini-*", "gpt-4o"], rpm: 60, monthlyBudgetUsd: 7.5, expiresAt: "2027-01-01T00:00:00Z", enabled: false },
    },
  });
  expect(parseArgs(["keys", "set", "ci", "--tpm", "none", "--daily-requests", "100", "--metadata", '{"team":"a"}'])).toEqual({
    kind: "keys",
    database: {},
    command: { action: "set", id: "ci", json: false, fields: { tpm: null, dailyRequests: 100, metadata: { team: "a" } } },
  });
  expect(parseArgs(["keys", "revoke", "ci", "-c", "agw.json"])).toEqual({ kind: "keys", database: { config: "agw.json" }, command: { action: "revoke", id: "ci", json: false } });
  expect(parseArgs(["keys", "--help"])).toEqual({ kind: "keys", database: {}, command: { action: "help" } });
});

test.each([
  [["keys"], "usage: agw keys create|list|show|set|enable|disable|revoke … (see agw keys --help)"],
  [["keys", "delete", "x"], "unknown keys command 'delete'; usage: agw keys create|list|show|set|enable|disable|revoke … (see agw keys --help)"],
  [["keys", "revoke"], "usage: agw keys revoke ID"],
  [["keys", "set", "x"], "agw keys set ID needs at least one limit to change (see agw keys --help)"],
  [["keys", "revoke", "x", "--rpm", "5"], "--rpm does not apply to 'agw keys revoke'"],
  [["keys", "create", "--rpm", "0"], "--rpm: expected a positive whole number, got '0'"],
  [["keys", "create", "--rpm", "none"], "'none' only clears a limit with agw keys set (rpm)"],
  [["keys", "create", "--budget-usd", "lots"], "--budget-usd: expected an amount in US dollars such as 25 or 7.50, got 'lots'"],
  [["keys", "create", "--key", "abc"], "unknown argument '--key' (see agw keys --help)"],
])("%p is a usage error: %s", (argv, message) => {
  expect(() => parseArgs(argv)).toThrow(new UsageError(message));
});

import { expect, test } from "bun:test";
import { parseArgs, parseDuration, UsageError } from "./args.ts";

test("agw logs: every filter, --follow and --json; defaults to nothing set", () => {
  expect(parseArgs(["logs"])).toEqual({ kind: "logs", database: {}, options: { follow: false, json: false } });
  expect(
    parseArgs(["logs", "--config", "/etc/agw/agw.json", "--since=1h", "--status", "5xx", "--model", "fast", "--account=g1", "-f", "--json"]),
  ).toEqual({
    kind: "logs",
    database: { config: "/etc/agw/agw.json" },
    options: { sinceMs: 3_600_000, status: { class: 5 }, model: "fast", account: "g1", follow: true, json: true },
  });
  expect(parseArgs(["logs", "--db", "x.db", "--status", "429"])).toEqual({
    kind: "logs",
    database: { db: "x.db" },
    options: { status: { exact: 429 }, follow: false, json: false },
  });
});

test("agw stats: --since defaults to 24h, --by to model", () => {
  expect(parseArgs(["stats"])).toEqual({ kind: "stats", database: {}, options: { sinceMs: 86_400_000, by: "model", json: false } });
  expect(parseArgs(["stats", "-c", "agw.json", "--since", "7d", "--by", "account", "--json"])).toEqual({
    kind: "stats",
    database: { config: "agw.json" },
    options: { sinceMs: 7 * 86_400_000, by: "account", json: true },
  });
});

test.each([
  [["logs", "--status", "5x"], "--status: expected a status such as 429 or a class such as 5xx, got '5x'"],
  [["logs", "--since", "1w"], "--since: expected a duration such as 30m, 1h or 7d, got '1w'"],
  [["logs", "--since"], "--since needs a value"],
  [["logs", "--by", "model"], "unknown argument '--by'; usage: agw logs [--config FILE | --db PATH] [--since 1h] [--status 5xx|429] [--model M] [--account A] [--follow] [--json]"],
  [["stats", "--by", "region"], "--by: expected model, account, provider, protocol or key, got 'region'"],
  [["stats", "--follow"], "unknown argument '--follow'; usage: agw stats [--config FILE | --db PATH] [--since 24h] [--by model|account|provider|protocol|key] [--json]"],
  [["stats", "--since", "1h", "--since", "2h"], "--since given twice"],
])("%j is a usage error: %s", (argv, message) => {
  expect(() => parseArgs(argv)).toThrow(new UsageError(message));
});

test("durations", () => {
  expect([parseDuration("--since", "90s"), parseDuration("--since", "15m"), parseDuration("--since", "2h"), parseDuration("--since", "1d")]).toEqual([
    90_000, 900_000, 7_200_000, 86_400_000,
  ]);
  expect(() => parseDuration("--since", "0h")).toThrow(UsageError);
});

import { expect, test } from "bun:test";
import type { AccountStatus } from "../pool/account-status.ts";
import { formatAccountsTable, formatCooldown, formatDuration } from "./accounts-format.ts";

test.each([
  [0, "0s"],
  [1, "1s"],
  [45_000, "45s"],
  [59_001, "1m00s"],
  [252_000, "4m12s"],
  [3_600_000, "1h00m"],
  [3_900_000, "1h05m"],
  [90_000_000, "1d01h"],
])("formatDuration(%d) = %s", (ms, text) => {
  expect(formatDuration(ms)).toBe(text);
});

test("cooldowns", () => {
  expect(formatCooldown({ model: "gemini-2.5-pro", until: 0, remainingMs: 252_000, reason: "rate limited" })).toBe(
    "gemini-2.5-pro 4m12s (rate limited)",
  );
  expect(formatCooldown({ model: "*", until: 0, remainingMs: 5_000, reason: "" })).toBe("all models 5s");
});

const status = (extra: Partial<AccountStatus>): AccountStatus => ({
  provider: "gemini",
  id: "a",
  source: "cli",
  enabled: true,
  state: "ready",
  weight: 1,
  priority: 0,
  credentials: "api key",
  limits: {},
  today: { requests: 0, inputTokens: 0, outputTokens: 0 },
  cooldowns: [],
  failures: 0,
  ...extra,
});

test("an aligned table with limits beside usage", () => {
  const table = formatAccountsTable([
    status({ id: "long-account-id", limits: { requests: 100, tokens: 5000 }, today: { requests: 3, inputTokens: 40, outputTokens: 2 } }),
    status({
      provider: "backup",
      state: "cooling",
      reason: "m: rate limited",
      source: "config",
      cooldowns: [
        { model: "*", until: 0, remainingMs: 61_000, reason: "quota" },
        { model: "m", until: 0, remainingMs: 5_000, reason: "rate limited" },
      ],
    }),
  ]);
  expect(table.split("\n")).toEqual([
    "PROVIDER  ID               STATE    REASON  COOLDOWNS                                      REQUESTS  TOKENS   WEIGHT  PRIORITY  SOURCE",
    "gemini    long-account-id  ready    -       -                                              3/100     42/5000  1       0         cli",
    "backup    a                cooling  -       all models 1m01s (quota), m 5s (rate limited)  0         0        1       0         config",
  ]);
});

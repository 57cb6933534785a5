import { expect, test } from "bun:test";
import { formatResetDuration, KeyCounters, monthStart, nextMonthStart } from "./counters.ts";
import { hashClientKey, newClientKeySecret } from "./secret.ts";

const at = (iso: string) => Date.parse(iso);

test("a reservation is replaced by the real usage in the same window; a window that moved on keeps what it counted", () => {
  const counters = new KeyCounters();
  counters.roll(at("2026-12-04T10:00:05Z"));
  counters.admit(100);
  counters.admit(50);
  expect([counters.minuteRequests, counters.minuteTokens, counters.dayRequests, counters.dayTokens]).toEqual([2, 150, 2, 150]);
  counters.settle(at("2026-12-04T10:00:05Z"), 100, 30, 0.5, at("2026-12-04T10:00:40Z"));
  expect([counters.minuteTokens, counters.dayTokens, counters.monthCostUsd]).toEqual([80, 80, 0.5]);
  // Admitted at 10:00, ended at 10:01: the new minute gets the tokens used, the day swaps the reservation.
  counters.settle(at("2026-12-04T10:00:05Z"), 50, 20, 0.25, at("2026-12-04T10:01:02Z"));
  expect([counters.minuteRequests, counters.minuteTokens, counters.dayRequests, counters.dayTokens, counters.monthCostUsd]).toEqual([0, 20, 2, 50, 0.75]);
  counters.roll(at("2026-12-05T00:00:00Z"));
  expect([counters.dayRequests, counters.dayTokens, counters.monthCostUsd]).toEqual([0, 0, 0.75]);
  counters.roll(at("2027-01-01T00:00:00Z"));
  expect(counters.monthCostUsd).toBe(0);
});

test("months and reset durations as OpenAI writes them", () => {
  expect(new Date(monthStart(at("2026-12-31T23:59:59Z"))).toISOString()).toBe("2026-12-01T00:00:00.000Z");
  expect(new Date(nextMonthStart(at("2026-12-31T23:59:59Z"))).toISOString()).toBe("2027-01-01T00:00:00.000Z");
  expect([850, 1000, 17_200, 60_000, 360_000, 11_525_000].map(formatResetDuration)).toEqual(["850ms", "1s", "18s", "1m0s", "6m0s", "3h12m5s"]);
});

test("secrets: agw_ and 43 base62 digits, all different; the hash is the lowercase hex SHA-256", () => {
  const made = new Set(Array.from({ length: 200 }, newClientKeySecret));
  expect(made.size).toBe(200);
  for (const secret of made) expect(secret).toMatch(/^agw_[0-9A-Za-z]{43}$/);
  expect(hashClientKey("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
});

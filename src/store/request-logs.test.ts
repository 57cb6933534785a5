import { afterEach, expect, test } from "bun:test";
import { SqliteStore } from "./index.ts";

const stores: SqliteStore[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
});

test("a request log row keeps its warnings (codes and messages); a row without any reads back without", () => {
  const store = SqliteStore.open(":memory:");
  stores.push(store);
  const warnings = [
    { code: "max_tokens_clamped", message: "max_tokens 128000 is above gemini-2.5-flash's output limit of 65536; 65536 was sent" },
    { code: "seed_unsupported", message: "Anthropic has no seed; it was left out" },
  ];
  store.requestLogs.record({ id: "warned", startedAt: 2, route: "/v1/messages", stream: false, status: 200, attempts: 1, warnings });
  store.requestLogs.record({ id: "plain", startedAt: 1, route: "/v1/messages", stream: false, status: 200, attempts: 1, warnings: [] });
  store.flush();
  expect(store.requestLogs.get("warned")?.warnings).toEqual(warnings);
  expect(store.requestLogs.get("plain")?.warnings).toBeUndefined();
  expect(store.requestLogs.recent().map((row) => [row.id, row.warnings?.map((warning) => warning.code)])).toEqual([
    ["warned", ["max_tokens_clamped", "seed_unsupported"]],
    ["plain", undefined],
  ]);
});

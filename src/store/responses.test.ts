import { Database } from "bun:sqlite";
import { afterEach, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteStore } from "./index.ts";
import { migrations } from "./migrations.ts";

const stores: SqliteStore[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
});
const open = (path = join(mkdtempSync(join(tmpdir(), "agw-responses-")), "agw.db")) => {
  const store = SqliteStore.open(path);
  stores.push(store);
  return { store, path };
};

const turn = (id: string, previousResponseId?: string, createdAt = Date.now()) => ({
  id,
  createdAt,
  ...(previousResponseId ? { previousResponseId } : {}),
  input: [{ role: "user", content: `question ${id}` }],
  output: [{ type: "message", content: [{ type: "output_text", text: `answer ${id}` }] }],
  response: { id, object: "response" },
});

test("a saved response is readable at once, before its batch is written", () => {
  const { store } = open();
  store.responses.save(turn("resp_1"));
  expect(store.responses.get("resp_1")?.response).toEqual({ id: "resp_1", object: "response" });
});

test("conversation() follows previous_response_id back, oldest turn first", () => {
  const { store } = open();
  store.responses.save(turn("resp_1"));
  store.responses.save(turn("resp_2", "resp_1"));
  store.flush();
  store.responses.save(turn("resp_3", "resp_2"));
  const items = store.responses.conversation("resp_3")!;
  expect(items.map((item) => JSON.stringify(item))).toEqual([
    JSON.stringify({ role: "user", content: "question resp_1" }),
    JSON.stringify({ type: "message", content: [{ type: "output_text", text: "answer resp_1" }] }),
    JSON.stringify({ role: "user", content: "question resp_2" }),
    JSON.stringify({ type: "message", content: [{ type: "output_text", text: "answer resp_2" }] }),
    JSON.stringify({ role: "user", content: "question resp_3" }),
    JSON.stringify({ type: "message", content: [{ type: "output_text", text: "answer resp_3" }] }),
  ]);
  expect(store.responses.conversation("resp_missing")).toBeUndefined();
});

test("stored responses survive a restart", () => {
  const { store, path } = open();
  store.responses.save(turn("resp_1"));
  store.responses.save(turn("resp_2", "resp_1"));
  store.close();
  const reopened = open(path).store;
  expect(reopened.responses.conversation("resp_2")).toHaveLength(4);
});

test("delete removes pending and written responses; prune removes old ones", () => {
  const { store } = open();
  store.responses.save(turn("resp_old", undefined, 1_000));
  store.responses.save(turn("resp_new"));
  expect(store.responses.delete("resp_new")).toBe(true);
  expect(store.responses.get("resp_new")).toBeUndefined();
  expect(store.responses.delete("resp_new")).toBe(false);
  expect(store.responses.prune(2_000)).toBe(1);
  expect(store.responses.get("resp_old")).toBeUndefined();
});

const referable = (id: string) => [
  { id: `rs_${id}_0`, items: [{ type: "reasoning", id: `rs_${id}_0`, summary: [], encrypted_content: "sig" }] },
  { id: `msg_${id}_1`, items: [{ type: "message", id: `msg_${id}_1`, content: [{ type: "output_text", text: `answer ${id}` }] }] },
];

test("output items are found by id in one read, before and after their batch is written and across a restart", () => {
  const { store, path } = open();
  store.responses.save(turn("resp_1"), referable("1"));
  store.flush();
  store.responses.save(turn("resp_2"), referable("2"));
  const found = store.responses.items(["rs_1_0", "msg_2_1", "msg_unknown"]);
  expect(Object.fromEntries(found)).toStrictEqual({ rs_1_0: referable("1")[0]!.items, msg_2_1: referable("2")[1]!.items });
  store.close();
  const reopened = open(path).store;
  expect([...reopened.responses.items(["msg_1_1", "rs_2_0"]).keys()].sort()).toEqual(["msg_1_1", "rs_2_0"]);
});

test("a deleted or pruned response takes its items with it", () => {
  const { store } = open();
  store.responses.save(turn("resp_old", undefined, 1_000), referable("old"));
  store.responses.save(turn("resp_new"), referable("new"));
  store.responses.delete("resp_new");
  expect(store.responses.items(["msg_new_1"]).size).toBe(0);
  store.responses.prune(2_000);
  expect(store.responses.items(["msg_old_1", "rs_old_0"]).size).toBe(0);
});

test("responses stored before items had their own table become referable, one item each", () => {
  const path = join(mkdtempSync(join(tmpdir(), "agw-responses-")), "agw.db");
  const older = new Database(path, { create: true, strict: true });
  for (const [version, migration] of migrations.slice(0, 4).entries()) {
    older.run(migration);
    older.run(`PRAGMA user_version = ${version + 1}`);
  }
  const output = [{ type: "message", id: "msg_before_0", content: [] }, { type: "reasoning", summary: [] }];
  older
    .query("INSERT INTO responses (id, created_at, input, output, response) VALUES (?1, ?2, ?3, ?4, ?5)")
    .run("resp_before", 1, "[]", JSON.stringify(output), "{}");
  older.close();
  const { store } = open(path);
  expect(Object.fromEntries(store.responses.items(["msg_before_0"]))).toStrictEqual({ msg_before_0: [output[0]] });
});

test("responses.maxStoredBytes: past it the oldest responses go first, down to nine tenths; across a restart too", () => {
  const { store, path } = open();
  const sized = (id: string, createdAt: number) => ({ ...turn(id, undefined, createdAt), input: [{ role: "user", content: "x".repeat(1000) }] });
  const sizeOf = (id: string) => {
    const one = sized(id, 0);
    return JSON.stringify(one.input).length + JSON.stringify(one.output).length + JSON.stringify(one.response).length;
  };
  const one = sizeOf("resp_0");
  store.responses.limitBytes(one * 10);
  for (let index = 0; index < 10; index++) store.responses.save(sized(`resp_${index}`, 1000 + index));
  store.flush();
  expect(store.responses.bytes).toBe(one * 10);
  // The eleventh goes over the limit: the oldest go until at most nine tenths of it remain.
  store.responses.save(sized("resp_10", 2000));
  store.flush();
  const kept = Array.from({ length: 11 }, (_, index) => `resp_${index}`).filter((id) => store.responses.get(id) !== undefined);
  expect(kept).toEqual(["resp_3", "resp_4", "resp_5", "resp_6", "resp_7", "resp_8", "resp_9", "resp_10"]);
  expect(store.responses.bytes).toBe(7 * one + sizeOf("resp_10"));
  expect(store.responses.bytes).toBeLessThanOrEqual(one * 9);
  store.close();
  const reopened = SqliteStore.open(path);
  stores.push(reopened);
  expect(reopened.responses.bytes).toBe(7 * one + sizeOf("resp_10"));
});

test("a response larger than the whole limit is not stored; a deleted one gives its bytes back", () => {
  const { store } = open();
  store.responses.limitBytes(500);
  expect(store.responses.save({ ...turn("big"), input: [{ content: "y".repeat(600) }] })).toBe(false);
  expect(store.responses.get("big")).toBeUndefined();
  expect(store.responses.save(turn("small"))).toBe(true);
  store.flush();
  const bytes = store.responses.bytes;
  expect(bytes).toBeGreaterThan(0);
  expect(store.responses.delete("small")).toBe(true);
  expect(store.responses.bytes).toBe(0);
});

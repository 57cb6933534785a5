import { Database } from "bun:sqlite";
import { afterEach, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Store } from "./index.ts";
import { migrations } from "./migrations.ts";

const stores: Store[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
});
const open = (path = join(mkdtempSync(join(tmpdir(), "agw-responses-")), "agw.db")) => {
  const store = Store.open(path);
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

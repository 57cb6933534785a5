import { afterEach, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Store } from "./index.ts";

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

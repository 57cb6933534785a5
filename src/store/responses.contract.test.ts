/**
 * Stored Responses-API responses on every backend (SQLite and a real
 * Postgres): a conversation made on one replica is continued on another,
 * item references resolve there, a deleted turn breaks the chain, old ones
 * are pruned.
 */
import { describe, expect, test } from "bun:test";
import { storeBackends } from "../../test/harness/store-backends.ts";

const backends = storeBackends();

const turn = (id: string, previous: string | undefined, createdAt: number) => ({
  id,
  createdAt,
  ...(previous === undefined ? {} : { previousResponseId: previous }),
  input: [{ role: "user", content: `question ${id}` }],
  output: [{ type: "message", id: `msg_${id}`, content: [{ type: "output_text", text: `answer ${id}` }] }],
  response: { id, object: "response", status: "completed" },
});

for (const backend of backends) {
  describe(`stored responses on ${backend.name}`, () => {
    test("a conversation saved on one replica is continued on another: the chain, the items by id, a broken chain, pruning", async () => {
      await backend.withFresh(async (db) => {
        const a = db.replica().responses;
        const b = db.replica().responses;
        expect(await a.save(turn("resp_1", undefined, 1_000), [{ id: "msg_resp_1", items: [{ type: "reasoning", id: "rs_1" }, { type: "message", id: "msg_resp_1" }] }])).toBe(true);
        expect(await a.save(turn("resp_2", "resp_1", 2_000))).toBe(true);
        await a.flush();
        expect(await b.get("resp_2")).toEqual(turn("resp_2", "resp_1", 2_000));
        expect(await b.conversation("resp_2")).toEqual([
          { role: "user", content: "question resp_1" },
          { type: "message", id: "msg_resp_1", content: [{ type: "output_text", text: "answer resp_1" }] },
          { role: "user", content: "question resp_2" },
          { type: "message", id: "msg_resp_2", content: [{ type: "output_text", text: "answer resp_2" }] },
        ]);
        expect(Object.fromEntries(await b.items(["msg_resp_1", "nope"]))).toEqual({
          msg_resp_1: [{ type: "reasoning", id: "rs_1" }, { type: "message", id: "msg_resp_1" }],
        });
        expect(await b.get("missing")).toBeUndefined();
        expect(await b.delete("resp_1")).toBe(true);
        expect(await b.delete("resp_1")).toBe(false);
        expect(await a.conversation("resp_2")).toBeUndefined();
        expect(Object.fromEntries(await a.items(["msg_resp_1"]))).toEqual({});
        expect(await a.prune(1_500)).toBe(0);
        expect(await a.prune(2_500)).toBe(1);
        expect(await b.get("resp_2")).toBeUndefined();
      });
    });
  });
}

/**
 * Upstream accounts on every backend (SQLite and a real Postgres): what the
 * CLI, the admin API and the config sync do to them, seen from another
 * replica; credentials sealed at rest with a key and opened again.
 */
import { describe, expect, test } from "bun:test";
import { storeBackends } from "../../test/harness/store-backends.ts";
import { SecretKeyError } from "./secret-box.ts";

const backends = storeBackends();

const account = (provider: string, id: string, extra: Record<string, unknown> = {}) => ({
  provider,
  id,
  credentials: { apiKey: `key-of-${id}` },
  enabled: true,
  weight: 1,
  priority: 0,
  ...extra,
});

for (const backend of backends) {
  describe(`accounts on ${backend.name}`, () => {
    test("add, sync, enable/disable, disabled reason and reset, remove: the same accounts on every replica", async () => {
      await backend.withFresh(async (db) => {
        const a = db.replica().accounts;
        const b = db.replica().accounts;
        await a.syncFromConfig([account("gemini", "main", { weight: 2, models: ["gemini-2.5-pro"], dailyRequestLimit: 100, dailyTokenLimit: 5_000_000_000 }), account("gemini", "spare")]);
        expect(await a.add(account("gemini", "cli-added"))).toBe(true);
        expect(await b.add(account("gemini", "cli-added"))).toBe(false);
        expect(await b.add(account("openai", "main"))).toBe(true);
        expect(await b.get("gemini", "main")).toEqual({
          provider: "gemini",
          id: "main",
          credentials: { apiKey: "key-of-main" },
          enabled: true,
          weight: 2,
          priority: 0,
          models: ["gemini-2.5-pro"],
          dailyRequestLimit: 100,
          dailyTokenLimit: 5_000_000_000,
          source: "config",
        });
        expect((await b.findById("main")).map((found) => found.provider)).toEqual(["gemini", "openai"]);
        expect(await a.setDisabledReason("gemini", "spare", "the upstream refused its key")).toBe(true);
        expect((await b.get("gemini", "spare"))?.disabledReason).toBe("the upstream refused its key");
        // The same credentials keep the reason; new ones are a fix and clear it.
        await b.syncFromConfig([account("gemini", "main", { weight: 2 }), account("gemini", "spare")]);
        expect((await a.get("gemini", "spare"))?.disabledReason).toBe("the upstream refused its key");
        await b.syncFromConfig([account("gemini", "main"), account("gemini", "spare", { credentials: { apiKey: "a-new-key" } })]);
        expect((await a.get("gemini", "spare"))?.disabledReason).toBeUndefined();
        expect(await a.setEnabled("gemini", "main", false)).toBe(true);
        expect((await b.list("gemini")).map((stored) => [stored.id, stored.enabled, stored.source])).toEqual([
          ["cli-added", true, "cli"],
          ["main", false, "config"],
          ["spare", true, "config"],
        ]);
        await a.setDisabledReason("gemini", "main", "revoked grant");
        expect(await b.setEnabled("gemini", "main", true)).toBe(true);
        expect(await a.get("gemini", "main")).toMatchObject({ enabled: true });
        expect((await a.get("gemini", "main"))?.disabledReason).toBeUndefined();
        await a.setDisabledReason("gemini", "main", "rate limited for good");
        expect(await b.reset("gemini", "main")).toBe(true);
        expect((await a.get("gemini", "main"))?.disabledReason).toBeUndefined();
        // A sync drops config accounts the config no longer lists; added ones stay.
        await a.syncFromConfig([account("gemini", "main")]);
        expect((await b.list()).map((stored) => `${stored.provider}/${stored.id}`)).toEqual(["gemini/cli-added", "gemini/main", "openai/main"]);
        expect(await b.remove("openai", "main")).toBe(true);
        expect(await b.remove("openai", "main")).toBe(false);
      });
    });

    test("replicas starting together sync the same config accounts at once: no conflict, each account once", async () => {
      await backend.withFresh(async (db) => {
        const replicas = Array.from({ length: 4 }, () => db.replica().accounts);
        const accounts = Array.from({ length: 10 }, (_, index) => account("gemini", `config-${index}`));
        await Promise.all(replicas.map((replica) => replica.syncFromConfig(accounts)));
        expect((await replicas[0]!.list()).map((stored) => `${stored.provider}/${stored.id}/${stored.source}`).sort()).toEqual(
          accounts.map((config) => `gemini/${config.id}/config`).sort(),
        );
      });
    });

    test("credentials stored before a secrets key are sealed when a store opens with one; another key is refused", async () => {
      const secretKey = Buffer.alloc(32, 5).toString("base64");
      await backend.withFresh(async (db) => {
        await db.replica().accounts.add(account("gemini", "plain", { credentials: { apiKey: "AIza-plain-before" } }));
        expect(await db.rawCredentials("gemini", "plain")).toBe(JSON.stringify({ apiKey: "AIza-plain-before" }));
        const keyed = db.replica({ secretKey });
        await keyed.secureAtRest();
        const raw = await db.rawCredentials("gemini", "plain");
        expect([raw.startsWith("agw-enc1:"), raw.includes("AIza-plain-before")]).toEqual([true, false]);
        expect((await keyed.accounts.get("gemini", "plain"))?.credentials).toEqual({ apiKey: "AIza-plain-before" });
        const wrong = Buffer.alloc(32, 6).toString("base64");
        const refused = (async () => {
          const other = db.replica({ secretKey: wrong });
          await other.secureAtRest();
        })();
        await expect(refused).rejects.toBeInstanceOf(SecretKeyError);
      });
    });

    test("with a secrets key, credentials are sealed at rest and open again on another replica with the same key", async () => {
      const secretKey = Buffer.alloc(32, 3).toString("base64");
      await backend.withFresh(async (db) => {
        const a = db.replica({ secretKey }).accounts;
        await a.add(account("gemini", "sealed", { credentials: { apiKey: "AIza-very-secret" } }));
        const raw = await db.rawCredentials("gemini", "sealed");
        expect([raw.startsWith("agw-enc1:"), raw.includes("AIza-very-secret")]).toEqual([true, false]);
        expect((await db.replica({ secretKey }).accounts.get("gemini", "sealed"))?.credentials).toEqual({ apiKey: "AIza-very-secret" });
      });
    });
  });
}

import { Database } from "bun:sqlite";
import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SecretKeyError, SqliteStore } from "./index.ts";
import { SecretBox } from "./secret-box.ts";

const KEY = Buffer.alloc(32, 7).toString("base64");
const OTHER_KEY = Buffer.alloc(32, 9).toString("base64");
const UPSTREAM_KEY = "sk-upstream-SECRET-5fa1c0de";
const REFRESH_TOKEN = "1//refresh-SECRET-token";

const stores: SqliteStore[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
});
const fresh = () => join(mkdtempSync(join(tmpdir(), "agw-secrets-")), "agw.db");
const open = (path: string, secretKey?: string) => {
  const store = SqliteStore.open(path, secretKey ? { secretKey } : {});
  stores.push(store);
  return store;
};
const account = { provider: "openai", id: "a@example.com", credentials: { apiKey: UPSTREAM_KEY }, enabled: true, weight: 1, priority: 0 };

/** Every byte of the database, WAL included, after a checkpoint. */
function fileBytes(path: string): string {
  const db = new Database(path);
  db.run("PRAGMA wal_checkpoint(TRUNCATE)");
  db.close();
  return readFileSync(path).toString("latin1");
}

test("sealing round-trips, a wrong key fails loudly, plain values still read", () => {
  const box = SecretBox.fromBase64(KEY);
  const sealed = box.seal("hello");
  expect(sealed).toStartWith("agw-enc1:");
  expect(sealed).not.toBe(box.seal("hello"));
  expect(box.open(sealed)).toBe("hello");
  expect(box.open("plain text")).toBe("plain text");
  expect(() => SecretBox.fromBase64(OTHER_KEY).open(sealed)).toThrow(SecretKeyError);
  expect(() => SecretBox.fromBase64("c2hvcnQ=")).toThrow("secrets.key must be 32 random bytes in base64");
});

test("with secrets.key, credentials and OAuth tokens never reach the database file in plain text", () => {
  const path = fresh();
  const store = open(path, KEY);
  store.accounts.syncFromConfig([account]);
  store.oauthTokens.save("gemini", "o@example.com", { accessToken: "ya29.ACCESS-SECRET", expiresAt: 1, refreshToken: REFRESH_TOKEN });
  expect(store.accounts.get("openai", "a@example.com")?.credentials).toEqual({ apiKey: UPSTREAM_KEY });
  expect(store.oauthTokens.get("gemini", "o@example.com")).toEqual({ accessToken: "ya29.ACCESS-SECRET", expiresAt: 1, refreshToken: REFRESH_TOKEN });
  store.close();
  const bytes = fileBytes(path);
  for (const secret of [UPSTREAM_KEY, REFRESH_TOKEN, "ya29.ACCESS-SECRET"]) expect(bytes.includes(secret)).toBe(false);
  expect(open(path, KEY).accounts.get("openai", "a@example.com")?.credentials).toEqual({ apiKey: UPSTREAM_KEY });
});

test("a wrong key, or no key, for an encrypted database refuses to open it", () => {
  const path = fresh();
  open(path, KEY).accounts.syncFromConfig([account]);
  stores.pop()!.close();
  expect(() => SqliteStore.open(path, { secretKey: OTHER_KEY })).toThrow(
    "secrets.key does not decrypt the credentials stored in the database (a different key was used to store them)",
  );
  expect(() => SqliteStore.open(path)).toThrow("the database's credentials are encrypted: set secrets.key in the config to the key they were stored with");
});

test("turning encryption on seals what was stored in plain text; an unchanged account keeps its disabled reason", () => {
  const path = fresh();
  const plain = open(path);
  plain.accounts.syncFromConfig([account]);
  plain.oauthTokens.save("gemini", "o@example.com", { accessToken: "ya29.ACCESS-SECRET", expiresAt: 1, refreshToken: REFRESH_TOKEN });
  stores.pop()!.close();
  expect(fileBytes(path).includes(UPSTREAM_KEY)).toBe(true);

  const sealed = open(path, KEY);
  sealed.accounts.setDisabledReason("openai", "a@example.com", "the upstream rejected the credentials");
  sealed.accounts.syncFromConfig([account]);
  expect(sealed.accounts.get("openai", "a@example.com")?.disabledReason).toBe("the upstream rejected the credentials");
  // New credentials are a fix: the reason goes.
  sealed.accounts.syncFromConfig([{ ...account, credentials: { apiKey: "sk-new" } }]);
  expect(sealed.accounts.get("openai", "a@example.com")?.disabledReason).toBeUndefined();
  stores.pop()!.close();
  const bytes = fileBytes(path);
  for (const secret of [UPSTREAM_KEY, "sk-new", REFRESH_TOKEN, "ya29.ACCESS-SECRET"]) expect(bytes.includes(secret)).toBe(false);
});

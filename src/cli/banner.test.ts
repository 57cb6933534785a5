import { expect, test } from "bun:test";
import { parseConfig } from "../config/load.ts";
import { startBanner } from "./banner.ts";

const config = (raw: Record<string, unknown>) => parseConfig(raw, "/tmp/agw.json", {});
const url = new URL("http://127.0.0.1:8045/");

test("a configured key that auth auto does not enforce is said loudly at start", () => {
  const lines = startBanner(config({ auth: { apiKey: "secret-key" } }), url, "off", "1.0.0");
  expect(lines).toContain(
    'WARNING: auth.apiKey is set but NOT enforced: auth.mode is auto without allowLanAccess, so auth is off. Set auth.mode to "strict" to require the key.',
  );
  expect(lines.join("\n")).not.toContain("secret-key");
});

test("an enforced key, or no key at all, brings no such warning", () => {
  const strict = startBanner(config({ auth: { mode: "strict", apiKey: "k" } }), url, "strict", "1.0.0");
  const open = startBanner(config({}), url, "off", "1.0.0");
  for (const lines of [strict, open]) expect(lines.some((line) => line.includes("NOT enforced"))).toBe(false);
});

test("the dashboard's address, or why it is closed; never the key", () => {
  const withAdmin = startBanner(config({ auth: { adminKey: "admin-secret" } }), url, "off", "1.0.0");
  expect(withAdmin).toContain("dashboard: http://127.0.0.1:8045/ui (sign in with auth.adminKey)");
  expect(withAdmin.join("\n")).not.toContain("admin-secret");
  expect(startBanner(config({ auth: { apiKey: "k" } }), url, "off", "1.0.0")).toContain(
    "dashboard: http://127.0.0.1:8045/ui (sign in with auth.adminKey, here auth.apiKey)",
  );
  expect(startBanner(config({}), url, "off", "1.0.0")).toContain("dashboard: closed until auth.adminKey (or auth.apiKey) is set");
});

test("client keys: how many, and what auth off does with them; never a key", () => {
  expect(startBanner(config({ auth: { mode: "strict" } }), url, "strict", "1.0.0", 3)).toContain("auth: strict (3 client keys)");
  expect(startBanner(config({ auth: { mode: "strict", apiKey: "k" } }), url, "strict", "1.0.0", 1)).toContain("auth: strict (all-access key and 1 client key)");
  expect(startBanner(config({}), url, "off", "1.0.0", 2)).toContain("auth: off (2 client keys: counted and limited when a client sends one, not required)");
  expect(startBanner(config({ auth: { mode: "strict" } }), url, "strict", "1.0.0")).toContain("auth: strict (no key configured)");
});

test("a Postgres database is named without its password", () => {
  const lines = startBanner(config({ database: "postgres://agw:pa55word@db.internal:5432/agw?sslmode=require" }), url, "off", "1.0.0");
  expect(lines).toContain("database: postgres://agw:***@db.internal:5432/agw?sslmode=require");
  expect(lines.join("\n")).not.toContain("pa55word");
  expect(startBanner(config({ database: "/var/lib/agw/agw.db" }), url, "off", "1.0.0")).toContain("database: /var/lib/agw/agw.db");
});

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

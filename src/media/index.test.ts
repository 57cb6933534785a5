import { expect, test } from "bun:test";
import { DEFAULT_MEDIA_OPTIONS } from "./index.ts";

test("the defaults: 20 MiB, 10 s, public networks only, and frozen", () => {
  expect(DEFAULT_MEDIA_OPTIONS).toEqual({ maxBytes: 20 * 1024 * 1024, timeoutMs: 10_000, allowPrivateNetworks: false });
  expect(Object.isFrozen(DEFAULT_MEDIA_OPTIONS)).toBe(true);
});

import { expect, test } from "bun:test";
import { equalBytes, equalText } from "./constant-time.ts";
import { hashClientKey } from "../keys/secret.ts";

test("two digests are equal only when every character is, wherever they differ", () => {
  const digest = hashClientKey("agw_key");
  // SHA-256 in lowercase hex, as the store keeps client keys (`sha256sum` of the same bytes).
  expect(digest).toBe("6ba3890f3a4cec3885200df3ab63420a73bba507c0171ad4254199840e591cb7");
  expect(equalText(digest, hashClientKey("agw_key"))).toBe(true);
  const flip = (at: number) => digest.slice(0, at) + (digest[at] === "0" ? "1" : "0") + digest.slice(at + 1);
  expect([0, 31, 63].map((at) => equalText(digest, flip(at)))).toEqual([false, false, false]);
  expect(equalText(digest, digest.slice(0, 63))).toBe(false);
  expect(equalText("", "")).toBe(true);
});

test("byte arrays: equal contents only, of the same length", () => {
  expect(equalBytes(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 3]))).toBe(true);
  expect(equalBytes(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 4]))).toBe(false);
  expect(equalBytes(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2]))).toBe(false);
});

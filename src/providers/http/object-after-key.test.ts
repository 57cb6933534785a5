import { expect, test } from "bun:test";
import { objectAfterKey } from "./object-after-key.ts";

const at = (text: string, key = '"usage"') => objectAfterKey(text, text.indexOf(key) + key.length);

test("reads the object after a key, skipping braces inside strings", () => {
  expect(at('{"x":1,"usage" : {"a":{"b":"}{"},"c":2}},"y":3}')).toEqual({ a: { b: "}{" }, c: 2 });
  expect(at('"usage":{"s":"say \\"}\\" please"}')).toEqual({ s: 'say "}" please' });
});

test("undefined when no object follows, or it is cut off", () => {
  expect(at('"usage": null')).toBeUndefined();
  expect(at('"usage": {"prompt_tokens": 12, "compl')).toBeUndefined();
  expect(at('"usage": [1]')).toBeUndefined();
});

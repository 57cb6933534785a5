import { expect, test } from "bun:test";
import { replaceTopLevelString } from "./replace-top-level-string.ts";

test("replaces the top-level value in place, every other byte as written", () => {
  const text = '{ "messages" : [ {"role":"user","content":"say \\"model\\": \\"x\\"","model":"inner"} ],\n  "model" :  "client-model", "n": 1.50, "big": 12345678901234567890 }';
  expect(replaceTopLevelString(text, "model", "gpt-4o")).toBe(
    '{ "messages" : [ {"role":"user","content":"say \\"model\\": \\"x\\"","model":"inner"} ],\n  "model" :  "gpt-4o", "n": 1.50, "big": 12345678901234567890 }',
  );
});

test("the new value is written as a JSON string", () => {
  expect(replaceTopLevelString('{"model":"a"}', "model", 'we"ird\\name')).toBe('{"model":"we\\"ird\\\\name"}');
});

test("a string value that looks like a key is not a key", () => {
  expect(replaceTopLevelString('{"a":"model","model":"b"}', "model", "c")).toBe('{"a":"model","model":"c"}');
  expect(replaceTopLevelString('{"a":["model"],"model":"b"}', "model", "c")).toBe('{"a":["model"],"model":"c"}');
});

test("undefined whenever a parser could read another value than the one replaced", () => {
  // Twice: JSON.parse keeps the last, an upstream might keep the first.
  expect(replaceTopLevelString('{"model":"a","model":"b"}', "model", "c")).toBeUndefined();
  // Escaped spellings of a top-level key are the same key to a parser.
  expect(replaceTopLevelString('{"mod\\u0065l":"a","model":"b"}', "model", "c")).toBeUndefined();
  // Not a string, missing, nested only, or not an object.
  expect(replaceTopLevelString('{"model":null}', "model", "c")).toBeUndefined();
  expect(replaceTopLevelString('{"stream":true}', "model", "c")).toBeUndefined();
  expect(replaceTopLevelString('{"x":{"model":"a"}}', "model", "c")).toBeUndefined();
  expect(replaceTopLevelString('[{"model":"a"}]', "model", "c")).toBeUndefined();
});

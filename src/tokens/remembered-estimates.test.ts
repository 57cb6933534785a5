import { expect, test } from "bun:test";
import { RememberedEstimates } from "./remembered-estimates.ts";
import { estimateTextTokens } from "./estimate-tokens.ts";

/** An estimator that counts its calls: the text's length in tokens. */
function counting() {
  const calls: string[] = [];
  return { calls, estimate: (text: string) => (calls.push(text), text.length) };
}

test("a text seen before is answered from memory, found by its content whatever string holds it", () => {
  const { calls, estimate } = counting();
  const memory = new RememberedEstimates(8, estimate);
  const text = "export function f() { return 1; }\n".repeat(20);
  expect(memory.of(text)).toBe(text.length);
  expect(memory.of(text)).toBe(text.length);
  // The same content in another string (as the next request's parsed body holds it).
  expect(memory.of(JSON.parse(JSON.stringify(text)))).toBe(text.length);
  expect(memory.of(`${text.slice(0, 100)}${text.slice(100)}`)).toBe(text.length);
  expect(calls).toEqual([text]);
  // Another text, even one character apart, is estimated.
  const other = `${text.slice(0, -1)};`;
  expect(memory.of(other)).toBe(other.length);
  expect(memory.of(`${text} `)).toBe(text.length + 1);
  expect(calls).toEqual([text, other, `${text} `]);
  expect(memory.size).toBe(3);
});

test("past its capacity it forgets the text used longest ago", () => {
  const { calls, estimate } = counting();
  const memory = new RememberedEstimates(3, estimate);
  const [a, b, c, d] = ["a", "bb", "ccc", "dddd"].map((letters) => letters.repeat(300)) as [string, string, string, string];
  memory.of(a);
  memory.of(b);
  memory.of(c);
  memory.of(a); // a is now the most recently used: b is the oldest
  memory.of(d);
  expect(memory.size).toBe(3);
  expect(calls).toEqual([a, b, c, d]);
  memory.of(a);
  memory.of(c);
  memory.of(d);
  expect(calls).toEqual([a, b, c, d]);
  expect(memory.of(b)).toBe(b.length);
  expect(calls).toEqual([a, b, c, d, b]);
  expect(memory.size).toBe(3);
});

test("estimateTextTokens gives a long text the same estimate every time, and a short one too", () => {
  const prose = "The quick brown fox jumps over the lazy dog, and then it naps in the sun. ".repeat(40);
  const code = "export function parse(input: string): number {\n  return Number.parseInt(input, 10);\n}\n".repeat(30);
  for (const text of [prose, code, "Say hello", "日本語のテキストです。".repeat(40)]) {
    const first = estimateTextTokens(text);
    expect(first).toBeGreaterThan(0);
    expect(estimateTextTokens(text)).toBe(first);
    expect(estimateTextTokens(JSON.parse(JSON.stringify(text)))).toBe(first);
  }
  // Remembering does not blur texts apart: twice the text is about twice the tokens.
  expect(estimateTextTokens(prose + prose)).toBeGreaterThan(estimateTextTokens(prose) * 1.9);
});

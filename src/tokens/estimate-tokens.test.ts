import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
// Anthropic's published tokenizer (a dev dependency, used only here to calibrate against).
import { getTokenizer } from "@anthropic-ai/tokenizer";
import { estimateTextTokens } from "./estimate-tokens.ts";

const tokenizer = getTokenizer();
afterAll(() => tokenizer.free());

/** The real count, the way `@anthropic-ai/tokenizer`'s own countTokens does it. */
const realTokens = (text: string) => tokenizer.encode(text.normalize("NFKC"), "all").length;
const fixture = (name: string) => readFileSync(join(import.meta.dir, "fixtures", name), "utf8");

/**
 * Measured when the weights were fitted (estimate vs `@anthropic-ai/tokenizer`):
 *
 *   sample                       real   estimate   error
 *   prose.txt (story)             405      400     -1.2 %
 *   markdown.txt (how-to guide)   394      396     +0.5 %
 *   typescript.txt                616      622     +1.0 %
 *   python.txt                    549      562     +2.4 %
 *   json.txt                      501      495     -1.2 %
 *   system-prompt.txt (Claude     1053     1101     +4.6 %
 *     Code-like, with tool schemas)
 *
 * On larger corpora (license texts, READMEs, this repository's and the
 * OpenAI SDK's TypeScript, Python's standard library, package.json files)
 * the totals were within ±4.5 %, single files within ±15 %.
 */
const samples = ["prose.txt", "markdown.txt", "typescript.txt", "python.txt", "json.txt", "system-prompt.txt"];

describe("estimateTextTokens against Anthropic's tokenizer", () => {
  test.each(samples)("%s is within ±15 percent", (name) => {
    const text = fixture(name);
    const real = realTokens(text);
    const estimate = estimateTextTokens(text);
    expect(real).toBeGreaterThan(300);
    expect(Math.abs(estimate - real) / real).toBeLessThanOrEqual(0.15);
  });

  test("all samples together are within ±5 percent", () => {
    const text = samples.map(fixture).join("\n\n");
    const real = realTokens(text);
    expect(Math.abs(estimateTextTokens(text) - real) / real).toBeLessThanOrEqual(0.05);
  });

  test.each([
    "Hello, world!",
    "What is the capital of France?",
    "ok",
    "Please fix the failing test in src/server/routes.ts.",
    'git commit -m "fix: handle empty body"',
    "Summarize this conversation in two sentences.",
    "const answer = await client.messages.create({ model, max_tokens: 1024 });",
    "I don't think it's ready yet, but we'll see.",
  ])("a short string is close: %p", (text) => {
    const real = realTokens(text);
    expect(Math.abs(estimateTextTokens(text) - real)).toBeLessThanOrEqual(Math.max(2, Math.ceil(real * 0.25)));
  });
});

describe("estimateTextTokens", () => {
  test("empty text is 0 tokens; any other text at least 1", () => {
    expect(estimateTextTokens("")).toBe(0);
    expect(estimateTextTokens(" ")).toBe(1);
    expect(estimateTextTokens("a")).toBe(1);
    expect(estimateTextTokens("\n")).toBe(1);
    expect(estimateTextTokens("\u200d")).toBe(1);
  });

  test("common words are one token each, long and camelCase words more", () => {
    expect(estimateTextTokens("the quick brown fox jumps over the lazy dog")).toBe(9);
    expect(estimateTextTokens("internationalization")).toBeGreaterThan(1);
    expect(estimateTextTokens("getElementById")).toBe(4);
    expect(estimateTextTokens("XMLHttpRequest")).toBe(3);
    expect(estimateTextTokens("snake_case_name")).toBe(5);
  });

  test("numbers go in groups of three digits, punctuation runs merge a little", () => {
    expect(estimateTextTokens("123")).toBe(1);
    expect(estimateTextTokens("1234567")).toBe(3);
    expect(estimateTextTokens("a.b")).toBe(3);
    expect(estimateTextTokens("});")).toBe(1);
  });

  test("whitespace: a single space joins the next word, indentation and line breaks cost", () => {
    expect(estimateTextTokens("a b")).toBe(2);
    expect(estimateTextTokens("a\nb")).toBe(3);
    expect(estimateTextTokens("a\n    b")).toBe(3);
  });

  test("CJK characters and emoji cost per character", () => {
    expect(estimateTextTokens("你好世界")).toBe(5);
    expect(estimateTextTokens("こんにちは")).toBe(6);
    expect(estimateTextTokens("😀😀")).toBe(5);
    // A lone surrogate at the end does not read past the text.
    expect(estimateTextTokens("\ud83d")).toBeGreaterThan(0);
  });

  test("text in other scripts is estimated, not dropped", () => {
    const russian = "Привет, как дела? Это тестовое сообщение на русском языке.";
    const real = realTokens(russian);
    expect(Math.abs(estimateTextTokens(russian) - real) / real).toBeLessThanOrEqual(0.3);
    const french = "Ceci est une phrase en français avec des accents: été, déjà, où.";
    expect(Math.abs(estimateTextTokens(french) - realTokens(french)) / realTokens(french)).toBeLessThanOrEqual(0.3);
  });

  test("a 1 MB input completes and scales linearly", () => {
    const block = fixture("typescript.txt") + fixture("prose.txt");
    const large = block.repeat(Math.ceil(1_000_000 / block.length)).slice(0, 1_000_000);
    const estimate = estimateTextTokens(large);
    const perBlock = estimateTextTokens(block);
    expect(estimate / (perBlock * (1_000_000 / block.length))).toBeCloseTo(1, 1);
    expect(estimateTextTokens("x".repeat(1_000_000))).toBeGreaterThan(0);
    expect(estimateTextTokens(" ".repeat(1_000_000))).toBeGreaterThan(0);
  });
});

test("words split into parts as the pre-tokenizer splits them, whatever path the scan takes through a run of letters", () => {
  // Each value is what the estimator gave before its lower-case letters were scanned in a loop of their own.
  const cases: Array<[string, number]> = [
    ["camelCaseWordsAreSplit", 5],
    ["HTMLParser and XMLHttpRequest", 7],
    ["don't stop, it's fine", 7],
    ["aaaa bbbbbbbbbbbbbbbbbbbbbb c", 5],
    ["xAy zzZz", 4],
    ["ALLCAPS lower Mixed", 4],
    ["naïve café Ünïcödé", 5],
    ["функция возвращает значение", 13],
    ["export function f() { return 1; }\n\tconst x = 42;", 16],
    ["  leading and   multiple   spaces  ", 8],
    ["中文字符 and 😀 emoji", 9],
    ["snake_case_name = value_2024", 10],
  ];
  expect(cases.map(([text]) => [text, estimateTextTokens(text)])).toEqual(cases);
});

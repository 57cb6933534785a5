import { describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { compileFn, INVALID } from "zod/v4/core";
import * as z from "zod/mini";
import { flattenGeneratedParser, withFlatParsers } from "./flatten-parser.ts";
import { compileParser } from "./lazy-compile.ts";
import { anthropicCountTokensRequestSchema, anthropicRequestSchema } from "../anthropic/schema.ts";
import { geminiRequestSchema } from "../gemini/schema.ts";
import { openaiChatRequestSchema } from "../openai-chat/schema.ts";
import { openaiCompletionsRequestSchema } from "../openai-completions/schema.ts";
import { inputItemSchemas, responsesRequestSchema, toolSchemas } from "../openai-responses/schema.ts";

describe("flattenGeneratedParser", () => {
  test("turns each function called at once into a labelled block, nested ones and union branches included", () => {
    const code = [
      "return (input) => {",
      'const v0 = input["name"];',
      "let v1 = (() => {",
      '  if (typeof v0 !== "string") return INVALID;',
      "  const v2 = (() => {",
      '    for (let v3 = 0; v3 < v0.length; v3++) { if (v0[v3] === "x") return INVALID; }',
      "    return v0;",
      "  })();",
      "  return v2;",
      "})();",
      "let v4;",
      "v4 = (() => {",
      '  if (v0 === "return;") return "function";',
      "  else { return INVALID; }",
      "})();",
      "if (v4 === INVALID) v4 = (() => {",
      "  return v1;",
      "})();",
      "if (v4 === INVALID) return INVALID;",
      "return { name: v4 };",
      "}",
    ].join("\n");
    expect(flattenGeneratedParser(code)!.split("\n")).toEqual([
      "return (input) => {",
      'const v0 = input["name"];',
      "let v1; L0: {",
      '  if (typeof v0 !== "string") { v1 = INVALID; break L0; }',
      "  let v2; L1: {",
      '    for (let v3 = 0; v3 < v0.length; v3++) { if (v0[v3] === "x") { v2 = INVALID; break L1; } }',
      "    { v2 = v0; break L1; }",
      "  }",
      "  { v1 = v2; break L0; }",
      "}",
      "let v4;",
      "L2: {",
      '  if (v0 === "return;") { v4 = "function"; break L2; }',
      "  else { { v4 = INVALID; break L2; } }",
      "}",
      "if (v4 === INVALID) L3: {",
      "  { v4 = v1; break L3; }",
      "}",
      "if (v4 === INVALID) return INVALID;",
      "return { name: v4 };",
      "}",
    ]);
  });

  test("gives up on code it does not recognise", () => {
    const wrap = (...body: string[]) => ["return (input) => {", ...body, "}"].join("\n");
    expect(flattenGeneratedParser(wrap("let v1 = (() => {", "  return v0.some((x) => x);", "})();"))).toBeUndefined();
    expect(flattenGeneratedParser(wrap("let v1 = (() => {", "  var v2 = 1;", "  return v2;", "})();"))).toBeUndefined();
    expect(flattenGeneratedParser(wrap("let v1 = (() => {", "  return v0;"))).toBeUndefined();
    expect(flattenGeneratedParser(wrap("let v1 = (() => {", "  return 'a';", "})();"))).toBeUndefined();
    expect(flattenGeneratedParser(wrap("let v1 = (() => {", "  return v0; return v2", "})();"))).toBeUndefined();
    expect(flattenGeneratedParser("return function (input) {\nreturn input;\n}")).toBeUndefined();
    // Nothing called at once: the code comes back as it was.
    expect(flattenGeneratedParser(wrap("if (input !== 1) return INVALID;", "return input;"))).toBe(
      wrap("if (input !== 1) return INVALID;", "return input;"),
    );
  });
});

describe("withFlatParsers", () => {
  test("puts the global Function back, also when the generation throws", () => {
    const native = globalThis.Function;
    expect(() =>
      withFlatParsers(() => {
        expect(globalThis.Function).not.toBe(native);
        throw new Error("refused");
      }),
    ).toThrow("refused");
    expect(globalThis.Function).toBe(native);
  });

  test("builds zod's own code when its flattened form does not compile, and leaves other uses of Function alone", () => {
    const made = withFlatParsers(() => [new Function("a", "return a + 1;"), new Function("return (input) => {\nreturn input;\n}")()]);
    expect(made[0](1)).toBe(2);
    expect(made[1](5)).toBe(5);
  });
});

// Every protocol's request schema: its flattened parser has no function inside, and answers as zod's own
// generated parser does on the documented examples and on each of them broken in many ways.
const schemas: Array<[string, z.ZodMiniType, string]> = [
  ["openai-chat", openaiChatRequestSchema, "openai-chat"],
  ["anthropic", anthropicRequestSchema, "anthropic"],
  ["anthropic count_tokens", anthropicCountTokensRequestSchema, "anthropic"],
  ["gemini", geminiRequestSchema, "gemini"],
  ["openai-responses", responsesRequestSchema, "openai-responses"],
  ["openai-completions", openaiCompletionsRequestSchema, "openai-completions"],
  ...Object.entries(inputItemSchemas).map(([name, schema]): [string, z.ZodMiniType, string] => [
    `responses input item ${name}`,
    schema,
    "openai-responses",
  ]),
  ...Object.entries(toolSchemas).map(([name, schema]): [string, z.ZodMiniType, string] => [`responses tool ${name}`, schema, "openai-responses"]),
];

async function requestFixtures(protocol: string): Promise<unknown[]> {
  const folder = new URL(`../${protocol}/fixtures/`, import.meta.url);
  const names = readdirSync(folder).filter((name) => name.endsWith("request.json"));
  return Promise.all(names.map((name) => Bun.file(new URL(name, folder)).json()));
}

/** Each value, and then the value with each field (at any depth) dropped, nulled, or of another type, and an unknown field added. */
function variants(value: unknown): unknown[] {
  const out: unknown[] = [value];
  const visit = (node: unknown, replace: (next: unknown) => unknown) => {
    if (node === null || typeof node !== "object") return;
    const entries: Array<[string | number, unknown]> = Array.isArray(node) ? node.map((item, index) => [index, item]) : Object.entries(node);
    const rebuild = (key: string | number, next: unknown, drop = false) => {
      if (Array.isArray(node)) return node.flatMap((item, index) => (index === key ? (drop ? [] : [next]) : [item]));
      const copy: Record<string, unknown> = { ...(node as Record<string, unknown>) };
      if (drop) delete copy[key as string];
      else copy[key as string] = next;
      return copy;
    };
    if (!Array.isArray(node)) out.push(replace({ ...(node as object), unknown_field: 1 }));
    for (const [key, child] of entries) {
      out.push(replace(rebuild(key, undefined, true)));
      for (const other of [null, 7, "text", true, [], {}, [1]]) out.push(replace(rebuild(key, other)));
      visit(child, (next) => replace(rebuild(key, next)));
    }
  };
  visit(value, (next) => next);
  return out;
}

const same = (parsed: unknown) => (parsed === INVALID ? "INVALID" : JSON.stringify(parsed));

describe.each(schemas)("the flattened parser of %s", (name, schema, protocol) => {
  test("has no function inside and answers as zod's own parser", async () => {
    const own = compileFn(schema) as (input: unknown) => unknown;
    const flat = withFlatParsers(() => compileFn(schema)) as (input: unknown) => unknown;
    expect(flat.toString().match(/=>/g)).toHaveLength(1);
    // zod's own has them for every request schema (a small item schema may have no optional field).
    if (!name.includes(" item ") && !name.includes(" tool ")) expect(own.toString().match(/=>/g)!.length).toBeGreaterThan(10);
    // What agw runs: the flattened parser in the compiled schema.
    expect((compileParser(schema) as unknown as { _zod: { bag: { validator: () => void } } })._zod.bag.validator.toString()).toBe(flat.toString());
    let compared = 0;
    let accepted = 0;
    for (const fixture of await requestFixtures(protocol)) {
      for (const input of variants(fixture)) {
        const answer = same(flat(input));
        expect(answer).toBe(same(own(input)));
        compared++;
        if (answer !== "INVALID") accepted++;
      }
    }
    // The fixtures of each protocol exercise the parser both ways.
    expect(compared).toBeGreaterThan(50);
    if (schema === openaiChatRequestSchema || schema === anthropicRequestSchema || schema === responsesRequestSchema) {
      expect(accepted).toBeGreaterThan(10);
      expect(compared - accepted).toBeGreaterThan(10);
    }
  });
});

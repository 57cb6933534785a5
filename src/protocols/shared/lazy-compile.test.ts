import { expect, test } from "bun:test";
import * as z from "zod/mini";
import { compileParser, lazyCompile, lazyModule, schemasCompiled } from "./lazy-compile.ts";
import { openaiChatRequestSchema } from "../openai-chat/schema.ts";
import { anthropicCountTokensRequestSchema, anthropicRequestSchema } from "../anthropic/schema.ts";
import { geminiRequestSchema } from "../gemini/schema.ts";
import { inputItemSchemas, responsesRequestSchema, toolSchemas } from "../openai-responses/schema.ts";
import { openaiCompletionsRequestSchema } from "../openai-completions/schema.ts";

test("a lazily compiled schema parses like the schema, compiles at first use, and binds each method once", () => {
  const schema = z.strictObject({ model: z.string().check(z.minLength(1)), n: z.optional(z.number().check(z.int())) });
  const before = schemasCompiled();
  const lazy = lazyCompile(schema);
  expect(schemasCompiled()).toBe(before);
  expect(lazy.safeParse({ model: "m", n: 2 }, { reportInput: true })).toEqual({ success: true, data: { model: "m", n: 2 } });
  expect(schemasCompiled()).toBe(before + 1);
  lazy.safeParse({ model: "again" });
  expect(schemasCompiled()).toBe(before + 1);
  const refused = lazy.safeParse({ model: "", extra: 1 }, { reportInput: true });
  expect(refused.success).toBe(false);
  expect(refused.error!.issues).toEqual(schema.safeParse({ model: "", extra: 1 }, { reportInput: true }).error!.issues);
  expect(lazy.safeParse).toBe(lazy.safeParse);
});

test("a lazy module loads at its first use, once", () => {
  let loads = 0;
  const module = lazyModule(() => ({ loaded: ++loads }));
  expect(loads).toBe(0);
  expect(module()).toEqual({ loaded: 1 });
  expect(module()).toBe(module());
  expect(loads).toBe(1);
});

test("zod's generator models every protocol's request schema: none is left on the runtime parser", () => {
  // withParser wraps the schema's run, keeping the runtime's as the fallback for invalid input; a schema
  // the generator refuses would come back unwrapped, and parse about six times slower on a long conversation.
  const generated = (schema: z.ZodMiniType) =>
    typeof (compileParser(schema) as unknown as { _zod: { run: { __originalRun?: unknown } } })._zod.run.__originalRun;
  expect(generated(z.strictObject({ a: z.string() }))).toBe("function");
  for (const schema of [
    openaiChatRequestSchema,
    anthropicRequestSchema,
    anthropicCountTokensRequestSchema,
    geminiRequestSchema,
    responsesRequestSchema,
    openaiCompletionsRequestSchema,
    ...Object.values(inputItemSchemas),
    ...Object.values(toolSchemas),
  ]) {
    expect(generated(schema)).toBe("function");
  }
  // A schema with a reference cycle cannot be generated: it stays on the runtime parser, and still parses.
  const node: z.ZodMiniType = z.object({ children: z.array(z.lazy(() => node)) });
  expect(generated(node)).toBe("undefined");
  expect(compileParser(node).safeParse({ children: [{ children: [] }] }).success).toBe(true);
});

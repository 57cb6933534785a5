import { expect, test } from "bun:test";
import { z } from "zod";
import { lazyCompile, schemasNotCompiled, warmSchemas } from "./lazy-compile.ts";

test("a lazily compiled schema parses like the schema, compiles at first use, and binds each method once", () => {
  const schema = z.strictObject({ model: z.string().min(1), n: z.number().int().optional() });
  const before = schemasNotCompiled();
  const lazy = lazyCompile(schema);
  expect(schemasNotCompiled()).toBe(before + 1);
  expect(lazy.safeParse({ model: "m", n: 2 }, { reportInput: true })).toEqual({ success: true, data: { model: "m", n: 2 } });
  expect(schemasNotCompiled()).toBe(before);
  const refused = lazy.safeParse({ model: "", extra: 1 }, { reportInput: true });
  expect(refused.success).toBe(false);
  expect(refused.error!.issues).toEqual(schema.safeParse({ model: "", extra: 1 }, { reportInput: true }).error!.issues);
  expect(lazy.safeParse).toBe(lazy.safeParse);
});

test("warmSchemas compiles every schema not used yet", async () => {
  lazyCompile(z.object({ a: z.string() }));
  lazyCompile(z.object({ b: z.number() }));
  expect(schemasNotCompiled()).toBeGreaterThanOrEqual(2);
  await warmSchemas(0);
  expect(schemasNotCompiled()).toBe(0);
});

import { expect, test } from "bun:test";
import * as z from "zod/mini";
import { geminiRequestSchema } from "./schema.ts";

test("the request schema compiles to zod's generated fast path", () => {
  expect(() => z.compile(geminiRequestSchema, { strict: true })).not.toThrow();
});

import { afterEach, expect, test } from "bun:test";
import { logInternalError } from "./log-internal-error.ts";

const original = console.error;
afterEach(() => {
  console.error = original;
});

test("one line for what failed, then the stack's frames, and no source code", () => {
  const written: string[] = [];
  console.error = (...args: unknown[]) => written.push(args.join(" "));
  const error = new TypeError("cannot read properties of undefined");
  logInternalError("request 42 failed", error);
  expect(written).toHaveLength(1);
  const lines = written[0]!.split("\n");
  expect(lines[0]).toBe("agw: request 42 failed: TypeError: cannot read properties of undefined");
  expect(lines.length).toBeGreaterThan(1);
  for (const line of lines.slice(1)) expect(line).toMatch(/^\s+at /);
});

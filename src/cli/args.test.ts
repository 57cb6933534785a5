import { expect, test } from "bun:test";
import { parseArgs, UsageError } from "./args.ts";

test.each([
  [[], { kind: "serve" }],
  [["--config", "a.json"], { kind: "serve", config: "a.json" }],
  [["--config=a.json", "--port", "0", "--host", "::1"], { kind: "serve", config: "a.json", port: 0, host: "::1" }],
  [["-c", "b.json", "-p", "9000"], { kind: "serve", config: "b.json", port: 9000 }],
  [["check-config", "x.json"], { kind: "check-config", file: "x.json" }],
  [["--help"], { kind: "help" }],
  [["--version"], { kind: "version" }],
])("%j", (argv, expected) => {
  expect(parseArgs(argv)).toEqual(expected as never);
});

test.each([
  [["--port", "99999"], "--port: expected a number from 0 to 65535, got '99999'"],
  [["--config"], "--config needs a value"],
  [["--frobnicate"], "unknown argument '--frobnicate' (see agw --help)"],
  [["check-config"], "usage: agw check-config FILE"],
])("%j is a usage error", (argv, message) => {
  expect(() => parseArgs(argv)).toThrow(new UsageError(message));
});

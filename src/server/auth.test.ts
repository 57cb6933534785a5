import { describe, expect, test } from "bun:test";
import { GatewayError } from "../ir/errors.ts";
import { effectiveAuthMode, KeyChecker, presentedKey } from "./auth.ts";

const errorOf = (run: () => void): GatewayError | undefined => {
  try {
    run();
  } catch (error) {
    return error as GatewayError;
  }
  return undefined;
};

describe("auth", () => {
  test("auto means all_except_health with LAN access, else off", () => {
    expect(effectiveAuthMode("auto", true)).toBe("all_except_health");
    expect(effectiveAuthMode("auto", false)).toBe("off");
    expect(effectiveAuthMode("strict", false)).toBe("strict");
  });

  test.each([
    [{ authorization: "Bearer sk-1" }, "sk-1"],
    [{ authorization: "bearer   sk-2  " }, "sk-2"],
    [{ "x-api-key": "sk-3" }, "sk-3"],
    [{ "x-goog-api-key": "sk-4" }, "sk-4"],
    [{ authorization: "Bearer sk-5", "x-api-key": "other" }, "sk-5"],
    [{}, undefined],
  ])("key from %j", (headers, expected) => {
    expect(presentedKey(new Headers(headers))).toBe(expected);
  });

  test("right key passes; wrong, missing and unconfigured keys are 401s with distinct codes", () => {
    const checker = new KeyChecker("secret");
    expect(errorOf(() => checker.check(new Headers({ "x-api-key": "secret" })))).toBeUndefined();
    expect(errorOf(() => checker.check(new Headers({ "x-api-key": "secreT" })))).toMatchObject({ status: 401, code: "invalid_api_key" });
    expect(errorOf(() => checker.check(new Headers({ "x-api-key": "secret-but-longer" })))).toMatchObject({ code: "invalid_api_key" });
    expect(errorOf(() => checker.check(new Headers()))).toMatchObject({ status: 401, code: "missing_api_key" });
    const none = new KeyChecker("");
    expect(none.configured).toBe(false);
    expect(errorOf(() => none.check(new Headers({ "x-api-key": "" })))).toMatchObject({ status: 401, code: "no_api_key_configured" });
  });

  test("the error message never contains the presented key", () => {
    const error = errorOf(() => new KeyChecker("secret").check(new Headers({ authorization: "Bearer sk-leak-me" })));
    expect(error?.message).not.toContain("sk-leak-me");
  });
});

describe("the key as a query parameter (Google's REST style)", () => {
  test("accepted when the route allows it, headers first", () => {
    expect(presentedKey(new Headers(), "http://h/v1beta/models?key=sk-q")).toBe("sk-q");
    expect(presentedKey(new Headers({ "x-goog-api-key": "sk-h" }), "http://h/x?key=sk-q")).toBe("sk-h");
    expect(presentedKey(new Headers())).toBeUndefined();
    expect(presentedKey(new Headers(), "http://h/v1beta/models?monkey=1")).toBeUndefined();
    expect(() => new KeyChecker("secret").check(new Headers(), "http://h/v1beta/models/m:generateContent?key=secret")).not.toThrow();
  });
});

import { describe, expect, test } from "bun:test";
import { decodeSignature, encodeSignature } from "./signature-codec.ts";

describe("encodeSignature", () => {
  test("a genuine Anthropic thinking signature travels unchanged", () => {
    expect(encodeSignature({ family: "anthropic", value: "EqQBCgIYAhIM1gbcDa9GJwZA2b3h" }, "t")).toBe(
      "EqQBCgIYAhIM1gbcDa9GJwZA2b3h",
    );
  });

  test("other families and call targets are tagged", () => {
    expect(encodeSignature({ family: "gemini", value: "CiQB0e2Kb/x+" }, "t")).toBe("agw1.gemini.t.CiQB0e2Kb/x+");
    expect(encodeSignature({ family: "gemini", value: "abc" }, "c")).toBe("agw1.gemini.c.abc");
    expect(encodeSignature({ family: "openai", value: "gAAAA.x.y" }, "t")).toBe("agw1.openai.t.gAAAA.x.y");
    expect(encodeSignature({ family: "anthropic", value: "sig" }, "c")).toBe("agw1.anthropic.c.sig");
  });

  test("an Anthropic value that looks tagged is tagged again, so it decodes to itself", () => {
    const encoded = encodeSignature({ family: "anthropic", value: "agw1.gemini.t.x" }, "t");
    expect(encoded).toBe("agw1.anthropic.t.agw1.gemini.t.x");
    expect(decodeSignature(encoded)).toEqual({ signature: { family: "anthropic", value: "agw1.gemini.t.x" }, target: "t" });
  });
});

describe("decodeSignature", () => {
  test("no prefix: Anthropic's own, signing its thinking block", () => {
    expect(decodeSignature("EqQBCgIYAhIM")).toEqual({ signature: { family: "anthropic", value: "EqQBCgIYAhIM" }, target: "t" });
  });

  test("tagged signatures give family, target and the value with its dots", () => {
    expect(decodeSignature("agw1.gemini.c.a.b.c")).toEqual({ signature: { family: "gemini", value: "a.b.c" }, target: "c" });
    expect(decodeSignature("agw1.openai.t.v")).toEqual({ signature: { family: "openai", value: "v" }, target: "t" });
  });

  test("round trip", () => {
    for (const family of ["gemini", "anthropic", "openai"] as const) {
      for (const target of ["t", "c", "x"] as const) {
        const signature = { family, value: "Zm9v.YmFy==" };
        expect(decodeSignature(encodeSignature(signature, target))).toEqual({ signature, target });
      }
    }
  });

  test.each([
    ["empty", ""],
    ["null", null],
    ["undefined", undefined],
    ["prefix only", "agw1."],
    ["unknown family", "agw1.mistral.t.v"],
    ["no target", "agw1.gemini"],
    ["bad target", "agw1.gemini.q.v"],
    ["the unsigned marker", "agw1.unsigned"],
    ["long target", "agw1.gemini.tt.v"],
    ["empty value", "agw1.gemini.t."],
    ["no value separator", "agw1.gemini.t"],
  ])("malformed (%s) → no signature", (_name, text) => {
    expect(decodeSignature(text)).toBeUndefined();
  });
});

test("another protocol's native family travels unchanged and decodes back to it", () => {
  const openai = { family: "openai" as const, value: "gAAAAABo-encrypted" };
  expect(encodeSignature(openai, "t", "openai")).toBe("gAAAAABo-encrypted");
  expect(decodeSignature("gAAAAABo-encrypted", "openai")).toEqual({ signature: openai, target: "t" });
  expect(encodeSignature(openai, "t")).toBe("agw1.openai.t.gAAAAABo-encrypted");
});

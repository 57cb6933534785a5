import { describe, expect, test } from "bun:test";
import { decodeToolChoice, decodeTools } from "./decode-tools.ts";

describe("decodeTools", () => {
  test("nothing given", () => {
    expect(decodeTools({})).toBeUndefined();
    expect(decodeTools({ tools: [], functions: null })).toBeUndefined();
  });

  test("tools then legacy functions, optional fields only when given", () => {
    expect(
      decodeTools({
        tools: [
          {
            type: "function",
            function: { name: "a", description: "A", parameters: { type: "object", properties: { x: { type: "string" } } }, strict: false },
          },
        ],
        functions: [{ name: "b", description: null, parameters: null }],
      }),
    ).toStrictEqual([
      { name: "a", description: "A", parameters: { type: "object", properties: { x: { type: "string" } } }, strict: false },
      { name: "b", parameters: { type: "object", properties: {} } },
    ]);
  });
});

describe("decodeToolChoice", () => {
  test("tool_choice", () => {
    expect(decodeToolChoice({})).toBeUndefined();
    expect(decodeToolChoice({ tool_choice: "auto" })).toBe("auto");
    expect(decodeToolChoice({ tool_choice: { type: "function", function: { name: "f" } } })).toStrictEqual({ name: "f" });
  });

  test("legacy function_call, and tool_choice wins over it", () => {
    expect(decodeToolChoice({ function_call: "none" })).toBe("none");
    expect(decodeToolChoice({ function_call: { name: "g" } })).toStrictEqual({ name: "g" });
    expect(decodeToolChoice({ tool_choice: "required", function_call: { name: "g" } })).toBe("required");
  });
});

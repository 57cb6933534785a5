import { describe, expect, test } from "bun:test";
import { decodeToolChoice, decodeTools } from "./decode-tools.ts";

describe("decodeTools", () => {
  test("custom tools, with and without type, description and strict", () => {
    expect(
      decodeTools([
        { name: "a", input_schema: { type: "object" } },
        { type: "custom", name: "b", description: "B", input_schema: { type: "object", properties: {} }, strict: true },
      ]),
    ).toEqual({
      tools: [
        { name: "a", parameters: { type: "object" } },
        { name: "b", description: "B", parameters: { type: "object", properties: {} }, strict: true },
      ],
    });
  });

  test("each web search version becomes the web search setting, required", () => {
    for (const type of ["web_search_20250305", "web_search_20260209"]) {
      expect(decodeTools([{ type, name: "web_search", blocked_domains: ["spam.example"] }])).toEqual({
        webSearch: { blockedDomains: ["spam.example"], required: true },
      });
    }
  });

  test("no tools, nothing", () => {
    expect(decodeTools([])).toEqual({});
  });
});

describe("decodeToolChoice", () => {
  test.each([
    [{ type: "auto" as const }, { toolChoice: "auto" }],
    [{ type: "auto" as const, disable_parallel_tool_use: false }, { toolChoice: "auto" }],
    [{ type: "any" as const, disable_parallel_tool_use: true }, { toolChoice: "required", parallelToolCalls: false }],
    [{ type: "tool" as const, name: "f" }, { toolChoice: { name: "f" } }],
    [{ type: "none" as const }, { toolChoice: "none" }],
  ])("%j", (choice, expected) => {
    expect(decodeToolChoice(choice)).toEqual(expected as never);
  });
});

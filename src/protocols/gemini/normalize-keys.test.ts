import { expect, test } from "bun:test";
import { normalizeGeminiKeys } from "./normalize-keys.ts";

test("structural keys become lowerCamelCase; the client's own data keeps its keys", () => {
  expect(
    normalizeGeminiKeys({
      system_instruction: { parts: [{ text: "x" }] },
      contents: [{ parts: [{ inline_data: { mime_type: "image/png", data: "a_b" } }, { function_call: { name: "f_g", args: { a_b: { c_d: 1 } } } }] }],
      tools: [
        {
          function_declarations: [
            {
              name: "f_g",
              parameters: { type: "OBJECT", properties: { user_id: { type: "STRING", any_of: [{ max_length: 3 }] } }, property_ordering: ["user_id"] },
              parameters_json_schema: { properties: { snake_key: {} }, additional_properties: false },
            },
          ],
        },
      ],
      generation_config: { response_json_schema: { x_y: 1 }, response_schema: { type: "STRING", enum: ["a_b"], default: { k_v: 1 } } },
      labels: { team_name: "a" },
    }),
  ).toStrictEqual({
    systemInstruction: { parts: [{ text: "x" }] },
    contents: [{ parts: [{ inlineData: { mimeType: "image/png", data: "a_b" } }, { functionCall: { name: "f_g", args: { a_b: { c_d: 1 } } } }] }],
    tools: [
      {
        functionDeclarations: [
          {
            name: "f_g",
            parameters: { type: "OBJECT", properties: { user_id: { type: "STRING", anyOf: [{ maxLength: 3 }] } }, propertyOrdering: ["user_id"] },
            parametersJsonSchema: { properties: { snake_key: {} }, additional_properties: false },
          },
        ],
      },
    ],
    generationConfig: { responseJsonSchema: { x_y: 1 }, responseSchema: { type: "STRING", enum: ["a_b"], default: { k_v: 1 } } },
    labels: { team_name: "a" },
  });
});

test("non-objects pass through", () => {
  expect(normalizeGeminiKeys(null)).toBeNull();
  expect(normalizeGeminiKeys("a_b")).toBe("a_b");
  expect(normalizeGeminiKeys([{ a_b: 1 }, 2])).toEqual([{ aB: 1 }, 2]);
});

import { expect, test } from "bun:test";
import { geminiSchemaToJsonSchema } from "./gemini-schema-to-json-schema.ts";

test("upper-case types, nullable, counts as strings, propertyOrdering dropped", () => {
  expect(
    geminiSchemaToJsonSchema({
      type: "OBJECT",
      description: "a person",
      properties: {
        name: { type: "STRING", nullable: true, minLength: "1", maxLength: 40 },
        age: { type: "INTEGER", format: "int32", minimum: 0, maximum: "150" },
        tags: { type: "ARRAY", items: { type: "STRING", enum: ["a", "b"] }, minItems: "1", maxItems: "5" },
        either: { anyOf: [{ type: "NUMBER" }, { type: "BOOLEAN" }], nullable: true },
      },
      required: ["name"],
      propertyOrdering: ["name", "age", "tags"],
      example: { name: "Ada" },
      unknownKeyword: 1,
    }),
  ).toStrictEqual({
    type: "object",
    description: "a person",
    example: { name: "Ada" },
    required: ["name"],
    properties: {
      name: { type: ["string", "null"], minLength: 1, maxLength: 40 },
      age: { type: "integer", format: "int32", minimum: 0, maximum: 150 },
      tags: { type: "array", minItems: 1, maxItems: 5, items: { type: "string", enum: ["a", "b"] } },
      either: { anyOf: [{ type: "number" }, { type: "boolean" }, { type: "null" }] },
    },
  });
});

test("an unknown or unspecified type is left out; a non-object is an empty schema", () => {
  expect(geminiSchemaToJsonSchema({ type: "TYPE_UNSPECIFIED", description: "x" })).toStrictEqual({ description: "x" });
  expect(geminiSchemaToJsonSchema("STRING")).toStrictEqual({});
});

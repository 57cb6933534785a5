import { describe, expect, test } from "bun:test";
import { cleanGeminiSchema } from "./clean-schema.ts";
import type { GeminiSchema } from "./types.ts";

describe("cleanGeminiSchema", () => {
  test("drops keywords Gemini rejects and keeps the supported ones", () => {
    const schema = {
      $schema: "http://json-schema.org/draft-07/schema#",
      $id: "https://example.com/weather",
      type: "object",
      title: "Weather",
      description: "Get the weather",
      additionalProperties: false,
      examples: [{ city: "Paris" }],
      properties: {
        city: { type: "string", minLength: 1, maxLength: 80, pattern: "^[A-Z]", default: "Paris", examples: ["Paris"] },
        days: { type: "integer", minimum: 1, maximum: 14, exclusiveMaximum: 15, multipleOf: 1 },
        tags: { type: "array", items: { type: "string" }, minItems: 1, maxItems: 3, uniqueItems: true },
      },
      required: ["city", "missing"],
      propertyOrdering: ["days", "city", "nope"],
    };
    expect(cleanGeminiSchema(schema)).toEqual({
      type: "object",
      title: "Weather",
      description: "Get the weather",
      properties: {
        city: { type: "string", minLength: 1, maxLength: 80, pattern: "^[A-Z]" },
        days: { type: "integer", minimum: 1, maximum: 14 },
        tags: { type: "array", items: { type: "string" }, minItems: 1, maxItems: 3 },
      },
      required: ["city"],
      propertyOrdering: ["days", "city"],
    });
  });

  test("never mutates its input", () => {
    const schema = {
      type: "object",
      $defs: { Unit: { type: "string", enum: ["c", "f"] } },
      properties: { unit: { $ref: "#/$defs/Unit" }, when: { allOf: [{ type: "string" }, { format: "uuid" }] } },
      additionalProperties: false,
    };
    const copy = structuredClone(schema);
    cleanGeminiSchema(schema);
    expect(schema).toEqual(copy);
  });

  test("resolves $ref against $defs and definitions, with sibling keywords winning", () => {
    const schema = {
      type: "object",
      properties: {
        unit: { $ref: "#/$defs/Unit", description: "Temperature unit" },
        place: { $ref: "#/definitions/Place" },
        slash: { $ref: "#/$defs/a~1b" },
      },
      $defs: { Unit: { type: "string", enum: ["celsius", "fahrenheit"], description: "A unit" }, "a/b": { type: "boolean" } },
      definitions: { Place: { type: "object", properties: { name: { type: "string" } }, required: ["name"] } },
    };
    expect(cleanGeminiSchema(schema)).toEqual({
      type: "object",
      properties: {
        unit: { type: "string", description: "Temperature unit", enum: ["celsius", "fahrenheit"] },
        place: { type: "object", properties: { name: { type: "string" } }, required: ["name"] },
        slash: { type: "boolean" },
      },
    });
  });

  test("expands a recursive ref one level, then stops with {type: object}", () => {
    const schema = {
      $ref: "#/$defs/Node",
      $defs: {
        Node: {
          type: "object",
          properties: {
            name: { type: "string" },
            children: { type: "array", items: { $ref: "#/$defs/Node" } },
            parent: { $ref: "#/$defs/Node", description: "The parent node" },
          },
        },
      },
    };
    expect(cleanGeminiSchema(schema)).toEqual({
      type: "object",
      properties: {
        name: { type: "string" },
        children: { type: "array", items: { type: "object" } },
        parent: { type: "object", description: "The parent node" },
      },
    });
  });

  test("a ref used twice side by side is not mistaken for a cycle", () => {
    const schema = {
      type: "object",
      properties: { from: { $ref: "#/$defs/Point" }, to: { $ref: "#/$defs/Point" } },
      $defs: { Point: { type: "object", properties: { x: { type: "number" } } } },
    };
    const point: GeminiSchema = { type: "object", properties: { x: { type: "number" } } };
    expect(cleanGeminiSchema(schema)).toEqual({ type: "object", properties: { from: point, to: point } });
  });

  test("an unresolvable ref becomes a plain object", () => {
    expect(cleanGeminiSchema({ type: "object", properties: { a: { $ref: "other.json#/x" } } })).toEqual({
      type: "object",
      properties: { a: { type: "object" } },
    });
  });

  test("merges allOf into one object, uniting properties and required", () => {
    const schema = {
      description: "A person with an address",
      allOf: [
        { $ref: "#/$defs/Named" },
        { type: "object", properties: { address: { type: "string" }, name: { description: "Full name" } }, required: ["address"] },
      ],
      $defs: { Named: { type: "object", properties: { name: { type: "string" } }, required: ["name"] } },
    };
    expect(cleanGeminiSchema(schema)).toEqual({
      type: "object",
      description: "A person with an address",
      properties: { name: { type: "string", description: "Full name" }, address: { type: "string" } },
      required: ["name", "address"],
    });
  });

  test("oneOf becomes anyOf; a null alternative becomes nullable", () => {
    const schema = {
      type: "object",
      properties: {
        either: { oneOf: [{ type: "string" }, { type: "number" }] },
        maybe: { anyOf: [{ type: "string", format: "date-time" }, { type: "null" }], description: "When" },
        maybeMany: { anyOf: [{ type: "string" }, { type: "integer" }, { type: "null" }] },
        typeList: { type: ["string", "null"] },
        typeUnion: { type: ["string", "integer"], description: "Id" },
      },
    };
    expect(cleanGeminiSchema(schema)).toEqual({
      type: "object",
      properties: {
        either: { anyOf: [{ type: "string" }, { type: "number" }] },
        maybe: { type: "string", format: "date-time", description: "When", nullable: true },
        maybeMany: { nullable: true, anyOf: [{ type: "string" }, { type: "integer" }] },
        typeList: { type: "string", nullable: true },
        typeUnion: { description: "Id", anyOf: [{ type: "string" }, { type: "integer" }] },
      },
    });
  });

  test("const becomes a one-value enum; enums become strings; null in an enum becomes nullable", () => {
    const schema = {
      type: "object",
      properties: {
        kind: { const: "circle" },
        level: { enum: [1, 2, "three"] },
        color: { type: "string", enum: ["red", "green", null] },
        size: { type: "integer", enum: [1, 2, 3], description: "Size" },
      },
    };
    expect(cleanGeminiSchema(schema)).toEqual({
      type: "object",
      properties: {
        kind: { type: "string", enum: ["circle"] },
        level: { type: "string", enum: ["1", "2", "three"] },
        color: { type: "string", nullable: true, enum: ["red", "green"] },
        size: { type: "integer", description: "Size (allowed values: 1, 2, 3)" },
      },
    });
  });

  test("keeps the formats Gemini supports and moves the others into the description", () => {
    const schema = {
      type: "object",
      properties: {
        at: { type: "string", format: "date-time" },
        ratio: { type: "number", format: "double" },
        count: { type: "integer", format: "int64" },
        mail: { type: "string", format: "email", description: "Contact" },
        id: { type: "string", format: "uuid" },
        small: { type: "integer", format: "int8" },
      },
    };
    expect(cleanGeminiSchema(schema)).toEqual({
      type: "object",
      properties: {
        at: { type: "string", format: "date-time" },
        ratio: { type: "number", format: "double" },
        count: { type: "integer", format: "int64" },
        mail: { type: "string", description: "Contact (format: email)" },
        id: { type: "string", description: "format: uuid" },
        small: { type: "integer", description: "format: int8" },
      },
    });
  });

  test("an object without properties stays {type: object}", () => {
    expect(cleanGeminiSchema({ type: "object", properties: {}, required: ["x"], additionalProperties: true })).toEqual({
      type: "object",
    });
    expect(cleanGeminiSchema({ type: "object", additionalProperties: { type: "string" } })).toEqual({ type: "object" });
  });

  test("infers object and array types, and turns tuples into anyOf items", () => {
    expect(
      cleanGeminiSchema({
        properties: { pair: { prefixItems: [{ type: "string" }, { type: "number" }] }, list: { items: { type: "boolean" } } },
      }),
    ).toEqual({
      type: "object",
      properties: {
        pair: { type: "array", items: { anyOf: [{ type: "string" }, { type: "number" }] } },
        list: { type: "array", items: { type: "boolean" } },
      },
    });
  });
});

type JsonObject = Record<string, unknown>;

/** Keywords with the same meaning in Gemini's Schema and in JSON Schema, copied as they are. */
const sameKeywords = ["format", "title", "description", "pattern", "default", "example"] as const;

/** Counts the proto JSON mapping may spell as strings (`int64`): read back as numbers. */
const countKeywords = [
  "minItems",
  "maxItems",
  "minLength",
  "maxLength",
  "minProperties",
  "maxProperties",
  "minimum",
  "maximum",
] as const;

const types: ReadonlySet<string> = new Set(["string", "number", "integer", "boolean", "array", "object", "null"]);

/**
 * Converts Gemini's `Schema` (an OpenAPI 3.0 subset: upper-case `type`
 * names, `nullable`, `propertyOrdering`, counts as strings) into the JSON
 * Schema the IR carries, so non-Gemini upstreams can read it. Only the
 * keywords Gemini documents are kept; the input is never mutated.
 */
export function geminiSchemaToJsonSchema(schema: unknown): JsonObject {
  if (!isObject(schema)) return {};
  const converted: JsonObject = {};
  const type = typeof schema.type === "string" ? schema.type.toLowerCase() : undefined;
  if (type !== undefined && types.has(type)) converted.type = schema.nullable === true && type !== "null" ? [type, "null"] : type;

  for (const keyword of sameKeywords) if (schema[keyword] !== undefined) converted[keyword] = schema[keyword];
  for (const keyword of countKeywords) {
    const value = toNumber(schema[keyword]);
    if (value !== undefined) converted[keyword] = value;
  }
  if (Array.isArray(schema.enum)) converted.enum = schema.enum;
  if (Array.isArray(schema.required)) converted.required = schema.required;
  if (isObject(schema.properties)) {
    const properties: JsonObject = {};
    for (const [name, property] of Object.entries(schema.properties)) properties[name] = geminiSchemaToJsonSchema(property);
    converted.properties = properties;
  }
  if (schema.items !== undefined) converted.items = geminiSchemaToJsonSchema(schema.items);
  if (Array.isArray(schema.anyOf)) {
    converted.anyOf = schema.anyOf.map(geminiSchemaToJsonSchema);
    // A nullable union without its own type admits null as one more branch.
    if (schema.nullable === true && type === undefined) (converted.anyOf as JsonObject[]).push({ type: "null" });
  }
  return converted;
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

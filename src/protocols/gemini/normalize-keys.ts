/**
 * Values whose keys are the client's own data, copied untouched: function
 * arguments and results, JSON Schemas given verbatim, schema defaults,
 * examples and enums, labels.
 */
const opaqueKeys: ReadonlySet<string> = new Set([
  "args",
  "response",
  "parametersJsonSchema",
  "responseJsonSchema",
  "default",
  "example",
  "enum",
  "labels",
]);

/**
 * Google's REST endpoints read the proto JSON mapping, which accepts field
 * names in snake_case as well as lowerCamelCase, and Google's own curl
 * examples use both (`system_instruction`, `inline_data: {mime_type}`).
 * This renames every structural key to lowerCamelCase so the schema sees
 * one spelling. Keys that are the client's data stay as they are: the
 * values under opaque keys, and the property names of a schema's
 * `properties` (whose values are schemas again).
 */
export function normalizeGeminiKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalizeGeminiKeys);
  if (!isObject(value)) return value;
  const normalized: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    const name = key.includes("_") ? toCamelCase(key) : key;
    if (opaqueKeys.has(name)) normalized[name] = inner;
    else if (name === "properties" && isObject(inner)) normalized[name] = normalizeProperties(inner);
    else normalized[name] = normalizeGeminiKeys(inner);
  }
  return normalized;
}

function normalizeProperties(properties: Record<string, unknown>): Record<string, unknown> {
  const normalized: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(properties)) normalized[name] = normalizeGeminiKeys(schema);
  return normalized;
}

function toCamelCase(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

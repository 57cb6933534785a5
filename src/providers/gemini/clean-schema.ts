import type { GeminiSchema } from "./types.ts";

type JsonObject = Record<string, unknown>;

interface Context {
  /** The whole schema the client sent: `$ref`s resolve against it. */
  root: JsonObject;
  /** The refs being expanded on the path from the root to here (cycle guard). */
  seen: readonly string[];
}

type SchemaType = NonNullable<GeminiSchema["type"]>;

const schemaTypes: ReadonlySet<string> = new Set(["string", "number", "integer", "boolean", "array", "object"]);

/** The formats Gemini accepts per type; any other format moves into the description. */
const supportedFormats: Partial<Record<SchemaType, readonly string[]>> = {
  string: ["enum", "date-time"],
  number: ["float", "double"],
  integer: ["int32", "int64"],
};

/**
 * Converts a client's JSON Schema into the OpenAPI 3.0 subset Gemini's
 * `Schema` accepts. Refs are inlined (a recursive ref becomes
 * `{type: "object"}` after one level), `allOf` is merged, `oneOf` becomes
 * `anyOf`, null alternatives become `nullable`, and keywords Gemini rejects
 * are dropped or, when they carry meaning (formats, non-string enums), moved
 * into the description. The input is never mutated.
 */
export function cleanGeminiSchema(schema: Record<string, unknown>): GeminiSchema {
  return clean(schema, { root: schema, seen: [] });
}

function clean(node: unknown, context: Context): GeminiSchema {
  const flat = flatten(node, context);
  const union = flat.schema.anyOf ?? flat.schema.oneOf;
  const inner = { root: context.root, seen: flat.seen };
  if (Array.isArray(union)) return cleanUnion(flat.schema, union, inner);
  return cleanPlain(flat.schema, inner);
}

/** Inlines a top-level `$ref` and merges a top-level `allOf`, repeatedly, so the result has neither. */
function flatten(node: unknown, context: Context): { schema: JsonObject; seen: readonly string[] } {
  if (!isObject(node)) return { schema: {}, seen: context.seen };
  if (typeof node.$ref === "string") {
    const { $ref: ref, ...siblings } = node;
    const target = context.seen.includes(ref) ? undefined : resolvePointer(context.root, ref);
    if (!isObject(target)) {
      // A cycle (or a ref we cannot resolve): stop expanding here.
      const description = typeof siblings.description === "string" ? { description: siblings.description } : {};
      return { schema: { type: "object", ...description }, seen: context.seen };
    }
    return flatten({ ...target, ...siblings }, { root: context.root, seen: [...context.seen, ref] });
  }
  if (Array.isArray(node.allOf)) {
    const { allOf, ...own } = node;
    let merged: JsonObject = {};
    const seen = new Set(context.seen);
    for (const member of allOf) {
      const flat = flatten(member, context);
      merged = mergeSchemas(merged, flat.schema);
      for (const ref of flat.seen) seen.add(ref);
    }
    return flatten(mergeSchemas(merged, own), { root: context.root, seen: [...seen] });
  }
  return { schema: node, seen: context.seen };
}

/** Merges two raw JSON Schemas as `allOf` means them: properties and required lists are united. */
function mergeSchemas(base: JsonObject, extra: JsonObject): JsonObject {
  const result: JsonObject = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    const previous = result[key];
    if (key === "properties" && isObject(previous) && isObject(value)) {
      const properties: JsonObject = { ...previous };
      for (const [name, schema] of Object.entries(value)) {
        properties[name] = name in properties ? { allOf: [properties[name], schema] } : schema;
      }
      result.properties = properties;
    } else if (key === "required" && Array.isArray(previous) && Array.isArray(value)) {
      result.required = [...new Set([...previous, ...value])];
    } else {
      result[key] = value;
    }
  }
  return result;
}

function cleanUnion(node: JsonObject, members: unknown[], context: Context): GeminiSchema {
  const { anyOf: _anyOf, oneOf: _oneOf, ...own } = node;
  const nullable = members.some(isNullSchema);
  const alternatives = members.filter((member) => !isNullSchema(member)).map((member) => clean(member, context));
  const base = cleanPlain(own, context);
  const nullableField = nullable ? { nullable: true } : {};
  const [only] = alternatives;
  if (alternatives.length === 1 && only) return { ...only, ...base, ...nullableField };
  if (alternatives.length === 0) return { ...base, ...nullableField };
  return { ...base, ...nullableField, anyOf: alternatives };
}

function cleanPlain(node: JsonObject, context: Context): GeminiSchema {
  const notes: string[] = [];
  let nullable = node.nullable === true;
  let type: SchemaType | undefined;
  let typeUnion: SchemaType[] = [];

  const declared = typeof node.type === "string" ? [node.type] : Array.isArray(node.type) ? node.type : [];
  if (declared.includes("null")) nullable = true;
  const types = declared.filter((value): value is SchemaType => typeof value === "string" && schemaTypes.has(value));
  if (types.length === 1) type = types[0];
  else if (types.length > 1) typeUnion = types;
  if (type === undefined && typeUnion.length === 0) {
    if (isObject(node.properties)) type = "object";
    else if (node.items !== undefined || node.prefixItems !== undefined) type = "array";
  }

  let enumValues: unknown[] | undefined = Array.isArray(node.enum) ? node.enum : "const" in node ? [node.const] : undefined;
  if (enumValues?.includes(null)) {
    nullable = true;
    enumValues = enumValues.filter((value) => value !== null);
  }
  let enumStrings: string[] | undefined;
  if (enumValues && enumValues.length > 0) {
    if (type === undefined || type === "string") {
      type = "string";
      enumStrings = enumValues.map(enumString);
    } else {
      // Gemini allows enums only on strings; keep the real type and say the values in words.
      notes.push(`allowed values: ${enumValues.map(enumString).join(", ")}`);
    }
  }

  let format: string | undefined;
  if (typeof node.format === "string") {
    if (type !== undefined && supportedFormats[type]?.includes(node.format)) format = node.format;
    else notes.push(`format: ${node.format}`);
  }

  const result: GeminiSchema = {};
  if (type !== undefined) result.type = type;
  if (format !== undefined) result.format = format;
  if (typeof node.title === "string") result.title = node.title;
  const description = describe(typeof node.description === "string" ? node.description : undefined, notes);
  if (description !== undefined) result.description = description;
  if (nullable) result.nullable = true;
  if (enumStrings) result.enum = enumStrings;

  if (typeUnion.length > 0) {
    result.anyOf = typeUnion.map((member) =>
      cleanPlain({ ...node, type: member, title: undefined, description: undefined, nullable: undefined }, context),
    );
    return result;
  }

  if (type === "object" || type === undefined) addObjectFields(result, node, context);
  if (type === "array" || type === undefined) addArrayFields(result, node, context);
  if (type === "string" || type === undefined) {
    copyNumber(result, node, "minLength");
    copyNumber(result, node, "maxLength");
    if (typeof node.pattern === "string") result.pattern = node.pattern;
  }
  if (type === "number" || type === "integer" || type === undefined) {
    copyNumber(result, node, "minimum");
    copyNumber(result, node, "maximum");
  }
  return result;
}

function addObjectFields(result: GeminiSchema, node: JsonObject, context: Context): void {
  if (!isObject(node.properties)) return;
  const entries = Object.entries(node.properties);
  if (entries.length === 0) return;
  const properties: Record<string, GeminiSchema> = {};
  for (const [name, schema] of entries) properties[name] = clean(schema, context);
  result.properties = properties;
  const required = stringsIn(node.required).filter((name) => name in properties);
  if (required.length > 0) result.required = [...new Set(required)];
  const ordering = stringsIn(node.propertyOrdering).filter((name) => name in properties);
  if (ordering.length > 0) result.propertyOrdering = ordering;
}

function addArrayFields(result: GeminiSchema, node: JsonObject, context: Context): void {
  const items = Array.isArray(node.items) ? node.items : node.items ?? node.prefixItems;
  if (Array.isArray(items)) {
    // A tuple: Gemini has none, so any position may hold any of the listed schemas.
    const [only] = items;
    if (items.length === 1) result.items = clean(only, context);
    else if (items.length > 1) result.items = { anyOf: items.map((item) => clean(item, context)) };
  } else if (items !== undefined) {
    result.items = clean(items, context);
  }
  copyNumber(result, node, "minItems");
  copyNumber(result, node, "maxItems");
}

type NumericKey = "minItems" | "maxItems" | "minimum" | "maximum" | "minLength" | "maxLength";

function copyNumber(result: GeminiSchema, node: JsonObject, key: NumericKey): void {
  const value = node[key];
  if (typeof value === "number" && Number.isFinite(value)) result[key] = value;
}

function describe(description: string | undefined, notes: string[]): string | undefined {
  if (notes.length === 0) return description;
  const extra = notes.join("; ");
  return description ? `${description} (${extra})` : extra;
}

function enumString(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

function isNullSchema(value: unknown): boolean {
  return isObject(value) && value.type === "null";
}

function stringsIn(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Resolves a local JSON pointer (`#/$defs/Node`, `#/definitions/a~1b`) against the root schema. */
function resolvePointer(root: JsonObject, ref: string): unknown {
  if (!ref.startsWith("#")) return undefined;
  const path = ref.slice(1);
  if (path === "") return root;
  if (!path.startsWith("/")) return undefined;
  let current: unknown = root;
  for (const raw of path.slice(1).split("/")) {
    if (!isObject(current)) return undefined;
    let key: string;
    try {
      key = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
    key = key.replace(/~1/g, "/").replace(/~0/g, "~");
    current = current[key];
  }
  return current;
}

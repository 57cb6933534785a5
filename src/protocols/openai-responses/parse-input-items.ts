import { parseField } from "./parse-field.ts";
import { compiledInputItemSchemas, type InputItem, type InputItemType } from "./schema.ts";

export interface ParsedInputItem {
  item: InputItem;
  /** Where the item stands in the request, for errors: `["input", 3]`. */
  path: ReadonlyArray<PropertyKey>;
}

type RawItem = { type?: string | null } & Record<string, unknown>;

/**
 * `input` as checked items. A string is one user message. Each item of a
 * known type is checked against its schema (a 400 names the field); an item
 * without a type is a message when it has a role (the "easy" message form)
 * and an `item_reference` otherwise. Unknown item types (`web_search_call`,
 * `compaction`, `image_generation_call`…) are dropped.
 */
export function parseInputItems(input: string | ReadonlyArray<RawItem> | null | undefined): ParsedInputItem[] {
  if (input == null) return [];
  if (typeof input === "string") return [{ item: { role: "user", content: input }, path: ["input"] }];
  const parsed: ParsedInputItem[] = [];
  input.forEach((raw, index) => {
    const type = itemType(raw);
    if (type === undefined) return;
    const path = ["input", index];
    parsed.push({ item: parseField(compiledInputItemSchemas[type], raw, path) as InputItem, path });
  });
  return parsed;
}

function itemType(raw: RawItem): InputItemType | undefined {
  if (raw.type == null) return "role" in raw ? "message" : "item_reference";
  return Object.hasOwn(compiledInputItemSchemas, raw.type) ? (raw.type as InputItemType) : undefined;
}

/**
 * The input as a list of items, the way the server stores a conversation for
 * `previous_response_id`: a string becomes one user message item, a list is
 * kept exactly as the client sent it.
 */
export function normalizeInputItems(input: string | ReadonlyArray<RawItem> | null | undefined): unknown[] {
  if (input == null) return [];
  if (typeof input === "string") return [{ type: "message", role: "user", content: [{ type: "input_text", text: input }] }];
  return [...input];
}

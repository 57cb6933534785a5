import { GatewayError } from "../../ir/errors.ts";
import { formatPath } from "../../util/format-path.ts";
import { then, type Awaitable } from "../../util/awaitable.ts";

/**
 * What the server knows about stored items: for each id it knows, the items
 * a reference to it stands for (see `encodeStoredOutput`). One call per
 * request, for all the ids at once.
 */
export type StoredItemLookup = (ids: ReadonlyArray<string>) => Awaitable<ReadonlyMap<string, ReadonlyArray<unknown>>>;

/** An input item that names a stored item: `required` when the item carries nothing else to fall back on. */
export interface ItemReference {
  id: string;
  required: boolean;
}

/**
 * The stored item an input item names, or undefined when it stands for
 * itself. Clients that leave `store` on send earlier output back by id (the
 * OpenAI SDK-based frameworks, the Vercel AI SDK): an `item_reference`, or
 * its short form, an object with an `id` and neither `type` nor `role`.
 * A reasoning item without `encrypted_content` is looked up by its id too,
 * as OpenAI does: its stored copy holds the signature the client was not
 * shown. Such an item with its reasoning text is kept as sent when the id is
 * unknown; one with nothing but its id is a reference like the others.
 */
export function itemReference(raw: unknown): ItemReference | undefined {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return undefined;
  const item = raw as Record<string, unknown>;
  if (typeof item.id !== "string" || item.id === "") return undefined;
  if (item.type === "item_reference" || (item.type == null && !("role" in item))) return { id: item.id, required: true };
  if (item.type === "reasoning" && item.encrypted_content == null) return { id: item.id, required: !hasReasoningText(item) };
  return undefined;
}

function hasReasoningText(item: Record<string, unknown>): boolean {
  const hasText = (parts: unknown) =>
    Array.isArray(parts) && parts.some((part) => typeof part?.text === "string" && part.text !== "");
  return hasText(item.summary) || hasText(item.content);
}

/**
 * The input with every reference replaced by the stored items it names, in
 * place, so the upstream sees the whole conversation: the assistant's earlier
 * answers, calls and reasoning with its signatures. The same array when
 * nothing refers to a stored item (no lookup then). A reference to an id the
 * store does not know is refused (`unknownItemError`), never dropped.
 */
export function expandItemReferences(input: unknown[], lookup: StoredItemLookup): Awaitable<unknown[]> {
  const references = new Map<number, ItemReference>();
  input.forEach((raw, index) => {
    const reference = itemReference(raw);
    if (reference) references.set(index, reference);
  });
  if (references.size === 0) return input;
  return then(lookup([...new Set([...references.values()].map((reference) => reference.id))]), (stored) =>
    input.flatMap((raw, index) => {
      const reference = references.get(index);
      if (!reference) return [raw];
      const items = stored.get(reference.id);
      if (items) return [...items];
      if (reference.required) throw unknownItemError(reference.id, ["input", index, "id"]);
      return [raw];
    }),
  );
}

/**
 * The answer to a reference agw cannot resolve, worded like OpenAI's own
 * (a 404 `invalid_request_error`: "Item with id '…' not found. Items are not
 * persisted when `store` is set to false. …"), with the offending input item
 * as `param`.
 */
export function unknownItemError(id: string, path: ReadonlyArray<PropertyKey>): GatewayError {
  return new GatewayError(
    "not_found",
    `Item with id '${id}' not found. Items are kept for \`responses.retentionDays\` and not persisted when \`store\` is set to false. Try again with \`store\` set to true, or remove this item from your input.`,
    { param: formatPath(path) },
  );
}

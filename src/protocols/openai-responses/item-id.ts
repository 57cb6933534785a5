/** Item id prefixes, as OpenAI's own ids start. */
export type ItemIdPrefix = "rs" | "msg" | "fc" | "ctc" | "lsh" | "tsc" | "ig";

/**
 * A deterministic output item id: the prefix, the response id without its
 * `resp_`, the item's output index (`resp_abc` item 2 → `fc_abc_2`). The same
 * answer gets the same ids streamed or not.
 */
export function itemId(prefix: ItemIdPrefix, responseId: string, outputIndex: number): string {
  const base = responseId.startsWith("resp_") ? responseId.slice("resp_".length) : responseId;
  return `${prefix}_${base}_${outputIndex}`;
}

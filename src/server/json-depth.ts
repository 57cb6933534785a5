/**
 * The deepest nesting of arrays and objects in a JSON text, up to `limit`:
 * returns the first offset where the nesting goes past it, or -1. One pass
 * over the text; string contents are skipped with indexOf, so a long prompt
 * costs little. It runs before JSON.parse and before any validation: a body
 * nested 50,000 levels deep would otherwise stall the event loop in every
 * recursive step after parsing (validation, translation, serialising).
 * Malformed JSON is not its concern: JSON.parse reports that.
 */
export function findExcessiveNesting(text: string, limit: number): number {
  let depth = 0;
  const length = text.length;
  for (let index = 0; index < length; index++) {
    const code = text.charCodeAt(index);
    if (code === 0x22 /* " */) {
      index = closingQuote(text, index + 1);
      if (index === -1) return -1;
    } else if (code === 0x7b /* { */ || code === 0x5b /* [ */) {
      if (++depth > limit) return index;
    } else if (code === 0x7d /* } */ || code === 0x5d /* ] */) {
      depth--;
    }
  }
  return -1;
}

/** The offset of the quote that closes a string opened before `from`, or -1. */
export function closingQuote(text: string, from: number): number {
  for (let index = text.indexOf('"', from); index !== -1; index = text.indexOf('"', index + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(index - 1 - backslashes) === 0x5c /* \ */) backslashes++;
    if (backslashes % 2 === 0) return index;
  }
  return -1;
}

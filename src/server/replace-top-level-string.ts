import { closingQuote } from "./json-depth.ts";

/**
 * A JSON object text with the string value of one top-level key replaced,
 * everything else left byte for byte: a pass-through body keeps what the
 * client wrote (number spellings, key order, unknown fields) and is not
 * serialised again, which for a long conversation costs more than reading
 * it. Undefined when the key is not there exactly once with a string value,
 * or a top-level key is written with escapes (`"mod\u0065l"` is `model` to
 * a JSON parser): the caller then serialises the parsed body, so the
 * upstream can never read a different value than the gateway decided on.
 * The text must be valid JSON (it has been parsed already).
 */
export function replaceTopLevelString(text: string, key: string, value: string): string | undefined {
  let depth = 0;
  /** At depth 1, the next string is a key. */
  let expectKey = false;
  let found: { start: number; end: number } | undefined;
  const length = text.length;
  for (let index = 0; index < length; index++) {
    const code = text.charCodeAt(index);
    if (code === 0x22 /* " */) {
      const close = closingQuote(text, index + 1);
      if (close === -1) return undefined;
      if (depth === 1 && expectKey) {
        expectKey = false;
        const name = text.slice(index + 1, close);
        if (name.includes("\\")) return undefined;
        if (name === key) {
          if (found !== undefined) return undefined;
          let at = skipSpace(text, close + 1);
          if (text.charCodeAt(at) !== 0x3a /* : */) return undefined;
          at = skipSpace(text, at + 1);
          if (text.charCodeAt(at) !== 0x22) return undefined;
          const end = closingQuote(text, at + 1);
          if (end === -1) return undefined;
          found = { start: at, end: end + 1 };
          index = end;
          continue;
        }
      }
      index = close;
    } else if (code === 0x7b /* { */ || code === 0x5b /* [ */) {
      depth++;
      if (depth === 1) {
        if (code !== 0x7b) return undefined;
        expectKey = true;
      }
    } else if (code === 0x7d /* } */ || code === 0x5d /* ] */) {
      depth--;
    } else if (code === 0x2c /* , */ && depth === 1) {
      expectKey = true;
    }
  }
  if (found === undefined) return undefined;
  return text.slice(0, found.start) + JSON.stringify(value) + text.slice(found.end);
}

function skipSpace(text: string, from: number): number {
  let at = from;
  for (let code = text.charCodeAt(at); code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09; code = text.charCodeAt(++at));
  return at;
}

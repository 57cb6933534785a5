/**
 * The JSON object that follows a key in a piece of JSON text: for
 * `"usage": {…}` found at `keyEnd` (just past the key's closing quote),
 * the parsed object. Undefined when no object follows, or the text ends
 * (or breaks) before the object closes. Used to read usage from the tail of
 * a relayed answer without parsing the whole answer.
 */
export function objectAfterKey(text: string, keyEnd: number): Record<string, unknown> | undefined {
  const open = /^\s*:\s*\{/.exec(text.slice(keyEnd, keyEnd + 64));
  if (!open) return undefined;
  const start = keyEnd + open[0].length - 1;
  let depth = 0;
  let inString = false;
  for (let index = start; index < text.length; index += 1) {
    const character = text[index];
    if (inString) {
      if (character === "\\") index += 1;
      else if (character === '"') inString = false;
    } else if (character === '"') inString = true;
    else if (character === "{") depth += 1;
    else if (character === "}") {
      depth -= 1;
      if (depth > 0) continue;
      try {
        const value: unknown = JSON.parse(text.slice(start, index + 1));
        return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

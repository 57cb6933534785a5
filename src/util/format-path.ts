/**
 * Formats a parse path the way a client reads it in its own JSON:
 * `["messages", 2, "content"]` → `messages[2].content`.
 */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let text = "";
  for (const segment of path) {
    if (typeof segment === "number") text += `[${segment}]`;
    else text += text === "" ? String(segment) : `.${String(segment)}`;
  }
  return text;
}

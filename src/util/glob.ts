/** A `*` glob (`gemini-2.5-*`, `*-mini`) as an anchored regular expression; every other character is literal. */
export function globRegex(pattern: string): RegExp {
  return new RegExp(`^${pattern.split("*").map(escapeRegex).join(".*")}$`);
}

export function escapeRegex(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
}

/** Whether a name matches any of the patterns (exact names or `*` globs); built once per list. */
export function globMatcher(patterns: readonly string[]): (name: string) => boolean {
  const exact = new Set(patterns.filter((pattern) => !pattern.includes("*")));
  const globs = patterns.filter((pattern) => pattern.includes("*")).map(globRegex);
  return (name) => exact.has(name) || globs.some((glob) => glob.test(name));
}

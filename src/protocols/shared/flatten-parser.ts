/**
 * zod's generated parser without its per-parse closures.
 *
 * The code zod generates for a schema (`compileFn`) wraps every optional
 * field and every union branch in an arrow function it calls at once,
 * `let v7 = (() => { …; return v9; })();`, so that a `return INVALID` inside
 * leaves only that part. Each such call allocates a function and its scope,
 * whether the field is there or not: 36 functions for a four-field Chat
 * request, 728 functions and 379 scopes for a coding agent's 110 KB Anthropic
 * session, every request; the JIT does not remove them. Here each of them
 * becomes a labelled block, `let v7; L0: { …; { v7 = v9; break L0; } }`:
 * the same control flow (a `break` leaves the block as the `return` left
 * the function, from inside loops too) with nothing allocated. The Chat
 * request's parse then takes a quarter to a third of the time (Bun 1.4).
 *
 * The rewrite only touches code it recognises, line by line, as zod writes
 * it (one statement per line, two spaces of indentation per level); any
 * other function, a `var`, a quote it does not mask, or blocks that do not
 * pair up, and it gives up: the parser is then zod's own.
 */
export function flattenGeneratedParser(factory: string): string | undefined {
  const lines = factory.split("\n");
  if (lines[0] !== "return (input) => {") return undefined;
  const out = [lines[0]];
  const open: Array<{ indent: string; target: string; label: string }> = [];
  let labels = 0;
  for (let index = 1; index < lines.length; index++) {
    const line = lines[index]!;
    const start = IIFE_STARTS.map((pattern) => pattern.exec(line)).find((match) => match !== null);
    if (start) {
      const { indent, declare, guard, target } = start.groups!;
      const label = `L${labels++}`;
      open.push({ indent: indent!, target: target!, label });
      out.push(`${indent}${declare ? `let ${target}; ` : ""}${guard ?? ""}${label}: {`);
      continue;
    }
    const innermost = open[open.length - 1];
    if (innermost !== undefined && line === `${innermost.indent}})();`) {
      open.pop();
      out.push(`${innermost.indent}}`);
      continue;
    }
    // String literals masked at their own length, so that a key named "function" or "return" is not taken for code.
    const masked = line.replace(/"(?:[^"\\]|\\.)*"/g, (literal) => `"${"_".repeat(literal.length - 2)}"`);
    if (/=>|\bfunction\b|\bvar\b|['`]|\bclass\b/.test(masked)) return undefined;
    if (innermost === undefined || !/\breturn\b/.test(masked)) {
      out.push(line);
      continue;
    }
    // Each `return X;` gives the block its value and leaves it.
    let rewritten = "";
    let from = 0;
    for (const match of masked.matchAll(/\breturn ([^;]*);/g)) {
      const expression = line.slice(match.index + "return ".length, match.index + match[0].length - 1);
      rewritten += `${line.slice(from, match.index)}{ ${innermost.target} = ${expression}; break ${innermost.label}; }`;
      from = match.index + match[0].length;
    }
    if (/\breturn\b/.test(masked.slice(from))) return undefined;
    out.push(rewritten + line.slice(from));
  }
  return open.length === 0 ? out.join("\n") : undefined;
}

/** How zod's code opens a function it calls at once: `let vN = (() => {`, `vN = (() => {`, `if (vN === INVALID) vN = (() => {`. */
const IIFE_STARTS = [
  /^(?<indent>\s*)(?<declare>let |const )(?<target>v\d+) = \(\(\) => \{$/,
  /^(?<indent>\s*)(?<target>v\d+) = \(\(\) => \{$/,
  /^(?<indent>\s*)(?<guard>if \(v\d+ === INVALID\) )(?<target>v\d+) = \(\(\) => \{$/,
];

/**
 * Runs `generate` (zod's `compileFn`) with the parsers it builds flattened.
 * zod builds the parser with `new Function(...constants, code)`, reading the
 * global `Function` at that moment and handing no other way to its code: for
 * the length of this synchronous call the global is one that flattens the
 * code first (and builds zod's own when the flattened code does not
 * compile), then it is put back.
 */
export function withFlatParsers<Result>(generate: () => Result): Result {
  const NativeFunction = globalThis.Function;
  const flattening = function (...args: string[]) {
    const flat = flattenGeneratedParser(args[args.length - 1] ?? "");
    if (flat !== undefined) {
      try {
        return NativeFunction(...args.slice(0, -1), flat);
      } catch {
        // zod's own code, below.
      }
    }
    return NativeFunction(...args);
  };
  globalThis.Function = flattening as FunctionConstructor;
  try {
    return generate();
  } finally {
    globalThis.Function = NativeFunction;
  }
}

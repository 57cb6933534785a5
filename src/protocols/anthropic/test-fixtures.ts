/** Test helpers: the documentation fixtures in ./fixtures, read and parsed. */

/** Reads one of this folder's documentation fixtures. */
export async function fixture(name: string): Promise<unknown> {
  return Bun.file(new URL(`./fixtures/${name}.json`, import.meta.url)).json();
}

export async function fixtureText(name: string): Promise<string> {
  return Bun.file(new URL(`./fixtures/${name}`, import.meta.url)).text();
}

/** An SSE text as `{event, data}` pairs, data parsed. */
export function parseSse(text: string): Array<{ event: string; data: unknown }> {
  return text
    .split("\n\n")
    .filter((block) => block.trim() !== "")
    .map((block) => {
      const lines = block.split("\n");
      const event = lines.find((line) => line.startsWith("event: "))?.slice("event: ".length) ?? "";
      const data = lines
        .filter((line) => line.startsWith("data: "))
        .map((line) => line.slice("data: ".length))
        .join("\n");
      return { event, data: JSON.parse(data) };
    });
}

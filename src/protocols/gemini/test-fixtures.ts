/** Reads a JSON fixture of this folder. */
export async function fixture(name: string): Promise<unknown> {
  return JSON.parse(await Bun.file(new URL(`./fixtures/${name}`, import.meta.url)).text());
}

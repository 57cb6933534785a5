/**
 * Estimates of long texts already made, found again by their content.
 *
 * A coding agent sends its whole session every turn — Claude Code its
 * system prompt, its tools and every earlier tool result, again — and the
 * key's admission estimates the input each time: on a 110 KB session the
 * scan was about a third of agw's CPU for the request. A text seen before
 * is found by its CRC-32 and its length (about 0.15 ns a character, against
 * 2–3 for the scan) and not scanned again. Two different texts of the same
 * length and checksum would share an estimate: a one-in-four-billion chance
 * for a pair, and an estimate only, which the usage the upstream reports
 * replaces at the request's end. Past `capacity`, the text used longest ago
 * is forgotten.
 */
export class RememberedEstimates {
  /** Key → estimate, the most recently used last (a Map keeps its insertion order). */
  private readonly estimates = new Map<number, number>();

  constructor(
    private readonly capacity: number,
    private readonly estimate: (text: string) => number,
  ) {}

  get size(): number {
    return this.estimates.size;
  }

  of(text: string): number {
    // CRC-32 (below 2^32) and the length (modulo 2^21) in one safe integer, so the key allocates nothing.
    const key = Bun.hash.crc32(text) * 0x200000 + (text.length % 0x200000);
    const known = this.estimates.get(key);
    if (known !== undefined) {
      this.estimates.delete(key);
      this.estimates.set(key, known);
      return known;
    }
    const tokens = this.estimate(text);
    if (this.estimates.size >= this.capacity) this.estimates.delete(this.estimates.keys().next().value!);
    this.estimates.set(key, tokens);
    return tokens;
  }
}

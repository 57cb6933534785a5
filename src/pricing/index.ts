import type { Price } from "../config/schema.ts";
import type { Usage } from "../ir/usage.ts";
import { globRegex } from "../util/glob.ts";
import { BUILT_IN_PRICES } from "./prices.ts";

export { BUILT_IN_PRICES } from "./prices.ts";

/** Model names whose price was looked up, remembered; bounded, since a requested name is whatever a client typed. */
const LOOKUP_CACHE_SIZE = 1024;

/**
 * What requests cost: the config's prices over the built-in ones, looked up
 * by exact name, then the most specific `*` glob (most literal characters).
 * Built once per config; a lookup is a map read after the first.
 */
export class Pricing {
  private readonly exact = new Map<string, Price>();
  private readonly globs: Array<{ regex: RegExp; specificity: number; price: Price }> = [];
  private readonly found = new Map<string, Price | null>();

  constructor(overrides: Readonly<Record<string, Price>> = {}) {
    for (const [name, price] of Object.entries({ ...BUILT_IN_PRICES, ...overrides })) {
      if (name.includes("*")) this.globs.push({ regex: globRegex(name), specificity: name.replaceAll("*", "").length, price });
      else this.exact.set(name, price);
    }
    // The config's own patterns win over built-in ones of equal specificity: they come later, and sort is stable.
    this.globs.reverse().sort((a, b) => b.specificity - a.specificity);
  }

  /** The price of a model (a vendor prefix such as `models/` or `google/` is ignored), or undefined when none is known. */
  priceOf(model: string): Price | undefined {
    let price = this.found.get(model);
    if (price === undefined) {
      const name = model.slice(model.lastIndexOf("/") + 1);
      price = this.exact.get(model) ?? this.exact.get(name) ?? this.globs.find((glob) => glob.regex.test(name))?.price ?? null;
      if (this.found.size >= LOOKUP_CACHE_SIZE) this.found.clear();
      this.found.set(model, price);
    }
    return price ?? undefined;
  }

  /**
   * A request's cost in US dollars: cached input at its own price, reasoning
   * at its own (both default to the plain input and output prices), cache
   * writes at the input price, images per image. Undefined when the model
   * has no price.
   */
  cost(model: string, usage: Usage | undefined, images = 0): number | undefined {
    const price = this.priceOf(model);
    if (price === undefined || (usage === undefined && images === 0)) return undefined;
    let dollars = images * (price.image ?? 0);
    if (usage !== undefined) {
      const cached = usage.input.cacheRead ?? 0;
      const reasoning = usage.output.reasoning ?? 0;
      dollars +=
        ((usage.input.total - cached) * price.input +
          cached * (price.cachedInput ?? price.input) +
          (usage.output.total - reasoning) * price.output +
          reasoning * (price.reasoning ?? price.output)) /
        1_000_000;
    }
    return dollars;
  }
}

/** Dollars with cents; below a cent two significant digits, so small spends do not read as nothing. */
export function formatUsd(dollars: number): string {
  if (dollars === 0) return "$0";
  return dollars < 0.01 ? `$${dollars.toPrecision(2)}` : `$${dollars.toFixed(2)}`;
}

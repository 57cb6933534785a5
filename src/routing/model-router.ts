import { globRegex } from "../util/glob.ts";
/** Where a requested model goes: a configured provider and the upstream model name. */
export interface ModelTarget {
  provider: string;
  model: string;
}

interface Pattern {
  regex: RegExp;
  /** Characters other than `*`: the more, the more specific. */
  specificity: number;
  target: ModelTarget;
}

function parseTarget(target: string): ModelTarget {
  const slash = target.indexOf("/");
  return { provider: target.slice(0, slash), model: target.slice(slash + 1) };
}


/**
 * Maps requested model names to targets, built once at start-up.
 * Precedence: an exact mapping; `PROVIDER/MODEL` naming a configured provider;
 * a name listed in exactly one provider's `models`; the most specific
 * wildcard pattern (most non-`*` characters, then the longest); `"*"`.
 */
export class ModelRouter {
  private readonly exact = new Map<string, ModelTarget>();
  private readonly patterns: Pattern[] = [];
  private readonly fallback: ModelTarget | undefined;
  private readonly listed = new Map<string, ModelTarget | null>();
  private readonly providers: ReadonlySet<string>;

  constructor(mapping: Record<string, string>, providerModels: Record<string, readonly string[]>) {
    this.providers = new Set(Object.keys(providerModels));
    let fallback: ModelTarget | undefined;
    for (const [name, target] of Object.entries(mapping)) {
      const parsed = parseTarget(target);
      if (name === "*") fallback = parsed;
      else if (name.includes("*")) {
        this.patterns.push({
          regex: globRegex(name),
          specificity: name.replaceAll("*", "").length,
          target: parsed,
        });
      } else this.exact.set(name, parsed);
    }
    this.fallback = fallback;
    this.patterns.sort((a, b) => b.specificity - a.specificity || b.regex.source.length - a.regex.source.length);
    for (const [provider, models] of Object.entries(providerModels)) {
      for (const model of models) {
        // A name two providers list is ambiguous: `null` marks it so the mapping decides.
        this.listed.set(model, this.listed.has(model) ? null : { provider, model });
      }
    }
  }

  resolve(requested: string): ModelTarget | undefined {
    const exact = this.exact.get(requested);
    if (exact) return exact;
    const slash = requested.indexOf("/");
    if (slash > 0 && this.providers.has(requested.slice(0, slash))) return parseTarget(requested);
    const listed = this.listed.get(requested);
    if (listed) return listed;
    for (const pattern of this.patterns) if (pattern.regex.test(requested)) return pattern.target;
    return this.fallback;
  }

  /** Every model name a client can ask for by its exact name, with the provider serving it. */
  listModels(): Array<{ id: string; provider: string }> {
    const seen = new Map<string, string>();
    for (const [name, target] of this.exact) seen.set(name, target.provider);
    for (const [model, target] of this.listed) {
      if (target && !seen.has(model)) seen.set(model, target.provider);
    }
    for (const [model] of this.listed) if (!seen.has(model)) seen.set(model, "agw");
    return [...seen].map(([id, provider]) => ({ id, provider }));
  }
}

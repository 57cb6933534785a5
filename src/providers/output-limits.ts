import type { Warning } from "../ir/warning.ts";
import { addWarning } from "../ir/add-warning.ts";

/** A family of upstream model names and the most tokens one answer of theirs may hold. */
interface KnownLimit {
  pattern: RegExp;
  maxOutputTokens: number;
}

/**
 * Output limits of known models, matched against the upstream model name
 * (without a vendor prefix such as `models/` or OpenRouter's `google/`).
 * First match wins, so narrower families come before wider ones. An upstream
 * refuses a larger `max_tokens` outright (Gemini: "supported range is from 1
 * (inclusive) to 65537 (exclusive)"; Anthropic: "max_tokens: 128000 > 64000,
 * which is the maximum allowed number of output tokens"), so lowering clamps
 * to these. Models not listed are sent what the client asked for.
 */
const KNOWN_LIMITS: readonly KnownLimit[] = [
  // Gemini API model pages (ai.google.dev/gemini-api/docs/models/<model>, "Output token limit"):
  // 1.5 and 2.0 generate up to 8,192 tokens; the image-generating models 32,768; 2.5 and 3.x 65,536.
  { pattern: /^gemini-[\d.]+-[a-z-]*image/, maxOutputTokens: 32_768 },
  { pattern: /^gemini-(1\.5|2\.0)-/, maxOutputTokens: 8_192 },
  { pattern: /^gemini-(2\.5|3(\.\d+)?)-/, maxOutputTokens: 65_536 },
  { pattern: /^gemini-(flash|flash-lite|pro)-latest$/, maxOutputTokens: 65_536 },

  // Anthropic model pages (platform.claude.com/docs/en/models/overview and models/<model>/overview, "Max output"):
  // Opus 4.6–4.8, Sonnet 4.6 and the Claude 5 family 128K; the 4.5 family, Sonnet 4 and Sonnet 3.7 64K
  // (3.7's 128K needs a beta header the gateway does not send); Opus 4 and 4.1 32K; Claude 3.5 8,192; Claude 3 4,096.
  { pattern: /^claude-(opus|sonnet)-4-[6-9]/, maxOutputTokens: 128_000 },
  { pattern: /^claude-(opus|sonnet|fable)-5/, maxOutputTokens: 128_000 },
  { pattern: /^claude-(opus|sonnet|haiku)-4-5/, maxOutputTokens: 64_000 },
  { pattern: /^claude-opus-4(-0|-1)?(-\d{8})?$/, maxOutputTokens: 32_000 },
  { pattern: /^claude-sonnet-4(-0)?(-\d{8})?$/, maxOutputTokens: 64_000 },
  { pattern: /^claude-3-7-sonnet/, maxOutputTokens: 64_000 },
  { pattern: /^claude-3-5-(sonnet|haiku)/, maxOutputTokens: 8_192 },
  { pattern: /^claude-3-(haiku|sonnet|opus)/, maxOutputTokens: 4_096 },

  // OpenAI model pages (platform.openai.com/docs/models/<model>, "Max output tokens"):
  // GPT-5 family 128,000 (its chat-latest variants 16,384); GPT-4.1 32,768; GPT-4o 16,384 (its first
  // snapshot 4,096); o1, o3 and o4-mini 100,000 (o1-mini 65,536, o1-preview 32,768); GPT-4 Turbo and
  // GPT-3.5 Turbo 4,096.
  { pattern: /^gpt-5(\.\d+)?-chat/, maxOutputTokens: 16_384 },
  { pattern: /^gpt-5(\.\d+)?(-mini|-nano|-codex(-mini|-max)?)?(-\d{4}-\d{2}-\d{2})?$/, maxOutputTokens: 128_000 },
  { pattern: /^gpt-4\.1(-mini|-nano)?(-\d{4}-\d{2}-\d{2})?$/, maxOutputTokens: 32_768 },
  { pattern: /^gpt-4o-2024-05-13$/, maxOutputTokens: 4_096 },
  { pattern: /^gpt-4o(-mini)?(-\d{4}-\d{2}-\d{2})?$/, maxOutputTokens: 16_384 },
  { pattern: /^o1-mini/, maxOutputTokens: 65_536 },
  { pattern: /^o1-preview/, maxOutputTokens: 32_768 },
  { pattern: /^o(1|3|3-mini|3-pro|4-mini)(-\d{4}-\d{2}-\d{2})?$/, maxOutputTokens: 100_000 },
  { pattern: /^(gpt-4-turbo|gpt-3\.5-turbo)/, maxOutputTokens: 4_096 },
];

/** The built-in output limit of an upstream model, or undefined when it is not a known model. */
export function knownOutputLimit(model: string): number | undefined {
  const name = model.slice(model.lastIndexOf("/") + 1).toLowerCase();
  return KNOWN_LIMITS.find((known) => known.pattern.test(name))?.maxOutputTokens;
}

/** Looks up the output limit of an upstream model name: the config's word first, then the built-in table. */
export type OutputLimitLookup = (model: string) => number | undefined;

/** Lookups remembered per provider; model names come from the mapping, but a wildcard mapping may pass any through. */
const MAX_REMEMBERED = 1_000;

/**
 * Builds, once per provider, the lookup of output limits: `overrides` (the
 * provider's `maxOutputTokens` config: an exact model name or a `*` glob →
 * tokens; an exact name beats a glob, a longer glob a shorter one) before
 * the built-in table. Results are remembered, so a request costs one Map get.
 */
export function createOutputLimits(overrides: Readonly<Record<string, number>> = {}): OutputLimitLookup {
  const exact = new Map<string, number>();
  const globs: Array<{ regex: RegExp; specificity: number; limit: number }> = [];
  for (const [name, limit] of Object.entries(overrides)) {
    if (!name.includes("*")) exact.set(name, limit);
    else {
      const source = name.split("*").map((piece) => piece.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*");
      globs.push({ regex: new RegExp(`^${source}$`), specificity: name.replaceAll("*", "").length, limit });
    }
  }
  globs.sort((a, b) => b.specificity - a.specificity);
  const remembered = new Map<string, number | undefined>();
  return (model) => {
    if (remembered.has(model)) return remembered.get(model);
    const limit = exact.get(model) ?? globs.find((glob) => glob.regex.test(model))?.limit ?? knownOutputLimit(model);
    if (remembered.size >= MAX_REMEMBERED) remembered.clear();
    remembered.set(model, limit);
    return limit;
  };
}

/**
 * The output budget to send: the client's, or the model's limit when the
 * client asked for more (with a `max_tokens_clamped` warning). An unknown
 * limit sends the client's value as is.
 */
export function clampOutputTokens(requested: number, limit: number | undefined, model: string, warnings: Warning[]): number {
  if (limit === undefined || requested <= limit) return requested;
  addWarning(warnings, {
    code: "max_tokens_clamped",
    message: `max_tokens ${requested} is above ${model}'s output limit of ${limit}; ${limit} was sent`,
  });
  return limit;
}

import type { Warning } from "../../ir/warning.ts";

/** A field a protocol accepts but no translated upstream honours. */
export interface IgnoredField {
  /** The field's name in the client's body. */
  name: string;
  /** The warning's code (`logprobs_ignored`). */
  code: string;
  /** What the client does not get, for the warning's message. */
  effect: string;
  /**
   * Whether the value asks for anything; by default any value but `null`
   * and `false` does (`logprobs: false` asks for nothing).
   */
  asks?: (value: unknown) => boolean;
}

const asksByDefault = (value: unknown) => value !== undefined && value !== null && value !== false;

/** Asks when it is an array with something other than these values (`modalities: ["text"]` asks for nothing new). */
export function beyond(...defaults: string[]): (value: unknown) => boolean {
  const allowed = new Set(defaults.map((value) => value.toLowerCase()));
  return (value) => Array.isArray(value) && value.some((item) => typeof item !== "string" || !allowed.has(item.toLowerCase()));
}

/** Asks when it is an object with at least one key (`logit_bias: {}` asks for nothing). */
export const nonEmptyObject = (value: unknown): boolean =>
  typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length > 0;

/** Asks when it is anything but one of these values (the protocol's default). */
export function otherThan(...defaults: unknown[]): (value: unknown) => boolean {
  return (value) => asksByDefault(value) && !defaults.includes(value);
}

/**
 * The warnings for the ignored fields a body sets: one per field that asks
 * for something, in the order of `fields`. Cheap enough for every request:
 * a property read per listed field, and nothing allocated when none is set.
 */
export function ignoredFieldWarnings(body: unknown, fields: readonly IgnoredField[]): Warning[] | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const values = body as Record<string, unknown>;
  let warnings: Warning[] | undefined;
  for (const field of fields) {
    const value = values[field.name];
    if (!(field.asks ?? asksByDefault)(value)) continue;
    (warnings ??= []).push({ code: field.code, message: `${field.name} is accepted but not honoured: ${field.effect}` });
  }
  return warnings;
}

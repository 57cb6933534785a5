import type { GatewayError } from "../ir/errors.ts";

export interface CooldownPolicy {
  /** Used after a rate limit that stated no delay; doubles with each failure in a row. */
  defaultCooldownMs: number;
  /** The cap on any cooldown. */
  maxCooldownMs: number;
}

/** How an account should be treated after an upstream error. */
export interface CooldownDecision {
  /** Milliseconds the account rests; 0 = none. */
  durationMs: number;
  /** Whether it rests for every model (credentials problems) or only the requested one. */
  scope: "model" | "account";
  reason: string;
  /** Soft rests (transient failures) yield to healthy accounts but do not stop a retry when none is left. */
  soft: boolean;
}

const TRANSIENT_COOLDOWN_MS = 5_000;

/**
 * Decides the cooldown an error earns. `failures` counts the account's
 * failures in a row for that model before this one.
 */
export function cooldownFor(error: GatewayError, failures: number, policy: CooldownPolicy): CooldownDecision {
  const cap = (ms: number) => Math.min(Math.max(0, ms), policy.maxCooldownMs);
  if (error.kind === "rate_limit") {
    const escalated = policy.defaultCooldownMs * 2 ** Math.min(failures, 6);
    const duration = cap(error.retryAfterMs ?? escalated);
    return {
      durationMs: duration,
      scope: "model",
      reason: error.quotaExhausted ? "quota exhausted" : "rate limited",
      soft: false,
    };
  }
  if (error.code === "upstream_unauthorized" || error.code === "upstream_forbidden") {
    return { durationMs: policy.maxCooldownMs, scope: "account", reason: `needs attention: ${error.message}`, soft: false };
  }
  if (error.retryable) {
    return { durationMs: cap(TRANSIENT_COOLDOWN_MS), scope: "model", reason: `transient: ${error.message}`, soft: true };
  }
  return { durationMs: 0, scope: "model", reason: "", soft: false };
}

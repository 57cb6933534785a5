import type { Warning } from "./warning.ts";

/**
 * Adds a warning unless one with the same code is already there: a request
 * is lowered again on every retry, and the client needs each code once.
 */
export function addWarning(warnings: Warning[], warning: Warning): void {
  if (!warnings.some((existing) => existing.code === warning.code)) warnings.push(warning);
}

/** Adds each of `added` with addWarning. */
export function addWarnings(warnings: Warning[], added: readonly Warning[]): void {
  for (const warning of added) addWarning(warnings, warning);
}

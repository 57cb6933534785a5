/**
 * Token usage. `input.total` includes cached tokens; `output.total` includes
 * reasoning tokens (the OpenAI convention); each protocol encodes its own split.
 */
export interface Usage {
  input: { total: number; cacheRead?: number; cacheWrite?: number };
  output: { total: number; reasoning?: number };
}

export function emptyUsage(): Usage {
  return { input: { total: 0 }, output: { total: 0 } };
}

export function totalTokens(usage: Usage): number {
  return usage.input.total + usage.output.total;
}

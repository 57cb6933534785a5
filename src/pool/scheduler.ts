import type { PoolAccount } from "./account-pool.ts";

export type SchedulingMode = "round-robin" | "sticky" | "least-used" | "priority";

/** An account that may serve now, with what least-used scheduling weighs. */
export interface Candidate {
  account: PoolAccount;
  /** Requests served today (UTC). */
  requestsToday: number;
  /** Requests left in today's budget; undefined = no limit. */
  remainingToday?: number;
}

/** How many conversation bindings a provider keeps (the oldest are forgotten first). */
const MAX_BINDINGS = 10_000;

/**
 * Chooses among a provider's eligible accounts. One instance per provider;
 * its state is the smooth weighted round-robin counters (nginx's
 * algorithm: even spread, honouring weights, no bursts) and, for sticky
 * scheduling, the conversation → account bindings.
 */
export class Scheduler {
  private readonly counters = new Map<string, number>();
  private readonly bindings = new Map<string, string>();

  constructor(private readonly mode: SchedulingMode) {}

  choose(candidates: readonly Candidate[], conversation?: string): PoolAccount {
    if (candidates.length === 1) return this.settle(candidates[0]!.account, conversation);
    switch (this.mode) {
      case "sticky": {
        const bound = conversation === undefined ? undefined : this.bindings.get(conversation);
        const kept = bound === undefined ? undefined : candidates.find((candidate) => candidate.account.id === bound);
        if (kept) return kept.account;
        return this.settle(this.roundRobin(candidates), conversation);
      }
      case "least-used":
        return this.roundRobin(leastUsed(candidates));
      case "priority": {
        const best = Math.min(...candidates.map((candidate) => candidate.account.priority));
        return this.roundRobin(candidates.filter((candidate) => candidate.account.priority === best));
      }
      case "round-robin":
        return this.roundRobin(candidates);
    }
  }

  /** The account a conversation is bound to, if any. */
  boundTo(conversation: string): string | undefined {
    return this.bindings.get(conversation);
  }

  /** Binds the conversation (sticky mode) to the account it is now served by. */
  private settle(account: PoolAccount, conversation: string | undefined): PoolAccount {
    if (this.mode !== "sticky" || conversation === undefined) return account;
    this.bindings.delete(conversation);
    this.bindings.set(conversation, account.id);
    if (this.bindings.size > MAX_BINDINGS) this.bindings.delete(this.bindings.keys().next().value!);
    return account;
  }

  private roundRobin(candidates: readonly Candidate[]): PoolAccount {
    let total = 0;
    let best: Candidate | undefined;
    let bestCounter = -Infinity;
    for (const candidate of candidates) {
      const counter = (this.counters.get(candidate.account.id) ?? 0) + candidate.account.weight;
      this.counters.set(candidate.account.id, counter);
      total += candidate.account.weight;
      if (counter > bestCounter) {
        best = candidate;
        bestCounter = counter;
      }
    }
    this.counters.set(best!.account.id, bestCounter - total);
    return best!.account;
  }
}

/** The candidates with the most budget left today, then the fewest requests today. */
function leastUsed(candidates: readonly Candidate[]): Candidate[] {
  const remaining = (candidate: Candidate) => candidate.remainingToday ?? Number.POSITIVE_INFINITY;
  const most = Math.max(...candidates.map(remaining));
  const richest = candidates.filter((candidate) => remaining(candidate) === most);
  const fewest = Math.min(...richest.map((candidate) => candidate.requestsToday));
  return richest.filter((candidate) => candidate.requestsToday === fewest);
}

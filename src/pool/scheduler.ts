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

/**
 * Chooses among a provider's eligible accounts. One instance per provider;
 * its state is the smooth weighted round-robin counters (nginx's
 * algorithm: even spread, honouring weights, no bursts). Sticky scheduling
 * keeps no state: a conversation goes to the account that ranks first for
 * it among those that may serve now (rendezvous hashing), so every replica
 * sharing a database, knowing the same cooldowns, sends it to the same
 * account without asking anyone; while that account rests the conversation
 * moves to the next in its ranking, and only it moves.
 */
export class Scheduler {
  private readonly counters = new Map<string, number>();

  constructor(private readonly mode: SchedulingMode) {}

  choose(candidates: readonly Candidate[], conversation?: string): PoolAccount {
    if (candidates.length === 1) return candidates[0]!.account;
    switch (this.mode) {
      case "sticky":
        return conversation === undefined ? this.roundRobin(candidates) : rendezvous(candidates, conversation);
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

/**
 * The candidate ranking first for a conversation: weighted rendezvous
 * hashing (highest score of -weight / ln(hash)), the same answer on every
 * replica for the same candidates. An account twice as heavy wins twice as
 * many conversations.
 */
function rendezvous(candidates: readonly Candidate[], conversation: string): PoolAccount {
  let best = candidates[0]!.account;
  let bestScore = -Infinity;
  for (const { account } of candidates) {
    // 53 bits of the 64-bit hash as a number in (0, 1).
    const unit = (Number(BigInt.asUintN(64, BigInt(Bun.hash(`${conversation}\u0000${account.provider}\u0000${account.id}`))) >> 11n) + 0.5) / 2 ** 53;
    const score = -account.weight / Math.log(unit);
    if (score > bestScore) {
      bestScore = score;
      best = account;
    }
  }
  return best;
}

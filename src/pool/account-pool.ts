import type { GatewayError } from "../ir/errors.ts";
import type { Usage } from "../ir/usage.ts";
import type { AccountCredentials as CallCredentials } from "../providers/types.ts";
import type { CooldownRow, OAuthGrant, Store, StoredAccount } from "../store/index.ts";
import { all, serialized, then, type Awaitable } from "../util/awaitable.ts";
import { log } from "../util/logger.ts";
import { cooldownFor, type CooldownPolicy } from "./cooldown.ts";
import { Scheduler, type Candidate, type SchedulingMode } from "./scheduler.ts";
import { nextUtcMidnight, UsageMeter } from "./usage-meter.ts";

/** An account the pool can hand out. */
export interface PoolAccount {
  provider: string;
  id: string;
  apiKey?: string;
  oauth?: OAuthGrant;
  weight: number;
  priority: number;
  models?: ReadonlySet<string>;
  dailyRequestLimit?: number;
  dailyTokenLimit?: number;
}

/** Gets and refreshes OAuth access tokens (src/pool/oauth). */
export interface TokenSource {
  accessToken(provider: string, accountId: string, grant: OAuthGrant): Promise<string>;
  invalidate(provider: string, accountId: string, refused?: string): void;
}

interface Cooldown {
  until: number;
  reason: string;
  /** A transient failure's rest is soft: the account is still tried when no other can serve. */
  soft: boolean;
}

/** An account as the metrics see it: read from memory, no SQL (see `snapshot`). */
export interface AccountSnapshot {
  provider: string;
  id: string;
  state: "ready" | "cooling" | "needs_attention" | "disabled";
  /** Running cooldowns: model ("*" for every model) and milliseconds left. */
  cooldowns: Array<{ model: string; remainingMs: number }>;
}

/** What `pick` found: an account, or why there is none and when one is free again. */
export type PickResult =
  | { account: PoolAccount; repeat: boolean }
  | { account: undefined; cooldownUntil?: number; reason: string };

export interface PickOptions {
  /** Accounts this request has already tried. */
  tried: ReadonlySet<string>;
  /** The conversation, for sticky scheduling. */
  conversation?: string;
  now?: number;
}

const key = (provider: string, id: string, model: string) => `${provider}\u0000${id}\u0000${model}`;

/**
 * The upstream accounts of every provider and everything learned about them:
 * cooldowns per account and model (model '' = every model), failure streaks,
 * accounts taken out for bad credentials, today's usage against daily
 * limits. State lives in memory for the request path and is written through
 * to the store in the background; a restart resumes from the store, and an
 * expired cooldown is never honoured.
 */
export class AccountPool {
  private byProvider = new Map<string, PoolAccount[]>();
  private readonly schedulers = new Map<string, Scheduler>();
  private readonly cooldowns = new Map<string, Cooldown>();
  private readonly failures = new Map<string, number>();
  private readonly usage: UsageMeter;
  /** Stored accounts not in rotation, for `snapshot`: switched off, or taken out until someone looks. */
  private outOfRotation: Array<{ provider: string; id: string; state: "needs_attention" | "disabled" }> = [];
  private stopWatching: (() => void) | undefined;
  private stopSharing: (() => void) | undefined;
  private seenVersion = -1;

  /** Done when the accounts and their state have been read (at once on SQLite). */
  readonly loaded: Awaitable<void>;

  constructor(
    private readonly store: Store,
    private readonly policy: CooldownPolicy,
    /** Providers that need no account (the mock): they get one virtual account. */
    private readonly accountless: ReadonlySet<string>,
    private readonly mode: SchedulingMode = "round-robin",
    private readonly tokens?: TokenSource,
  ) {
    this.usage = new UsageMeter(store);
    this.loaded = all([this.usage.loaded, this.reload()]) as Awaitable<unknown> as Awaitable<void>;
  }

  /**
   * Re-reads the accounts and their cooldowns from the store (at start-up,
   * and after the CLI, the admin API or another replica changed them: a reset
   * clears a running server's cooldowns too). Queued writes go first, so
   * nothing learned in memory is lost. Synchronous on SQLite; on Postgres
   * reloads never overlap.
   */
  reload(): Awaitable<void> {
    return this.reloadOnce();
  }

  private readonly reloadOnce = serialized(() => {
    const version = this.store.externalVersion();
    return then(this.store.flush(), () => {
      const now = Date.now();
      return then(all([this.store.accountState.active(now), this.store.accounts.list()]), ([states, stored]) => this.apply(states, stored, now, version));
    });
  });

  private apply(states: readonly CooldownRow[], accounts: readonly StoredAccount[], now: number, version: number): void {
    this.cooldowns.clear();
    this.failures.clear();
    for (const row of states) {
      const k = key(row.provider, row.accountId, row.model);
      if (row.cooldownUntil > now) {
        const reason = row.reason ?? "";
        this.cooldowns.set(k, { until: row.cooldownUntil, reason, soft: reason.startsWith("transient") });
      }
      if (row.failures > 0) this.failures.set(k, row.failures);
    }
    const next = new Map<string, PoolAccount[]>();
    const outOfRotation: typeof this.outOfRotation = [];
    for (const stored of accounts) {
      if (!stored.enabled || stored.disabledReason !== undefined || !hasCredentials(stored)) {
        outOfRotation.push({ provider: stored.provider, id: stored.id, state: stored.enabled ? "needs_attention" : "disabled" });
        continue;
      }
      const list = next.get(stored.provider) ?? [];
      list.push(toPoolAccount(stored));
      next.set(stored.provider, list);
    }
    for (const provider of this.accountless) {
      next.set(provider, [{ provider, id: "local", weight: 1, priority: 0 }]);
    }
    this.byProvider = next;
    this.outOfRotation = outOfRotation;
    this.seenVersion = version;
  }

  /** Reloads soon after another process or replica changes the store (within a second; at once on Postgres's notice). */
  watch(): void {
    this.stopSharing ??= this.store.onSharedUsage((usage) => this.usage.addShared(usage));
    this.stopWatching ??= this.store.onExternalChange(() => {
      if (this.store.externalVersion() === this.seenVersion) return;
      const done = this.reload();
      // The store being away is /readyz's to report; the pool keeps what it knows and the next change retries.
      if (done instanceof Promise) done.catch((error: unknown) => log.warn(`agw: could not re-read the accounts: ${(error as Error).message}`));
    });
  }

  unwatch(): void {
    this.stopWatching?.();
    this.stopWatching = undefined;
    this.stopSharing?.();
    this.stopSharing = undefined;
  }

  accounts(provider: string): readonly PoolAccount[] {
    return this.byProvider.get(provider) ?? [];
  }

  /** Every account the pool knows, with its state and running cooldowns, from memory only (for /metrics). */
  snapshot(now = Date.now()): AccountSnapshot[] {
    const running = new Map<string, Array<{ model: string; remainingMs: number }>>();
    for (const [k, cooldown] of this.cooldowns) {
      if (cooldown.until <= now) continue;
      const [provider, id, model] = k.split("\u0000") as [string, string, string];
      const account = key(provider, id, "");
      const list = running.get(account) ?? [];
      list.push({ model: model === "" ? "*" : model, remainingMs: cooldown.until - now });
      running.set(account, list);
    }
    const snapshot: AccountSnapshot[] = [];
    for (const list of this.byProvider.values()) {
      for (const account of list) {
        const cooldowns = running.get(key(account.provider, account.id, "")) ?? [];
        snapshot.push({ provider: account.provider, id: account.id, state: cooldowns.length > 0 ? "cooling" : "ready", cooldowns });
      }
    }
    for (const account of this.outOfRotation) snapshot.push({ ...account, cooldowns: [] });
    return snapshot;
  }

  /**
   * The next account for a model, as the scheduling mode chooses among the
   * healthy ones this request has not tried. `repeat` is true when only
   * already-tried accounts, or accounts resting after a transient failure,
   * are left: the caller backs off before using it.
   */
  pick(provider: string, model: string, options: PickOptions): PickResult {
    const now = options.now ?? Date.now();
    const all = this.byProvider.get(provider) ?? [];
    if (all.length === 0) return { account: undefined, reason: `provider ${provider} has no usable account` };
    const candidates: Candidate[] = [];
    let firstFree: number | undefined;
    let reason = "";
    let fallback: PoolAccount | undefined;
    let served = false;
    const rest = (until: number, why: string) => {
      if (firstFree === undefined || until < firstFree) {
        firstFree = until;
        reason = why;
      }
    };
    for (const account of all) {
      if (account.models && !account.models.has(model)) continue;
      served = true;
      const today = this.usage.today(provider, account.id, now);
      if (
        (account.dailyRequestLimit !== undefined && today.requests >= account.dailyRequestLimit) ||
        (account.dailyTokenLimit !== undefined && today.tokens >= account.dailyTokenLimit)
      ) {
        rest(nextUtcMidnight(now), "daily limit reached");
        continue;
      }
      const cooling = this.coolingUntil(account, model, now);
      if (cooling !== undefined) {
        rest(cooling.until, cooling.reason);
        if (cooling.soft) fallback ??= account;
        continue;
      }
      if (options.tried.has(account.id)) {
        fallback ??= account;
        continue;
      }
      const candidate: Candidate = { account, requestsToday: today.requests };
      if (account.dailyRequestLimit !== undefined) candidate.remainingToday = account.dailyRequestLimit - today.requests;
      candidates.push(candidate);
    }
    if (candidates.length > 0) return { account: this.scheduler(provider).choose(candidates, options.conversation), repeat: false };
    if (fallback) return { account: fallback, repeat: true };
    if (!served) return { account: undefined, reason: `no account of provider ${provider} serves model ${model}` };
    return { account: undefined, cooldownUntil: firstFree, reason };
  }

  /** The credentials for one call: the API key, or a fresh OAuth access token. */
  credentials(account: PoolAccount): Awaitable<CallCredentials> {
    if (account.oauth && this.tokens) {
      return this.tokens.accessToken(account.provider, account.id, account.oauth).then((accessToken) => ({ id: account.id, accessToken }));
    }
    // An API key is at hand: no promise (and no turn of the event loop) for it.
    return account.apiKey === undefined ? { id: account.id } : { id: account.id, apiKey: account.apiKey };
  }

  /**
   * The upstream refused this access token: forget it (if it is still the one
   * in use), so the next `credentials()` refreshes. Whether the account can.
   */
  refreshToken(account: PoolAccount, refused: string): boolean {
    if (!account.oauth || !this.tokens) return false;
    this.tokens.invalidate(account.provider, account.id, refused);
    return true;
  }

  /** An account started answering: its failure streak for the model ends, and the request counts for today. */
  reportSuccess(account: PoolAccount, model: string, now = Date.now()): void {
    this.usage.countRequest(account.provider, account.id, now);
    const k = key(account.provider, account.id, model);
    if (!this.failures.has(k) && !this.cooldowns.has(k)) return;
    this.failures.delete(k);
    this.cooldowns.delete(k);
    this.store.accountState.save({ provider: account.provider, accountId: account.id, model, cooldownUntil: 0, failures: 0 });
  }

  /** A finished request's tokens, for daily limits and the usage table. */
  recordUsage(provider: string, accountId: string, model: string, usage: Usage | undefined): void {
    if (this.accountless.has(provider)) return;
    this.usage.record(provider, accountId, model, usage);
  }

  /**
   * Records a failed attempt and rests the account as the error deserves;
   * returns the rest in milliseconds (0 = none) for the request log.
   */
  reportFailure(account: PoolAccount, model: string, error: GatewayError, now = Date.now()): number {
    const k = key(account.provider, account.id, model);
    const failures = this.failures.get(k) ?? 0;
    this.failures.set(k, failures + 1);
    const badCredentials = error.code === "upstream_unauthorized" || error.code === "upstream_forbidden";
    if (badCredentials || error.code === "oauth_invalid_grant") {
      // An OAuth account got here with a freshly refreshed token (withRetries refreshes once on a 401):
      // its grant, not its token, is at fault.
      if (account.oauth && this.tokens) this.tokens.invalidate(account.provider, account.id);
      this.takeOut(account, `needs attention: ${error.message}`);
      return 0;
    }
    const decision = cooldownFor(error, failures, this.policy);
    if (decision.durationMs <= 0) return 0;
    const scopeModel = decision.scope === "account" ? "" : model;
    const until = now + decision.durationMs;
    this.cooldowns.set(key(account.provider, account.id, scopeModel), { until, reason: decision.reason, soft: decision.soft });
    this.store.accountState.save({
      provider: account.provider,
      accountId: account.id,
      model: scopeModel,
      cooldownUntil: until,
      reason: decision.reason,
      failures: failures + 1,
    });
    return decision.durationMs;
  }

  /** Takes an account out of rotation until someone resets or re-enables it. */
  private takeOut(account: PoolAccount, reason: string): void {
    const list = this.byProvider.get(account.provider);
    if (list) this.byProvider.set(account.provider, list.filter((other) => other.id !== account.id));
    this.outOfRotation.push({ provider: account.provider, id: account.id, state: "needs_attention" });
    this.store.defer(() => this.store.accounts.setDisabledReason(account.provider, account.id, reason));
  }

  private scheduler(provider: string): Scheduler {
    let scheduler = this.schedulers.get(provider);
    if (!scheduler) {
      scheduler = new Scheduler(this.mode);
      this.schedulers.set(provider, scheduler);
    }
    return scheduler;
  }

  /** The running rest of an account for this model or for every model; expired ones are dropped. */
  private coolingUntil(account: PoolAccount, model: string, now: number): Cooldown | undefined {
    if (this.cooldowns.size === 0) return undefined;
    return this.activeCooldown(key(account.provider, account.id, model), now) ?? this.activeCooldown(key(account.provider, account.id, ""), now);
  }

  private activeCooldown(k: string, now: number): Cooldown | undefined {
    const cooldown = this.cooldowns.get(k);
    if (cooldown === undefined) return undefined;
    if (cooldown.until > now) return cooldown;
    this.cooldowns.delete(k);
    return undefined;
  }
}

function hasCredentials(account: StoredAccount): boolean {
  return (typeof account.credentials.apiKey === "string" && account.credentials.apiKey !== "") || account.credentials.oauth !== undefined;
}

function toPoolAccount(stored: StoredAccount): PoolAccount {
  const account: PoolAccount = { provider: stored.provider, id: stored.id, weight: stored.weight, priority: stored.priority };
  if (stored.credentials.apiKey) account.apiKey = stored.credentials.apiKey;
  if (stored.credentials.oauth) account.oauth = stored.credentials.oauth;
  if (stored.models) account.models = new Set(stored.models);
  if (stored.dailyRequestLimit !== undefined) account.dailyRequestLimit = stored.dailyRequestLimit;
  if (stored.dailyTokenLimit !== undefined) account.dailyTokenLimit = stored.dailyTokenLimit;
  return account;
}

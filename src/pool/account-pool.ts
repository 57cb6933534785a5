import type { GatewayError } from "../ir/errors.ts";
import type { AccountCredentials } from "../providers/types.ts";
import type { Store, StoredAccount } from "../store/index.ts";
import { cooldownFor, type CooldownPolicy } from "./cooldown.ts";

/** An account the pool can hand out. */
export interface PoolAccount {
  provider: string;
  id: string;
  credentials: AccountCredentials;
  weight: number;
  priority: number;
  models?: ReadonlySet<string>;
}

interface Cooldown {
  until: number;
  reason: string;
  /** A transient failure's rest is soft: the account is still tried when no other can serve. */
  soft: boolean;
}

/** What `pick` found: an account, or why there is none. */
export type PickResult =
  | { account: PoolAccount; repeat: boolean }
  | { account: undefined; cooldownUntil?: number; reason: string };

const key = (provider: string, id: string, model: string) => `${provider}\u0000${id}\u0000${model}`;

/**
 * The upstream accounts of every provider, with their cooldowns (per
 * account and model; model '' = every model). State lives in memory for the
 * request path and is written through to the store in the background.
 */
export class AccountPool {
  private byProvider = new Map<string, PoolAccount[]>();
  private readonly cooldowns = new Map<string, Cooldown>();
  private readonly failures = new Map<string, number>();
  private readonly cursor = new Map<string, number>();

  constructor(
    private readonly store: Store,
    private readonly policy: CooldownPolicy,
    /** Providers that need no account (the mock): they get one virtual account. */
    private readonly accountless: ReadonlySet<string>,
  ) {
    this.reload();
    for (const row of store.accountState.active()) {
      const k = key(row.provider, row.accountId, row.model);
      if (row.cooldownUntil > Date.now()) {
        const reason = row.reason ?? "";
        this.cooldowns.set(k, { until: row.cooldownUntil, reason, soft: reason.startsWith("transient") });
      }
      if (row.failures > 0) this.failures.set(k, row.failures);
    }
  }

  /** Re-reads the accounts from the store. */
  reload(): void {
    const next = new Map<string, PoolAccount[]>();
    for (const stored of this.store.accounts.list()) {
      if (!stored.enabled || !hasCredentials(stored)) continue;
      const list = next.get(stored.provider) ?? [];
      list.push(toPoolAccount(stored));
      next.set(stored.provider, list);
    }
    for (const provider of this.accountless) {
      next.set(provider, [{ provider, id: "local", credentials: { id: "local" }, weight: 1, priority: 0 }]);
    }
    this.byProvider = next;
  }

  accounts(provider: string): readonly PoolAccount[] {
    return this.byProvider.get(provider) ?? [];
  }

  /**
   * The next account for a model, round-robin over the healthy ones,
   * preferring accounts this request has not tried yet. `repeat` is true
   * when only already-tried accounts, or accounts resting after a transient
   * failure, are left: the caller backs off before using it.
   */
  pick(provider: string, model: string, tried: ReadonlySet<string>, now = Date.now()): PickResult {
    const all = this.byProvider.get(provider) ?? [];
    if (all.length === 0) return { account: undefined, reason: `provider ${provider} has no usable account` };
    const start = this.cursor.get(provider) ?? 0;
    let firstFree: number | undefined;
    let fallback: PoolAccount | undefined;
    let soft: PoolAccount | undefined;
    let reason = "";
    let served = false;
    for (let offset = 0; offset < all.length; offset++) {
      const index = (start + offset) % all.length;
      const account = all[index]!;
      if (account.models && !account.models.has(model)) continue;
      served = true;
      const cooling = this.coolingUntil(account, model, now);
      if (cooling !== undefined) {
        if (cooling.soft) soft ??= account;
        if (firstFree === undefined || cooling.until < firstFree) {
          firstFree = cooling.until;
          reason = cooling.reason;
        }
        continue;
      }
      if (tried.has(account.id)) {
        fallback ??= account;
        continue;
      }
      this.cursor.set(provider, index + 1);
      return { account, repeat: false };
    }
    if (fallback ?? soft) return { account: (fallback ?? soft)!, repeat: true };
    if (!served) return { account: undefined, reason: `no account of provider ${provider} serves model ${model}` };
    return { account: undefined, cooldownUntil: firstFree, reason };
  }

  reportSuccess(account: PoolAccount, model: string): void {
    const k = key(account.provider, account.id, model);
    if (!this.failures.has(k) && !this.cooldowns.has(k)) return;
    this.failures.delete(k);
    this.cooldowns.delete(k);
    this.store.accountState.save({ provider: account.provider, accountId: account.id, model, cooldownUntil: 0, failures: 0 });
  }

  /** Records a failed attempt and rests the account as the error deserves. */
  reportFailure(account: PoolAccount, model: string, error: GatewayError, now = Date.now()): void {
    const k = key(account.provider, account.id, model);
    const failures = this.failures.get(k) ?? 0;
    const decision = cooldownFor(error, failures, this.policy);
    this.failures.set(k, failures + 1);
    if (decision.durationMs <= 0) return;
    const scopeModel = decision.scope === "account" ? "" : model;
    const until = now + decision.durationMs;
    this.cooldowns.set(key(account.provider, account.id, scopeModel), {
      until,
      reason: decision.reason,
      soft: decision.soft,
    });
    this.store.accountState.save({
      provider: account.provider,
      accountId: account.id,
      model: scopeModel,
      cooldownUntil: until,
      reason: decision.reason,
      failures: failures + 1,
    });
  }

  private coolingUntil(account: PoolAccount, model: string, now: number): Cooldown | undefined {
    for (const scope of [model, ""]) {
      const k = key(account.provider, account.id, scope);
      const cooldown = this.cooldowns.get(k);
      if (cooldown === undefined) continue;
      if (cooldown.until > now) return cooldown;
      this.cooldowns.delete(k);
    }
    return undefined;
  }
}

function hasCredentials(account: StoredAccount): boolean {
  return typeof account.credentials.apiKey === "string" && account.credentials.apiKey !== "";
}

function toPoolAccount(stored: StoredAccount): PoolAccount {
  const account: PoolAccount = {
    provider: stored.provider,
    id: stored.id,
    credentials: { id: stored.id, apiKey: stored.credentials.apiKey },
    weight: stored.weight,
    priority: stored.priority,
  };
  if (stored.models) account.models = new Set(stored.models);
  return account;
}

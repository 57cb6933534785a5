import { utcDay, type Store, type StoredAccount } from "../store/index.ts";

/** What an account is doing now, most pressing first: see `stateOf`. */
export type AccountState = "ready" | "cooling" | "disabled" | "needs attention" | "no credentials" | "limit reached";

/** A cooldown still running. `model` is "*" when it covers every model. */
export interface AccountCooldown {
  model: string;
  until: number;
  remainingMs: number;
  reason: string;
}

/**
 * One account as `agw accounts list` and `GET /admin/accounts` show it. It
 * names the kind of credentials an account has, never the credentials.
 */
export interface AccountStatus {
  provider: string;
  id: string;
  source: "config" | "cli";
  enabled: boolean;
  state: AccountState;
  /** Why the account is not ready (the disabled reason, the limit reached, the cooldown's reason). */
  reason?: string;
  weight: number;
  priority: number;
  models?: string[];
  credentials: "api key" | "oauth" | "none";
  limits: { requests?: number; tokens?: number };
  today: { requests: number; inputTokens: number; outputTokens: number };
  cooldowns: AccountCooldown[];
  /** Consecutive failures, summed over the account's models. */
  failures: number;
}

const key = (provider: string, id: string) => `${provider}\u0000${id}`;

/**
 * Every stored account with its cooldowns (those still running at `now`),
 * its usage today (UTC) and the state that follows. Reads the database only;
 * writes still queued in another process are not seen.
 */
export async function accountStatuses(store: Store, now = Date.now()): Promise<AccountStatus[]> {
  const [usageRows, states, accounts] = await Promise.all([store.usage.day(utcDay(now)), store.accountState.active(now), store.accounts.list()]);
  const usage = new Map<string, AccountStatus["today"]>();
  for (const row of usageRows) {
    const k = key(row.provider, row.accountId);
    const sum = usage.get(k) ?? { requests: 0, inputTokens: 0, outputTokens: 0 };
    sum.requests += row.requests;
    sum.inputTokens += row.inputTokens;
    sum.outputTokens += row.outputTokens;
    usage.set(k, sum);
  }
  const cooldowns = new Map<string, AccountCooldown[]>();
  const failures = new Map<string, number>();
  for (const row of states) {
    const k = key(row.provider, row.accountId);
    failures.set(k, (failures.get(k) ?? 0) + row.failures);
    if (row.cooldownUntil <= now) continue;
    const list = cooldowns.get(k) ?? [];
    list.push({
      model: row.model === "" ? "*" : row.model,
      until: row.cooldownUntil,
      remainingMs: row.cooldownUntil - now,
      reason: row.reason ?? "",
    });
    cooldowns.set(k, list);
  }
  return accounts.map((account) => {
    const k = key(account.provider, account.id);
    // Every-model cooldowns first, then the one ending soonest.
    const running = (cooldowns.get(k) ?? []).sort(
      (a, b) => Number(b.model === "*") - Number(a.model === "*") || a.until - b.until || a.model.localeCompare(b.model),
    );
    return statusOf(account, usage.get(k) ?? { requests: 0, inputTokens: 0, outputTokens: 0 }, running, failures.get(k) ?? 0);
  });
}

/** The status of one account, given what the other tables say about it. */
export function statusOf(
  account: StoredAccount,
  today: AccountStatus["today"],
  cooldowns: AccountCooldown[],
  failures: number,
): AccountStatus {
  const limits: AccountStatus["limits"] = {};
  if (account.dailyRequestLimit !== undefined) limits.requests = account.dailyRequestLimit;
  if (account.dailyTokenLimit !== undefined) limits.tokens = account.dailyTokenLimit;
  const credentials = credentialKind(account);
  const { state, reason } = stateOf(account, credentials, limits, today, cooldowns);
  const status: AccountStatus = {
    provider: account.provider,
    id: account.id,
    source: account.source,
    enabled: account.enabled,
    state,
    ...(reason === undefined ? {} : { reason }),
    weight: account.weight,
    priority: account.priority,
    ...(account.models === undefined ? {} : { models: [...account.models] }),
    credentials,
    limits,
    today: { ...today },
    cooldowns,
    failures,
  };
  return status;
}

function credentialKind(account: StoredAccount): AccountStatus["credentials"] {
  if (account.credentials.oauth !== undefined) return "oauth";
  if (typeof account.credentials.apiKey === "string" && account.credentials.apiKey !== "") return "api key";
  return "none";
}

/**
 * The most pressing of: taken out by agw (needs attention), disabled by
 * someone, nothing to authenticate with, a daily limit reached, resting.
 */
function stateOf(
  account: StoredAccount,
  credentials: AccountStatus["credentials"],
  limits: AccountStatus["limits"],
  today: AccountStatus["today"],
  cooldowns: AccountCooldown[],
): { state: AccountState; reason?: string } {
  if (account.disabledReason !== undefined) return { state: "needs attention", reason: account.disabledReason };
  if (!account.enabled) return { state: "disabled" };
  if (credentials === "none") return { state: "no credentials", reason: "no apiKey or oauth configured" };
  if (limits.requests !== undefined && today.requests >= limits.requests) {
    return { state: "limit reached", reason: `daily request limit of ${limits.requests} reached` };
  }
  const tokens = today.inputTokens + today.outputTokens;
  if (limits.tokens !== undefined && tokens >= limits.tokens) {
    return { state: "limit reached", reason: `daily token limit of ${limits.tokens} reached` };
  }
  const first = cooldowns[0];
  if (first !== undefined) {
    const scope = first.model === "*" ? "every model" : first.model;
    return { state: "cooling", reason: first.reason === "" ? scope : `${scope}: ${first.reason}` };
  }
  return { state: "ready" };
}

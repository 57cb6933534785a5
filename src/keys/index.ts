import { equalText } from "../util/constant-time.ts";
import { GatewayError } from "../ir/errors.ts";
import type { Usage } from "../ir/usage.ts";
import { utcDay, type SharedUsage, type Store, type StoredClientKey } from "../store/index.ts";
import { all, serialized, then, type Awaitable } from "../util/awaitable.ts";
import { log } from "../util/logger.ts";
import { globMatcher } from "../util/glob.ts";
import { DAY_MS, formatResetDuration, KeyCounters, MINUTE_MS, monthStart, nextMonthStart } from "./counters.ts";

export { newClientKeySecret, hashClientKey } from "./secret.ts";
export { formatResetDuration } from "./counters.ts";

/** A usable client key as the gateway holds it: its stored record and its model allow-list, compiled once. */
export interface ActiveClientKey {
  readonly record: StoredClientKey;
  readonly allows: (model: string) => boolean;
}

/** What admission reserved for a request, to be settled with the real usage when it ends. */
export interface KeyAdmission {
  readonly key: ActiveClientKey;
  readonly admittedAt: number;
  readonly reservedTokens: number;
}

/** A key's counters as the dashboard and the admin API show them. */
export interface KeyUsageNow {
  minuteRequests: number;
  minuteTokens: number;
  dayRequests: number;
  dayTokens: number;
  monthCostUsd: number;
}

/**
 * The client keys of one gateway: looked up by the SHA-256 of what a client
 * presents, held to their limits in memory (no SQL on the request path),
 * with each request's use written to the store in the write queue's next
 * batch. Daily and monthly counters start from the store, so a restart does
 * not reset them; minute windows start fresh. Keys changed in the store by
 * another process (`agw keys`) are picked up within a second by `watch`.
 * Handed on across config reloads, counters and all.
 */
export class ClientKeys {
  private byHash = new Map<string, ActiveClientKey>();
  private readonly counters = new Map<string, KeyCounters>();
  private seenVersion = -1;
  private stopWatching: (() => void) | undefined;
  private stopSharing: (() => void) | undefined;

  /** Done when the keys and their usage have been read (at once on SQLite). */
  readonly loaded: Awaitable<void>;

  constructor(private readonly store: Store) {
    this.loaded = this.reload();
  }

  /** How many keys exist (revoked and disabled ones included): none means client keys are not in use. */
  get size(): number {
    return this.byHash.size;
  }

  /** Whether another process changed the store since the keys were read (then the next lookup reads them again). */
  changedElsewhere(): boolean {
    return this.store.externalVersion() !== this.seenVersion;
  }

  /** Reads the keys again from the store; counters of keys already known are kept. On Postgres reloads never overlap. */
  reload(): Awaitable<void> {
    return this.reloadOnce();
  }

  private readonly reloadOnce = serialized(() => {
    const now = Date.now();
    this.seenVersion = this.store.externalVersion();
    return then(this.store.clientKeys.list(), (keys) => {
      const next = new Map<string, ActiveClientKey>();
      for (const record of keys) {
        const models = record.models ?? [];
        next.set(record.hash, { record, allows: models.length === 0 ? () => true : globMatcher(models) });
      }
      this.byHash = next;
      const unseen = keys.filter((key) => !this.counters.has(key.id));
      if (unseen.length === 0) return;
      return then(all([this.store.clientKeys.usageOn(utcDay(now)), this.store.clientKeys.usageSince(utcDay(monthStart(now)))]), ([today, month]) => {
        for (const key of unseen) {
          if (this.counters.has(key.id)) continue;
          const counters = new KeyCounters();
          counters.roll(now);
          const day = today.get(key.id);
          counters.dayRequests = day?.requests ?? 0;
          counters.dayTokens = day === undefined ? 0 : day.inputTokens + day.outputTokens;
          counters.monthCostUsd = month.get(key.id)?.costUsd ?? 0;
          this.counters.set(key.id, counters);
        }
      });
    });
  });

  /** Reloads within a second when another process (the CLI) or replica changes the store; counts what other replicas serve. */
  watch(): void {
    this.stopSharing ??= this.store.onSharedUsage((usage) => this.addShared(usage));
    this.stopWatching ??= this.store.onExternalChange(() => {
      if (!this.changedElsewhere()) return;
      const done = this.reload();
      if (done instanceof Promise) done.catch((error: unknown) => log.warn(`agw: could not re-read the client keys: ${(error as Error).message}`));
    });
  }

  unwatch(): void {
    this.stopWatching?.();
    this.stopWatching = undefined;
    this.stopSharing?.();
    this.stopSharing = undefined;
  }

  /** Adds what other replicas' requests used today to the keys' daily and monthly counters. */
  private addShared(usage: SharedUsage, now = Date.now()): void {
    for (const row of usage.minute.keys) {
      const counters = this.counters.get(row.keyId);
      if (counters === undefined) continue;
      counters.roll(now);
      if (counters.minuteStart !== usage.minute.start) continue;
      counters.minuteRequests += row.requests;
      counters.minuteTokens = Math.max(0, counters.minuteTokens + row.tokens);
    }
    for (const row of usage.keys) {
      const counters = this.counters.get(row.keyId);
      if (counters === undefined) continue;
      counters.roll(now);
      counters.dayRequests += row.requests;
      counters.dayTokens += row.tokens;
      counters.monthCostUsd += row.costUsd;
    }
  }

  /**
   * The key whose SHA-256 (lowercase hex) is `hash`, or undefined when none is. The lookup
   * is by hash, then the stored hash is compared in constant time. A key that
   * exists but may not be used (revoked, disabled, expired) is a 401 saying so.
   * With `recheck`, a key not known yet is looked for in the store when
   * another process has changed it since the last read.
   */
  authenticate(hash: string, recheck = true, now = Date.now()): ActiveClientKey | undefined {
    let key = this.byHash.get(hash);
    // A key made by another process a moment ago works at once: an unknown key
    // costs one look at the store's version (no SQL otherwise) before it is refused.
    if (key === undefined && recheck && this.store.externalVersion() !== this.seenVersion) {
      // At once on SQLite; on Postgres the change notice has usually reloaded the keys already, and this read serves the next request.
      const done = this.reload();
      if (done instanceof Promise) done.catch(() => {});
      key = this.byHash.get(hash);
    }
    if (key === undefined || !equalText(key.record.hash, hash)) return undefined;
    const { record } = key;
    if (record.revokedAt !== undefined) throw refused(`the API key '${record.id}' has been revoked`, "key_revoked");
    if (!record.enabled) throw refused(`the API key '${record.id}' is disabled`, "key_disabled");
    if (record.expiresAt !== undefined && record.expiresAt <= now) {
      throw refused(`the API key '${record.id}' expired at ${new Date(record.expiresAt).toISOString()}`, "key_expired");
    }
    return key;
  }

  /**
   * Admits one request of a key for a model, before any upstream call, or
   * throws: 403 when the model is not on the key's list, 429 when a rate,
   * daily or budget limit is reached (with the time until it frees up). On
   * admission the request counts at once and its tokens (`estimateTokens`,
   * read only for keys with a token limit) are reserved. The key's
   * `x-ratelimit-*` headers are written into `headers` either way.
   */
  admit(key: ActiveClientKey, model: string, estimateTokens: () => number, headers: Record<string, string>, now = Date.now()): KeyAdmission {
    const { record } = key;
    checkModel(key, model);
    const counters = this.countersOf(record.id, now);
    counters.roll(now);
    const reserved = record.tpm !== undefined || record.dailyTokens !== undefined ? estimateTokens() : 0;
    const minuteLeft = counters.minuteStart + MINUTE_MS - now;
    const dayLeft = counters.dayStart + DAY_MS - now;
    let refusal: GatewayError | undefined;
    if (record.monthlyBudgetUsd !== undefined && counters.monthCostUsd >= record.monthlyBudgetUsd) {
      refusal = new GatewayError(
        "rate_limit",
        `the API key '${record.id}' has used its monthly budget of $${record.monthlyBudgetUsd} ($${counters.monthCostUsd.toFixed(4)} spent); it renews on ${new Date(nextMonthStart(now)).toISOString().slice(0, 10)}`,
        { code: "insufficient_quota", quotaExhausted: true, retryAfterMs: nextMonthStart(now) - now },
      );
    } else if (record.rpm !== undefined && counters.minuteRequests >= record.rpm) {
      refusal = overLimit(record, `${record.rpm} requests per minute`, minuteLeft);
    } else if (record.dailyRequests !== undefined && counters.dayRequests >= record.dailyRequests) {
      refusal = overLimit(record, `${record.dailyRequests} requests per day (UTC)`, dayLeft);
    } else if (record.tpm !== undefined && tooMany(counters.minuteTokens, reserved, record.tpm)) {
      refusal = overLimit(record, `${record.tpm} tokens per minute (${counters.minuteTokens} used or reserved, this request needs about ${reserved})`, minuteLeft);
    } else if (record.dailyTokens !== undefined && tooMany(counters.dayTokens, reserved, record.dailyTokens)) {
      refusal = overLimit(record, `${record.dailyTokens} tokens per day (UTC) (${counters.dayTokens} used or reserved, this request needs about ${reserved})`, dayLeft);
    }
    if (refusal === undefined) {
      counters.admit(reserved);
      // Replicas share minutes (Postgres): the request counts for the others at their next read.
      if (hasMinuteLimits(record)) {
        this.store.clientKeys.recordMinute?.({ keyId: record.id, minute: counters.minuteStart, requests: 1, tokens: reserved });
      }
    }
    writeLimitHeaders(record, counters, minuteLeft, dayLeft, headers);
    if (refusal !== undefined) {
      // Waits of hours are not worth an SDK's automatic retries (the OpenAI and Anthropic SDKs read this header).
      if (refusal.retryAfterMs! > MINUTE_MS) headers["x-should-retry"] = "false";
      throw refusal;
    }
    return { key, admittedAt: now, reservedTokens: reserved };
  }

  /** Ends an admitted request: its reservation replaced by the tokens it used, its cost added, its use queued for the store. */
  settle(admission: KeyAdmission, usage: Usage | undefined, costUsd: number, now = Date.now()): void {
    const input = usage?.input.total ?? 0;
    const output = usage?.output.total ?? 0;
    const id = admission.key.record.id;
    this.countersOf(id, now).settle(admission.admittedAt, admission.reservedTokens, input + output, costUsd, now);
    const { record } = admission.key;
    if (hasMinuteLimits(record) && input + output !== admission.reservedTokens) {
      const admittedMinute = admission.admittedAt - (admission.admittedAt % MINUTE_MS);
      this.store.clientKeys.recordMinute?.({ keyId: id, minute: admittedMinute, requests: 0, tokens: input + output - admission.reservedTokens });
    }
    this.store.clientKeys.recordUsage({ keyId: id, day: utcDay(admission.admittedAt), requests: 1, inputTokens: input, outputTokens: output, costUsd });
  }

  /** A key's counters now (zero for a key not used since the start). */
  usageNow(id: string, now = Date.now()): KeyUsageNow {
    const counters = this.counters.get(id);
    if (counters === undefined) return { minuteRequests: 0, minuteTokens: 0, dayRequests: 0, dayTokens: 0, monthCostUsd: 0 };
    counters.roll(now);
    const { minuteRequests, minuteTokens, dayRequests, dayTokens, monthCostUsd } = counters;
    return { minuteRequests, minuteTokens, dayRequests, dayTokens, monthCostUsd };
  }

  private countersOf(id: string, now: number): KeyCounters {
    let counters = this.counters.get(id);
    if (counters === undefined) {
      // A key known before its counters were (not expected: reload makes both); start from zero.
      counters = new KeyCounters();
      counters.roll(now);
      this.counters.set(id, counters);
    }
    return counters;
  }
}

/** A 403 naming the models the key may use, unless it may use this one. */
export function checkModel(key: ActiveClientKey, model: string): void {
  if (key.allows(model)) return;
  throw new GatewayError("permission", `the API key '${key.record.id}' may not use the model '${model}'; it may use: ${key.record.models!.join(", ")}`, {
    code: "model_not_allowed",
    param: "model",
  });
}

/** Whether tokens already counted plus a reservation go over a limit; a lone request is admitted into an empty window. */
function tooMany(counted: number, reserved: number, limit: number): boolean {
  return counted >= limit || (counted > 0 && counted + reserved > limit);
}

function refused(message: string, code: string): GatewayError {
  return new GatewayError("authentication", message, { code });
}

/** Whether a key is held to per-minute limits: only then are its minutes shared with other replicas. */
function hasMinuteLimits(record: StoredClientKey): boolean {
  return record.rpm !== undefined || record.tpm !== undefined;
}

function overLimit(record: StoredClientKey, limit: string, waitMs: number): GatewayError {
  return new GatewayError("rate_limit", `the API key '${record.id}' reached its limit of ${limit}; it frees up in ${formatResetDuration(waitMs)}`, {
    code: "rate_limit_exceeded",
    retryAfterMs: waitMs,
  });
}

/**
 * OpenAI's rate-limit headers, for a key with a request or token limit: the
 * per-minute limit when the key has one, else the daily one.
 */
function writeLimitHeaders(record: StoredClientKey, counters: KeyCounters, minuteLeft: number, dayLeft: number, headers: Record<string, string>): void {
  // Written per admitted request: no closures, tuples or header names built each time.
  if (record.rpm !== undefined) writeLimit(headers, REQUEST_LIMIT_HEADERS, record.rpm, counters.minuteRequests, minuteLeft);
  else if (record.dailyRequests !== undefined) writeLimit(headers, REQUEST_LIMIT_HEADERS, record.dailyRequests, counters.dayRequests, dayLeft);
  if (record.tpm !== undefined) writeLimit(headers, TOKEN_LIMIT_HEADERS, record.tpm, counters.minuteTokens, minuteLeft);
  else if (record.dailyTokens !== undefined) writeLimit(headers, TOKEN_LIMIT_HEADERS, record.dailyTokens, counters.dayTokens, dayLeft);
}

const REQUEST_LIMIT_HEADERS = ["x-ratelimit-limit-requests", "x-ratelimit-remaining-requests", "x-ratelimit-reset-requests"] as const;
const TOKEN_LIMIT_HEADERS = ["x-ratelimit-limit-tokens", "x-ratelimit-remaining-tokens", "x-ratelimit-reset-tokens"] as const;

function writeLimit(headers: Record<string, string>, names: typeof REQUEST_LIMIT_HEADERS | typeof TOKEN_LIMIT_HEADERS, limit: number, used: number, leftMs: number): void {
  headers[names[0]] = String(limit);
  headers[names[1]] = String(Math.max(0, limit - used));
  headers[names[2]] = formatResetDuration(leftMs);
}

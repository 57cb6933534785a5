import { isGatewayError } from "../../ir/errors.ts";
import { redactCredentials } from "../redact-credentials.ts";
import type { OAuthGrant, Store, StoredToken } from "../../store/index.ts";
import { refreshAccessToken, type FetchFunction } from "./refresh-access-token.ts";

export interface OAuthTokenManagerOptions {
  fetch?: FetchFunction;
  /** The clock, in ms since the epoch; default `Date.now`. */
  now?: () => number;
  /** In [0, 1); picks each token's early-refresh margin. Default `Math.random`. */
  random?: () => number;
  /** Per token request; default 10 s. */
  timeoutMs?: number;
}

/** What the manager knows of one account. */
interface AccountTokens {
  /** The access token in use, with when to replace it; absent before the first refresh or after `invalidate`. */
  token?: { accessToken: string; expiresAt: number; refreshAt: number };
  /** The latest rotated refresh token; it replaces the configured one. */
  rotatedRefreshToken?: string;
  /** The access token an upstream refused last: not to be taken back from the store. */
  refused?: string;
}

/** A token is replaced when it has less than 60–90 s left; the margin is drawn once per token so accounts do not refresh in lockstep. */
const MIN_REFRESH_MARGIN_MS = 60_000;
const REFRESH_MARGIN_SPREAD_MS = 30_000;

/**
 * The access tokens of OAuth accounts: kept in memory (seeded from the store
 * on first use), refreshed shortly before they expire with at most one token
 * request in flight per account (and, through the store, per database: one
 * refresh for every replica), persisted with any rotated refresh token. A
 * refused grant (`invalid_grant` and kin) disables the account in the store
 * and drops its token.
 */
export class OAuthTokenManager {
  private readonly accounts = new Map<string, AccountTokens>();
  private readonly inFlight = new Map<string, Promise<string>>();
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(
    private readonly store: Store,
    private readonly options: OAuthTokenManagerOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
  }

  /** A usable access token for the account, refreshing it first when it is (nearly) expired. */
  accessToken(provider: string, accountId: string, grant: OAuthGrant): Promise<string> {
    const key = keyOf(provider, accountId);
    const token = this.tokensOf(key).token;
    if (token !== undefined && this.now() < token.refreshAt) return Promise.resolve(token.accessToken);
    let pending = this.inFlight.get(key);
    if (pending === undefined) {
      pending = this.refresh(key, provider, accountId, grant).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  /**
   * Forgets the account's access token (the upstream refused it), so the next
   * request refreshes; with `refused`, only if that is still the token in use.
   * A rotated refresh token is kept.
   */
  invalidate(provider: string, accountId: string, refused?: string): void {
    const tokens = this.accounts.get(keyOf(provider, accountId));
    // Many requests may be refused with the same stale token: only the first drop counts, so one refresh serves them all.
    if (tokens?.token !== undefined && (refused === undefined || tokens.token.accessToken === refused)) {
      // The store still holds it: it must not be taken back from there as if it were good.
      tokens.refused = tokens.token.accessToken;
      delete tokens.token;
    }
  }

  /**
   * The stored token when it is still good (saved by a restart's predecessor
   * or another replica), else a new one from the token endpoint: through the
   * store's `refreshOnce`, so replicas sharing a database refresh once.
   */
  private async refresh(key: string, provider: string, accountId: string, grant: OAuthGrant): Promise<string> {
    const tokens = this.tokensOf(key);
    let used = tokens.rotatedRefreshToken ?? grant.refreshToken;
    let fresh: StoredToken;
    try {
      fresh = await this.store.oauthTokens.refreshOnce(
        provider,
        accountId,
        // Good: a token this manager is not replacing (saved by another replica, or before a restart) with time left.
        (stored) =>
          stored.accessToken !== tokens.refused && stored.accessToken !== tokens.token?.accessToken && this.now() < stored.expiresAt - MIN_REFRESH_MARGIN_MS,
        async (current) => {
          // A refresh token rotated by another replica (or before a restart) is the one that still works.
          used = tokens.rotatedRefreshToken ?? current?.refreshToken ?? grant.refreshToken;
          const next = await refreshAccessToken({ ...grant, refreshToken: used }, { fetch: this.options.fetch, now: this.now, timeoutMs: this.options.timeoutMs });
          // Memory first: a rotated refresh token is the only one that still works, even if saving fails.
          if (next.refreshToken !== undefined) tokens.rotatedRefreshToken = next.refreshToken;
          return next;
        },
      );
    } catch (error) {
      if (isGatewayError(error) && error.code === "oauth_invalid_grant") {
        // The grant is dead: retrying would only hammer the token endpoint. A new
        // refresh token in the config (or `accounts reset`) brings the account back.
        this.accounts.delete(key);
        await this.store.oauthTokens.delete(provider, accountId);
        await this.store.accounts.setDisabledReason(provider, accountId, redactCredentials(error.message, [used, grant.clientSecret]));
        throw error;
      }
      // The endpoint is down but the old token has not expired yet: use it while it lasts.
      const old = tokens.token;
      if (old !== undefined && this.now() < old.expiresAt) return old.accessToken;
      throw error;
    }
    if (fresh.refreshToken !== undefined) tokens.rotatedRefreshToken = fresh.refreshToken;
    tokens.token = this.cached(fresh);
    return fresh.accessToken;
  }

  private tokensOf(key: string): AccountTokens {
    let tokens = this.accounts.get(key);
    if (tokens === undefined) {
      tokens = {};
      this.accounts.set(key, tokens);
    }
    return tokens;
  }

  private cached(token: StoredToken): NonNullable<AccountTokens["token"]> {
    const margin = MIN_REFRESH_MARGIN_MS + this.random() * REFRESH_MARGIN_SPREAD_MS;
    return { accessToken: token.accessToken, expiresAt: token.expiresAt, refreshAt: token.expiresAt - margin };
  }
}

function keyOf(provider: string, accountId: string): string {
  return `${provider}\u0000${accountId}`;
}

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
}

/** A token is replaced when it has less than 60–90 s left; the margin is drawn once per token so accounts do not refresh in lockstep. */
const MIN_REFRESH_MARGIN_MS = 60_000;
const REFRESH_MARGIN_SPREAD_MS = 30_000;

/**
 * The access tokens of OAuth accounts: kept in memory (seeded from the store
 * on first use), refreshed shortly before they expire with at most one token
 * request in flight per account, persisted with any rotated refresh token. A
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
    const token = this.tokensOf(key, provider, accountId).token;
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
    if (tokens?.token !== undefined && (refused === undefined || tokens.token.accessToken === refused)) delete tokens.token;
  }

  private async refresh(key: string, provider: string, accountId: string, grant: OAuthGrant): Promise<string> {
    const tokens = this.tokensOf(key, provider, accountId);
    const refreshToken = tokens.rotatedRefreshToken ?? grant.refreshToken;
    let fresh: StoredToken;
    try {
      fresh = await refreshAccessToken({ ...grant, refreshToken }, { fetch: this.options.fetch, now: this.now, timeoutMs: this.options.timeoutMs });
    } catch (error) {
      if (isGatewayError(error) && error.code === "oauth_invalid_grant") {
        // The grant is dead: retrying would only hammer the token endpoint. A new
        // refresh token in the config (or `accounts reset`) brings the account back.
        this.accounts.delete(key);
        this.store.oauthTokens.delete(provider, accountId);
        this.store.accounts.setDisabledReason(provider, accountId, redactCredentials(error.message, [refreshToken, grant.clientSecret]));
        throw error;
      }
      // The endpoint is down but the old token has not expired yet: use it while it lasts.
      const old = tokens.token;
      if (old !== undefined && this.now() < old.expiresAt) return old.accessToken;
      throw error;
    }
    // Memory first: a rotated refresh token is the only one that still works, even if saving fails.
    if (fresh.refreshToken !== undefined) tokens.rotatedRefreshToken = fresh.refreshToken;
    tokens.token = this.cached(fresh);
    this.store.oauthTokens.save(provider, accountId, fresh);
    return fresh.accessToken;
  }

  /** The account's entry, read from the store the first time it is needed. */
  private tokensOf(key: string, provider: string, accountId: string): AccountTokens {
    let tokens = this.accounts.get(key);
    if (tokens === undefined) {
      tokens = {};
      const stored = this.store.oauthTokens.get(provider, accountId);
      if (stored !== undefined) {
        tokens.token = this.cached(stored);
        if (stored.refreshToken !== undefined) tokens.rotatedRefreshToken = stored.refreshToken;
      }
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

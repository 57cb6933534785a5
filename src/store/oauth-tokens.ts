import type { Database } from "bun:sqlite";
import { isSealed, SecretCodec } from "./secret-box.ts";
import type { Awaitable } from "../util/awaitable.ts";

/** An access token obtained for an account, with when it expires (ms since the epoch). */
export interface StoredToken {
  accessToken: string;
  expiresAt: number;
  /** A rotated refresh token, when the token endpoint issued a new one. */
  refreshToken?: string;
}

/** What every OAuth token store does, SQLite or Postgres. */
export interface OAuthTokenRecords {
  get(provider: string, accountId: string): Awaitable<StoredToken | undefined>;
  save(provider: string, accountId: string, token: StoredToken): Awaitable<void>;
  delete(provider: string, accountId: string): Awaitable<void>;
  expiries(): Awaitable<Array<{ provider: string; accountId: string; expiresAt: number }>>;
  /**
   * The account's token: the stored one when `fresh` accepts it, else the one
   * `refresh` obtains (then saved). However many replicas ask together, one
   * refresh happens; the others get the token it saved.
   */
  refreshOnce(
    provider: string,
    accountId: string,
    fresh: (token: StoredToken) => boolean,
    refresh: (current: StoredToken | undefined) => Promise<StoredToken>,
  ): Promise<StoredToken>;
}

/** Access tokens of OAuth accounts, so a restart does not need a refresh. */
export class OAuthTokenStore implements OAuthTokenRecords {
  constructor(
    private readonly db: Database,
    /** Seals tokens when secrets.key is set (encryption at rest), opens them either way. */
    private readonly secrets: SecretCodec = new SecretCodec(undefined),
  ) {}

  /** Like AccountStore.secureAtRest: every token opens with the key, and plain ones are sealed when there is one. */
  secureAtRest(): void {
    const rows = this.db.query("SELECT provider, account_id, access_token, refresh_token FROM oauth_tokens").all() as Array<{
      provider: string;
      account_id: string;
      access_token: string;
      refresh_token: string | null;
    }>;
    const update = this.db.query("UPDATE oauth_tokens SET access_token = ?3, refresh_token = ?4 WHERE provider = ?1 AND account_id = ?2");
    this.db.transaction(() => {
      for (const row of rows) {
        const access = this.secrets.open(row.access_token);
        const refresh = row.refresh_token === null ? null : this.secrets.open(row.refresh_token);
        const plain = !isSealed(row.access_token) || (row.refresh_token !== null && !isSealed(row.refresh_token));
        if (this.secrets.encrypting && plain) {
          update.run(row.provider, row.account_id, this.secrets.seal(access), refresh === null ? null : this.secrets.seal(refresh));
        }
      }
    })();
  }

  /** When each stored access token expires, without opening any token: for the dashboard. */
  expiries(): Array<{ provider: string; accountId: string; expiresAt: number }> {
    const rows = this.db.query("SELECT provider, account_id, expires_at FROM oauth_tokens").all() as Array<{
      provider: string;
      account_id: string;
      expires_at: number;
    }>;
    return rows.map((row) => ({ provider: row.provider, accountId: row.account_id, expiresAt: row.expires_at }));
  }

  get(provider: string, accountId: string): StoredToken | undefined {
    const row = this.db
      .query("SELECT access_token, expires_at, refresh_token FROM oauth_tokens WHERE provider = ? AND account_id = ?")
      .get(provider, accountId) as { access_token: string; expires_at: number; refresh_token: string | null } | null;
    if (row === null) return undefined;
    const token: StoredToken = { accessToken: this.secrets.open(row.access_token), expiresAt: row.expires_at };
    if (row.refresh_token !== null) token.refreshToken = this.secrets.open(row.refresh_token);
    return token;
  }

  /** Written at once: a token is refreshed about once an hour per account, and losing a rotated refresh token would lock the account out. */
  save(provider: string, accountId: string, token: StoredToken): void {
    this.db
      .query(`
        INSERT INTO oauth_tokens (provider, account_id, access_token, expires_at, refresh_token, updated_at)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6)
        ON CONFLICT (provider, account_id) DO UPDATE SET access_token = excluded.access_token,
          expires_at = excluded.expires_at, refresh_token = COALESCE(excluded.refresh_token, oauth_tokens.refresh_token),
          updated_at = excluded.updated_at`)
      .run(
        provider,
        accountId,
        this.secrets.seal(token.accessToken),
        token.expiresAt,
        token.refreshToken === undefined ? null : this.secrets.seal(token.refreshToken),
        Date.now(),
      );
  }

  /** One process holds a SQLite database's gateway: the token manager's one refresh in flight per account is all it takes. */
  async refreshOnce(
    provider: string,
    accountId: string,
    fresh: (token: StoredToken) => boolean,
    refresh: (current: StoredToken | undefined) => Promise<StoredToken>,
  ): Promise<StoredToken> {
    const current = this.get(provider, accountId);
    if (current !== undefined && fresh(current)) return current;
    this.save(provider, accountId, await refresh(current));
    return this.get(provider, accountId)!;
  }

  delete(provider: string, accountId: string): void {
    this.db.query("DELETE FROM oauth_tokens WHERE provider = ? AND account_id = ?").run(provider, accountId);
  }
}

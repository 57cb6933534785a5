import type { Database } from "bun:sqlite";

/** An access token obtained for an account, with when it expires (ms since the epoch). */
export interface StoredToken {
  accessToken: string;
  expiresAt: number;
  /** A rotated refresh token, when the token endpoint issued a new one. */
  refreshToken?: string;
}

/** Access tokens of OAuth accounts, so a restart does not need a refresh. */
export class OAuthTokenStore {
  constructor(private readonly db: Database) {}

  get(provider: string, accountId: string): StoredToken | undefined {
    const row = this.db
      .query("SELECT access_token, expires_at, refresh_token FROM oauth_tokens WHERE provider = ? AND account_id = ?")
      .get(provider, accountId) as { access_token: string; expires_at: number; refresh_token: string | null } | null;
    if (row === null) return undefined;
    const token: StoredToken = { accessToken: row.access_token, expiresAt: row.expires_at };
    if (row.refresh_token !== null) token.refreshToken = row.refresh_token;
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
      .run(provider, accountId, token.accessToken, token.expiresAt, token.refreshToken ?? null, Date.now());
  }

  delete(provider: string, accountId: string): void {
    this.db.query("DELETE FROM oauth_tokens WHERE provider = ? AND account_id = ?").run(provider, accountId);
  }
}

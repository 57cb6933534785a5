import type { SQL } from "bun";
import type { OAuthTokenRecords, StoredToken } from "../oauth-tokens.ts";
import { isSealed, SecretCodec } from "../secret-box.ts";

type Queryable = Pick<SQL, "unsafe"> & ((strings: TemplateStringsArray, ...values: unknown[]) => Promise<unknown>);

/**
 * OAuth access tokens in Postgres, shared by replicas, sealed at rest like
 * SQLite's (secrets.key). `refreshOnce` makes a token refresh happen once
 * however many replicas find the token stale together: each takes the
 * account's advisory lock in a transaction, and only the first finds the
 * stored token still stale and refreshes; the others wait on the lock and
 * read the token it saved. A rotated refresh token is saved in the same
 * transaction, so it is never lost.
 */
export class PostgresOAuthTokenStore implements OAuthTokenRecords {
  constructor(
    private readonly sql: SQL,
    private readonly secrets: SecretCodec = new SecretCodec(undefined),
  ) {}

  /** Like PostgresAccountStore.secureAtRest: every token opens with the key, and plain ones are sealed when there is one. */
  async secureAtRest(): Promise<void> {
    const rows = (await this.sql`SELECT provider, account_id, access_token, refresh_token FROM oauth_tokens`) as Array<{
      provider: string;
      account_id: string;
      access_token: string;
      refresh_token: string | null;
    }>;
    for (const row of rows) {
      const access = this.secrets.open(row.access_token);
      const refresh = row.refresh_token === null ? null : this.secrets.open(row.refresh_token);
      const plain = !isSealed(row.access_token) || (row.refresh_token !== null && !isSealed(row.refresh_token));
      if (this.secrets.encrypting && plain) {
        await this.sql`UPDATE oauth_tokens SET access_token = ${this.secrets.seal(access)}, refresh_token = ${refresh === null ? null : this.secrets.seal(refresh)}
          WHERE provider = ${row.provider} AND account_id = ${row.account_id} AND access_token = ${row.access_token}`;
      }
    }
  }

  get(provider: string, accountId: string): Promise<StoredToken | undefined> {
    return this.read(this.sql as unknown as Queryable, provider, accountId);
  }

  save(provider: string, accountId: string, token: StoredToken): Promise<void> {
    return this.write(this.sql as unknown as Queryable, provider, accountId, token);
  }

  async expiries(): Promise<Array<{ provider: string; accountId: string; expiresAt: number }>> {
    const rows = (await this.sql`SELECT provider, account_id, expires_at FROM oauth_tokens`) as Array<{ provider: string; account_id: string; expires_at: string | number }>;
    return rows.map((row) => ({ provider: row.provider, accountId: row.account_id, expiresAt: Number(row.expires_at) }));
  }

  async delete(provider: string, accountId: string): Promise<void> {
    await this.sql`DELETE FROM oauth_tokens WHERE provider = ${provider} AND account_id = ${accountId}`;
  }

  /**
   * The account's token, refreshed by `refresh` unless `fresh` accepts the
   * stored one: across every replica, one refresh at a time per account.
   */
  refreshOnce(
    provider: string,
    accountId: string,
    fresh: (token: StoredToken) => boolean,
    refresh: (current: StoredToken | undefined) => Promise<StoredToken>,
  ): Promise<StoredToken> {
    return this.sql.begin(async (tx) => {
      const query = tx as unknown as Queryable;
      await query`SELECT pg_advisory_xact_lock(hashtext(${`oauth:${provider}:${accountId}`}))`;
      const current = await this.read(query, provider, accountId);
      if (current !== undefined && fresh(current)) return current;
      const next = await refresh(current);
      await this.write(query, provider, accountId, next);
      return (await this.read(query, provider, accountId))!;
    });
  }

  private async read(query: Queryable, provider: string, accountId: string): Promise<StoredToken | undefined> {
    const rows = (await query`SELECT access_token, expires_at, refresh_token FROM oauth_tokens WHERE provider = ${provider} AND account_id = ${accountId}`) as Array<{
      access_token: string;
      expires_at: string | number;
      refresh_token: string | null;
    }>;
    const row = rows[0];
    if (row === undefined) return undefined;
    const token: StoredToken = { accessToken: this.secrets.open(row.access_token), expiresAt: Number(row.expires_at) };
    if (row.refresh_token !== null) token.refreshToken = this.secrets.open(row.refresh_token);
    return token;
  }

  private async write(query: Queryable, provider: string, accountId: string, token: StoredToken): Promise<void> {
    await query`
      INSERT INTO oauth_tokens (provider, account_id, access_token, expires_at, refresh_token, updated_at)
      VALUES (${provider}, ${accountId}, ${this.secrets.seal(token.accessToken)}, ${token.expiresAt},
        ${token.refreshToken === undefined ? null : this.secrets.seal(token.refreshToken)}, ${Date.now()})
      ON CONFLICT (provider, account_id) DO UPDATE SET access_token = excluded.access_token, expires_at = excluded.expires_at,
        refresh_token = COALESCE(excluded.refresh_token, oauth_tokens.refresh_token), updated_at = excluded.updated_at`;
  }
}

/**
 * One refresh across replicas: two "replicas" (their own connections) find
 * an account's token expired 50 times at once; the real token endpoint is
 * asked once, every caller gets the new token, and the rotated refresh
 * token is kept, sealed at rest.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { SQL } from "bun";
import { startPostgres, type TestPostgres } from "../../../test/harness/postgres.ts";
import { startTokenEndpoint, type TokenEndpoint } from "../../../test/harness/token-endpoint.ts";
import { refreshAccessToken } from "../../pool/oauth/index.ts";
import { SecretBox, SecretCodec } from "../secret-box.ts";
import { migratePostgres } from "./migrate.ts";
import { PostgresOAuthTokenStore } from "./oauth-tokens.ts";

let pg: TestPostgres;
let endpoint: TokenEndpoint;
beforeAll(async () => {
  pg = await startPostgres();
  endpoint = startTokenEndpoint({ kind: "token", rotate: true, expiresIn: 3600, delayMs: 50 });
}, 60_000);
afterAll(async () => {
  await endpoint?.stop();
  await pg?.stop();
});

test("50 callers on two replicas find the token expired at once: one refresh, one new token for all, the rotated refresh token kept sealed", async () => {
  const setup = new SQL(pg.url);
  await migratePostgres(setup);
  const codec = new SecretCodec(SecretBox.fromBase64(Buffer.alloc(32, 7).toString("base64")));
  const replicas = [new SQL({ url: pg.url, max: 20 }), new SQL({ url: pg.url, max: 20 })].map((sql) => ({ sql, tokens: new PostgresOAuthTokenStore(sql, codec) }));
  try {
    await replicas[0]!.tokens.save("gemini", "carol", { accessToken: "expired", expiresAt: Date.now() - 1000, refreshToken: "original-refresh" });
    const grant = { tokenUrl: endpoint.url, clientId: "client", clientSecret: "client-secret", refreshToken: "original-refresh" };
    const fresh = (token: { expiresAt: number }) => token.expiresAt > Date.now() + 60_000;
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        replicas[index % 2]!.tokens.refreshOnce("gemini", "carol", fresh, (current) => refreshAccessToken({ ...grant, refreshToken: current?.refreshToken ?? grant.refreshToken })),
      ),
    );
    expect(endpoint.requests.length).toBe(1);
    expect(endpoint.requests[0]!.form.refresh_token).toBe("original-refresh");
    expect(new Set(results.map((token) => token.accessToken))).toEqual(new Set(["access-1"]));
    expect(await replicas[1]!.tokens.get("gemini", "carol")).toEqual({ accessToken: "access-1", expiresAt: results[0]!.expiresAt, refreshToken: "rotated-1" });
    const [row] = (await setup`SELECT access_token, refresh_token FROM oauth_tokens`) as Array<{ access_token: string; refresh_token: string }>;
    expect([row!.access_token.startsWith("agw-enc1:"), row!.refresh_token.startsWith("agw-enc1:"), JSON.stringify(row).includes("rotated-1")]).toEqual([true, true, false]);
  } finally {
    for (const replica of replicas) await replica.sql.close();
    await setup.close();
  }
}, 60_000);

import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GatewayError } from "../../ir/errors.ts";
import { SqliteStore, type OAuthGrant } from "../../store/index.ts";
import { OAuthTokenManager, type OAuthTokenManagerOptions } from "./oauth-tokens.ts";
import { startTokenEndpoint, type TokenEndpoint, type TokenEndpointBehavior } from "../../../test/harness/token-endpoint.ts";

const REFRESH_TOKEN = "configured-refresh-token-0123456789";
const CLIENT_SECRET = "client-secret-9876543210";
const T0 = 1_700_000_000_000;

const endpoints: TokenEndpoint[] = [];
const stores: SqliteStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) store.close();
  for (const endpoint of endpoints.splice(0)) await endpoint.stop();
});

function openStore(path: string): SqliteStore {
  const store = SqliteStore.open(path);
  stores.push(store);
  return store;
}

/** A token endpoint, a store with one OAuth account "a" of provider "p", and a clock the test moves. */
function setup(behavior?: TokenEndpointBehavior) {
  const endpoint = startTokenEndpoint(behavior);
  endpoints.push(endpoint);
  const path = join(mkdtempSync(join(tmpdir(), "agw-oauth-")), "agw.db");
  const store = openStore(path);
  const grant: OAuthGrant = { tokenUrl: endpoint.url, clientId: "client-1", clientSecret: CLIENT_SECRET, refreshToken: REFRESH_TOKEN };
  store.accounts.syncFromConfig([{ provider: "p", id: "a", credentials: { oauth: grant }, enabled: true, weight: 1, priority: 0 }]);
  const clock = { now: T0 };
  const manager = (options: OAuthTokenManagerOptions = {}, on = store) => new OAuthTokenManager(on, { now: () => clock.now, ...options });
  return { endpoint, store, path, grant, clock, manager };
}

async function rejection(promise: Promise<unknown>): Promise<GatewayError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(GatewayError);
  return error as GatewayError;
}

describe("OAuthTokenManager", () => {
  test("the first use fetches a token and saves it; later uses reuse it", async () => {
    const { endpoint, store, grant, manager } = setup();
    const tokens = manager();
    expect(await tokens.accessToken("p", "a", grant)).toBe("access-1");
    expect(await tokens.accessToken("p", "a", grant)).toBe("access-1");
    expect(endpoint.requests).toHaveLength(1);
    expect(endpoint.requests[0]!.form.refresh_token).toBe(REFRESH_TOKEN);
    expect(store.oauthTokens.get("p", "a")).toEqual({ accessToken: "access-1", expiresAt: T0 + 3_600_000 });
  });

  test("a token with 100 s left is reused, one with 30 s left is refreshed", async () => {
    const { endpoint, grant, clock, manager } = setup();
    // random() = 1 is the widest margin (90 s): 100 s left is still enough.
    const tokens = manager({ random: () => 1 });
    await tokens.accessToken("p", "a", grant);
    clock.now = T0 + 3_600_000 - 100_000;
    expect(await tokens.accessToken("p", "a", grant)).toBe("access-1");
    expect(endpoint.requests).toHaveLength(1);
    clock.now = T0 + 3_600_000 - 30_000;
    expect(await tokens.accessToken("p", "a", grant)).toBe("access-2");
    expect(endpoint.requests).toHaveLength(2);
  });

  test("the early-refresh margin is drawn once per token, between 60 and 90 s", async () => {
    const { endpoint, grant, clock, manager } = setup();
    let draws = 0;
    const early = manager({ random: () => (draws++, 1) }); // 90 s margin
    const late = manager({ random: () => 0 }); // 60 s margin
    expect(await early.accessToken("p", "a", grant)).toBe("access-1");
    expect(await late.accessToken("p", "a", grant)).toBe("access-1"); // from the store
    clock.now = T0 + 3_600_000 - 75_000;
    for (let i = 0; i < 5; i++) expect(await late.accessToken("p", "a", grant)).toBe("access-1");
    expect(endpoint.requests).toHaveLength(1);
    expect(await early.accessToken("p", "a", grant)).toBe("access-2");
    expect(await early.accessToken("p", "a", grant)).toBe("access-2");
    expect(endpoint.requests).toHaveLength(2);
    // One draw for the first token, one for its replacement, none per call.
    expect(draws).toBe(2);
  });

  test("50 concurrent calls make exactly one token request", async () => {
    const { endpoint, grant, manager } = setup({ kind: "token", delayMs: 20 });
    const tokens = manager();
    const results = await Promise.all(Array.from({ length: 50 }, () => tokens.accessToken("p", "a", grant)));
    expect(new Set(results)).toEqual(new Set(["access-1"]));
    expect(endpoint.requests).toHaveLength(1);
  });

  test("accounts refresh independently", async () => {
    const { endpoint, grant, manager } = setup();
    const tokens = manager();
    const [a, b] = await Promise.all([tokens.accessToken("p", "a", grant), tokens.accessToken("p", "b", grant)]);
    expect(a).not.toBe(b);
    expect(endpoint.requests).toHaveLength(2);
  });

  test("a rotated refresh token is used for the next refresh and persisted", async () => {
    const { endpoint, store, grant, clock, manager } = setup({ kind: "token", rotate: true });
    const tokens = manager();
    await tokens.accessToken("p", "a", grant);
    clock.now = T0 + 3_600_000;
    expect(await tokens.accessToken("p", "a", grant)).toBe("access-2");
    expect(endpoint.requests.map((request) => request.form.refresh_token)).toEqual([REFRESH_TOKEN, "rotated-1"]);
    expect(store.oauthTokens.get("p", "a")?.refreshToken).toBe("rotated-2");
  });

  test("the token and a rotated refresh token survive a restart", async () => {
    const { endpoint, store, path, grant, clock, manager } = setup({ kind: "token", rotate: true });
    await manager().accessToken("p", "a", grant);
    store.close();
    const reopened = openStore(path);
    const restarted = manager({}, reopened);
    expect(await restarted.accessToken("p", "a", grant)).toBe("access-1");
    expect(endpoint.requests).toHaveLength(1);
    clock.now = T0 + 3_600_000;
    await restarted.accessToken("p", "a", grant);
    expect(endpoint.requests[1]!.form.refresh_token).toBe("rotated-1");
  });

  test("invalidate makes the next call refresh", async () => {
    const { endpoint, grant, manager } = setup();
    const tokens = manager();
    await tokens.accessToken("p", "a", grant);
    tokens.invalidate("p", "a");
    expect(await tokens.accessToken("p", "a", grant)).toBe("access-2");
    expect(endpoint.requests).toHaveLength(2);
  });

  test("invalid_grant disables the account, drops its token and rejects without secrets", async () => {
    const { endpoint, store, grant, clock, manager } = setup({ kind: "token", rotate: true });
    const tokens = manager();
    await tokens.accessToken("p", "a", grant);
    endpoint.behavior = { kind: "error", error: "invalid_grant" };
    clock.now = T0 + 3_600_000;
    const error = await rejection(tokens.accessToken("p", "a", grant));
    expect(error).toMatchObject({ code: "oauth_invalid_grant", retryable: true });
    for (const secret of [REFRESH_TOKEN, "rotated-1", CLIENT_SECRET, "access-1"]) expect(error.message).not.toContain(secret);
    expect(store.accounts.get("p", "a")?.disabledReason).toBe(
      "OAuth refresh token was refused (invalid_grant): refresh token [redacted] of a client with secret [redacted] is revoked",
    );
    expect(store.oauthTokens.get("p", "a")).toBeUndefined();
    // The token is gone from memory too: the next call asks again, with the configured refresh token.
    await rejection(tokens.accessToken("p", "a", grant));
    expect(endpoint.requests.map((request) => request.form.refresh_token)).toEqual([REFRESH_TOKEN, "rotated-1", REFRESH_TOKEN]);
  });

  test("a 500 rejects with oauth_unavailable and does not disable the account", async () => {
    const { store, grant, manager } = setup({ kind: "server-error" });
    const error = await rejection(manager().accessToken("p", "a", grant));
    expect(error).toMatchObject({ code: "oauth_unavailable", retryable: true });
    expect(store.accounts.get("p", "a")?.disabledReason).toBeUndefined();
  });

  test("while the endpoint fails, a token that has not expired yet is still used", async () => {
    const { endpoint, grant, clock, manager } = setup();
    const tokens = manager({ random: () => 0 });
    await tokens.accessToken("p", "a", grant);
    endpoint.behavior = { kind: "server-error" };
    clock.now = T0 + 3_600_000 - 30_000;
    expect(await tokens.accessToken("p", "a", grant)).toBe("access-1");
    clock.now = T0 + 3_600_000;
    expect((await rejection(tokens.accessToken("p", "a", grant))).code).toBe("oauth_unavailable");
    expect(endpoint.requests).toHaveLength(3);
  });

  test("a hanging endpoint times out, and the next call tries again", async () => {
    const { endpoint, grant, manager } = setup({ kind: "hang" });
    const tokens = manager({ timeoutMs: 100 });
    expect((await rejection(tokens.accessToken("p", "a", grant))).code).toBe("oauth_unavailable");
    endpoint.behavior = { kind: "token" };
    expect(await tokens.accessToken("p", "a", grant)).toBe("access-1");
    expect(endpoint.requests).toHaveLength(2);
  });
});

import { afterEach, describe, expect, test } from "bun:test";
import { GatewayError } from "../../ir/errors.ts";
import type { OAuthGrant } from "../../store/index.ts";
import { refreshAccessToken } from "./refresh-access-token.ts";
import { startTokenEndpoint, type TokenEndpoint, type TokenEndpointBehavior } from "../../../test/harness/token-endpoint.ts";

const REFRESH_TOKEN = "refresh-secret-1234567890";
const CLIENT_SECRET = "client-secret-abcdef";

const endpoints: TokenEndpoint[] = [];
afterEach(async () => {
  for (const endpoint of endpoints.splice(0)) await endpoint.stop();
});

function setup(behavior?: TokenEndpointBehavior) {
  const endpoint = startTokenEndpoint(behavior);
  endpoints.push(endpoint);
  const grant: OAuthGrant = { tokenUrl: endpoint.url, clientId: "client-1", clientSecret: CLIENT_SECRET, refreshToken: REFRESH_TOKEN };
  return { endpoint, grant };
}

async function rejection(promise: Promise<unknown>): Promise<GatewayError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(GatewayError);
  return error as GatewayError;
}

describe("refreshAccessToken", () => {
  test("sends a form-encoded refresh grant with the client credentials and extra params", async () => {
    const { endpoint, grant } = setup();
    await refreshAccessToken({ ...grant, extraParams: { scope: "a b", grant_type: "password" } });
    expect(endpoint.requests).toHaveLength(1);
    expect(endpoint.requests[0]!.contentType).toBe("application/x-www-form-urlencoded");
    // extraParams cannot override the grant's own fields.
    expect(endpoint.requests[0]!.form).toEqual({
      scope: "a b",
      grant_type: "refresh_token",
      refresh_token: REFRESH_TOKEN,
      client_id: "client-1",
      client_secret: CLIENT_SECRET,
    });
  });

  test("a public client sends no client_secret", async () => {
    const { endpoint, grant } = setup();
    await refreshAccessToken({ ...grant, clientSecret: undefined });
    expect(endpoint.requests[0]!.form).not.toHaveProperty("client_secret");
  });

  test("the token expires expires_in seconds from now; no refresh token unless rotated", async () => {
    const { grant } = setup({ kind: "token", expiresIn: 1800 });
    const token = await refreshAccessToken(grant, { now: () => 1_000_000 });
    expect(token).toEqual({ accessToken: "access-1", expiresAt: 1_000_000 + 1_800_000 });
  });

  test("a token without expires_in is valid for one hour", async () => {
    const { grant } = setup({ kind: "token", expiresIn: null });
    const token = await refreshAccessToken(grant, { now: () => 5_000 });
    expect(token.expiresAt).toBe(5_000 + 3_600_000);
  });

  test("a rotated refresh token is returned", async () => {
    const { grant } = setup({ kind: "token", rotate: true });
    expect((await refreshAccessToken(grant)).refreshToken).toBe("rotated-1");
  });

  test.each([
    [400, "invalid_grant"],
    [400, "unauthorized_client"],
    [401, "invalid_client"],
  ])("%i %s is oauth_invalid_grant, retryable, and names no secret", async (status, error) => {
    const { grant } = setup({ kind: "error", status, error });
    const refused = await rejection(refreshAccessToken(grant));
    expect(refused).toMatchObject({ kind: "upstream", code: "oauth_invalid_grant", retryable: true });
    expect(refused.message).toStartWith(`OAuth refresh token was refused (${error}): refresh token [redacted]`);
    expect(refused.message).not.toContain(REFRESH_TOKEN);
    expect(refused.message).not.toContain(CLIENT_SECRET);
  });

  test("another 4xx error code is oauth_rejected", async () => {
    const { grant } = setup({ kind: "error", status: 400, error: "invalid_scope" });
    const refused = await rejection(refreshAccessToken(grant));
    expect(refused).toMatchObject({ code: "oauth_rejected", retryable: true });
    expect(refused.message).not.toContain(REFRESH_TOKEN);
  });

  test("a 500 is oauth_unavailable and retryable", async () => {
    const { grant } = setup({ kind: "server-error" });
    expect(await rejection(refreshAccessToken(grant))).toMatchObject({ code: "oauth_unavailable", retryable: true });
  });

  test("a 200 without an access token is oauth_unavailable", async () => {
    const server = Bun.serve({ port: 0, fetch: () => Response.json({ token_type: "Bearer" }) });
    try {
      const grant = { tokenUrl: server.url.href, clientId: "c", refreshToken: REFRESH_TOKEN };
      expect(await rejection(refreshAccessToken(grant))).toMatchObject({ code: "oauth_unavailable" });
    } finally {
      await server.stop(true);
    }
  });

  test("an unreachable endpoint is oauth_unavailable", async () => {
    const { endpoint, grant } = setup();
    await endpoint.stop();
    const error = await rejection(refreshAccessToken(grant));
    expect(error).toMatchObject({ code: "oauth_unavailable", retryable: true });
    expect(error.message).toContain("failed");
  });

  test("a hanging endpoint times out as oauth_unavailable", async () => {
    const { endpoint, grant } = setup({ kind: "hang" });
    const error = await rejection(refreshAccessToken(grant, { timeoutMs: 100 }));
    expect(error).toMatchObject({ code: "oauth_unavailable", retryable: true });
    expect(error.message).toContain("timed out after 100 ms");
    expect(endpoint.requests).toHaveLength(1);
  });
});

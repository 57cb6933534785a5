/**
 * The admin API over real HTTP: a `Bun.serve` on port 0 with the admin
 * route table and a context built exactly as the gateway builds it.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseConfig } from "../../src/config/load.ts";
import { buildContext, type GatewayContext } from "../../src/server/context.ts";
import { adminRouteTable } from "../../src/server/handlers/admin.ts";
import { SqliteStore } from "../../src/store/index.ts";

interface AdminServer {
  url: string;
  context: GatewayContext;
  /** The context's store, as the SQLite store it is (synchronous reads). */
  store: SqliteStore;
  reloads: () => number;
}

const cleanups: (() => void)[] = [];
afterAll(() => {
  for (const cleanup of cleanups) cleanup();
});

const PROVIDERS = {
  gemini: { type: "gemini", accounts: [{ id: "cfg", apiKey: "cfg-secret-key" }] },
  backup: { type: "gemini", accounts: [{ id: "shared", apiKey: "backup-secret-key" }] },
};

function startAdmin(auth: Record<string, unknown>, providers: Record<string, unknown> = PROVIDERS): AdminServer {
  const dir = mkdtempSync(join(tmpdir(), "agw-admin-"));
  const config = parseConfig({ database: join(dir, "agw.db"), auth, providers }, join(dir, "agw.json"), {});
  const store = SqliteStore.open(config.database);
  const context = buildContext(config, store);
  let reloads = 0;
  const reload = context.pool.reload.bind(context.pool);
  context.pool.reload = () => {
    reloads++;
    return reload();
  };
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    routes: adminRouteTable(context),
    fetch: () => Response.json({ error: "no route" }, { status: 404 }),
  });
  cleanups.push(() => {
    server.stop(true);
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { url: server.url.href.replace(/\/$/, ""), context, store, reloads: () => reloads };
}

async function call(admin: AdminServer, method: string, path: string, options: { key?: string; body?: unknown; raw?: string } = {}) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (options.key !== undefined) headers.authorization = `Bearer ${options.key}`;
  const response = await fetch(`${admin.url}${path}`, {
    method,
    headers,
    body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) as Record<string, any> };
}

/** The gemini/cfg account of a `GET /admin/accounts` answer. */
const gemini = (body: Record<string, any>) => body.accounts.find((a: { provider: string }) => a.provider === "gemini");

describe("auth", () => {
  test.each(["off", "strict", "all_except_health", "auto"])(
    "with no adminKey and no apiKey every admin request is refused (auth.mode %s)",
    async (mode) => {
      const admin = startAdmin({ mode });
      for (const [method, path] of [
        ["GET", "/admin/accounts"],
        ["POST", "/admin/accounts"],
        ["DELETE", "/admin/accounts/gemini/cfg"],
        ["POST", "/admin/accounts/cfg/disable"],
      ] as const) {
        const response = await call(admin, method, path, { key: "anything" });
        expect(response.status).toBe(401);
        expect(response.body.error.code).toBe("no_admin_key_configured");
        expect(response.body.error.message).toContain("auth.adminKey");
      }
      expect(admin.store.accounts.get("gemini", "cfg")?.enabled).toBe(true);
    },
  );

  test("adminKey: required, checked, and the apiKey does not open the admin API", async () => {
    const admin = startAdmin({ mode: "off", apiKey: "client-key", adminKey: "admin-key" });
    const missing = await call(admin, "GET", "/admin/accounts");
    expect(missing.status).toBe(401);
    expect(missing.body.error).toEqual({
      message: expect.stringContaining("missing API key"),
      type: "invalid_request_error",
      param: null,
      code: "missing_api_key",
    });
    expect((await call(admin, "GET", "/admin/accounts", { key: "wrong" })).body.error.code).toBe("invalid_api_key");
    expect((await call(admin, "GET", "/admin/accounts", { key: "client-key" })).status).toBe(401);
    expect((await call(admin, "GET", "/admin/accounts", { key: "admin-key" })).status).toBe(200);
    const viaHeader = await fetch(`${admin.url}/admin/accounts`, { headers: { "x-api-key": "admin-key" } });
    expect(viaHeader.status).toBe(200);
    expect(viaHeader.headers.get("x-request-id")).toBeTruthy();
    // The key is not taken from the query string here.
    expect((await fetch(`${admin.url}/admin/accounts?key=admin-key`)).status).toBe(401);
  });

  test("without adminKey the apiKey opens the admin API, even with auth.mode off", async () => {
    const admin = startAdmin({ mode: "off", apiKey: "client-key" });
    expect((await call(admin, "GET", "/admin/accounts")).status).toBe(401);
    expect((await call(admin, "GET", "/admin/accounts", { key: "wrong" })).status).toBe(401);
    expect((await call(admin, "GET", "/admin/accounts", { key: "client-key" })).status).toBe(200);
  });
});

describe("accounts", () => {
  const key = "admin-key";

  test("GET lists every account with its status and no secret", async () => {
    const admin = startAdmin({ adminKey: key });
    const response = await call(admin, "GET", "/admin/accounts", { key });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      accounts: [
        expect.objectContaining({ provider: "backup", id: "shared" }),
        {
          provider: "gemini",
          id: "cfg",
          source: "config",
          enabled: true,
          state: "ready",
          weight: 1,
          priority: 0,
          credentials: "api key",
          limits: {},
          today: { requests: 0, inputTokens: 0, outputTokens: 0 },
          cooldowns: [],
          failures: 0,
        },
      ],
    });
    expect(response.text).not.toContain("secret");
  });

  test("GET shows queued cooldowns (the store is flushed first)", async () => {
    const admin = startAdmin({ adminKey: key });
    const until = Date.now() + 120_000;
    admin.store.accountState.save({ provider: "gemini", accountId: "cfg", model: "m", cooldownUntil: until, reason: "rate limited", failures: 1 });
    const status = gemini((await call(admin, "GET", "/admin/accounts", { key })).body);
    expect(status).toMatchObject({ state: "cooling", failures: 1, cooldowns: [{ model: "m", until, reason: "rate limited" }] });
  });

  test("POST adds an account: 201 with its status, then 409 for the same id", async () => {
    const admin = startAdmin({ adminKey: key });
    const body = {
      provider: "gemini",
      id: "new",
      apiKey: "sk-very-secret-value",
      weight: 3,
      priority: 2,
      models: ["gemini-2.5-pro"],
      dailyRequestLimit: 100,
      dailyTokenLimit: 5000,
      enabled: false,
    };
    const created = await call(admin, "POST", "/admin/accounts", { key, body });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      provider: "gemini",
      id: "new",
      source: "cli",
      enabled: false,
      state: "disabled",
      weight: 3,
      priority: 2,
      models: ["gemini-2.5-pro"],
      credentials: "api key",
      limits: { requests: 100, tokens: 5000 },
      today: { requests: 0, inputTokens: 0, outputTokens: 0 },
      cooldowns: [],
      failures: 0,
    });
    expect(created.text).not.toContain("sk-very-secret-value");
    expect(admin.store.accounts.get("gemini", "new")?.credentials.apiKey).toBe("sk-very-secret-value");
    expect(admin.reloads()).toBe(1);
    const listed = await call(admin, "GET", "/admin/accounts", { key });
    expect(listed.text).not.toContain("sk-very-secret-value");

    const duplicate = await call(admin, "POST", "/admin/accounts", { key, body });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error).toMatchObject({ code: "account_exists", param: "id" });
    const configured = await call(admin, "POST", "/admin/accounts", { key, body: { provider: "gemini", id: "cfg", apiKey: "x" } });
    expect(configured.status).toBe(409);
    expect(admin.reloads()).toBe(1);
  });

  test("POST with an OAuth grant, defaults filled in", async () => {
    const admin = startAdmin({ adminKey: key });
    const oauth = { tokenUrl: "https://oauth2.example.test/token", clientId: "client", clientSecret: "oauth-secret", refreshToken: "refresh-secret" };
    const created = await call(admin, "POST", "/admin/accounts", { key, body: { provider: "backup", id: "grant", oauth } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ credentials: "oauth", enabled: true, weight: 1, priority: 0, source: "cli" });
    expect(created.text).not.toContain("secret");
  });

  test.each([
    ["a missing provider", { id: "x", apiKey: "k" }, "provider"],
    ["an empty id", { provider: "gemini", id: "", apiKey: "k" }, "id"],
    ["a zero weight", { provider: "gemini", id: "x", apiKey: "k", weight: 0 }, "weight"],
    ["a negative priority", { provider: "gemini", id: "x", apiKey: "k", priority: -1 }, "priority"],
    ["a string limit", { provider: "gemini", id: "x", apiKey: "k", dailyRequestLimit: "10" }, "dailyRequestLimit"],
    ["an empty model", { provider: "gemini", id: "x", apiKey: "k", models: [""] }, "models[0]"],
    ["a bad token URL", { provider: "gemini", id: "x", oauth: { tokenUrl: "ftp://x", clientId: "c", refreshToken: "r" } }, "oauth.tokenUrl"],
    ["an unknown field", { provider: "gemini", id: "x", apiKey: "k", secret: 1 }, "secret"],
    ["an unknown provider", { provider: "nope", id: "x", apiKey: "k" }, "provider"],
    ["no credentials", { provider: "gemini", id: "x" }, "apiKey"],
    ["an empty apiKey", { provider: "gemini", id: "x", apiKey: "" }, "apiKey"],
  ])("POST with %s is a 400 naming the field", async (_name, body, param) => {
    const admin = startAdmin({ adminKey: key });
    const response = await call(admin, "POST", "/admin/accounts", { key, body });
    expect(response.status).toBe(400);
    expect(response.body.error.type).toBe("invalid_request_error");
    expect(response.body.error.param).toBe(param);
    expect(response.body.error.message).toContain(param);
    expect(admin.store.accounts.get((body as { provider?: string }).provider ?? "gemini", "x")).toBeUndefined();
  });

  test("POST with a body that is not JSON is a 400", async () => {
    const admin = startAdmin({ adminKey: key });
    const response = await call(admin, "POST", "/admin/accounts", { key, raw: "{nope" });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe("invalid_json");
  });

  test("disable, enable, reset: by provider and id, and by id alone", async () => {
    const admin = startAdmin({ adminKey: key });
    const { store } = admin;
    const disabled = await call(admin, "POST", "/admin/accounts/gemini/cfg/disable", { key });
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ provider: "gemini", id: "cfg", enabled: false, state: "disabled" });
    expect(store.accounts.get("gemini", "cfg")?.enabled).toBe(false);

    store.accounts.setDisabledReason("gemini", "cfg", "API key rejected (401)");
    const enabled = await call(admin, "POST", "/admin/accounts/cfg/enable", { key });
    expect(enabled.body).toMatchObject({ enabled: true, state: "ready" });
    expect(store.accounts.get("gemini", "cfg")?.disabledReason).toBeUndefined();
    // Idempotent: enabling an enabled account answers its status.
    expect((await call(admin, "POST", "/admin/accounts/cfg/enable", { key })).status).toBe(200);

    store.accounts.setDisabledReason("gemini", "cfg", "grant revoked");
    store.accountState.save({ provider: "gemini", accountId: "cfg", model: "", cooldownUntil: Date.now() + 60_000, reason: "quota", failures: 4 });
    expect(gemini((await call(admin, "GET", "/admin/accounts", { key })).body)).toMatchObject({ state: "needs attention", failures: 4 });
    const reset = await call(admin, "POST", "/admin/accounts/gemini/cfg/reset", { key });
    expect(reset.body).toMatchObject({ state: "ready", cooldowns: [], failures: 0 });
    expect(reset.body.reason).toBeUndefined();
    expect(admin.reloads()).toBe(4);
  });

  test("DELETE removes an account, by provider and id or by id alone", async () => {
    const admin = startAdmin({ adminKey: key });
    const { store } = admin;
    store.accounts.add({ provider: "gemini", id: "extra", credentials: { apiKey: "k" }, enabled: true, weight: 1, priority: 0 });
    const removed = await call(admin, "DELETE", "/admin/accounts/extra", { key });
    expect(removed.status).toBe(200);
    expect(removed.body).toEqual({ provider: "gemini", id: "extra", deleted: true });
    expect(store.accounts.get("gemini", "extra")).toBeUndefined();

    const config = await call(admin, "DELETE", "/admin/accounts/gemini/cfg", { key });
    expect(config.body).toMatchObject({ deleted: true, note: expect.stringContaining("config") });
    expect(store.accounts.list().map((a) => a.id)).toEqual(["shared"]);
    expect(admin.reloads()).toBe(2);

    const again = await call(admin, "DELETE", "/admin/accounts/gemini/cfg", { key });
    expect(again.status).toBe(404);
    expect(again.body.error).toMatchObject({ code: "account_not_found", type: "invalid_request_error" });
    expect(admin.reloads()).toBe(2);
  });

  test("an id in several providers needs the provider; unknown ids are 404", async () => {
    const admin = startAdmin({ adminKey: key });
    admin.store.accounts.add({ provider: "gemini", id: "shared", credentials: { apiKey: "k" }, enabled: true, weight: 1, priority: 0 });
    const ambiguous = await call(admin, "POST", "/admin/accounts/shared/disable", { key });
    expect(ambiguous.status).toBe(400);
    expect(ambiguous.body.error.code).toBe("ambiguous_account_id");
    expect(ambiguous.body.error.message).toContain("backup, gemini");
    expect((await call(admin, "DELETE", "/admin/accounts/shared", { key })).status).toBe(400);
    expect((await call(admin, "POST", "/admin/accounts/backup/shared/disable", { key })).body).toMatchObject({ provider: "backup", enabled: false });
    expect(admin.store.accounts.get("gemini", "shared")?.enabled).toBe(true);
    expect((await call(admin, "POST", "/admin/accounts/ghost/reset", { key })).status).toBe(404);
    expect((await call(admin, "POST", "/admin/accounts/gemini/ghost/enable", { key })).status).toBe(404);
  });

  test("an account may be called like an action", async () => {
    const admin = startAdmin({ adminKey: key });
    admin.store.accounts.add({ provider: "gemini", id: "enable", credentials: { apiKey: "k" }, enabled: true, weight: 1, priority: 0 });
    const removed = await call(admin, "DELETE", "/admin/accounts/gemini/enable", { key });
    expect(removed.body).toEqual({ provider: "gemini", id: "enable", deleted: true });
  });
});

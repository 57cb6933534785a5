/**
 * Credentials stay where they belong, and a stale OAuth token is not a dead
 * account:
 * - a 401 on an OAuth account refreshes its token once and retries on the
 *   same account; only a failed refresh, or a refusal of the fresh token,
 *   takes the account out; concurrent refusals make one refresh;
 * - keys of any shape that an upstream quotes back never reach a client
 *   body, the request log, an account's reason, the accounts CLI or the
 *   admin API — for every provider type;
 * - retry.deadlineMs cuts an attempt still waiting for its upstream.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { geminiErrorBody, startFakeGemini, type FakeGemini } from "../harness/fake-gemini.ts";
import { startFakeOpenAI } from "../harness/fake-openai.ts";
import { startFakeAnthropic } from "../harness/fake-anthropic.ts";
import { startTestGateway, type TestGateway } from "../harness/gateway.ts";
import { startTokenEndpoint, type TokenEndpoint } from "../harness/token-endpoint.ts";

const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

const chat = (agw: TestGateway, model = "m") =>
  fetch(`${agw.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hello there" }] }),
  });

describe("OAuth: a refused access token is refreshed once, on the same account", () => {
  const unauthorized = { type: "error" as const, status: 401, message: "Request had invalid authentication credentials. Expected OAuth 2 access token." };
  function setup(refused: string[], endpoint: TokenEndpoint): { agw: TestGateway; gemini: FakeGemini } {
    const gemini = startFakeGemini({ keyFaults: Object.fromEntries(refused.map((token) => [token, unauthorized])) });
    const agw = startTestGateway({
      providers: {
        g: {
          type: "gemini",
          baseUrl: gemini.url,
          accounts: [{ id: "oauth@example.com", oauth: { tokenUrl: endpoint.url, clientId: "client", clientSecret: "client-secret-XYZ", refreshToken: "refresh-SECRET-1" } }],
        },
      },
      models: { "*": "g/gemini-2.5-flash" },
    });
    cleanups.push(() => gemini.stop(), () => agw.stop());
    return { agw, gemini };
  }

  test("401 → one refresh → the same account answers whole; no rest on any model; both tries logged", async () => {
    const endpoint = startTokenEndpoint({ kind: "token", expiresIn: 3600 });
    cleanups.push(() => endpoint.stop());
    const { agw, gemini } = setup(["access-1"], endpoint);
    // The first token is issued, then refused by the upstream as if revoked.
    const response = await chat(agw);
    expect(response.status).toBe(200);
    expect(((await response.json()) as any).choices[0].message.content).toBe("Echo: hello there");
    expect(endpoint.requests).toHaveLength(2);
    expect(gemini.requests.map((request) => request.apiKey)).toEqual(["access-1", "access-2"]);
    agw.gateway.store.flush();
    expect(agw.gateway.store.requestLogs.get(response.headers.get("x-request-id")!)?.attemptDetails).toEqual([
      { accountId: "oauth@example.com", status: 401, errorClass: "stale_access_token" },
      { accountId: "oauth@example.com", status: 200 },
    ]);
    expect(agw.gateway.store.accounts.get("g", "oauth@example.com")?.disabledReason).toBeUndefined();
    expect(agw.gateway.store.accountState.active()).toEqual([]);
    // Later requests, on any model, go straight through with the fresh token.
    expect((await chat(agw, "other-model")).status).toBe(200);
    expect(endpoint.requests).toHaveLength(2);
  });

  test("50 concurrent requests refused with the same stale token make one refresh and all succeed", async () => {
    const endpoint = startTokenEndpoint({ kind: "token", expiresIn: 3600, delayMs: 30 });
    cleanups.push(() => endpoint.stop());
    const { agw } = setup(["access-1"], endpoint);
    const responses = await Promise.all(Array.from({ length: 50 }, () => chat(agw)));
    expect(responses.map((response) => response.status)).toEqual(Array(50).fill(200));
    // One token for the start, one to replace the refused one.
    expect(endpoint.requests).toHaveLength(2);
  });

  test("a fresh token refused again takes the account out, and says so without a secret", async () => {
    const endpoint = startTokenEndpoint({ kind: "token", expiresIn: 3600 });
    cleanups.push(() => endpoint.stop());
    const { agw } = setup(["access-1", "access-2"], endpoint);
    const response = await chat(agw);
    expect(response.status).toBe(502);
    const body = await response.text();
    expect(JSON.parse(body).error.code).toBe("upstream_unauthorized");
    expect(endpoint.requests).toHaveLength(2);
    agw.gateway.store.flush();
    const reason = agw.gateway.store.accounts.get("g", "oauth@example.com")?.disabledReason ?? "";
    expect(reason).toStartWith("needs attention:");
    for (const secret of ["access-1", "access-2", "refresh-SECRET-1", "client-secret-XYZ"]) {
      expect(body.includes(secret)).toBe(false);
      expect(reason.includes(secret)).toBe(false);
    }
  });

  test("a refresh that fails (invalid_grant) takes the account out; the token endpoint's echo of the secrets is removed", async () => {
    const endpoint = startTokenEndpoint({ kind: "token", expiresIn: 3600 });
    cleanups.push(() => endpoint.stop());
    const { agw, gemini } = setup([], endpoint);
    expect((await chat(agw)).status).toBe(200);
    // Now the upstream refuses the token and the grant is revoked.
    gemini.setScript((request) => (request.apiKey === "access-1" ? unauthorized : undefined));
    endpoint.behavior = { kind: "error", error: "invalid_grant" };
    const response = await chat(agw);
    expect(response.status).toBe(502);
    const body = await response.text();
    agw.gateway.store.flush();
    const reason = agw.gateway.store.accounts.get("g", "oauth@example.com")?.disabledReason ?? "";
    expect(reason).toContain("invalid_grant");
    for (const secret of ["refresh-SECRET-1", "client-secret-XYZ", "access-1"]) {
      expect(reason.includes(secret)).toBe(false);
      expect(body.includes(secret)).toBe(false);
    }
  });
});

describe("keys an upstream quotes back never leave their place", () => {
  // Keys of shapes no pattern knows: only the exact-value redaction can catch them.
  const keys = { gemini: "gm.k3y/with+slash=and_more", openai: "zz-odd.shape/key=42+plus", anthropic: "anth~key.with/odd+chars=" };
  const gemini = startFakeGemini({
    keyFaults: {
      [keys.gemini]: {
        type: "error",
        status: 400,
        body: geminiErrorBody(400, `API key not valid. Please pass a valid API key. Consumer 'api_key:${keys.gemini}' has been suspended.`),
      },
    },
  });
  const openai = startFakeOpenAI({
    keyFaults: { [keys.openai]: { type: "error", status: 401, message: `Incorrect API key provided: ${keys.openai}. You can find your API key at https://platform.openai.com/account/api-keys.` } },
  });
  const anthropic = startFakeAnthropic({
    keyFaults: { [keys.anthropic]: { type: "error", status: 401, errorType: "authentication_error", message: `invalid x-api-key: ${keys.anthropic}` } },
  });
  const dir = mkdtempSync(join(tmpdir(), "agw-leak-"));
  const config = join(dir, "agw.json");
  const raw = {
    database: join(dir, "agw.db"),
    auth: { adminKey: "admin-key-for-tests" },
    providers: {
      g: { type: "gemini", baseUrl: gemini.url, accounts: [{ id: "g@example.com", apiKey: keys.gemini }] },
      o: { type: "openai", baseUrl: openai.url, accounts: [{ id: "o@example.com", apiKey: keys.openai }] },
      a: { type: "anthropic", baseUrl: anthropic.url, accounts: [{ id: "a@example.com", apiKey: keys.anthropic }] },
    },
    models: { "to-gemini": "g/gemini-2.5-flash", "to-openai": "o/gpt-4o-mini", "to-anthropic": "a/claude-sonnet-4-5" },
  };
  writeFileSync(config, JSON.stringify(raw));
  const agw = startTestGateway(raw);
  cleanups.push(
    () => gemini.stop(),
    () => openai.stop(),
    () => anthropic.stop(),
    () => agw.stop(),
  );

  const requests: Array<[string, string, unknown]> = [
    ["/v1/chat/completions", "to-gemini", { messages: [{ role: "user", content: "hi" }] }],
    ["/v1/messages", "to-gemini", { max_tokens: 10, messages: [{ role: "user", content: "hi" }] }],
    ["/v1/responses", "to-openai", { input: "hi" }],
    ["/v1/chat/completions", "to-openai", { messages: [{ role: "user", content: "hi" }] }],
    ["/v1/messages", "to-anthropic", { max_tokens: 10, messages: [{ role: "user", content: "hi" }] }],
    ["/v1/chat/completions", "to-anthropic", { stream: true, messages: [{ role: "user", content: "hi" }] }],
  ];

  test("not in any client body, log row, account reason, CLI listing or admin answer", async () => {
    const seen: string[] = [];
    for (const [path, model, body] of requests) {
      const response = await fetch(`${agw.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model, ...(body as object) }),
      });
      expect(response.status).toBeGreaterThanOrEqual(400);
      seen.push(`${path} ${model}: ${await response.text()}`);
    }
    // Every account failed on its key: the upstream's refusal reached the client, without the key.
    expect(seen.join("\n")).toContain("API key not valid");
    agw.gateway.store.flush();
    const admin = await fetch(`${agw.url}/admin/accounts`, { headers: { authorization: "Bearer admin-key-for-tests" } });
    seen.push(await admin.text());
    const db = new Database(raw.database, { readonly: true });
    seen.push(JSON.stringify(db.query("SELECT * FROM request_logs").all()));
    seen.push(JSON.stringify(db.query("SELECT provider, id, disabled_reason FROM accounts").all()));
    db.close();
    const cli = Bun.spawnSync([process.execPath, join(import.meta.dir, "../../src/main.ts"), "accounts", "list", "--config", config, "--json"]);
    seen.push(cli.stdout.toString(), cli.stderr.toString());
    expect(seen.join("\n")).toContain("needs attention");
    const everything = seen.join("\n");
    for (const key of Object.values(keys)) expect({ key, leaked: everything.includes(key) }).toEqual({ key, leaked: false });
  });
});

describe("retry.deadlineMs", () => {
  test("an upstream that hangs is cut at the deadline, whatever its own timeout: 504 in the caller's shape", async () => {
    const gemini = startFakeGemini({ keyFaults: { "k-hang": { type: "hang", ms: 5_000 } } });
    const agw = startTestGateway({
      providers: { g: { type: "gemini", baseUrl: gemini.url, timeoutMs: 60_000, accounts: [{ id: "h@example.com", apiKey: "k-hang" }] } },
      models: { "*": "g/gemini-2.5-flash" },
      retry: { deadlineMs: 300 },
    });
    cleanups.push(
      () => gemini.stop(),
      () => agw.stop(),
    );
    const response = await fetch(`${agw.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "claude-x", max_tokens: 10, messages: [{ role: "user", content: "hi" }] }),
    });
    expect(response.status).toBe(504);
    expect(await response.json()).toEqual({
      type: "error",
      error: { type: "timeout_error", message: "no upstream answer for gemini-2.5-flash within 300 ms (retry.deadlineMs)" },
    });
  });
});

describe("retry.deadlineMs bounds the start of an answer, not its length", () => {
  test("a JSON answer that started in time but takes longer than the deadline arrives whole", async () => {
    const chunk = (text: string, finish = false) => ({
      candidates: [{ content: { role: "model", parts: [{ text }] }, index: 0, ...(finish ? { finishReason: "STOP" } : {}) }],
      usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 2, totalTokenCount: 5 },
    });
    const gemini = startFakeGemini({
      script: () => ({ type: "stream", chunks: [chunk("A slow "), chunk("but whole answer.", true)], pauseBeforeChunkMs: { 1: 600 } }),
    });
    const agw = startTestGateway({
      providers: { g: { type: "gemini", baseUrl: gemini.url, accounts: [{ id: "s@example.com", apiKey: "good-key" }] } },
      models: { "*": "g/gemini-2.5-flash" },
      retry: { deadlineMs: 300 },
    });
    cleanups.push(
      () => gemini.stop(),
      () => agw.stop(),
    );
    const response = await chat(agw);
    expect(response.status).toBe(200);
    expect(((await response.json()) as any).choices[0].message.content).toBe("A slow but whole answer.");
  });
});

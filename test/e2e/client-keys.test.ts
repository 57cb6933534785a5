/**
 * Client keys end to end: made with the real CLI and the admin API against a
 * running gateway, used at once, revoked, held to their models, rate, daily
 * and budget limits in every protocol's error shape, their usage and cost
 * logged and exported, and their secrets nowhere but in the client's hands.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import OpenAI from "openai";
import { parseConfig } from "../../src/config/load.ts";
import { startGateway } from "../../src/server/gateway.ts";
import { formatResetDuration } from "../../src/keys/index.ts";
import { startTestGateway, type TestGateway } from "../harness/gateway.ts";

const main = join(import.meta.dir, "../../src/main.ts");
const gateways: TestGateway[] = [];
/** Every secret these tests made or configured: none may show up where the operator looks. */
const secrets: string[] = [];
/** Everything the CLI printed except `create`'s own answer, and every error body: searched for secrets at the end. */
const printed: string[] = [];

afterAll(async () => {
  try {
    expectNoSecretsShown();
  } finally {
    for (const gateway of gateways) await gateway.stop();
  }
});

function gatewayWith(raw: Record<string, unknown> = {}, env: Record<string, string> = {}): TestGateway {
  const gateway = startTestGateway(
    { auth: { mode: "strict", apiKey: "all-access-key-0123456789", adminKey: "admin-key-0123456789" }, providers: { demo: { type: "mock" } }, models: { "*": "demo/echo" }, ...raw },
    env,
  );
  gateways.push(gateway);
  return gateway;
}

async function cli(...args: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const child = Bun.spawn([process.execPath, main, ...args], { stdout: "pipe", stderr: "pipe", env: { ...process.env } });
  const [stdout, stderr, exitCode] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  return { exitCode, stdout, stderr };
}

/** Makes a key with the CLI on the gateway's database; returns its id and secret. */
async function createKey(gateway: TestGateway, ...flags: string[]): Promise<{ id: string; key: string }> {
  const result = await cli("keys", "create", "--db", gateway.database, "--json", ...flags);
  expect(result.stderr).toBe("");
  expect(result.exitCode).toBe(0);
  const created = JSON.parse(result.stdout) as { id: string; key: string };
  secrets.push(created.key);
  return created;
}

const openai = (gateway: TestGateway, apiKey: string) => new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey, maxRetries: 0 });

async function chat(gateway: TestGateway, apiKey: string, model = "demo", content = "hi"): Promise<Response> {
  return fetch(`${gateway.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content }] }),
  });
}

async function errorOf(response: Response): Promise<unknown> {
  const text = await response.text();
  printed.push(text);
  return JSON.parse(text);
}

/** Fixed one-minute windows: a test counting within one waits for a fresh minute when few seconds of this one are left. */
async function freshMinute(secondsNeeded = 20): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < secondsNeeded * 1000) await Bun.sleep(left + 50);
}

function rateHeaders(response: Response): Record<string, string | null> {
  return Object.fromEntries(
    ["limit-requests", "remaining-requests", "limit-tokens", "remaining-tokens"].map((name) => [name, response.headers.get(`x-ratelimit-${name}`)]),
  );
}

describe("made with the CLI against a running gateway", () => {
  let gateway: TestGateway;
  beforeAll(() => {
    gateway = gatewayWith();
  });

  test("a new key works at once; its request is logged under its id, with its usage in `agw keys list`", async () => {
    const { id, key } = await createKey(gateway, "--name", "Laptop Claude Code");
    expect(id).toBe("laptop-claude-code");
    expect(key).toMatch(/^agw_[0-9A-Za-z]{43}$/);
    const answer = await openai(gateway, key).chat.completions.create({ model: "demo", messages: [{ role: "user", content: "hello there" }] });
    expect(answer.choices[0]!.message.content).toBe("hello there");
    gateway.gateway.store.flush();
    const row = gateway.gateway.store.requestLogs.query({}).at(-1)!;
    expect([row.keyId, row.status, row.requestedModel]).toEqual([id, 200, "demo"]);
    const listed = await cli("keys", "list", "--db", gateway.database, "--json");
    printed.push(listed.stdout, listed.stderr);
    expect(listed.exitCode).toBe(0);
    const keys = listed.stdout.trimEnd().split("\n").map((line) => JSON.parse(line));
    expect(keys).toEqual([
      {
        id,
        name: "Laptop Claude Code",
        source: "cli",
        status: "active",
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        usage: {
          today: { requests: 1, inputTokens: row.inputTokens!, outputTokens: row.outputTokens!, costUsd: 0 },
          month: { requests: 1, inputTokens: row.inputTokens!, outputTokens: row.outputTokens!, costUsd: 0 },
        },
      },
    ]);
    const table = await cli("keys", "list", "--db", gateway.database);
    printed.push(table.stdout);
    expect(table.stdout.trimEnd().split("\n").map((line) => line.split(/ {2,}/))).toEqual([
      ["ID", "NAME", "STATUS", "TODAY", "MONTH", "LIMITS"],
      [id, "Laptop Claude Code", "active", `1 req, ${row.inputTokens! + row.outputTokens!} tok`, "1 req, $0", "no limits"],
    ]);
  });

  test("a revoked key is refused within a second, in the caller's shape, and stays refused", async () => {
    const { id, key } = await createKey(gateway, "--name", "ci job");
    expect((await chat(gateway, key)).status).toBe(200);
    const revoked = await cli("keys", "revoke", id, "--db", gateway.database);
    printed.push(revoked.stdout);
    expect(revoked).toEqual({ exitCode: 0, stdout: `the key '${id}' is revoked (the server applies it within a second)\n`, stderr: "" });
    let response = await chat(gateway, key);
    for (let tries = 0; response.status === 200 && tries < 30; tries++) {
      await Bun.sleep(100);
      response = await chat(gateway, key);
    }
    expect(response.status).toBe(401);
    expect(await errorOf(response)).toEqual({
      error: { message: `the API key '${id}' has been revoked`, type: "invalid_request_error", param: null, code: "key_revoked" },
    });
    const anthropic = await fetch(`${gateway.url}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": key, "content-type": "application/json", "anthropic-version": "2023-06-01" },
      body: JSON.stringify({ model: "demo", max_tokens: 10, messages: [{ role: "user", content: "hi" }] }),
    });
    expect(anthropic.status).toBe(401);
    expect(await errorOf(anthropic)).toEqual({ type: "error", error: { type: "authentication_error", message: `the API key '${id}' has been revoked` } });
    const again = await cli("keys", "enable", id, "--db", gateway.database);
    expect(again).toEqual({ exitCode: 1, stdout: "", stderr: `agw: the key '${id}' is revoked for good; make a new one\n` });
  });

  test("disable and enable: refused while disabled, served again after", async () => {
    const { id, key } = await createKey(gateway, "--id", "toggled");
    expect((await cli("keys", "disable", id, "--db", gateway.database)).exitCode).toBe(0);
    let response = await chat(gateway, key);
    for (let tries = 0; response.status === 200 && tries < 30; tries++) {
      await Bun.sleep(100);
      response = await chat(gateway, key);
    }
    expect(await errorOf(response)).toEqual({
      error: { message: "the API key 'toggled' is disabled", type: "invalid_request_error", param: null, code: "key_disabled" },
    });
    expect((await cli("keys", "enable", id, "--db", gateway.database)).exitCode).toBe(0);
    for (let tries = 0; response.status !== 200 && tries < 30; tries++) {
      await Bun.sleep(100);
      response = await chat(gateway, key);
    }
    expect(response.status).toBe(200);
  });

  test("an unknown key is a 401; the all-access key works beside client keys and is logged without a key id", async () => {
    const unknown = await chat(gateway, "agw_not-a-key-at-all");
    expect(unknown.status).toBe(401);
    expect(await errorOf(unknown)).toEqual({ error: { message: "invalid API key", type: "invalid_request_error", param: null, code: "invalid_api_key" } });
    const answer = await openai(gateway, "all-access-key-0123456789").chat.completions.create({ model: "demo", messages: [{ role: "user", content: "root" }] });
    expect(answer.choices[0]!.message.content).toBe("root");
    gateway.gateway.store.flush();
    expect(gateway.gateway.store.requestLogs.query({}).at(-1)!.keyId).toBeUndefined();
  });
});

describe("limits", () => {
  test("models: a key sees and uses only its models; others are a 403 naming the allowed ones", async () => {
    const gateway = gatewayWith({ models: { "gemini-*": "demo/echo", "claude-*": "demo/echo", "gpt-4o": "demo/echo" } });
    const { key } = await createKey(gateway, "--id", "gemini-only", "--models", "gemini-*,gpt-4o");
    expect((await chat(gateway, key, "gemini-2.5-flash")).status).toBe(200);
    const refused = await chat(gateway, key, "claude-sonnet-4-5");
    expect(refused.status).toBe(403);
    expect(await errorOf(refused)).toEqual({
      error: {
        message: "the API key 'gemini-only' may not use the model 'claude-sonnet-4-5'; it may use: gemini-*, gpt-4o",
        type: "permission_error",
        param: "model",
        code: "model_not_allowed",
      },
    });
    const gemini = await fetch(`${gateway.url}/v1beta/models/claude-sonnet-4-5:generateContent`, {
      method: "POST",
      headers: { "x-goog-api-key": key, "content-type": "application/json" },
      body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "hi" }] }] }),
    });
    expect(gemini.status).toBe(403);
    expect(await errorOf(gemini)).toEqual({
      error: { code: 403, status: "PERMISSION_DENIED", message: "the API key 'gemini-only' may not use the model 'claude-sonnet-4-5'; it may use: gemini-*, gpt-4o" },
    });
    const models = (await (await fetch(`${gateway.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } })).json()) as { data: Array<{ id: string }> };
    expect(models.data.map((model) => model.id)).toEqual(["gpt-4o"]);
    const all = (await (await fetch(`${gateway.url}/v1/models`, { headers: { authorization: "Bearer all-access-key-0123456789" } })).json()) as { data: Array<{ id: string }> };
    expect(all.data.map((model) => model.id)).toEqual(["gpt-4o"].concat(all.data.map((model) => model.id).filter((id) => id !== "gpt-4o")));
  });

  test("rpm under 50 concurrent requests: exactly the limit admitted, the rest 429 with Retry-After and OpenAI's rate-limit headers", async () => {
    const gateway = gatewayWith();
    const { key } = await createKey(gateway, "--id", "burst", "--rpm", "20");
    await freshMinute();
    const responses = await Promise.all(Array.from({ length: 50 }, () => chat(gateway, key)));
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 200).length).toBe(20);
    expect(statuses.filter((status) => status === 429).length).toBe(30);
    const admitted = responses.filter((response) => response.status === 200);
    expect(admitted.map((response) => Number(response.headers.get("x-ratelimit-remaining-requests"))).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, index) => index),
    );
    const refused = responses.find((response) => response.status === 429)!;
    const body = (await errorOf(refused)) as { error: { message: string } };
    const wait = Number(refused.headers.get("retry-after"));
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(60);
    expect(body as unknown).toEqual({
      error: {
        message: `the API key 'burst' reached its limit of 20 requests per minute; it frees up in ${formatResetDuration(wait * 1000)}`,
        type: "rate_limit_error",
        param: null,
        code: "rate_limit_exceeded",
      },
    });
    expect(rateHeaders(refused)).toEqual({ "limit-requests": "20", "remaining-requests": "0", "limit-tokens": null, "remaining-tokens": null });
    expect(refused.headers.get("x-ratelimit-reset-requests")).toBe(formatResetDuration(wait * 1000));
    expect(refused.headers.get("x-should-retry")).toBeNull();
    gateway.gateway.store.flush();
    const rows = gateway.gateway.store.requestLogs.query({});
    expect(rows.filter((row) => row.keyId === "burst" && row.status === 429).map((row) => row.errorClass)).toEqual(Array(30).fill("rate_limit_exceeded"));
  }, 30_000);

  test("tpm: tokens reserved at admission are settled with the real usage", async () => {
    const gateway = gatewayWith();
    const { key } = await createKey(gateway, "--id", "tokens", "--tpm", "60");
    await freshMinute();
    const first = await chat(gateway, key, "demo", "one two three four five six seven eight");
    expect(first.status).toBe(200);
    await first.text();
    gateway.gateway.store.flush();
    const row = gateway.gateway.store.requestLogs.query({}).at(-1)!;
    const used = row.inputTokens! + row.outputTokens!;
    // Reserved at admission: the estimate of the request (no max_tokens); shown as what is left.
    const reserved = 60 - Number(first.headers.get("x-ratelimit-remaining-tokens"));
    expect(reserved).toBeGreaterThan(0);
    expect(gateway.gateway.keys.usageNow("tokens").minuteTokens).toBe(used);
    let total = used;
    let response: Response | undefined;
    while (total < 60) {
      response = await chat(gateway, key, "demo", "one two three four five six seven eight");
      if (response.status !== 200) break;
      await response.text();
      gateway.gateway.store.flush();
      const last = gateway.gateway.store.requestLogs.query({}).at(-1)!;
      total += last.inputTokens! + last.outputTokens!;
    }
    response = await chat(gateway, key);
    expect(response.status).toBe(429);
    expect(((await errorOf(response)) as { error: { message: string } }).error.message).toMatch(
      new RegExp(`^the API key 'tokens' reached its limit of 60 tokens per minute \\(${total} used or reserved, this request needs about \\d+\\); it frees up in (\\d+s|1m0s)$`),
    );
    expect(gateway.gateway.keys.usageNow("tokens").minuteTokens).toBe(total);
  }, 30_000);

  test("daily requests hold across a restart", async () => {
    const gateway = gatewayWith({ auth: { mode: "strict", keys: [{ id: "daily", key: "${DAILY_KEY}", dailyRequests: 2 }] } }, { DAILY_KEY: "daily-secret-0123456789" });
    secrets.push("daily-secret-0123456789");
    expect((await chat(gateway, "daily-secret-0123456789")).status).toBe(200);
    expect((await chat(gateway, "daily-secret-0123456789")).status).toBe(200);
    await gateway.gateway.stop(true);
    const config = parseConfig(
      { database: gateway.database, auth: { mode: "strict", keys: [{ id: "daily", key: "${DAILY_KEY}", dailyRequests: 2 }] }, providers: { demo: { type: "mock" } }, models: { "*": "demo/echo" } },
      "agw.json",
      { DAILY_KEY: "daily-secret-0123456789" },
    );
    const restarted = startGateway(config, { host: "127.0.0.1", port: 0 });
    try {
      const response = await chat({ url: restarted.url.href.replace(/\/$/, "") } as TestGateway, "daily-secret-0123456789");
      expect(response.status).toBe(429);
      const midnight = 86_400_000 - (Date.now() % 86_400_000);
      expect(Math.abs(Number(response.headers.get("retry-after")) - midnight / 1000)).toBeLessThan(5);
      expect(response.headers.get("x-should-retry")).toBe("false");
      expect(rateHeaders(response)).toEqual({ "limit-requests": "2", "remaining-requests": "0", "limit-tokens": null, "remaining-tokens": null });
      expect(((await errorOf(response)) as { error: { message: string } }).error.message).toMatch(
        /^the API key 'daily' reached its limit of 2 requests per day \(UTC\); it frees up in \d+h\d+m\d+s$/,
      );
    } finally {
      await restarted.stop(true);
    }
  });

  test("a monthly budget by the pricing table: spent, then 429 in each protocol's quota shape", async () => {
    // One dollar per token both ways: the first answer spends the whole budget.
    const gateway = gatewayWith({ pricing: { echo: { input: 1_000_000, output: 1_000_000 } } });
    const { key } = await createKey(gateway, "--id", "budget", "--budget-usd", "1");
    expect((await chat(gateway, key, "demo", "spend it")).status).toBe(200);
    gateway.gateway.store.flush();
    const row = gateway.gateway.store.requestLogs.query({}).at(-1)!;
    expect(row.costUsd).toBe(row.inputTokens! + row.outputTokens!);
    const nextMonth = new Date(Date.now());
    const renews = new Date(Date.UTC(nextMonth.getUTCFullYear(), nextMonth.getUTCMonth() + 1, 1)).toISOString().slice(0, 10);
    const message = `the API key 'budget' has used its monthly budget of $1 ($${row.costUsd!.toFixed(4)} spent); it renews on ${renews}`;

    const openaiRefusal = await chat(gateway, key);
    expect(openaiRefusal.status).toBe(429);
    expect(openaiRefusal.headers.get("x-should-retry")).toBe("false");
    expect(await errorOf(openaiRefusal)).toEqual({ error: { message, type: "insufficient_quota", param: null, code: "insufficient_quota" } });
    const sdkError = await openai(gateway, key)
      .chat.completions.create({ model: "demo", messages: [{ role: "user", content: "hi" }] })
      .catch((error: unknown) => error);
    expect(sdkError).toBeInstanceOf(OpenAI.RateLimitError);
    expect((sdkError as InstanceType<typeof OpenAI.RateLimitError>).code).toBe("insufficient_quota");

    const anthropic = await fetch(`${gateway.url}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": key, "content-type": "application/json", "anthropic-version": "2023-06-01" },
      body: JSON.stringify({ model: "demo", max_tokens: 10, messages: [{ role: "user", content: "hi" }] }),
    });
    expect(anthropic.status).toBe(429);
    expect(await errorOf(anthropic)).toEqual({ type: "error", error: { type: "rate_limit_error", message } } as unknown);

    const gemini = await fetch(`${gateway.url}/v1beta/models/demo:generateContent?key=${key}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "hi" }] }] }),
    });
    expect(gemini.status).toBe(429);
    const geminiBody = (await errorOf(gemini)) as { error: { details: Array<{ retryDelay: string }> } };
    expect(geminiBody as unknown).toEqual({
      error: { code: 429, status: "RESOURCE_EXHAUSTED", message, details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: expect.stringMatching(/^\d+(\.\d+)?s$/) }] },
    });
    gateway.gateway.store.flush();
    const stats = await cli("stats", "--db", gateway.database, "--by", "key", "--json");
    printed.push(stats.stdout);
    const groups = stats.stdout.trimEnd().split("\n").map((line) => JSON.parse(line) as { key: string | null; requests: number; costUsd: number });
    expect(groups.find((group) => group.key === "budget")).toMatchObject({ key: "budget", requests: 5, errors: 4, costUsd: row.costUsd });
  });

  test("rate limits in the Anthropic and Gemini shapes, with Retry-After", async () => {
    const gateway = gatewayWith();
    const { key } = await createKey(gateway, "--id", "slow", "--rpm", "1");
    await freshMinute();
    expect((await chat(gateway, key)).status).toBe(200);
    const anthropic = await fetch(`${gateway.url}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": key, "content-type": "application/json", "anthropic-version": "2023-06-01" },
      body: JSON.stringify({ model: "demo", max_tokens: 10, messages: [{ role: "user", content: "hi" }] }),
    });
    expect(anthropic.status).toBe(429);
    const wait = Number(anthropic.headers.get("retry-after"));
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(60);
    expect(await errorOf(anthropic)).toEqual({
      type: "error",
      error: { type: "rate_limit_error", message: `the API key 'slow' reached its limit of 1 requests per minute; it frees up in ${formatResetDuration(wait * 1000)}` },
    });
    const gemini = await fetch(`${gateway.url}/v1beta/models/demo:streamGenerateContent?alt=sse`, {
      method: "POST",
      headers: { "x-goog-api-key": key, "content-type": "application/json" },
      body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "hi" }] }] }),
    });
    expect(gemini.status).toBe(429);
    expect(((await errorOf(gemini)) as { error: { status: string; code: number } }).error).toMatchObject({ code: 429, status: "RESOURCE_EXHAUSTED" });
    expect(gemini.headers.get("retry-after")).not.toBeNull();
  }, 30_000);
});

describe("managed through the admin API", () => {
  test("create (the secret once), list, show, change, revoke; config keys are changed in the config only", async () => {
    const gateway = gatewayWith(
      { auth: { mode: "strict", adminKey: "admin-key-0123456789", keys: [{ id: "from-config", keyHash: new Bun.CryptoHasher("sha256").update("config-secret-0123456789").digest("hex") }] } },
    );
    const admin = (path: string, init: RequestInit = {}) =>
      fetch(`${gateway.url}${path}`, { ...init, headers: { authorization: "Bearer admin-key-0123456789", "content-type": "application/json" } });
    const created = await admin("/admin/keys", { method: "POST", body: JSON.stringify({ name: "Mobile app", rpm: 30, models: ["demo"], metadata: { team: "mobile" } }) });
    expect(created.status).toBe(201);
    const body = (await created.json()) as { id: string; key: string };
    secrets.push(body.key);
    expect(body as unknown).toEqual({
      id: "mobile-app",
      key: expect.stringMatching(/^agw_/),
      source: "cli",
      name: "Mobile app",
      models: ["demo"],
      rpm: 30,
      metadata: { team: "mobile" },
      status: "active",
      createdAt: expect.any(String),
      usage: { today: { requests: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 }, month: { requests: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 } },
      now: { minuteRequests: 0, minuteTokens: 0, dayRequests: 0, dayTokens: 0, monthCostUsd: 0 },
    });
    const used = await chat(gateway, body.key);
    expect(used.status).toBe(200);
    expect(rateHeaders(used)).toEqual({ "limit-requests": "30", "remaining-requests": "29", "limit-tokens": null, "remaining-tokens": null });
    expect((await chat(gateway, "config-secret-0123456789")).status).toBe(200);

    const listText = await (await admin("/admin/keys")).text();
    printed.push(listText);
    const list = JSON.parse(listText) as { keys: Array<{ id: string; status: string; source: string; usage: { today: { requests: number } }; now: { minuteRequests: number } }> };
    expect(list.keys.map((key) => [key.id, key.source, key.status, key.usage.today.requests, key.now.minuteRequests])).toEqual([
      ["from-config", "config", "active", 1, 1],
      ["mobile-app", "cli", "active", 1, 1],
    ]);
    const changed = await admin("/admin/keys/mobile-app", { method: "PATCH", body: JSON.stringify({ rpm: null, tpm: 1000 }) });
    expect(((await changed.json()) as { rpm?: number; tpm?: number })).toMatchObject({ tpm: 1000 });
    expect((await (await admin("/admin/keys/mobile-app")).json()) as object).not.toHaveProperty("rpm");
    const bad = await admin("/admin/keys/mobile-app", { method: "PATCH", body: JSON.stringify({ rpm: -1 }) });
    expect(bad.status).toBe(400);
    expect(await errorOf(bad)).toEqual({
      error: { message: "rpm: Too small: expected number to be >0", type: "invalid_request_error", param: "rpm", code: "invalid_key" },
    });
    const configChange = await admin("/admin/keys/from-config/disable", { method: "POST" });
    expect(configChange.status).toBe(409);
    expect(await errorOf(configChange)).toEqual({
      error: {
        message: "the key 'from-config' comes from the config file (auth.keys): it is disabled there, then reloaded",
        type: "invalid_request_error",
        param: null,
        code: "key_conflict",
      },
    });
    const revoked = await admin("/admin/keys/mobile-app", { method: "DELETE" });
    expect(((await revoked.json()) as { status: string }).status).toBe("revoked");
    expect((await chat(gateway, body.key)).status).toBe(401);
    const missing = await admin("/admin/keys/nope");
    expect([missing.status, ((await missing.json()) as { error: { code: string } }).error.code]).toEqual([404, "key_not_found"]);
    // Client keys never open the admin API.
    const asClient = await fetch(`${gateway.url}/admin/keys`, { headers: { authorization: "Bearer config-secret-0123456789" } });
    expect(asClient.status).toBe(401);
  });
});

test("with auth off, a request carrying a client key is still counted and held to it; other keys are ignored", async () => {
  const gateway = gatewayWith({ auth: { mode: "off" } });
  const { key } = await createKey(gateway, "--id", "tracked", "--rpm", "1");
  // No key is needed, so an unknown one is not looked up: the new key counts once the gateway has reloaded its keys.
  for (let tries = 0; gateway.gateway.keys.size === 0 && tries < 30; tries++) await Bun.sleep(100);
  await freshMinute();
  expect((await chat(gateway, key)).status).toBe(200);
  expect((await chat(gateway, key)).status).toBe(429);
  expect((await chat(gateway, "whatever")).status).toBe(200);
  gateway.gateway.store.flush();
  expect(gateway.gateway.store.requestLogs.query({}).map((row) => [row.keyId ?? null, row.status])).toEqual([
    ["tracked", 200],
    ["tracked", 429],
    [null, 200],
  ]);
}, 30_000);

test("an expired key is refused; a key cannot be made already expired", async () => {
  const gateway = gatewayWith({ auth: { mode: "strict", keys: [{ id: "old", key: "old-secret-0123456789", expiresAt: "2026-01-01T00:00:00Z" }] } });
  secrets.push("old-secret-0123456789");
  const response = await chat(gateway, "old-secret-0123456789");
  expect(response.status).toBe(401);
  expect(await errorOf(response)).toEqual({
    error: { message: "the API key 'old' expired at 2026-01-01T00:00:00.000Z", type: "invalid_request_error", param: null, code: "key_expired" },
  });
  const made = await cli("keys", "create", "--db", gateway.database, "--expires", "2020-01-01T00:00:00Z");
  expect(made).toEqual({ exitCode: 2, stdout: "", stderr: "agw: expiresAt: 2020-01-01T00:00:00Z has passed already\n" });
  const listed = await cli("keys", "list", "--db", gateway.database, "--json");
  expect(listed.stdout.trimEnd().split("\n").map((line) => JSON.parse(line).status)).toEqual(["expired"]);
});

test("metrics per key: requests, tokens and spend by key id", async () => {
  const gateway = gatewayWith({ pricing: { echo: { input: 1, output: 2 } }, metrics: { public: true } });
  const { key } = await createKey(gateway, "--id", "metered");
  expect((await chat(gateway, key, "demo", "count these words please")).status).toBe(200);
  gateway.gateway.store.flush();
  const row = gateway.gateway.store.requestLogs.query({}).at(-1)!;
  const text = await (await fetch(`${gateway.url}/metrics`)).text();
  printed.push(text);
  const lines = text.split("\n").filter((line) => line.startsWith("agw_key_"));
  expect(lines).toEqual([
    `agw_key_requests_total{key="metered",status="200"} 1`,
    `agw_key_tokens_total{key="metered",direction="input"} ${row.inputTokens}`,
    `agw_key_tokens_total{key="metered",direction="output"} ${row.outputTokens}`,
    `agw_key_spend_usd_total{key="metered"} ${(row.inputTokens! * 1 + row.outputTokens! * 2) / 1_000_000}`,
  ]);
});

/** No secret in any error body, CLI listing, metric, or the database (its rows and its pages). */
function expectNoSecretsShown(): void {
  expect(secrets.length).toBeGreaterThan(5);
  for (const gateway of gateways) {
    let bytes = "";
    for (const file of [gateway.database, `${gateway.database}-wal`]) {
      try {
        bytes += readFileSync(file).toString("latin1");
      } catch {
        // no WAL file (checkpointed or closed)
      }
    }
    for (const secret of secrets) expect(bytes.includes(secret)).toBe(false);
  }
  for (const text of printed) for (const secret of secrets) expect(text.includes(secret)).toBe(false);
}

/**
 * The account pool under fire: a fake Gemini upstream whose behaviour is
 * chosen per account key, driven through the real gateway over HTTP.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { geminiErrorBody, startFakeGemini, type FakeGemini, type FakeGeminiReply } from "../harness/fake-gemini.ts";
import { startTestGateway, type TestGateway } from "../harness/gateway.ts";
import { startTokenEndpoint } from "../harness/token-endpoint.ts";

const rpc = "type.googleapis.com/google.rpc.";
const tooMany = (details: unknown[], headers?: Record<string, string>): FakeGeminiReply => ({
  type: "error",
  status: 429,
  body: geminiErrorBody(429, "Resource has been exhausted (e.g. check quota).", details),
  ...(headers ? { headers } : {}),
});

/** What each account key does, whatever the request. */
const faults: Record<string, FakeGeminiReply> = {
  "k-retry-after": tooMany([], { "retry-after": "7" }),
  "k-retry-date": tooMany([], { "retry-after": new Date(Date.now() + 600_000).toUTCString() }),
  "k-retryinfo": tooMany([{ "@type": `${rpc}RetryInfo`, retryDelay: "2.5s" }]),
  "k-quota": tooMany([
    { "@type": `${rpc}QuotaFailure`, violations: [{ quotaId: "GenerateRequestsPerDayPerProjectPerModel-FreeTier" }] },
    { "@type": `${rpc}ErrorInfo`, reason: "RATE_LIMIT_EXCEEDED", metadata: { quotaResetDelay: "5h0m0s" } },
  ]),
  "k-503": { type: "error", status: 503, message: "The model is overloaded. Please try again later." },
  "k-529": { type: "error", status: 529, message: "Overloaded" },
  "k-401": { type: "error", status: 401, message: "API key not valid. Please pass a valid API key." },
  "k-400": { type: "error", status: 400, message: "Invalid JSON payload received. Unknown name \"foo\"." },
  "k-hang": { type: "hang", ms: 3_000 },
  "k-error-first": { type: "stream", chunks: [geminiErrorBody(500, "An internal error has occurred.")] },
};

let gemini: FakeGemini;
let resetServer: Bun.TCPSocketListener<undefined>;
const gateways: TestGateway[] = [];
const database = () => join(mkdtempSync(join(tmpdir(), "agw-pool-e2e-")), "agw.db");

beforeAll(() => {
  gemini = startFakeGemini({ keyFaults: faults });
  // An upstream that accepts connections and drops them at once.
  resetServer = Bun.listen<undefined>({
    hostname: "127.0.0.1",
    port: 0,
    socket: {
      open(socket) {
        socket.end();
      },
      data() {},
    },
  });
});

afterAll(async () => {
  for (const gateway of gateways) await gateway.stop();
  await gemini.stop();
  resetServer.stop(true);
});

/**
 * A gateway whose provider g has these accounts. Unless `extra` says
 * otherwise, scheduling is by priority in the order given, so the first
 * account (the faulty one) is always tried first.
 */
function gatewayWith(accounts: Array<string | Record<string, unknown>>, extra: Record<string, unknown> = {}, path = database()): TestGateway {
  const gateway = startTestGateway({
    database: path,
    providers: {
      g: {
        type: "gemini",
        baseUrl: gemini.url,
        timeoutMs: 500,
        accounts: accounts.map((account, index) =>
          typeof account === "string" ? { id: account, apiKey: account, priority: index } : { priority: index, ...account },
        ),
      },
      dropped: { type: "gemini", baseUrl: `http://127.0.0.1:${resetServer.port}`, accounts: [{ id: "reset", apiKey: "k" }] },
    },
    models: { "*": "g/gemini-2.5-flash", "other-model": "g/gemini-2.5-pro", resetting: "dropped/gemini-2.5-flash" },
    scheduling: { mode: "priority" },
    ...extra,
  });
  gateways.push(gateway);
  return gateway;
}

async function ask(gateway: TestGateway, model = "m", headers: Record<string, string> = {}) {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
  });
  const body = (await response.json()) as any;
  gateway.gateway.store.flush();
  const log = gateway.gateway.store.requestLogs.get(response.headers.get("x-request-id")!)!;
  return { response, body, log, account: response.headers.get("x-account-email") };
}

const attempts = (log: { attemptDetails?: unknown[] }) => (log.attemptDetails ?? []) as Array<{ accountId: string; status: number; errorClass?: string; cooldownMs?: number }>;

describe("rate limits: the stated delay, per model, capped", () => {
  test.each([
    ["k-retry-after", 7_000, 7_000],
    ["k-retry-date", 590_000, 600_000],
    ["k-retryinfo", 2_500, 2_500],
    ["k-quota", 30 * 60_000, 30 * 60_000],
  ])("%s rests the account %d–%d ms and moves on to the next account at once", async (key, low, high) => {
    const gateway = gatewayWith([key, "good"]);
    const { response, log, account } = await ask(gateway);
    expect(response.status).toBe(200);
    expect(account).toBe("good");
    const [first, second] = attempts(log);
    expect(first).toMatchObject({ accountId: key, status: 429 });
    expect(first!.cooldownMs).toBeGreaterThanOrEqual(low);
    expect(first!.cooldownMs).toBeLessThanOrEqual(high);
    expect(second).toMatchObject({ accountId: "good", status: 200 });
    // The rest is for that model only.
    gemini.setScript(undefined);
    const other = await ask(gateway, "other-model");
    expect(attempts(other.log)[0]!.accountId).toBe(key);
  });

  test("every account resting: 429 with Retry-After set to the soonest reset, naming it", async () => {
    const gateway = gatewayWith(["k-retryinfo", "k-retry-after"]);
    const { response, body } = await ask(gateway);
    expect(response.status).toBe(429);
    expect(Number(response.headers.get("retry-after"))).toBe(3);
    expect(body.error.code).toBe("all_accounts_exhausted");
    expect(body.error.message).toMatch(/retry in 3 s/);
    const again = await ask(gateway);
    expect(again.response.status).toBe(429);
    expect(again.log.attempts).toBe(0);
  });

  test("with retry.maxWaitMs, a soon-free account is waited for instead", async () => {
    let calls = 0;
    const gateway = gatewayWith([{ id: "flaky", apiKey: "flaky" }], { retry: { maxWaitMs: 3_000, maxAttempts: 3 } });
    gemini.setScript((request) => (request.apiKey === "flaky" && calls++ === 0 ? tooMany([{ "@type": `${rpc}RetryInfo`, retryDelay: "0.4s" }]) : undefined));
    const { response, log } = await ask(gateway);
    gemini.setScript(undefined);
    expect(response.status).toBe(200);
    expect(attempts(log).map((attempt) => attempt.status)).toEqual([429, 200]);
  });

  test("a cooldown expires and the account serves again; a success clears the streak", async () => {
    let calls = 0;
    const gateway = gatewayWith([{ id: "once", apiKey: "once" }]);
    gemini.setScript((request) => (request.apiKey === "once" && calls++ === 0 ? tooMany([{ "@type": `${rpc}RetryInfo`, retryDelay: "0.3s" }]) : undefined));
    expect((await ask(gateway)).response.status).toBe(429);
    await Bun.sleep(350);
    expect((await ask(gateway)).response.status).toBe(200);
    gemini.setScript(undefined);
  });

  test("cooldowns survive a restart, and an expired one is not honoured", async () => {
    const path = database();
    const first = gatewayWith(["k-retry-after", "k-retryinfo", "good"], {}, path);
    await ask(first);
    await ask(first);
    await first.stop();
    await Bun.sleep(2_600);
    const second = gatewayWith(["k-retry-after", "k-retryinfo", "good"], {}, path);
    const tried = new Set<string>();
    for (let index = 0; index < 4; index++) for (const attempt of attempts((await ask(second)).log)) tried.add(attempt.accountId);
    expect(tried.has("k-retry-after")).toBe(false);
    expect(tried.has("k-retryinfo")).toBe(true);
  });
});

describe("failures that move on to the next account", () => {
  test.each(["k-503", "k-529", "k-hang", "k-error-first"])("%s → the next account answers", async (key) => {
    const gateway = gatewayWith([key, "good"]);
    const { response, log, account } = await ask(gateway);
    expect(response.status).toBe(200);
    expect(account).toBe("good");
    expect(attempts(log)[0]).toMatchObject({ accountId: key });
    expect(attempts(log)[0]!.cooldownMs).toBe(5_000);
  });

  test("a connection dropped by the upstream is retried, then 502 with the reason", async () => {
    const gateway = gatewayWith(["good"]);
    const { response, body, log } = await ask(gateway, "resetting");
    expect(response.status).toBe(502);
    expect(body.error.message).toContain("could not reach the upstream");
    expect(log.attempts).toBe(3);
  });

  test("401 takes the account out with the upstream's message; never a 401 to the client", async () => {
    const gateway = gatewayWith(["k-401", "good"]);
    const first = await ask(gateway);
    expect(first.response.status).toBe(200);
    expect(gateway.gateway.store.accounts.get("g", "k-401")?.disabledReason).toContain("API key not valid");
    for (let index = 0; index < 3; index++) expect(attempts((await ask(gateway)).log).map((a) => a.accountId)).toEqual(["good"]);
    const alone = gatewayWith(["k-401"]);
    const refused = await ask(alone);
    expect(refused.response.status).toBe(502);
  });

  test("400 is the request's fault: no retry, the upstream's message in the client's shape", async () => {
    const gateway = gatewayWith(["k-400", "good"]);
    const { response, body, log } = await ask(gateway);
    expect(response.status).toBe(400);
    expect(body.error.message).toContain("Invalid JSON payload");
    expect(log.attempts).toBe(1);
  });
});

describe("scheduling under load", () => {
  test("200 concurrent requests over 5 accounts: none lost, spread evenly (round-robin)", async () => {
    const ids = ["a", "b", "c", "d", "e"];
    const gateway = gatewayWith(ids.map((id) => ({ id, apiKey: id, priority: 0 })), { scheduling: { mode: "round-robin" } });
    const results = await Promise.all(Array.from({ length: 200 }, () => ask(gateway)));
    expect(results.every((result) => result.response.status === 200)).toBe(true);
    const counts: Record<string, number> = {};
    for (const result of results) counts[result.account!] = (counts[result.account!] ?? 0) + 1;
    expect(counts).toEqual({ a: 40, b: 40, c: 40, d: 40, e: 40 });
  });

  test("weights shape the spread", async () => {
    const gateway = gatewayWith(
      [{ id: "big", apiKey: "big", weight: 3, priority: 0 }, { id: "small", apiKey: "small", weight: 1, priority: 0 }],
      { scheduling: { mode: "round-robin" } },
    );
    const results = await Promise.all(Array.from({ length: 40 }, () => ask(gateway)));
    expect(results.filter((result) => result.account === "big")).toHaveLength(30);
  });

  test("sticky: a session stays on its account, and moves when that account rests", async () => {
    const gateway = gatewayWith(
      ["a", "b", "c"].map((id) => ({ id, apiKey: id, priority: 0 })),
      { scheduling: { mode: "sticky" } },
    );
    const session = { "x-session-id": "session-1" };
    const first = (await ask(gateway, "m", session)).account!;
    for (let index = 0; index < 4; index++) expect((await ask(gateway, "m", session)).account).toBe(first);
    gemini.setScript((request) => (request.apiKey === first ? tooMany([{ "@type": `${rpc}RetryInfo`, retryDelay: "60s" }]) : undefined));
    const moved = (await ask(gateway, "m", session)).account!;
    gemini.setScript(undefined);
    expect(moved).not.toBe(first);
    expect((await ask(gateway, "m", session)).account).toBe(moved);
  });

  test("priority: paid fallback accounts serve only while the free ones rest", async () => {
    const gateway = gatewayWith(
      [{ id: "free", apiKey: "free" }, { id: "paid", apiKey: "paid" }],
    );
    expect((await ask(gateway)).account).toBe("free");
    gemini.setScript((request) => (request.apiKey === "free" ? tooMany([{ "@type": `${rpc}RetryInfo`, retryDelay: "60s" }]) : undefined));
    expect((await ask(gateway)).account).toBe("paid");
    gemini.setScript(undefined);
    expect((await ask(gateway)).account).toBe("paid");
  });

  test("daily request limits move the load to the next account", async () => {
    const gateway = gatewayWith([{ id: "limited", apiKey: "limited", dailyRequestLimit: 2 }, { id: "spare", apiKey: "spare" }]);
    const served = [];
    for (let index = 0; index < 4; index++) served.push((await ask(gateway)).account);
    expect(served).toEqual(["limited", "limited", "spare", "spare"]);
  });
});

describe("OAuth accounts", () => {
  test("a refresh token becomes a Bearer access token; 50 concurrent requests make one token request", async () => {
    const endpoint = startTokenEndpoint({ kind: "token", expiresIn: 3600, delayMs: 50 });
    try {
      const gateway = gatewayWith([{ id: "oauth-user", oauth: { tokenUrl: endpoint.url, clientId: "client", clientSecret: "secret", refreshToken: "refresh-1" } }]);
      const results = await Promise.all(Array.from({ length: 50 }, () => ask(gateway)));
      expect(results.every((result) => result.response.status === 200)).toBe(true);
      expect(endpoint.requests).toHaveLength(1);
      expect(gemini.requests.at(-1)!.headers.get("authorization")).toBe("Bearer access-1");
    } finally {
      await endpoint.stop();
    }
  });

  test("invalid_grant takes the account out and the next account answers", async () => {
    const endpoint = startTokenEndpoint({ kind: "error", error: "invalid_grant" });
    try {
      const gateway = gatewayWith([
        { id: "revoked", oauth: { tokenUrl: endpoint.url, clientId: "client", refreshToken: "refresh-x" } },
        "good",
      ]);
      const { response, account } = await ask(gateway);
      expect(response.status).toBe(200);
      expect(account).toBe("good");
      gateway.gateway.store.flush();
      expect(gateway.gateway.store.accounts.get("g", "revoked")?.disabledReason).toContain("invalid_grant");
      expect(JSON.stringify(gateway.gateway.store.requestLogs.recent())).not.toContain("refresh-x");
    } finally {
      await endpoint.stop();
    }
  });
});

describe("the accounts CLI and a running server", () => {
  const cli = (...args: string[]) => {
    const result = Bun.spawnSync([process.execPath, join(import.meta.dir, "../../src/main.ts"), "accounts", ...args], {
      stdout: "pipe",
      stderr: "pipe",
      env: { ...process.env, AGW_TEST_NEW_KEY: "added-key" },
    });
    return { code: result.exitCode, out: result.stdout.toString(), err: result.stderr.toString() };
  };
  /** Asks until the server answers from `account`, for at most 3 s (it polls the database every second). */
  async function servedBy(gateway: TestGateway, account: string): Promise<boolean> {
    for (const end = Date.now() + 3_000; Date.now() < end; await Bun.sleep(100)) {
      if ((await ask(gateway)).account === account) return true;
    }
    return false;
  }

  test("disable, enable, add and reset reach the running server within a second or so", async () => {
    const path = database();
    const gateway = gatewayWith(["first", "second"], {}, path);
    expect((await ask(gateway)).account).toBe("first");

    expect(cli("disable", "first", "--provider", "g", "--db", path).code).toBe(0);
    expect(await servedBy(gateway, "second")).toBe(true);
    expect(cli("enable", "first", "--provider", "g", "--db", path).code).toBe(0);
    expect(await servedBy(gateway, "first")).toBe(true);

    const added = cli("add", "--provider", "g", "--id", "added", "--api-key-env", "AGW_TEST_NEW_KEY", "--priority", "0", "--db", path);
    expect(added.err).toBe("");
    expect(added.code).toBe(0);
    expect(cli("disable", "first", "--provider", "g", "--db", path).code).toBe(0);
    expect(await servedBy(gateway, "added")).toBe(true);
    expect(gemini.requests.at(-1)!.apiKey).toBe("added-key");

    const listed = cli("list", "--json", "--db", path);
    expect(listed.code).toBe(0);
    expect(listed.out).not.toContain("added-key");
    const statuses = JSON.parse(listed.out) as Array<{ id: string; state: string; source: string }> | { accounts: Array<{ id: string; state: string; source: string }> };
    const list = Array.isArray(statuses) ? statuses : statuses.accounts;
    expect(list.find((account) => account.id === "added")).toMatchObject({ state: "ready", source: "cli" });
    expect(list.find((account) => account.id === "first")).toMatchObject({ state: "disabled" });
  }, 20_000);

  test("reset clears a running server's cooldown", async () => {
    const path = database();
    const gateway = gatewayWith(["k-retry-after", "good"], {}, path);
    await ask(gateway);
    expect(cli("reset", "k-retry-after", "--provider", "g", "--db", path).code).toBe(0);
    // Still faulty upstream: the account is tried again at once (its cooldown is gone).
    for (const end = Date.now() + 3_000; Date.now() < end; await Bun.sleep(100)) {
      const { log } = await ask(gateway);
      if (attempts(log)[0]?.accountId === "k-retry-after") return;
    }
    throw new Error("the reset account was not tried again");
  }, 20_000);
});

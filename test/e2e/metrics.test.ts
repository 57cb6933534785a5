/**
 * GET /metrics after real traffic of every client protocol through the
 * gateway to the mock provider, failures included: exact series values, the
 * guard, and Prometheus' own `promtool check metrics` on the scrape.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { startTestGateway, type TestGateway } from "../harness/gateway.ts";

const ADMIN_KEY = "metrics-admin-key";
let agw: TestGateway;
let scrape: string;

beforeAll(async () => {
  agw = startTestGateway({
    auth: { apiKey: "client-key", adminKey: ADMIN_KEY },
    providers: { demo: { type: "mock" } },
    models: { "*": "demo/echo", "fail-429": "demo/error-429", "fail-500": "demo/error-500", "fail-midstream": "demo/error-midstream" },
    retry: { maxAttempts: 1 },
  });
  await drive();
  scrape = await (await fetch(`${agw.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).text();
  if (process.env.PRINT_SCRAPE) console.log(scrape);
});

afterAll(async () => {
  await agw?.stop();
});

async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  const response = await fetch(`${agw.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer client-key", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  await response.text();
  return response;
}

const anthropicHeaders = { "anthropic-version": "2023-06-01" };

/** One request of every protocol, a stream, three upstream failures, a warm-up probe and a body that does not parse. */
async function drive(): Promise<void> {
  const statuses = [
    (await post("/v1/chat/completions", { model: "gpt-4o", messages: [{ role: "user", content: "hello there" }] })).status,
    (await post("/v1/chat/completions", { model: "gpt-4o", stream: true, messages: [{ role: "user", content: "hello again" }] })).status,
    (await post("/v1/chat/completions", { model: "fail-500", messages: [{ role: "user", content: "hi" }] })).status,
    (await post("/v1/chat/completions", "{not json")).status,
    (await post("/v1/responses", { model: "gpt-5", input: "what is up" })).status,
    (await post("/v1/completions", { model: "davinci", prompt: "once upon a time" })).status,
    (await post("/v1/messages", { model: "claude-sonnet-4-5", max_tokens: 100, messages: [{ role: "user", content: "hello claude" }] }, anthropicHeaders)).status,
    (await post("/v1/messages", { model: "claude-sonnet-4-5", max_tokens: 100, stream: true, messages: [{ role: "user", content: "stream it" }] }, anthropicHeaders)).status,
    (await post("/v1/messages", { model: "claude-haiku-4-5", max_tokens: 1, messages: [{ role: "user", content: "Warmup" }] }, anthropicHeaders)).status,
    (await post("/v1/messages", { model: "fail-429", max_tokens: 100, messages: [{ role: "user", content: "hi" }] }, anthropicHeaders)).status,
    (await post("/v1/messages", { model: "fail-midstream", max_tokens: 100, stream: true, messages: [{ role: "user", content: "hi" }] }, anthropicHeaders)).status,
    (await post("/v1beta/models/gemini-2.5-pro:generateContent", { contents: [{ role: "user", parts: [{ text: "hello gemini" }] }] })).status,
  ];
  expect(statuses).toEqual([200, 200, 502, 400, 200, 200, 200, 200, 200, 429, 200, 200]);
}

test("requests are counted by route, protocol, provider, mapped model and status", () => {
  const requests = scrape.split("\n").filter((line) => line.startsWith("agw_requests_total{"));
  expect(requests.sort()).toEqual(
    [
      'agw_requests_total{route="/v1/chat/completions",protocol="openai-chat",provider="demo",model="echo",status="200"} 2',
      'agw_requests_total{route="/v1/chat/completions",protocol="openai-chat",provider="demo",model="error-500",status="502"} 1',
      'agw_requests_total{route="/v1/chat/completions",protocol="openai-chat",provider="none",model="unmapped",status="400"} 1',
      'agw_requests_total{route="/v1/responses",protocol="openai-responses",provider="demo",model="echo",status="200"} 1',
      'agw_requests_total{route="/v1/completions",protocol="openai-completions",provider="demo",model="echo",status="200"} 1',
      'agw_requests_total{route="/v1/messages",protocol="anthropic",provider="demo",model="echo",status="200"} 2',
      'agw_requests_total{route="/v1/messages",protocol="anthropic",provider="none",model="unmapped",status="200"} 1',
      'agw_requests_total{route="/v1/messages",protocol="anthropic",provider="demo",model="error-429",status="429"} 1',
      'agw_requests_total{route="/v1/messages",protocol="anthropic",provider="demo",model="error-midstream",status="200"} 1',
      'agw_requests_total{route="/v1beta/models",protocol="gemini",provider="demo",model="echo",status="200"} 1',
    ].sort(),
  );
});

const lines = (name: string) => scrape.split("\n").filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));

test("upstream attempts by outcome, tokens of the echoed answers, and the warm-up interception", () => {
  // The mid-stream failure's attempt was answered (its error came after the first byte), so it counts as ok.
  expect(lines("agw_upstream_attempts_total")).toEqual([
    'agw_upstream_attempts_total{provider="demo",account="local",outcome="ok"} 8',
    'agw_upstream_attempts_total{provider="demo",account="local",outcome="server_error"} 1',
    'agw_upstream_attempts_total{provider="demo",account="local",outcome="rate_limited"} 1',
  ]);
  // The mock counts characters ÷ 4, rounded up, per request (README, "The mock provider").
  expect(lines("agw_tokens_total")).toEqual([
    'agw_tokens_total{provider="demo",model="echo",account="local",direction="input"} 22',
    'agw_tokens_total{provider="demo",model="echo",account="local",direction="output"} 22',
  ]);
  expect(lines("agw_intercepted_total")).toEqual(['agw_intercepted_total{kind="warmup"} 1']);
  expect(lines("agw_signatures_dropped_total")).toEqual(["agw_signatures_dropped_total 0"]);
  expect(lines("agw_signatures_retried_total")).toEqual(["agw_signatures_retried_total 0"]);
});

test("latency and time-to-first-byte histograms by protocol and provider", () => {
  expect(lines("agw_request_duration_seconds_count")).toEqual([
    'agw_request_duration_seconds_count{protocol="openai-chat",provider="demo"} 3',
    'agw_request_duration_seconds_count{protocol="openai-chat",provider="none"} 1',
    'agw_request_duration_seconds_count{protocol="openai-responses",provider="demo"} 1',
    'agw_request_duration_seconds_count{protocol="openai-completions",provider="demo"} 1',
    'agw_request_duration_seconds_count{protocol="anthropic",provider="demo"} 4',
    'agw_request_duration_seconds_count{protocol="anthropic",provider="none"} 1',
    'agw_request_duration_seconds_count{protocol="gemini",provider="demo"} 1',
  ]);
  // Every +Inf bucket holds the whole count.
  expect(lines("agw_request_duration_seconds_bucket").filter((line) => line.includes('le="+Inf"')).map((line) => line.split(" ")[1])).toEqual(["3", "1", "1", "1", "4", "1", "1"]);
  expect(lines("agw_time_to_first_byte_seconds_count")).toEqual([
    'agw_time_to_first_byte_seconds_count{protocol="openai-chat",provider="demo"} 2',
    'agw_time_to_first_byte_seconds_count{protocol="openai-responses",provider="demo"} 1',
    'agw_time_to_first_byte_seconds_count{protocol="openai-completions",provider="demo"} 1',
    'agw_time_to_first_byte_seconds_count{protocol="anthropic",provider="demo"} 3',
    'agw_time_to_first_byte_seconds_count{protocol="gemini",provider="demo"} 1',
  ]);
});

test("gauges: nothing in flight, the mock's one account, build info and the process series", () => {
  expect(lines("agw_inflight_requests")).toEqual(["agw_inflight_requests 0"]);
  const accounts = lines("agw_accounts");
  expect(accounts.map((line) => line.replace(/ \d+$/, ""))).toEqual(
    ["ready", "cooling", "needs_attention", "disabled"].map((state) => `agw_accounts{provider="demo",state="${state}"}`),
  );
  expect(accounts.reduce((sum, line) => sum + Number(line.split(" ")[1]), 0)).toBe(1);
  expect(lines("agw_build_info")).toHaveLength(1);
  expect(lines("agw_build_info")[0]).toMatch(/^agw_build_info\{version="\d+\.\d+\.\d+[^"]*",commit="[^"]+"\} 1$/);
  for (const name of ["agw_log_queue_depth", "process_resident_memory_bytes", "process_cpu_seconds_total", "process_start_time_seconds", "process_open_fds"]) {
    expect(lines(name)).toEqual([expect.stringMatching(new RegExp(`^${name} \\d+(\\.\\d+)?$`))]);
  }
});

test("/metrics needs the admin key: a 401 in OpenAI's error shape without it or with the client key", async () => {
  for (const headers of [{}, { authorization: "Bearer client-key" }] as Array<Record<string, string>>) {
    const response = await fetch(`${agw.url}/metrics`, { headers });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      error:
        "authorization" in headers
          ? { message: "invalid API key", type: "invalid_request_error", param: null, code: "invalid_api_key" }
          : {
              message: "missing API key: send it as 'Authorization: Bearer <key>', 'x-api-key' or 'x-goog-api-key'",
              type: "invalid_request_error",
              param: null,
              code: "missing_api_key",
            },
    });
  }
  const scraped = await fetch(`${agw.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
  expect(scraped.status).toBe(200);
  expect(scraped.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
  await scraped.text();
});

test("with no admin key nor API key configured, /metrics is closed and says how to open it", async () => {
  const closed = startTestGateway({ providers: { demo: { type: "mock" } }, models: { "*": "demo/echo" } });
  try {
    const response = await fetch(`${closed.url}/metrics`);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      error: {
        message: "/metrics needs a key: set auth.adminKey (or auth.apiKey) in the config, or metrics.public to true",
        type: "invalid_request_error",
        param: null,
        code: "no_admin_key_configured",
      },
    });
  } finally {
    await closed.stop();
  }
});

test("with metrics.public the scrape needs no key", async () => {
  const open = startTestGateway({ auth: { apiKey: "client-key" }, providers: { demo: { type: "mock" } }, models: { "*": "demo/echo" }, metrics: { public: true } });
  try {
    const response = await fetch(`${open.url}/metrics`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("agw_inflight_requests 0\n");
  } finally {
    await open.stop();
  }
});

test("promtool check metrics accepts the scrape", async () => {
  const promtool = Bun.which("promtool");
  if (promtool === null) {
    throw new Error("promtool is not installed: install Debian's prometheus package (apt-get install -y --no-install-recommends prometheus)");
  }
  const check = Bun.spawn([promtool, "check", "metrics"], { stdin: new Blob([scrape]), stdout: "pipe", stderr: "pipe" });
  const [code, output, errors] = await Promise.all([check.exited, new Response(check.stdout).text(), new Response(check.stderr).text()]);
  expect({ code, output: `${output}${errors}` }).toEqual({ code: 0, output: "" });
});

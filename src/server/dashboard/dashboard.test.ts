import { describe, expect, test } from "bun:test";
import { accountFromForm } from "./accounts-page.ts";
import { formatDuration, formatTokens } from "./format.ts";
import { histogramPercentile, OverviewSummary } from "./overview-summary.ts";
import { html } from "./html.ts";
import { requestRow, rowMatches } from "./requests-page.ts";
import { DashboardSessions, SESSION_MS, sessionCookie, sessionSetCookie } from "./session.ts";

describe("html", () => {
  test("escapes every interpolated value, joins arrays, keeps nested templates", () => {
    const name = `<img src=x onerror="alert('x')">&`;
    expect(html`<td title="${name}">${name}</td>${[html`<b>${"a<b"}</b>`, "c>d"]}`.text).toBe(
      `<td title="&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;&amp;">&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;&amp;</td><b>a&lt;b</b>c&gt;d`,
    );
    expect(html`${undefined}${null}${false}${0}`.text).toBe("0");
  });

  test("a request row shows what a client sent only as text", () => {
    const row = requestRow({
      id: "r1",
      startedAt: Date.UTC(2026, 11, 3, 17, 0, 5),
      route: "/v1/chat/completions",
      protocol: "openai-chat",
      requestedModel: "<script>alert(1)</script>",
      stream: true,
      status: 404,
      attempts: 0,
      errorClass: "model_not_found",
    }).text;
    expect(row).toBe(
      '<tr data-request-id="r1" data-status="404"><td><a href="/ui/requests/r1"><time datetime="2026-12-03T17:00:05.000Z" data-local="time">17:00:05 UTC</time></a></td><td><span class="status status-4xx">404</span></td><td>openai-chat <small>stream</small></td><td>&lt;script&gt;alert(1)&lt;/script&gt;</td><td></td><td class="num"></td><td class="num"></td><td class="num"></td><td class="num">0</td><td>model_not_found</td></tr>',
    );
  });
});

describe("sessions", () => {
  const now = Date.UTC(2026, 11, 3, 12);

  test("a token is valid until it expires, and only under the key that made it", () => {
    const sessions = new DashboardSessions("admin-key");
    const token = sessions.issue(now);
    expect(sessions.valid(token, now)).toBe(true);
    expect(sessions.valid(token, now + SESSION_MS - 1)).toBe(true);
    expect(sessions.valid(token, now + SESSION_MS)).toBe(false);
    expect(new DashboardSessions("admin-key").valid(token, now)).toBe(true);
    expect(new DashboardSessions("another-key").valid(token, now)).toBe(false);
  });

  test("a tampered, truncated or far-future token is refused", () => {
    const sessions = new DashboardSessions("admin-key");
    const token = sessions.issue(now);
    const [expires, nonce, mac] = token.split(".");
    expect(sessions.valid(`${Number(expires) + 1}.${nonce}.${mac}`, now)).toBe(false);
    expect(sessions.valid(`${expires}.${nonce}x.${mac}`, now)).toBe(false);
    expect(sessions.valid(`${expires}.${nonce}`, now)).toBe(false);
    expect(sessions.valid("", now)).toBe(false);
    expect(sessions.valid(undefined, now)).toBe(false);
    // A token made to last longer than a session cannot be valid, even with a correct MAC.
    expect(sessions.valid(sessions.issue(now + SESSION_MS), now)).toBe(false);
  });

  test("signing out ends that session only", () => {
    const sessions = new DashboardSessions("admin-key");
    const a = sessions.issue(now);
    const b = sessions.issue(now);
    expect(a).not.toBe(b);
    sessions.signOut(a);
    expect(sessions.valid(a, now)).toBe(false);
    expect(sessions.valid(b, now)).toBe(true);
  });

  test("the CSRF token belongs to its session", () => {
    const sessions = new DashboardSessions("admin-key");
    const a = sessions.issue(now);
    const b = sessions.issue(now);
    expect(sessions.validCsrf(a, sessions.csrfToken(a))).toBe(true);
    expect(sessions.validCsrf(a, sessions.csrfToken(b))).toBe(false);
    expect(sessions.validCsrf(a, null)).toBe(false);
    expect(sessions.validCsrf(a, "")).toBe(false);
  });

  test("the cookie: httpOnly, SameSite=Strict, scoped to /ui, Secure over HTTPS; read back from a Cookie header", () => {
    expect(sessionSetCookie("t.o.k", false)).toBe("agw_session=t.o.k; Path=/ui; HttpOnly; SameSite=Strict; Max-Age=43200");
    expect(sessionSetCookie(undefined, true)).toBe("agw_session=; Path=/ui; HttpOnly; SameSite=Strict; Max-Age=0; Secure");
    const request = new Request("http://x/ui", { headers: { cookie: "other=1; agw_session=t.o.k ; more=2" } });
    expect(sessionCookie(request)).toBe("t.o.k");
    expect(sessionCookie(new Request("http://x/ui"))).toBeUndefined();
  });
});

describe("forms and filters", () => {
  test("the add-account form becomes the admin API's body: only the chosen credentials, numbers as numbers", () => {
    const form = new URLSearchParams({
      csrf: "c",
      provider: "gemini",
      id: " new ",
      kind: "oauth",
      apiKey: "ignored-because-oauth-was-chosen",
      refreshToken: "1//refresh",
      clientId: "client",
      clientSecret: "",
      tokenUrl: "https://oauth2.googleapis.com/token",
      models: "gemini-2.5-flash, gemini-2.5-pro,",
      dailyRequestLimit: "250",
      dailyTokenLimit: "lots",
      weight: "",
      priority: "1",
    });
    const { body, draft } = accountFromForm(form);
    expect(body).toEqual({
      provider: "gemini",
      id: "new",
      oauth: { tokenUrl: "https://oauth2.googleapis.com/token", clientId: "client", refreshToken: "1//refresh" },
      models: ["gemini-2.5-flash", "gemini-2.5-pro"],
      dailyRequestLimit: 250,
      dailyTokenLimit: "lots",
      priority: 1,
    });
    // What the form shows again after a refusal: never a secret.
    expect(JSON.stringify(draft)).not.toContain("refresh");
    expect(JSON.stringify(draft)).not.toContain("ignored-because");
  });

  test("live-log filters: status class or code, protocol, provider, account, requested or mapped model", () => {
    const row = { id: "r", startedAt: 0, route: "/v1/messages", protocol: "anthropic", requestedModel: "claude-x", mappedModel: "gemini-2.5-pro", provider: "gemini", accountId: "a1", stream: true, status: 429, attempts: 2 };
    expect(rowMatches(row, {})).toBe(true);
    expect(rowMatches(row, { status: "4xx" })).toBe(true);
    expect(rowMatches(row, { status: "429" })).toBe(true);
    expect(rowMatches(row, { status: "5xx" })).toBe(false);
    expect(rowMatches(row, { protocol: "anthropic", provider: "gemini", account: "a1", model: "gemini-2.5-pro" })).toBe(true);
    expect(rowMatches(row, { model: "claude-x" })).toBe(true);
    expect(rowMatches(row, { model: "other" })).toBe(false);
    expect(rowMatches(row, { account: "a2" })).toBe(false);
  });

  test("durations and token counts read as people write them", () => {
    expect([850, 1234, 12_500, 65_000, 3_600_000 + 600_000, 90_000_000].map(formatDuration)).toEqual(["850 ms", "1.2 s", "12 s", "1 min 05 s", "1 h 10 min", "1 d 1 h"]);
    expect([950, 1234, 12_345, 4_560_000].map(formatTokens)).toEqual(["950", "1.23k", "12.3k", "4.56M"]);
  });
});

describe("the overview's sums", () => {
  test("slices add up to totals, per model and account, and chart bars; percentiles come from the latency histogram", () => {
    const bucket = (ms: number) => Math.floor(Math.log(ms + 1) * 16);
    const summary = new OverviewSummary(0, 120_000, 60_000);
    summary.add(0, [
      { model: "fast", account: "a", failed: false, bucket: bucket(100), requests: 8, inputTokens: 80, outputTokens: 8 },
      { model: "fast", account: "b", failed: true, bucket: bucket(2_000), requests: 2, inputTokens: 0, outputTokens: 0 },
    ]);
    summary.add(30_000, [{ model: "smart", account: "a", failed: false, bucket: bucket(5_000), requests: 1, inputTokens: 10, outputTokens: 1 }]);
    summary.add(60_000, [{ model: null, account: null, failed: true, bucket: null, requests: 1, inputTokens: 0, outputTokens: 0 }]);
    const { total, byModel, byAccount, timeline } = summary.result();
    // A percentile is the middle of its latency's bucket: within 3% of the latency.
    const near = (ms: number) => Math.round(Math.exp((bucket(ms) + 0.5) / 16) - 1);
    for (const ms of [100, 2_000, 5_000]) expect(Math.abs(near(ms) - ms) / ms).toBeLessThan(0.03);
    expect(total).toEqual({ group: "all", requests: 12, errors: 3, p50Ms: near(100), p95Ms: near(5_000), inputTokens: 90, outputTokens: 9 });
    expect(byModel.map((row) => [row.group, row.requests, row.errors])).toEqual([["fast", 10, 2], ["smart", 1, 0], [null, 1, 1]]);
    expect(byModel[0]).toMatchObject({ p50Ms: near(100), p95Ms: near(2_000) });
    expect(byModel[2]).toMatchObject({ p50Ms: null, p95Ms: null });
    expect(byAccount.map((row) => [row.group, row.requests, row.inputTokens])).toEqual([["a", 9, 90], ["b", 2, 0], [null, 1, 0]]);
    expect(timeline).toEqual([
      { start: 0, requests: 11, errors: 2, inputTokens: 90, outputTokens: 9 },
      { start: 60_000, requests: 1, errors: 1, inputTokens: 0, outputTokens: 0 },
    ]);
  });

  test("a histogram percentile is the nearest rank's bucket", () => {
    expect(histogramPercentile(new Map(), 0.5)).toBeNull();
    const histogram = new Map([[10, 50], [100, 45], [150, 5]]);
    expect(histogramPercentile(histogram, 0.5)).toBe(Math.round(Math.exp(10.5 / 16) - 1));
    expect(histogramPercentile(histogram, 0.95)).toBe(Math.round(Math.exp(100.5 / 16) - 1));
    expect(histogramPercentile(histogram, 0.96)).toBe(Math.round(Math.exp(150.5 / 16) - 1));
  });
});

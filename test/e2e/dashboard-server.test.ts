/**
 * The dashboard over plain HTTP, where no browser is needed: its live log
 * ends when the gateway stops (an open dashboard never holds a shutdown up
 * for its drain time), pages refuse to be framed or to run foreign scripts,
 * and its assets revalidate by ETag.
 */
import { expect, test } from "bun:test";
import { startTestGateway } from "../harness/gateway.ts";

const ADMIN_KEY = "dashboard-server-admin-key";

async function signedInCookie(url: string): Promise<string> {
  const answer = await fetch(`${url}/ui/sign-in`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: url },
    body: new URLSearchParams({ key: ADMIN_KEY, next: "/ui/requests" }),
  });
  expect(answer.status).toBe(303);
  expect(answer.headers.get("location")).toBe("/ui/requests");
  return answer.headers.get("set-cookie")!.split(";")[0]!;
}

test("an open live log ends when the gateway stops, without waiting out shutdown.drainMs", async () => {
  const agw = startTestGateway({
    auth: { adminKey: ADMIN_KEY },
    // Far longer than the test may take: only the feed closing lets stop() end.
    shutdown: { drainMs: 60_000 },
    providers: { demo: { type: "mock" } },
    models: { "*": "demo/echo" },
  });
  const cookie = await signedInCookie(agw.url);
  const events = await fetch(`${agw.url}/ui/requests/events`, { headers: { cookie } });
  expect(events.headers.get("content-type")).toBe("text/event-stream");
  const reader = events.body!.getReader();
  const decoder = new TextDecoder();
  expect(decoder.decode((await reader.read()).value)).toBe(": live\n\n");

  const chat = await fetch(`${agw.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "<b>live</b>" }] }),
  });
  const id = chat.headers.get("x-request-id")!;
  const event = decoder.decode((await reader.read()).value);
  expect(event.startsWith(`event: row\ndata: {"id":"${id}","html":"<tr data-request-id=\\"${id}\\" data-status=\\"200\\">`)).toBe(true);
  expect(event.endsWith("</tr>\"}\n\n")).toBe(true);

  // A gentle stop, as SIGTERM does: it waits for open requests up to drainMs.
  await agw.gateway.stop();
  await agw.stop();
  let rest = "";
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += decoder.decode(chunk.value);
  expect(rest).toBe("");
}, 10_000);

test("pages forbid framing and foreign scripts; assets revalidate by ETag; signed-out parts answer 401", async () => {
  const agw = startTestGateway({ auth: { adminKey: ADMIN_KEY }, providers: { demo: { type: "mock" } }, models: { "*": "demo/echo" } });
  try {
    const page = await fetch(`${agw.url}/ui/sign-in`);
    expect(Object.fromEntries([...page.headers].filter(([name]) => name !== "date" && name !== "content-length"))).toEqual({
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      "content-security-policy":
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
      "x-frame-options": "DENY",
      "x-content-type-options": "nosniff",
      "referrer-policy": "same-origin",
    });
    const script = await fetch(`${agw.url}/ui/assets/dashboard.js`);
    const etag = script.headers.get("etag")!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{22}"$/);
    const again = await fetch(`${agw.url}/ui/assets/dashboard.js`, { headers: { "if-none-match": etag } });
    expect({ status: again.status, body: await again.text() }).toEqual({ status: 304, body: "" });

    for (const path of ["/ui/accounts/table", "/ui/requests/events"]) {
      const answer = await fetch(`${agw.url}${path}`, { headers: { cookie: "agw_session=1.forged.token" } });
      expect({ path, status: answer.status, body: await answer.text() }).toEqual({ path, status: 401, body: "signed out" });
    }
    const redirected = await fetch(`${agw.url}/ui/requests?status=5xx`, { redirect: "manual" });
    expect({ status: redirected.status, location: redirected.headers.get("location") }).toEqual({
      status: 303,
      location: "/ui/sign-in?next=%2Fui%2Frequests%3Fstatus%3D5xx",
    });
    // A sign-in never sends anyone off the dashboard.
    const offsite = await fetch(`${agw.url}/ui/sign-in`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ key: ADMIN_KEY, next: "//evil.example/ui" }),
    });
    expect(offsite.headers.get("location")).toBe("/ui/");
  } finally {
    await agw.stop();
  }
});

test("ten wrong keys in a minute make the sign-in wait", async () => {
  const agw = startTestGateway({ auth: { adminKey: ADMIN_KEY }, providers: { demo: { type: "mock" } }, models: { "*": "demo/echo" } });
  try {
    const attempt = (key: string) =>
      fetch(`${agw.url}/ui/sign-in`, { method: "POST", redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ key }) });
    for (let i = 0; i < 10; i++) expect((await attempt(`guess-${i}`)).status).toBe(401);
    const refused = await attempt(ADMIN_KEY);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await refused.text()).toContain("Too many wrong keys: try again in");
  } finally {
    await agw.stop();
  }
});

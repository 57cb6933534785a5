/**
 * The dashboard in a real browser (Debian's Chromium through puppeteer-core),
 * against the real gateway and a fake Gemini upstream: sign in with the admin
 * key, see the accounts, disable and re-enable one and see where requests go,
 * add and remove an account through the form, watch requests arrive live,
 * open a request's attempts, and see a cooldown count down after a 429. On a
 * failure, a screenshot and the page's log land in test-artifacts/.
 * (Code run in the page reaches the DOM through `globalThis`: the project's
 * types are Bun's, not a browser's.)
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import type { Browser, Page } from "puppeteer-core";
import { launchBrowser, testOrigin, withPage } from "../harness/browser.ts";
import { geminiErrorBody, startFakeGemini, type FakeGemini } from "../harness/fake-gemini.ts";
import { startTestGateway, type TestGateway } from "../harness/gateway.ts";
import { formatUsd } from "../../src/pricing/index.ts";

const ADMIN_KEY = "dashboard-admin-key-7f3e";
const ADDED_SECRET = "AIza-added-account-secret-9d1c";

let gemini: FakeGemini;
let agw: TestGateway;
let browser: Browser;

beforeAll(async () => {
  gemini = startFakeGemini();
  agw = startTestGateway({
    auth: { mode: "off", adminKey: ADMIN_KEY },
    scheduling: { mode: "priority" },
    providers: {
      gemini: {
        type: "gemini",
        baseUrl: gemini.url,
        // main is preferred (priority 0); spare serves when main cannot.
        accounts: [
          { id: "main", apiKey: "key-main", priority: 0 },
          { id: "spare", apiKey: "key-spare", priority: 1, dailyRequestLimit: 500 },
        ],
        models: ["gemini-2.5-flash"],
      },
      demo: { type: "mock" },
    },
    models: { fast: "gemini/gemini-2.5-flash" },
  });
  browser = await launchBrowser();
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await agw?.stop();
  await gemini?.stop();
});

beforeEach(async () => {
  gemini.setScript(() => undefined);
  // Every test starts from both accounts enabled and rested.
  for (const id of ["main", "spare"]) {
    for (const action of ["enable", "reset"]) {
      const response = await fetch(`${agw.url}/admin/accounts/gemini/${id}/${action}`, { method: "POST", headers: { authorization: `Bearer ${ADMIN_KEY}` } });
      expect(response.status).toBe(200);
    }
  }
});

/** A chat request as any OpenAI client sends it; the answer, the request id and the key the upstream saw. */
async function chat(content: string) {
  const before = gemini.requests.length;
  const response = await fetch(`${agw.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "fast", messages: [{ role: "user", content }] }),
  });
  const body = (await response.json()) as any;
  return {
    status: response.status,
    id: response.headers.get("x-request-id")!,
    text: body.choices?.[0]?.message?.content as string | undefined,
    keys: gemini.requests.slice(before).map((request) => request.apiKey),
  };
}

async function signIn(page: Page, next = "/ui/accounts"): Promise<void> {
  await page.goto(`${agw.url}${next}`);
  expect(new URL(page.url()).pathname).toBe("/ui/sign-in");
  await page.type('input[name="key"][type="password"]', ADMIN_KEY);
  await Promise.all([page.waitForNavigation(), page.click("form.sign-in button[type=submit]")]);
  expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe(next);
}

/** What the accounts table shows for one account: its state and the labels of its buttons. */
async function accountRow(page: Page, account: string) {
  return page.$eval(`tr[data-account="${account}"]`, (row) => ({
    state: row.querySelector(".state")!.textContent,
    buttons: [...row.querySelectorAll("button")].map((button) => button.textContent),
    countdowns: [...row.querySelectorAll(".countdown")].map((element) => element.textContent),
  }));
}

async function clickAndWait(page: Page, selector: string): Promise<void> {
  await Promise.all([page.waitForNavigation(), page.click(selector)]);
}

describe("signing in", () => {
  test("a wrong key gets a clear message; the admin key opens the dashboard in an httpOnly, SameSite=Strict session", async () => {
    await withPage(browser, "dashboard-sign-in", async (page) => {
      await page.goto(`${agw.url}/ui/requests`);
      expect(new URL(page.url()).pathname).toBe("/ui/sign-in");
      expect(await page.$eval("h1", (h1) => h1.textContent)).toBe("Sign in");

      await page.type('input[name="key"]', "not-the-admin-key");
      const [refused] = await Promise.all([page.waitForNavigation(), page.click("form.sign-in button[type=submit]")]);
      expect(refused!.status()).toBe(401);
      expect(await page.$eval(".notice-error", (notice) => notice.textContent)).toBe("Wrong admin key.");
      expect(await page.cookies()).toEqual([]);

      await page.type('input[name="key"]', ADMIN_KEY);
      await clickAndWait(page, "form.sign-in button[type=submit]");
      expect(new URL(page.url()).pathname).toBe("/ui/requests");
      const cookies = await page.cookies();
      expect(cookies.map(({ name, httpOnly, sameSite, path, secure }) => ({ name, httpOnly, sameSite, path, secure }))).toEqual([
        { name: "agw_session", httpOnly: true, sameSite: "Strict", path: "/ui", secure: false },
      ]);
      // The page's own scripts cannot read the session.
      expect(await page.evaluate(() => (globalThis as any).document.cookie)).toBe("");
      // The admin key is in no page.
      expect(await page.content()).not.toContain(ADMIN_KEY);

      await clickAndWait(page, "form.sign-out button");
      expect(new URL(page.url()).pathname).toBe("/ui/sign-in");
      await page.goto(`${agw.url}/ui/accounts`);
      expect(new URL(page.url()).pathname).toBe("/ui/sign-in");
    });
  });
});

describe("accounts", () => {
  test("disabling an account takes it out of rotation at once; enabling brings it back", async () => {
    await withPage(browser, "dashboard-disable-enable", async (page) => {
      await signIn(page);
      expect(await accountRow(page, "gemini/main")).toEqual({ state: "ready", buttons: ["Disable", "Reset", "Remove"], countdowns: [] });
      expect(await chat("before")).toMatchObject({ status: 200, text: "Echo: before", keys: ["key-main"] });

      await clickAndWait(page, 'button[aria-label="Disable gemini/main"]');
      expect(await page.$eval(".notice-ok", (notice) => notice.textContent)).toBe("Disabled gemini/main: new requests no longer use it.");
      expect(await accountRow(page, "gemini/main")).toEqual({ state: "disabled", buttons: ["Enable", "Reset", "Remove"], countdowns: [] });
      expect(await chat("while disabled")).toMatchObject({ status: 200, text: "Echo: while disabled", keys: ["key-spare"] });

      await clickAndWait(page, 'button[aria-label="Enable gemini/main"]');
      expect(await page.$eval(".notice-ok", (notice) => notice.textContent)).toBe("Enabled gemini/main: new requests may use it.");
      expect(await accountRow(page, "gemini/main")).toEqual({ state: "ready", buttons: ["Disable", "Reset", "Remove"], countdowns: [] });
      expect(await chat("after")).toMatchObject({ status: 200, text: "Echo: after", keys: ["key-main"] });
    });
  });

  test("a 429 rests the account: its cooldown counts down live, and Reset ends it", async () => {
    gemini.setScript((request) =>
      request.apiKey === "key-main"
        ? {
            type: "error",
            status: 429,
            body: geminiErrorBody(429, "Resource has been exhausted (e.g. check quota).", [
              { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "90s" },
            ]),
          }
        : undefined,
    );
    // main refuses, spare answers: the client sees only the answer.
    const served = await chat("rate limited");
    expect(served).toMatchObject({ status: 200, text: "Echo: rate limited", keys: ["key-main", "key-spare"] });

    await withPage(browser, "dashboard-cooldown", async (page) => {
      await signIn(page);
      const row = await accountRow(page, "gemini/main");
      expect(row.state).toBe("cooling");
      expect(row.countdowns).toHaveLength(1);
      const seconds = (text: string) => {
        const match = /^(?:(\d+) min )?(\d+(?:\.\d)?) s$/.exec(text)!;
        return Number(match[1] ?? 0) * 60 + Number(match[2]);
      };
      const first = seconds(row.countdowns[0]!);
      expect(first).toBeGreaterThan(60);
      expect(first).toBeLessThanOrEqual(90);
      expect(await page.$eval('tr[data-account="gemini/main"] .cooldowns small', (small) => small.textContent)).toContain("rate limit");
      // The page ticks it down by itself, with no reload.
      await page.waitForFunction(
        (initial: string) => (globalThis as any).document.querySelector('tr[data-account="gemini/main"] .countdown')!.textContent !== initial,
        {},
        row.countdowns[0]!,
      );
      const later = seconds((await accountRow(page, "gemini/main")).countdowns[0]!);
      expect(later).toBeLessThan(first);
      expect(await accountRow(page, "gemini/spare")).toMatchObject({ state: "ready", countdowns: [] });
      // Last error: the 429, though the request itself succeeded.
      expect(await page.$eval('tr[data-account="gemini/main"] td:nth-child(5)', (cell) => cell.firstChild!.textContent)).toBe("429 rate_limit");

      await clickAndWait(page, 'button[aria-label="Reset gemini/main"]');
      expect(await accountRow(page, "gemini/main")).toEqual({ state: "ready", buttons: ["Disable", "Reset", "Remove"], countdowns: [] });
    });
    gemini.setScript(() => undefined);
    expect(await chat("after reset")).toMatchObject({ status: 200, text: "Echo: after reset", keys: ["key-main"] });
  });

  test("an account added through the form serves at once, its secret is never shown back, and Remove deletes it", async () => {
    await withPage(browser, "dashboard-add-remove", async (page) => {
      await signIn(page);
      await page.select('form.add-account select[name="provider"]', "gemini");
      await page.type('form.add-account input[name="id"]', "added");
      // The API-key field is the one shown for the default kind of credentials; the OAuth ones are hidden.
      expect(await page.$eval('fieldset[data-kind="oauth"]', (set) => (set as any).hidden)).toBe(true);
      await page.type('form.add-account input[name="apiKey"]', ADDED_SECRET);
      await clickAndWait(page, "form.add-account button[type=submit]");
      expect(await page.$eval(".notice-ok", (notice) => notice.textContent)).toBe("Added gemini/added: new requests may use it.");
      expect(await accountRow(page, "gemini/added")).toEqual({ state: "ready", buttons: ["Disable", "Reset", "Remove"], countdowns: [] });
      expect(await page.$eval('tr[data-account="gemini/added"] td:nth-child(6)', (cell) => cell.textContent)).toBe("API key");
      expect(await page.content()).not.toContain(ADDED_SECRET);

      // With the other two disabled, the new account serves with its own key.
      await clickAndWait(page, 'button[aria-label="Disable gemini/main"]');
      await clickAndWait(page, 'button[aria-label="Disable gemini/spare"]');
      expect(await chat("new account")).toMatchObject({ status: 200, text: "Echo: new account", keys: [ADDED_SECRET] });

      page.once("dialog", (dialog) => dialog.accept());
      await clickAndWait(page, 'button[aria-label="Remove gemini/added"]');
      expect(await page.$eval(".notice-ok", (notice) => notice.textContent)).toBe("Removed gemini/added.");
      expect(await page.$$('tr[data-account="gemini/added"]')).toEqual([]);
    });
  });

  test("a refused account keeps the form's fields (never the secret) and says why", async () => {
    await withPage(browser, "dashboard-add-refused", async (page) => {
      await signIn(page);
      await page.type('form.add-account input[name="id"]', "main");
      await page.type('form.add-account input[name="apiKey"]', "AIza-duplicate-secret");
      const [answer] = await Promise.all([page.waitForNavigation(), page.click("form.add-account button[type=submit]")]);
      expect(answer!.status()).toBe(409);
      expect(await page.$eval(".notice-error", (notice) => notice.textContent)).toBe("Not added: gemini already has an account 'main'");
      expect(await page.$eval('form.add-account input[name="id"]', (input) => (input as any).value)).toBe("main");
      expect(await page.$eval('form.add-account input[name="apiKey"]', (input) => (input as any).value)).toBe("");
      expect(await page.content()).not.toContain("AIza-duplicate-secret");
    });
  });

  test("on a phone-sized screen the page does not scroll sideways: wide tables scroll in their own box", async () => {
    await withPage(browser, "dashboard-phone", async (page) => {
      await page.setViewport({ width: 390, height: 844, isMobile: true });
      await signIn(page);
      const widths = await page.evaluate(() => ({ page: (globalThis as any).document.documentElement.scrollWidth, viewport: (globalThis as any).innerWidth }));
      expect(widths.page).toBeLessThanOrEqual(widths.viewport);
    });
  });
});

describe("requests", () => {
  test("a request appears in the live log as it finishes, and its detail lists every attempt", async () => {
    await withPage(browser, "dashboard-live-log", async (page) => {
      await signIn(page, "/ui/requests");
      await page.waitForSelector('#live-status[data-state="open"]');

      gemini.setScript((request) => (request.apiKey === "key-main" ? { type: "error", status: 503, message: "The model is overloaded. Please try again later." } : undefined));
      const served = await chat("watch me");
      expect(served).toMatchObject({ status: 200, text: "Echo: watch me", keys: ["key-main", "key-spare"] });

      const row = await page.waitForSelector(`tr[data-request-id="${served.id}"]`);
      const cells = await row!.$$eval("td", (tds) => tds.map((td) => td.textContent));
      expect(cells.slice(1)).toEqual(["200", "openai-chat", "fast → gemini-2.5-flash", "gemini" + "spare", expect.stringMatching(/ms$| s$/), expect.stringMatching(/ms$| s$/), expect.stringMatching(/^\d+ \/ \d+$/), "2", ""]);
      // Newest first.
      expect(await page.$eval("#requests tbody tr", (first) => first.getAttribute("data-request-id"))).toBe(served.id);

      await clickAndWait(page, `tr[data-request-id="${served.id}"] a`);
      expect(await page.$eval("h1", (h1) => h1.textContent)).toBe("Request");
      const attempts = await page.$$eval("table.attempts tbody tr", (rows) => rows.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent)));
      expect(attempts).toEqual([
        ["1", "main", "503", "upstream_overloaded", "5.0 s", ""],
        ["2", "spare", "200", "", "", ""],
      ]);
      const detail = await page.$$eval("dl.detail dt", (terms) => Object.fromEntries(terms.map((dt) => [dt.textContent, dt.nextElementSibling!.textContent])));
      expect(detail).toMatchObject({ "Request id": served.id, Route: "/v1/chat/completions", Protocol: "openai-chat", Status: "200", "Requested model": "fast", "Mapped model": "gemini-2.5-flash", Provider: "gemini", Account: "spare" });
    });
  });

  test("the live log keeps to its filters", async () => {
    await withPage(browser, "dashboard-live-filter", async (page) => {
      await signIn(page, "/ui/requests?status=5xx");
      await page.waitForSelector('#live-status[data-state="open"]');
      const ok = await chat("not an error");
      gemini.setScript(() => ({ type: "error", status: 500, message: "An internal error has occurred." }));
      const failed = await chat("an error");
      expect(failed.status).toBe(502);
      await page.waitForSelector(`tr[data-request-id="${failed.id}"]`);
      // Rows arrive in order, so the 200 before it would be there by now.
      expect(await page.$$(`tr[data-request-id="${ok.id}"]`)).toEqual([]);
    });
  });
});

describe("what the dashboard refuses", () => {
  test("a key made on the Keys page shows its secret once, serves at once, counts its use, and Revoke shuts it out", async () => {
    await withPage(browser, "dashboard-keys", async (page) => {
      await signIn(page, "/ui/keys");
      await page.type('form.create-key input[name="name"]', "Design team");
      await page.type('form.create-key input[name="rpm"]', "30");
      await page.type('form.create-key input[name="models"]', "fast");
      await clickAndWait(page, "form.create-key button[type=submit]");
      expect(await page.$eval(".notice-ok", (notice) => notice.textContent)).toBe("Created design-team.");
      const secret = await page.$eval("code.secret", (code) => code.textContent!);
      expect(secret).toMatch(/^agw_[0-9A-Za-z]{43}$/);
      // Shown on the answer to the form only: not in the address, gone on the next visit.
      expect(page.url()).toBe(`${agw.url}/ui/keys/create`);
      const used = await fetch(`${agw.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${secret}` },
        body: JSON.stringify({ model: "fast", messages: [{ role: "user", content: "from design" }] }),
      });
      expect([used.status, used.headers.get("x-ratelimit-remaining-requests")]).toEqual([200, "29"]);
      agw.gateway.store.flush();
      await page.goto(`${agw.url}/ui/keys`);
      expect(await page.content()).not.toContain(secret);
      const row = () =>
        page.$eval('tr[data-key="design-team"]', (row) => ({
          status: row.querySelector(".state")!.textContent,
          cells: [...row.querySelectorAll("td")].slice(1, 5).map((cell) => (cell as any).innerText.replace(/\s+/g, " ").trim()),
          buttons: [...row.querySelectorAll("button")].map((button) => button.textContent),
        }));
      const logged = agw.gateway.store.requestLogs.query({}).findLast((entry) => entry.keyId === "design-team")!;
      const tokens = logged.inputTokens! + logged.outputTokens!;
      // gemini-2.5-flash at the built-in prices.
      expect(logged.costUsd).toBeCloseTo((logged.inputTokens! * 0.3 + logged.outputTokens! * 2.5) / 1e6, 12);
      expect(await row()).toEqual({
        status: "active",
        cells: [`1 requests / 30 ${tokens} tokens`, `1 requests ${tokens} tokens`, `${formatUsd(logged.costUsd!)} 1 requests`, "fast"],
        buttons: ["Disable", "Revoke"],
      });
      page.once("dialog", (dialog) => dialog.accept());
      await clickAndWait(page, 'button[aria-label="Revoke design-team"]');
      expect(await page.$eval(".notice-ok", (notice) => notice.textContent)).toBe("Key design-team revoked.");
      expect((await row()).status).toBe("revoked");
      const refused = await fetch(`${agw.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${secret}` },
        body: JSON.stringify({ model: "fast", messages: [{ role: "user", content: "again" }] }),
      });
      expect([refused.status, ((await refused.json()) as any).error.code]).toEqual([401, "key_revoked"]);
    });
  });

  test("a form post without the session's CSRF token, or from another origin, changes nothing", async () => {
    const session = await withPage(browser, "dashboard-csrf", async (page) => {
      await signIn(page);
      return (await page.cookies()).find((cookie) => cookie.name === "agw_session")!.value;
    });
    const post = (headers: Record<string, string>, body: string) =>
      fetch(`${agw.url}/ui/accounts/disable`, {
        method: "POST",
        redirect: "manual",
        headers: { cookie: `agw_session=${session}`, "content-type": "application/x-www-form-urlencoded", ...headers },
        body,
      });
    const noToken = await post({ origin: agw.url }, "provider=gemini&id=main");
    expect(noToken.status).toBe(403);
    expect(await noToken.text()).toContain("This form has expired");
    const otherSite = await post({ origin: testOrigin("evil", 80) }, "provider=gemini&id=main&csrf=anything");
    expect(otherSite.status).toBe(403);
    const accounts = (await (await fetch(`${agw.url}/admin/accounts`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).json()) as any;
    expect(accounts.accounts.find((account: any) => account.id === "main")).toMatchObject({ enabled: true, state: "ready" });
  });

  test("without an admin key the dashboard only says how to set one", async () => {
    const closed = startTestGateway({ providers: { demo: { type: "mock" } }, models: { "*": "demo/echo" } });
    try {
      await withPage(browser, "dashboard-closed", async (page) => {
        const answer = await page.goto(`${closed.url}/ui/accounts`);
        expect(answer!.status()).toBe(403);
        expect(await page.$eval("h1", (h1) => h1.textContent)).toBe("The dashboard is closed");
        expect(await page.$eval("main", (main) => main.textContent)).toContain('"auth": { "adminKey": "${AGW_ADMIN_KEY}" }');
        expect(await page.$$("nav, table, form")).toEqual([]);
      });
      const events = await fetch(`${closed.url}/ui/requests/events`);
      expect(events.status).toBe(401);
    } finally {
      await closed.stop();
    }
  });
});

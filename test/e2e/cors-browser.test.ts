/**
 * The origin policy in a real browser (Chromium): a page on an origin listed
 * in cors.origins calls agw with fetch like any web client; a page on another
 * origin can neither read answers nor make agw do any work, not even with the
 * requests a browser sends without asking (a form post, a no-cors fetch); and
 * a DNS-rebinding page, same-origin with agw in the browser's eyes, is refused
 * by host name while auth is off. Each refusal is checked against the request
 * log: nothing refused ever reaches a handler or the upstream.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, HTTPResponse, Page } from "puppeteer-core";
import { bundleForBrowser, launchBrowser, testOrigin, withPage } from "../harness/browser.ts";
import { startTestGateway, type TestGateway } from "../harness/gateway.ts";

let agw: TestGateway;
let pages: ReturnType<typeof Bun.serve>;
let browser: Browser;
/** The operator's web client, listed in cors.origins. */
let appOrigin: string;
/** Any other site the user happens to visit. */
let evilOrigin: string;
let chatUrl: string;

/** A chat request a text/plain form can carry: the form encodes `name=value`, and the `=` lands inside the padding string. */
const DRIVE_BY_TEXT = "spent by a page the user merely visited";
const DRIVE_BY_FIELD_NAME = JSON.stringify({ model: "demo", messages: [{ role: "user", content: DRIVE_BY_TEXT }] }).replace(/}$/, ',"padding":"');

/** The two sites, told apart by their Host as virtual hosts are. */
function servePage(request: Request): Response {
  const url = new URL(request.url);
  const host = request.headers.get("host") ?? "";
  const html = (body: string) => new Response(`<!doctype html><meta charset="utf-8">${body}`, { headers: { "content-type": "text/html" } });
  if (host.startsWith("app.test:") && url.pathname === "/") return html("<title>app</title><h1>The operator's web client</h1>");
  if (host.startsWith("evil.test:") && url.pathname === "/") return html("<title>evil</title><h1>Some other site</h1>");
  if (url.pathname === "/rebinding") return html("<title>rebinding</title><h1>The attacker's page, before its name is rebound</h1>");
  if (host.startsWith("evil.test:") && url.pathname === "/drive-by") {
    // A classic cross-site request forgery: a hidden form posted into a hidden frame on load.
    return html(`<title>drive-by</title><h1>Nothing to see here</h1>
<iframe name="sink" hidden></iframe>
<form method="POST" enctype="text/plain" action="${chatUrl}" target="sink">
<input type="hidden" name='${DRIVE_BY_FIELD_NAME}' value='"}'>
</form>
<script>addEventListener("load", () => document.forms[0].submit());</script>`);
  }
  return new Response("not found", { status: 404 });
}

beforeAll(async () => {
  pages = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: servePage });
  appOrigin = testOrigin("app", pages.url.port);
  evilOrigin = testOrigin("evil", pages.url.port);
  // Auth is off (no key), the README's local setup and the one drive-by protection matters most for.
  agw = startTestGateway({ cors: { origins: [appOrigin] }, providers: { demo: { type: "mock" } }, models: { "*": "demo/echo" } });
  chatUrl = `${agw.url}/v1/chat/completions`;
  browser = await launchBrowser();
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await agw?.stop();
  pages?.stop(true);
});

/** Runs in the page: a JSON chat request as a web client sends it, with a key header, so the browser preflights it. */
async function chatFromPage(url: string, content: string) {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer any-key-while-auth-is-off" },
      body: JSON.stringify({ model: "demo", messages: [{ role: "user", content }] }),
    });
    return { status: response.status, requestId: response.headers.get("x-request-id"), body: await response.json() };
  } catch (error) {
    return { rejected: `${(error as Error).name}: ${(error as Error).message}` };
  }
}

/**
 * The traffic seen once `count` exchanges have been reported: the browser
 * tells of responses over its debugging protocol, which may lag behind the
 * page's own script (a loaded machine), so the assertion waits for them.
 */
async function reported(traffic: string[], count: number): Promise<string[]> {
  for (let waited = 0; traffic.length < count && waited < 5_000; waited += 20) await Bun.sleep(20);
  return traffic;
}

/** What went over the wire between the page and agw, preflights included: `OPTIONS 204`, `POST 200`… */
function trafficToGateway(page: Page): string[] {
  const seen: string[] = [];
  page.on("response", (response: HTTPResponse) => {
    if (response.url().startsWith(agw.url)) seen.push(`${response.request().method()} ${response.status()}`);
  });
  return seen;
}

/** The ids of every request agw has served so far (a refused request leaves no row). */
function servedRequestIds(): string[] {
  agw.gateway.store.flush();
  return agw.gateway.store.requestLogs.recent().map((row) => row.id);
}

describe("a page on an origin in cors.origins", () => {
  test("gets the whole answer through a preflighted fetch and can read x-request-id", async () => {
    await withPage(browser, "cors-allowed-origin", async (page) => {
      const traffic = trafficToGateway(page);
      await page.goto(`${appOrigin}/`);
      const result = await page.evaluate(chatFromPage, chatUrl, "hello from the operator's web client");
      expect(result).toEqual({
        status: 200,
        requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        body: {
          id: expect.stringMatching(/^chatcmpl-/),
          object: "chat.completion",
          created: expect.any(Number),
          model: "demo",
          choices: [
            {
              index: 0,
              message: { role: "assistant", content: "hello from the operator's web client", refusal: null },
              logprobs: null,
              finish_reason: "stop",
            },
          ],
          usage: expect.any(Object),
        },
      });
      expect(await reported(traffic, 2)).toEqual(["OPTIONS 204", "POST 200"]);
      // The id the page read is the request-log row of the request it made.
      const requestId = (result as { requestId: string }).requestId;
      agw.gateway.store.flush();
      expect(agw.gateway.store.requestLogs.get(requestId)).toMatchObject({ route: "/v1/chat/completions", status: 200, provider: "demo", mappedModel: "echo" });
    });
  });
});

describe("a page on any other origin", () => {
  test("cannot call agw with fetch: the preflight is refused, the fetch rejects and nothing is served", async () => {
    const before = servedRequestIds();
    await withPage(browser, "cors-disallowed-origin", async (page) => {
      const traffic = trafficToGateway(page);
      await page.goto(`${evilOrigin}/`);
      expect(await page.evaluate(chatFromPage, chatUrl, "hello from some other site")).toEqual({ rejected: "TypeError: Failed to fetch" });
      expect(await reported(traffic, 1)).toEqual(["OPTIONS 403"]);
    });
    expect(servedRequestIds()).toEqual(before);
  });

  test("a drive-by form post (text/plain, no preflight) is refused with 403 and spends nothing", async () => {
    const before = servedRequestIds();
    const sent = await withPage(browser, "drive-by-form", async (page) => {
      const submitted = page.waitForRequest((request) => request.url() === chatUrl);
      const answered = page.waitForResponse((response) => response.url() === chatUrl);
      await page.goto(`${evilOrigin}/drive-by`);
      const request = await submitted;
      const response = await answered;
      const sent = { method: request.method(), origin: request.headers().origin, contentType: request.headers()["content-type"], body: request.postData() };
      // What the browser sent on its own, cross-site and without asking: a chat request in all but its Origin.
      expect(sent).toEqual({
        method: "POST",
        origin: evilOrigin,
        contentType: "text/plain",
        body: `{"model":"demo","messages":[{"role":"user","content":"${DRIVE_BY_TEXT}"}],"padding":"="}\r\n`,
      });
      expect({ status: response.status(), cors: response.headers()["access-control-allow-origin"] ?? null, body: JSON.parse(await response.text()) }).toEqual({
        status: 403,
        cors: null,
        body: {
          error: {
            message: `requests from the web origin ${evilOrigin} are not allowed: add it to cors.origins in the config to let that page call agw`,
            type: "permission_error",
            param: null,
            code: "origin_not_allowed",
          },
        },
      });
      return sent;
    });
    expect(servedRequestIds()).toEqual(before);

    // The same bytes without the Origin (as a CLI would send them) are a chat request agw serves:
    // only the origin check stood between the page and the user's upstream quota.
    const replay = await fetch(chatUrl, { method: "POST", headers: { "content-type": "text/plain" }, body: sent.body });
    expect(replay.status).toBe(200);
    expect(((await replay.json()) as any).choices[0].message.content).toBe(DRIVE_BY_TEXT);
  });

  test("a no-cors fetch (text/plain, no preflight) is refused with 403 and spends nothing", async () => {
    const before = servedRequestIds();
    await withPage(browser, "drive-by-no-cors-fetch", async (page) => {
      const traffic = trafficToGateway(page);
      await page.goto(`${evilOrigin}/`);
      const inPage = await page.evaluate(async (url: string) => {
        const response = await fetch(url, {
          method: "POST",
          mode: "no-cors",
          headers: { "content-type": "text/plain" },
          body: JSON.stringify({ model: "demo", messages: [{ role: "user", content: "no-cors" }] }),
        });
        return { type: response.type, status: response.status };
      }, chatUrl);
      // The page learns nothing (an opaque answer, whose body Chromium withholds even from
      // DevTools; the form post above shows the whole 403 body); on the wire agw refused it.
      expect(inPage).toEqual({ type: "opaque", status: 0 });
      expect(await reported(traffic, 1)).toEqual(["POST 403"]);
    });
    expect(servedRequestIds()).toEqual(before);
  });
});

describe("DNS rebinding while auth is off", () => {
  /**
   * Loads the attacker's page as `origin`, then posts to agw same-origin.
   * The first load is answered by the test's page server, standing in for
   * the attacker's server before the name is rebound; every later request to
   * that name reaches agw. The page server is on loopback too: Chromium's
   * Private Network Access already stops a page loaded from a public address
   * from reaching loopback, but Firefox and Safari do not, and agw's own check
   * must hold for them.
   */
  async function rebindAndPost(page: Page, origin: string) {
    await page.setRequestInterception(true);
    page.on("request", (request) => {
      if (request.isNavigationRequest() && request.url() === `${origin}/`) void request.continue({ url: `${pages.url}rebinding` });
      else void request.continue();
    });
    await page.goto(`${origin}/`);
    expect(await page.title()).toBe("rebinding");
    // A relative URL: the same origin as the page, so no CORS applies in the browser's eyes.
    return page.evaluate(chatFromPage, "/v1/chat/completions", "hello from a rebinding page");
  }

  test("a page under a foreign name that now resolves to 127.0.0.1 gets 403 host_not_allowed, and nothing is served", async () => {
    const port = new URL(agw.url).port;
    const before = servedRequestIds();
    await withPage(browser, "dns-rebinding", async (page) => {
      expect(await rebindAndPost(page, testOrigin("rebind", port))).toEqual({
        status: 403,
        requestId: expect.any(String),
        body: {
          error: {
            message: "this gateway does not answer to the host name 'rebind.test' while auth is off: add it to listen.allowedHosts, or turn auth on",
            type: "permission_error",
            param: null,
            code: "host_not_allowed",
          },
        },
      });
    });
    expect(servedRequestIds()).toEqual(before);
  });

  test("the same page under localhost, one of agw's own names, is served (the refusal is the host name's doing)", async () => {
    const port = new URL(agw.url).port;
    await withPage(browser, "dns-rebinding-control", async (page) => {
      expect(await rebindAndPost(page, `http://localhost:${port}`)).toMatchObject({
        status: 200,
        body: { choices: [{ message: { role: "assistant", content: "hello from a rebinding page" } }] },
      });
    });
  });
});

describe("the official JS SDKs on a page in cors.origins (dangerouslyAllowBrowser)", () => {
  /**
   * KNOWN BUG, marked `failing` until fixed (then drop `.failing`): agw's
   * preflight answer allows only `authorization, x-api-key, x-goog-api-key,
   * anthropic-version, anthropic-beta, content-type`, while the SDKs also send
   * `x-stainless-*` (openai, @anthropic-ai/sdk), `anthropic-dangerous-direct-browser-access`
   * and `x-goog-api-client` (@google/genai), so Chromium refuses each call
   * after a 204 preflight ("Request header field … is not allowed by
   * Access-Control-Allow-Headers in preflight response").
   */
  let sdkPages: ReturnType<typeof Bun.serve>;
  let sdkOrigin: string;
  let sdkGateway: TestGateway;

  beforeAll(async () => {
    const modules: Record<string, string> = {
      "/openai.js": await bundleForBrowser("openai"),
      "/anthropic.js": await bundleForBrowser("@anthropic-ai/sdk"),
      "/genai.js": await bundleForBrowser("@google/genai/web"),
    };
    const page = `<!doctype html><meta charset="utf-8"><title>loading</title>
<script type="module">
import OpenAI from "/openai.js";
import Anthropic from "/anthropic.js";
import { GoogleGenAI } from "/genai.js";
Object.assign(window, { OpenAI, Anthropic, GoogleGenAI });
document.title = "sdks ready";
</script>`;
    sdkPages = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch: (request) => {
        const path = new URL(request.url).pathname;
        const module = modules[path];
        if (module !== undefined) return new Response(module, { headers: { "content-type": "text/javascript" } });
        return new Response(page, { headers: { "content-type": "text/html" } });
      },
    });
    sdkOrigin = testOrigin("sdk-app", sdkPages.url.port);
    sdkGateway = startTestGateway({ cors: { origins: [sdkOrigin] }, providers: { demo: { type: "mock" } }, models: { "*": "demo/echo" } });
  }, 20_000);

  afterAll(async () => {
    await sdkGateway?.stop();
    sdkPages?.stop(true);
  });

  /** Loads the SDK page and runs `call` in it with agw's URL: the answer text, or the error the SDK threw. */
  async function inSdkPage(call: (base: string) => Promise<string>): Promise<string> {
    const context = await browser.createBrowserContext();
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(4_000);
      await page.goto(`${sdkOrigin}/`);
      expect(await page.title()).toBe("sdks ready");
      return await page.evaluate(async (source: string, base: string) => {
        try {
          return await (0, eval)(source)(base);
        } catch (error) {
          return `${(error as Error).name}: ${(error as Error).message}`;
        }
      }, call.toString(), sdkGateway.url);
    } finally {
      await context.close();
    }
  }

  test("openai: chat.completions.create answers in full", async () => {
    const answer = await inSdkPage(async (base) => {
      const client = new (globalThis as any).OpenAI({ baseURL: `${base}/v1`, apiKey: "any", dangerouslyAllowBrowser: true, maxRetries: 0 });
      const completion = await client.chat.completions.create({ model: "demo", messages: [{ role: "user", content: "hello from the OpenAI SDK" }] });
      return completion.choices[0].message.content;
    });
    expect(answer).toBe("hello from the OpenAI SDK");
  });

  test("@anthropic-ai/sdk: messages.create answers in full", async () => {
    const answer = await inSdkPage(async (base) => {
      const client = new (globalThis as any).Anthropic({ baseURL: base, apiKey: "any", dangerouslyAllowBrowser: true, maxRetries: 0 });
      const message = await client.messages.create({ model: "demo", max_tokens: 50, messages: [{ role: "user", content: "hello from the Anthropic SDK" }] });
      return message.content[0].text;
    });
    expect(answer).toBe("hello from the Anthropic SDK");
  });

  test("@google/genai: models.generateContent answers in full", async () => {
    const answer = await inSdkPage(async (base) => {
      const client = new (globalThis as any).GoogleGenAI({ apiKey: "any", httpOptions: { baseUrl: base } });
      const response = await client.models.generateContent({ model: "demo", contents: "hello from the Google GenAI SDK" });
      return response.text;
    });
    expect(answer).toBe("hello from the Google GenAI SDK");
  });
});

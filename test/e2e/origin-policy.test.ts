/**
 * Web pages and DNS rebinding: a page the user visits must not spend their
 * upstream quota through a gateway on loopback, while CLIs and SDKs (which
 * send no Origin) keep working, and the web clients the operator allows get
 * proper CORS.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startTestGateway, type TestGateway } from "../harness/gateway.ts";

const chat = JSON.stringify({ model: "demo", messages: [{ role: "user", content: "hi" }] });

describe("the README's own setup: auth auto with a key, no LAN access (auth is off)", () => {
  let agw: TestGateway;
  beforeAll(() => {
    agw = startTestGateway({
      auth: { apiKey: "configured-but-off" },
      providers: { demo: { type: "mock" } },
      models: { "*": "demo/echo" },
      listen: { allowedHosts: ["agw.lan"] },
    });
  });
  afterAll(() => agw.stop());
  const post = (headers: Record<string, string>, body = chat) =>
    fetch(`${agw.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });

  test("a CLI or SDK (no Origin) is served", async () => {
    const response = await post({});
    expect(response.status).toBe(200);
    expect(((await response.json()) as any).choices[0].message.content).toBe("hi");
  });

  test("a cross-site simple POST from a page (text/plain, an Origin) is refused before any work", async () => {
    const response = await post({ origin: "https://evil.example", "content-type": "text/plain" });
    expect(response.status).toBe(403);
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
    expect(await response.json()).toEqual({
      error: {
        message: "requests from the web origin https://evil.example are not allowed: add it to cors.origins in the config to let that page call agw",
        type: "permission_error",
        param: null,
        code: "origin_not_allowed",
      },
    });
  });

  test("the same on the Anthropic route, in Anthropic's shape; a preflight gets no CORS permission", async () => {
    const response = await fetch(`${agw.url}/v1/messages`, {
      method: "POST",
      headers: { origin: "https://evil.example", "content-type": "text/plain" },
      body: JSON.stringify({ model: "demo", max_tokens: 5, messages: [{ role: "user", content: "hi" }] }),
    });
    expect(response.status).toBe(403);
    expect(((await response.json()) as any).error.type).toBe("permission_error");
    const preflight = await fetch(`${agw.url}/v1/messages`, {
      method: "OPTIONS",
      headers: { origin: "https://evil.example", "access-control-request-method": "POST" },
    });
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
  });

  test("DNS rebinding: a foreign host name is refused; localhost, IP addresses and listen.allowedHosts are served", async () => {
    const port = new URL(agw.url).port;
    const rebound = await post({ host: `attacker.example:${port}` });
    expect(rebound.status).toBe(403);
    expect(((await rebound.json()) as any).error).toEqual({
      message: "this gateway does not answer to the host name 'attacker.example' while auth is off: add it to listen.allowedHosts, or turn auth on",
      type: "permission_error",
      param: null,
      code: "host_not_allowed",
    });
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, "192.168.1.20:8045", "[::1]:8045", "agw.lan"]) {
      expect({ host, status: (await post({ host })).status }).toEqual({ host, status: 200 });
    }
  });
});

describe("auth on", () => {
  let agw: TestGateway;
  beforeAll(() => {
    agw = startTestGateway({ auth: { mode: "strict", apiKey: "k" }, providers: { demo: { type: "mock" } }, models: { "*": "demo/echo" } });
  });
  afterAll(() => agw.stop());

  test("any host name is served once the key is checked (a rebinding page has no key)", async () => {
    const response = await fetch(`${agw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { host: "gateway.example.com", authorization: "Bearer k", "content-type": "application/json" },
      body: chat,
    });
    expect(response.status).toBe(200);
  });
});

describe("cors.origins lets the operator's web clients in", () => {
  let agw: TestGateway;
  beforeAll(() => {
    agw = startTestGateway({
      cors: { origins: ["http://app.example:3000"] },
      providers: { demo: { type: "mock" } },
      models: { "*": "demo/echo" },
    });
  });
  afterAll(() => agw.stop());

  test("a preflight names the methods and the headers the clients send", async () => {
    const response = await fetch(`${agw.url}/v1/messages`, {
      method: "OPTIONS",
      headers: {
        origin: "http://app.example:3000",
        "access-control-request-method": "POST",
        "access-control-request-headers": "x-api-key, anthropic-version, content-type",
      },
    });
    expect(response.status).toBe(204);
    expect(Object.fromEntries(response.headers)).toMatchObject({
      "access-control-allow-origin": "http://app.example:3000",
      "access-control-allow-methods": "GET, HEAD, POST, DELETE, OPTIONS",
      "access-control-allow-headers": "authorization, x-api-key, x-goog-api-key, anthropic-version, anthropic-beta, content-type",
      vary: "Origin",
    });
  });

  test("the answer carries the CORS headers and exposes agw's own", async () => {
    const response = await fetch(`${agw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { origin: "http://app.example:3000", "content-type": "application/json" },
      body: chat,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe("http://app.example:3000");
    expect(response.headers.get("access-control-expose-headers")).toBe("x-request-id, x-mapped-model, x-account-email, x-agw-warnings, retry-after");
    expect(((await response.json()) as any).choices[0].message.content).toBe("hi");
  });

  test("an origin not listed is still refused", async () => {
    const response = await fetch(`${agw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { origin: "http://other.example", "content-type": "application/json" },
      body: chat,
    });
    expect(response.status).toBe(403);
  });
});

describe("what an allowed web page needs beyond the basics", () => {
  let agw: TestGateway;
  beforeAll(() => {
    agw = startTestGateway({ cors: { origins: ["http://app.example:3000"] }, providers: { demo: { type: "mock" } }, models: { "*": "demo/echo" } });
  });
  afterAll(() => agw.stop());

  test("a preflight asking for the SDKs' own headers gets them allowed; odd names are not echoed", async () => {
    const response = await fetch(`${agw.url}/v1/chat/completions`, {
      method: "OPTIONS",
      headers: {
        origin: "http://app.example:3000",
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization,content-type,x-stainless-os,x-stainless-retry-count,anthropic-dangerous-direct-browser-access,bad header",
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-headers")).toBe(
      "authorization, x-api-key, x-goog-api-key, anthropic-version, anthropic-beta, content-type, x-stainless-os, x-stainless-retry-count, anthropic-dangerous-direct-browser-access",
    );
  });

  test("a wrong path from an allowed page: the 404 is readable (CORS headers on it)", async () => {
    const response = await fetch(`${agw.url}/v1/chat/completion`, { method: "POST", headers: { origin: "http://app.example:3000" }, body: "{}" });
    expect(response.status).toBe(404);
    expect(response.headers.get("access-control-allow-origin")).toBe("http://app.example:3000");
    expect(((await response.json()) as any).error.message).toBe("no route for POST /v1/chat/completion.");
  });
});

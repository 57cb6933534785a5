/** Every auth mode, over real HTTP, with the OpenAI SDK and raw headers. */
import { afterAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { startTestGateway, type TestGateway } from "../harness/gateway.ts";

const gateways: TestGateway[] = [];
afterAll(async () => {
  for (const gateway of gateways) await gateway.stop();
});

function gatewayWith(auth: Record<string, unknown>, allowLanAccess = false): TestGateway {
  const gateway = startTestGateway({ auth, allowLanAccess, providers: { demo: { type: "mock" } }, models: { "*": "demo/echo" } });
  gateways.push(gateway);
  return gateway;
}

const chat = (gateway: TestGateway, apiKey: string) =>
  new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey, maxRetries: 0 }).chat.completions.create({
    model: "demo",
    messages: [{ role: "user", content: "hi" }],
  });

const status = async (gateway: TestGateway, path: string, headers: Record<string, string> = {}) =>
  (await fetch(`${gateway.url}${path}`, { headers })).status;

describe("auth modes", () => {
  test("off: no key needed anywhere", async () => {
    const gateway = gatewayWith({ mode: "off", apiKey: "secret" });
    expect(gateway.gateway.authMode).toBe("off");
    expect((await chat(gateway, "anything")).choices[0]!.message.content).toBe("hi");
    expect(await status(gateway, "/v1/models")).toBe(200);
  });

  test("auto without LAN access is off", async () => {
    const gateway = gatewayWith({ mode: "auto", apiKey: "secret" });
    expect(gateway.gateway.authMode).toBe("off");
    expect(await status(gateway, "/v1/models")).toBe(200);
  });

  test("auto with LAN access is all_except_health", async () => {
    const gateway = gatewayWith({ mode: "auto", apiKey: "secret" }, true);
    expect(gateway.gateway.authMode).toBe("all_except_health");
    expect(await status(gateway, "/healthz")).toBe(200);
    expect(await status(gateway, "/v1/models")).toBe(401);
  });

  test("all_except_health: health open, everything else needs the key in any of the three headers", async () => {
    const gateway = gatewayWith({ mode: "all_except_health", apiKey: "secret" });
    expect(await status(gateway, "/healthz")).toBe(200);
    expect(await status(gateway, "/health")).toBe(200);
    expect(await status(gateway, "/v1/models")).toBe(401);
    expect(await status(gateway, "/v1/models", { authorization: "Bearer secret" })).toBe(200);
    expect(await status(gateway, "/v1/models", { "x-api-key": "secret" })).toBe(200);
    expect(await status(gateway, "/v1/models", { "x-goog-api-key": "secret" })).toBe(200);
    expect(await status(gateway, "/v1/models", { authorization: "Bearer wrong" })).toBe(401);
    expect((await chat(gateway, "secret")).choices[0]!.message.content).toBe("hi");
    const error = await chat(gateway, "wrong").catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(error.error.code).toBe("invalid_api_key");
  });

  test("strict: health needs the key too", async () => {
    const gateway = gatewayWith({ mode: "strict", apiKey: "secret" });
    expect(await status(gateway, "/healthz")).toBe(401);
    expect(await status(gateway, "/healthz", { "x-api-key": "secret" })).toBe(200);
  });

  test("a guarded mode with no key configured refuses every guarded request, explaining why", async () => {
    const gateway = gatewayWith({ mode: "all_except_health", apiKey: "" });
    expect(await status(gateway, "/healthz")).toBe(200);
    const response = await fetch(`${gateway.url}/v1/models`, { headers: { authorization: "Bearer " } });
    expect(response.status).toBe(401);
    const body = (await response.json()) as { error: { message: string; code: string } };
    expect(body.error.code).toBe("no_api_key_configured");
    expect(body.error.message).toContain("auth.apiKey");
  });

  test("a 401 never echoes the presented key", async () => {
    const gateway = gatewayWith({ mode: "strict", apiKey: "secret" });
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: "Bearer sk-should-not-leak" },
      body: "{}",
    });
    expect(response.status).toBe(401);
    expect(await response.text()).not.toContain("sk-should-not-leak");
  });

  test("unknown routes answer 404 with their hint even without the key (they reveal no data)", async () => {
    const gateway = gatewayWith({ mode: "strict", apiKey: "secret" });
    expect(await status(gateway, "/v1/v1/chat/completions")).toBe(404);
  });
});

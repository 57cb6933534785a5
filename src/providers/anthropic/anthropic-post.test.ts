import { describe, expect, test } from "bun:test";
import { GatewayError } from "../../ir/errors.ts";
import type { ProviderSettings } from "../types.ts";
import { anthropicHeaders, passthroughPath, pickClientHeaders } from "./anthropic-post.ts";

const settings = (headers: Record<string, string> = {}): ProviderSettings => ({ name: "a", type: "anthropic", timeoutMs: 1000, headers });

describe("anthropicHeaders", () => {
  test("an API key in x-api-key, the default version, the settings' headers", () => {
    expect(anthropicHeaders(settings({ "X-Team": "agw" }), { id: "a", apiKey: "sk-ant-1" })).toEqual({
      "x-team": "agw",
      "content-type": "application/json",
      "anthropic-version": "2023-06-01",
      "x-api-key": "sk-ant-1",
    });
  });

  test("an OAuth token as Bearer; an authorization setting turns keys into Bearer tokens and is never sent as configured", () => {
    expect(anthropicHeaders(settings(), { id: "a", accessToken: "tok" }).authorization).toBe("Bearer tok");
    const zai = anthropicHeaders(settings({ Authorization: "Bearer placeholder", "x-api-key": "configured" }), { id: "a", apiKey: "key" });
    expect(zai.authorization).toBe("Bearer key");
    expect(zai["x-api-key"]).toBeUndefined();
  });

  test("version: settings, then client, then default; betas from both, each once", () => {
    const headers = anthropicHeaders(
      settings({ "anthropic-beta": "oauth-2025-04-20" }),
      { id: "a", apiKey: "k" },
      { "anthropic-version": "2023-01-01", "anthropic-beta": "claude-code-20250219, oauth-2025-04-20" },
    );
    expect(headers["anthropic-version"]).toBe("2023-01-01");
    expect(headers["anthropic-beta"]).toBe("oauth-2025-04-20,claude-code-20250219");
    expect(anthropicHeaders(settings({ "Anthropic-Version": "2024-01-01" }), { id: "a", apiKey: "k" }, { "anthropic-version": "2023-01-01" })[
      "anthropic-version"
    ]).toBe("2024-01-01");
  });
});

test("pickClientHeaders keeps only the version and beta flags", () => {
  expect(pickClientHeaders({ "Anthropic-Beta": "x", "anthropic-version": "v", "x-api-key": "client", authorization: "Bearer c" })).toEqual({
    "anthropic-beta": "x",
    "anthropic-version": "v",
  });
  expect(pickClientHeaders(undefined)).toEqual({});
});

describe("passthroughPath", () => {
  test.each([
    ["", "messages"],
    ["?beta=true", "messages?beta=true"],
    ["messages", "messages"],
    ["messages?beta=true", "messages?beta=true"],
    ["/v1/messages?beta=true", "messages?beta=true"],
    ["messages/count_tokens?beta=true", "messages/count_tokens?beta=true"],
  ])("%p → %p", (operation, path) => {
    expect(passthroughPath(operation)).toBe(path);
  });

  test.each(["models", "messages/batches", "../admin", "messages/../files", "messages#x"])("%p is refused", (operation) => {
    expect(() => passthroughPath(operation)).toThrow(GatewayError);
  });
});

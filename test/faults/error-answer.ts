import { expect } from "bun:test";
import { expectErrorAnswer, faultStatus } from "../conformance/error-shapes.ts";
import type { ClientProtocol } from "./client-requests.ts";
import type { Verdict } from "./faults.ts";

/** The status a client alone on a faulty account must get. */
export function verdictStatus(verdict: Verdict, protocol: ClientProtocol): number {
  switch (verdict) {
    case "rate-limit":
    case "quota":
      return 429;
    case "server-error":
      return 502;
    case "overload":
      return faultStatus("overload", protocol);
    case "timeout":
      return 504;
  }
}

const openAIProtocols = new Set<ClientProtocol>(["openai-chat", "openai-responses", "openai-completions"]);
const message = expect.stringMatching(/\S/);

/**
 * The error answer's body and Retry-After, in the protocol's shape for the
 * verdict. The conformance shapes (error-shapes.ts) cover a 2 s rate limit,
 * a server error and an overload; a used-up quota (Retry-After: when the
 * account is free again, `restMs` from now) and a timeout are checked here.
 */
export function expectVerdictAnswer(protocol: ClientProtocol, verdict: Verdict, body: unknown, retryAfter: string | null, restMs: number | undefined): void {
  if (verdict === "rate-limit" || verdict === "server-error" || verdict === "overload") {
    expectErrorAnswer(protocol, verdict, body, retryAfter);
    return;
  }
  const status = verdictStatus(verdict, protocol);
  if (openAIProtocols.has(protocol)) {
    expect(Object.keys(body as object)).toEqual(["error"]);
    const error = (body as any).error;
    expect(Object.keys(error).sort()).toEqual(["code", "message", "param", "type"]);
    if (verdict === "quota") {
      expect(error).toMatchObject({ message, type: expect.stringMatching(/^(rate_limit_error|insufficient_quota)$/), code: expect.stringMatching(/^(insufficient_quota|all_accounts_exhausted)$/) });
    } else expect(error).toMatchObject({ message, type: "server_error" });
  } else if (protocol === "anthropic") {
    const { request_id: _requestId, ...rest } = body as Record<string, unknown>;
    expect(rest).toEqual({ type: "error", error: { type: verdict === "quota" ? "rate_limit_error" : "timeout_error", message } });
  } else {
    const error = (body as any)?.error;
    expect(Object.keys(body as object)).toEqual(["error"]);
    expect(error).toMatchObject({ code: status, message, status: verdict === "quota" ? "RESOURCE_EXHAUSTED" : "DEADLINE_EXCEEDED" });
    // Gemini clients time their retry by RetryInfo.
    if (verdict === "quota") expect(error.details).toContainEqual({ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: expect.stringMatching(/^\d+(\.\d+)?s$/) });
  }
  if (verdict === "quota") {
    // The soonest the account is free: its rest, as the request log has it, rounded up to seconds (one may have gone by).
    const seconds = Math.ceil((restMs ?? 0) / 1000);
    expect(seconds).toBeGreaterThan(0);
    expect([String(seconds), String(seconds - 1)]).toContain(retryAfter ?? "(none)");
  }
}

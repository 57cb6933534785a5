import { GatewayError } from "../../ir/errors.ts";

/**
 * The failures the mock plays when asked for by model name, so that anyone
 * can see how agw passes an upstream's failure on to each kind of client
 * (and so the conformance table runs its error cases against the mock too).
 * Each is the GatewayError a real provider raises for that upstream answer:
 *
 *   error-429        a rate limit that asks for 2 s (clients get 429 and Retry-After: 2)
 *   error-500        an upstream server error (clients get 502)
 *   error-503        an overloaded upstream, as OpenAI and Gemini say it (503)
 *   error-529        an overloaded upstream, as Anthropic says it (529)
 *   error-midstream  "Partial answer", then an error inside the stream
 *
 * Any other model name answers normally.
 */
export type MockFault = { kind: "refuse"; error: GatewayError } | { kind: "midstream"; text: string; error: GatewayError };

/** The delay the mock's rate limit asks for. */
export const MOCK_RETRY_AFTER_MS = 2_000;

export function mockFault(model: string): MockFault | undefined {
  const asked = `the mock provider was asked to fail (model ${model})`;
  switch (model) {
    case "error-429":
      return {
        kind: "refuse",
        error: new GatewayError("rate_limit", `rate limited: ${asked}`, { upstreamStatus: 429, retryable: true, retryAfterMs: MOCK_RETRY_AFTER_MS }),
      };
    case "error-500":
      return {
        kind: "refuse",
        error: new GatewayError("upstream", `the upstream answered HTTP 500: ${asked}`, { upstreamStatus: 500, code: "upstream_error", retryable: true }),
      };
    case "error-503":
    case "error-529": {
      const status = model === "error-503" ? 503 : 529;
      return {
        kind: "refuse",
        error: new GatewayError("overloaded", `the upstream is overloaded: ${asked}`, { upstreamStatus: status, code: "upstream_overloaded", retryable: true }),
      };
    }
    case "error-midstream":
      return {
        kind: "midstream",
        text: "Partial answer",
        error: new GatewayError("upstream", `the upstream failed during the answer: ${asked}`, { upstreamStatus: 500, code: "upstream_error", retryable: true }),
      };
    default:
      return undefined;
  }
}

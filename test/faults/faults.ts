/**
 * The upstream faults of the matrix, each in the words of every vendor that
 * has it: the API key of the faulty account picks the fake's answer
 * (test/harness/fake-*.ts) or a socket fault of the raw front
 * (test/harness/fault-upstream.ts). A vendor without such a fault says why.
 */

export type Vendor = "gemini" | "openai" | "anthropic";

/**
 * What a client gets from an account with the fault and no other account:
 * `rate-limit` a 429 asking for about 2 s; `quota` a 429 with Retry-After
 * when the account is free again; `server-error` a 502; `overload` the
 * protocol's overload status (Anthropic's clients 529, the others 503);
 * `timeout` a 504.
 */
export type Verdict = "rate-limit" | "quota" | "server-error" | "overload" | "timeout";

export interface Variant {
  /** The faulty account's API key. */
  key: string;
  /** When this vendor's fault reads otherwise than the row's. */
  verdict?: Verdict;
}

export interface Fault {
  id: string;
  title: string;
  /**
   * `before-output`: the fault comes before any of the answer (another
   * account can answer invisibly); `after-output`: part of the answer has
   * come (a stream ends with the protocol's error event).
   */
  phase: "before-output" | "after-output";
  verdict: Verdict;
  /** The error class the faulty attempt must have in the request log. */
  errorClass: string | RegExp;
  /** The account's upstream needs short timeouts (the attempt hangs). */
  hangs?: boolean;
  vendors: Record<Vendor, Variant | { skip: string }>;
}

const skipFormat = (format: string) => ({ skip: `not how this vendor states a delay (${format} is another's)` });

export const faults: Fault[] = [
  {
    id: "429-retry-info",
    title: "429 with RetryInfo retryDelay 2s",
    phase: "before-output",
    verdict: "rate-limit",
    errorClass: "rate_limit",
    vendors: { gemini: { key: "key-429" }, openai: skipFormat("Google's RetryInfo"), anthropic: skipFormat("Google's RetryInfo") },
  },
  {
    id: "429-retry-after",
    title: "429 with retry-after: 2 (Anthropic: and anthropic-ratelimit-requests-reset)",
    phase: "before-output",
    verdict: "rate-limit",
    errorClass: "rate_limit",
    vendors: { gemini: skipFormat("the retry-after header"), openai: { key: "key-429-retry-after" }, anthropic: { key: "key-429" } },
  },
  {
    id: "429-retry-after-ms",
    title: "429 with retry-after-ms: 1500",
    phase: "before-output",
    verdict: "rate-limit",
    errorClass: "rate_limit",
    vendors: { gemini: skipFormat("retry-after-ms"), openai: { key: "key-429-retry-after-ms" }, anthropic: skipFormat("retry-after-ms") },
  },
  {
    id: "429-ratelimit-reset",
    title: "429 with only the exhausted limit's reset header (x-ratelimit-reset-requests, anthropic-ratelimit-input-tokens-reset)",
    phase: "before-output",
    verdict: "rate-limit",
    errorClass: "rate_limit",
    vendors: { gemini: skipFormat("a rate-limit reset header"), openai: { key: "key-429-ratelimit-reset" }, anthropic: { key: "key-429-tokens-reset" } },
  },
  {
    id: "quota",
    title: "quota used up (Gemini daily quota, OpenAI insufficient_quota, Anthropic spend limit)",
    phase: "before-output",
    verdict: "quota",
    errorClass: /^(rate_limit|insufficient_quota|quota_exhausted)$/,
    vendors: { gemini: { key: "key-quota" }, openai: { key: "key-quota" }, anthropic: { key: "key-usage-limit" } },
  },
  {
    id: "500",
    title: "500",
    phase: "before-output",
    verdict: "server-error",
    errorClass: "upstream_error",
    vendors: { gemini: { key: "key-500" }, openai: { key: "key-500" }, anthropic: { key: "key-500" } },
  },
  {
    id: "503",
    title: "503 overloaded",
    phase: "before-output",
    verdict: "overload",
    errorClass: "upstream_overloaded",
    vendors: { gemini: { key: "key-503" }, openai: { key: "key-503" }, anthropic: { skip: "Anthropic reports overload as 529" } },
  },
  {
    id: "529",
    title: "529 overloaded",
    phase: "before-output",
    verdict: "overload",
    errorClass: "upstream_overloaded",
    vendors: {
      gemini: { skip: "Google's API reports overload as 503 UNAVAILABLE" },
      openai: { skip: "OpenAI reports overload as 503" },
      anthropic: { key: "key-529" },
    },
  },
  {
    id: "bad-key",
    title: "bad key (Gemini 400 API_KEY_INVALID, OpenAI and Anthropic 401)",
    phase: "before-output",
    verdict: "server-error",
    errorClass: "upstream_unauthorized",
    vendors: { gemini: { key: "key-invalid-api-key" }, openai: { key: "key-401-invalid-key" }, anthropic: { key: "key-401" } },
  },
  {
    id: "403",
    title: "403 permission denied",
    phase: "before-output",
    verdict: "server-error",
    errorClass: "upstream_forbidden",
    vendors: { gemini: { key: "key-403-suspended" }, openai: { key: "key-403-region" }, anthropic: { key: "key-403-permission" } },
  },
  {
    id: "reset",
    title: "connection reset before any byte",
    phase: "before-output",
    verdict: "server-error",
    errorClass: "upstream",
    vendors: { gemini: { key: "socket-reset" }, openai: { key: "socket-reset" }, anthropic: { key: "socket-reset" } },
  },
  {
    id: "cut-before-first-byte",
    title: "200 head, then the connection closes before the first byte of the body",
    phase: "before-output",
    verdict: "server-error",
    errorClass: /^upstream/,
    vendors: { gemini: { key: "socket-cut-before-first-byte" }, openai: { key: "socket-cut-before-first-byte" }, anthropic: { key: "socket-cut-before-first-byte" } },
  },
  {
    id: "hang",
    title: "hang: no answer at all",
    phase: "before-output",
    verdict: "timeout",
    errorClass: /^(timeout|deadline_exceeded)$/,
    hangs: true,
    vendors: { gemini: { key: "socket-hang" }, openai: { key: "socket-hang" }, anthropic: { key: "socket-hang" } },
  },
  {
    id: "cut-after-first-byte",
    title: "connection closes after the first text (a JSON answer: mid-body)",
    phase: "after-output",
    verdict: "server-error",
    errorClass: /^upstream/,
    vendors: { gemini: { key: "socket-cut-after-first-byte" }, openai: { key: "socket-cut-after-first-byte" }, anthropic: { key: "socket-cut-after-first-byte" } },
  },
  {
    id: "error-in-200-stream",
    title: "error inside a 200 stream after \"Partial answer\"",
    phase: "after-output",
    verdict: "server-error",
    errorClass: /^upstream_(error|overloaded)$/,
    vendors: {
      gemini: { key: "key-midstream-error" },
      openai: { key: "key-midstream-error" },
      // Anthropic's stream says overloaded_error.
      anthropic: { key: "key-midstream-error", verdict: "overload" },
    },
  },
];

/** The text a stream cut after its first text event carries: the fakes send "Echo: …" in three pieces. */
export function firstPiece(text: string): string {
  const characters = Array.from(text);
  return characters.slice(0, Math.ceil(characters.length / 3)).join("");
}

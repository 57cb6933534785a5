import { timingSafeEqual } from "node:crypto";
import type { AuthMode } from "../config/schema.ts";
import { GatewayError } from "../ir/errors.ts";

/** The mode in effect: `auto` is `all_except_health` with LAN access, else `off`. */
export type EffectiveAuthMode = Exclude<AuthMode, "auto">;

export function effectiveAuthMode(mode: AuthMode, allowLanAccess: boolean): EffectiveAuthMode {
  if (mode !== "auto") return mode;
  return allowLanAccess ? "all_except_health" : "off";
}

/**
 * The client's key from `Authorization: Bearer`, `x-api-key` or
 * `x-goog-api-key`, in that order; else from a `key` query parameter, as
 * Google's REST examples send it (`url` given only where that is accepted).
 */
export function presentedKey(headers: Headers, url?: string): string | undefined {
  const authorization = headers.get("authorization");
  if (authorization) {
    const match = /^\s*Bearer\s+(.+?)\s*$/i.exec(authorization);
    return match ? match[1] : authorization.trim();
  }
  const key = headers.get("x-api-key") ?? headers.get("x-goog-api-key");
  if (key !== null) return key;
  if (url === undefined || url.indexOf("key=") === -1) return undefined;
  return new URL(url).searchParams.get("key") ?? undefined;
}

/**
 * Checks keys in constant time. Both sides are hashed first so that neither
 * the length nor the content of the expected key leaks through timing.
 */
export class KeyChecker {
  private readonly expected: Buffer | undefined;

  constructor(apiKey: string) {
    this.expected = apiKey === "" ? undefined : digest(apiKey);
  }

  get configured(): boolean {
    return this.expected !== undefined;
  }

  /** Whether a key typed in (the dashboard's sign-in) is the expected one; false while none is configured. */
  matches(key: string): boolean {
    return this.expected !== undefined && timingSafeEqual(digest(key), this.expected);
  }

  /** Throws a GatewayError("authentication") unless the request carries the key. */
  check(headers: Headers, url?: string): void {
    if (this.expected === undefined) {
      throw new GatewayError(
        "authentication",
        "this gateway requires an API key but none is configured: set auth.apiKey in the config (or auth.mode to off)",
        { code: "no_api_key_configured" },
      );
    }
    const key = presentedKey(headers, url);
    if (key === undefined || key === "") {
      throw new GatewayError(
        "authentication",
        "missing API key: send it as 'Authorization: Bearer <key>', 'x-api-key' or 'x-goog-api-key'",
        { code: "missing_api_key" },
      );
    }
    if (!timingSafeEqual(digest(key), this.expected)) {
      throw new GatewayError("authentication", "invalid API key", { code: "invalid_api_key" });
    }
  }
}

function digest(text: string): Buffer {
  return Buffer.from(new Bun.CryptoHasher("sha256").update(text).digest());
}

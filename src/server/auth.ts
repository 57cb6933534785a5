import { equalText } from "../util/constant-time.ts";
import type { AuthMode } from "../config/schema.ts";
import { GatewayError } from "../ir/errors.ts";
import { hashClientKey, type ActiveClientKey, type ClientKeys } from "../keys/index.ts";

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

/** The key a request presents, or a 401 saying how to send one. */
function requiredKey(headers: Headers, url: string | undefined): string {
  const key = presentedKey(headers, url);
  if (key === undefined || key === "") {
    throw new GatewayError("authentication", "missing API key: send it as 'Authorization: Bearer <key>', 'x-api-key' or 'x-goog-api-key'", {
      code: "missing_api_key",
    });
  }
  return key;
}

/**
 * Checks keys in constant time. Both sides are hashed first so that neither
 * the length nor the content of the expected key leaks through timing.
 */
export class KeyChecker {
  private readonly expected: string | undefined;

  constructor(apiKey: string) {
    this.expected = apiKey === "" ? undefined : hashClientKey(apiKey);
  }

  get configured(): boolean {
    return this.expected !== undefined;
  }

  /** Whether a key typed in (the dashboard's sign-in) is the expected one; false while none is configured. */
  matches(key: string): boolean {
    return this.expected !== undefined && equalText(hashClientKey(key), this.expected);
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
    if (!equalText(hashClientKey(requiredKey(headers, url)), this.expected)) {
      throw new GatewayError("authentication", "invalid API key", { code: "invalid_api_key" });
    }
  }
}

/** Who a request comes from: a client key, or (key undefined) the all-access auth.apiKey or nobody while auth is off. */
export interface Caller {
  key?: ActiveClientKey;
}

const ALL_ACCESS: Caller = {};

/**
 * Authenticates client routes: the all-access `auth.apiKey` or any client
 * key. The presented key is hashed once; that hash is compared with the
 * all-access key's in constant time and looked up among the client keys.
 */
export class ClientAuth {
  private readonly allAccess: string | undefined;

  constructor(
    apiKey: string,
    private readonly keys: ClientKeys,
  ) {
    this.allAccess = apiKey === "" ? undefined : hashClientKey(apiKey);
  }

  /** For a guarded route: the caller, or a 401 (no key, an unknown one, or a revoked, disabled or expired client key). */
  check(headers: Headers, url?: string): Caller {
    if (this.allAccess === undefined && this.keys.size === 0 && !this.keys.changedElsewhere()) {
      throw new GatewayError(
        "authentication",
        "this gateway requires an API key but none is configured: set auth.apiKey or auth.keys in the config, create one with agw keys create (or set auth.mode to off)",
        { code: "no_api_key_configured" },
      );
    }
    const hash = hashClientKey(requiredKey(headers, url));
    if (this.allAccess !== undefined && equalText(hash, this.allAccess)) return ALL_ACCESS;
    const client = this.keys.authenticate(hash);
    if (client === undefined) throw new GatewayError("authentication", "invalid API key", { code: "invalid_api_key" });
    return { key: client };
  }

  /**
   * For a route no key is required on (auth off): a request that carries a
   * client key is still counted against it and held to its limits, and a
   * revoked, disabled or expired one is refused; any other key is ignored.
   * A key made a moment ago by another process counts from the next reload
   * (within a second).
   */
  identify(headers: Headers, url?: string): Caller {
    if (this.keys.size === 0) return ALL_ACCESS;
    const key = presentedKey(headers, url);
    if (key === undefined || key === "") return ALL_ACCESS;
    // No store look-up for keys not known yet: with auth off any key goes, and most are not client keys.
    const client = this.keys.authenticate(hashClientKey(key), false);
    return client === undefined ? ALL_ACCESS : { key: client };
  }
}

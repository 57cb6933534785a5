import { GatewayError } from "../ir/errors.ts";

/** What a browser may ask in a preflight: the headers agw's clients send. */
const ALLOWED_HEADERS = "authorization, x-api-key, x-goog-api-key, anthropic-version, anthropic-beta, content-type";
const ALLOWED_METHODS = "GET, HEAD, POST, DELETE, OPTIONS";
/** Response headers a web page may read: ids, the mapped model and account, warnings, rate-limit advice. */
const EXPOSED_HEADERS = "x-request-id, x-mapped-model, x-account-email, x-agw-warnings, retry-after";

export interface OriginPolicySettings {
  /** Web origins allowed to call agw (`cors.origins`): a list, or `"*"` for any. */
  origins: readonly string[] | "*";
  /** Whether client keys are checked on the API routes; without them the Host check guards against DNS rebinding. */
  authOff: boolean;
  /** Names the gateway answers to while auth is off: the listen host, localhost, `listen.allowedHosts`. */
  allowedHosts: readonly string[];
}

/**
 * Who may call agw from where, decided before any route runs:
 * - a request with an `Origin` (a web page; CLIs and SDKs send none) is
 *   refused unless the origin is in `cors.origins`: any page the user visits
 *   could otherwise spend their upstream quota with a simple cross-site POST;
 * - while auth is off, a `Host` name other than the gateway's own names is
 *   refused (IP addresses are fine): a DNS-rebinding page reaches loopback
 *   under a name of its own;
 * - allowed origins get CORS headers and preflights answered.
 * Built once; a check costs two header reads.
 */
export class OriginPolicy {
  private readonly anyOrigin: boolean;
  private readonly origins: ReadonlySet<string>;
  private readonly hosts: ReadonlySet<string>;

  constructor(private readonly settings: OriginPolicySettings) {
    this.anyOrigin = settings.origins === "*";
    this.origins = new Set(settings.origins === "*" ? [] : settings.origins.map((origin) => origin.replace(/\/$/, "").toLowerCase()));
    this.hosts = new Set(settings.allowedHosts.map(normalizeHost));
  }

  /** Why the request may not go on, or undefined when it may. */
  refusal(request: Request): GatewayError | undefined {
    const origin = request.headers.get("origin");
    if (origin !== null && !this.allows(origin, request)) {
      return new GatewayError(
        "permission",
        `requests from the web origin ${origin} are not allowed: add it to cors.origins in the config to let that page call agw`,
        { code: "origin_not_allowed" },
      );
    }
    if (this.settings.authOff) {
      // DNS rebinding needs a name the attacker controls: IP literals are safe.
      // A request with no Host at all (HTTP/1.0 tools) names nothing to rebind.
      const host = hostOf(request);
      if (host !== "" && !this.hosts.has(host) && !isIpLiteral(host)) {
        return new GatewayError(
          "permission",
          `this gateway does not answer to the host name '${host}' while auth is off: add it to listen.allowedHosts, or turn auth on`,
          { code: "host_not_allowed" },
        );
      }
    }
    return undefined;
  }

  /** The CORS headers for an allowed origin's request, or undefined for requests without one. */
  corsHeaders(request: Request): Record<string, string> | undefined {
    const origin = request.headers.get("origin");
    if (origin === null || !this.allows(origin, request)) return undefined;
    return { "access-control-allow-origin": origin, "access-control-expose-headers": EXPOSED_HEADERS, vary: "Origin" };
  }

  /** A preflight: 204 with what the origin may send, or a 403 without CORS headers (the browser then refuses). */
  preflight(request: Request): Response {
    const origin = request.headers.get("origin");
    if (origin === null || !this.allows(origin, request) || this.refusal(request)) return new Response(null, { status: 403 });
    return new Response(null, {
      status: 204,
      headers: {
        "access-control-allow-origin": origin,
        "access-control-allow-methods": ALLOWED_METHODS,
        "access-control-allow-headers": allowedHeaders(request.headers.get("access-control-request-headers")),
        "access-control-max-age": "600",
        vary: "Origin",
      },
    });
  }

  /** A listed origin, any origin with `"*"`, or the gateway's own pages (same origin). */
  private allows(origin: string, request: Request): boolean {
    if (this.anyOrigin) return true;
    const normalized = origin.toLowerCase();
    if (this.origins.has(normalized)) return true;
    const host = request.headers.get("host");
    return host !== null && (normalized === `http://${host.toLowerCase()}` || normalized === `https://${host.toLowerCase()}`);
  }
}

/**
 * The headers an allowed origin may send: the ones agw's clients need, and
 * whatever else its preflight asks for (the official SDKs send their own:
 * `x-stainless-*`, `anthropic-dangerous-direct-browser-access`,
 * `x-goog-api-client`). The origin is already trusted; the names are checked
 * to be header tokens.
 */
function allowedHeaders(requested: string | null): string {
  if (requested === null) return ALLOWED_HEADERS;
  const names = requested
    .split(",")
    .map((name) => name.trim().toLowerCase())
    .filter((name) => /^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(name) && !ALLOWED_HEADERS.split(", ").includes(name));
  return names.length === 0 ? ALLOWED_HEADERS : `${ALLOWED_HEADERS}, ${names.join(", ")}`;
}

/** The request's host name without its port; IPv6 keeps its brackets. */
function hostOf(request: Request): string {
  return normalizeHost(request.headers.get("host") ?? "");
}

function isIpLiteral(host: string): boolean {
  return host.startsWith("[") || /^\d{1,3}(?:\.\d{1,3}){3}$/.test(host);
}

function normalizeHost(host: string): string {
  const lower = host.trim().toLowerCase();
  if (lower.startsWith("[")) return lower.slice(0, lower.indexOf("]") + 1);
  const colon = lower.indexOf(":");
  return colon === -1 ? lower : lower.slice(0, colon);
}

/** The names a gateway listening on `host` answers to while auth is off. */
export function defaultAllowedHosts(listenHost: string | undefined, extra: readonly string[]): string[] {
  const own = listenHost === undefined || listenHost === "" || listenHost === "0.0.0.0" || listenHost === "::" ? [] : [listenHost];
  const v6 = own.map((host) => (host.includes(":") && !host.startsWith("[") ? `[${host}]` : host));
  return [...v6, "localhost", "127.0.0.1", "[::1]", ...extra];
}

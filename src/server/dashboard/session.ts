import { equalBytes } from "../../util/constant-time.ts";

/** How long a dashboard sign-in lasts. */
export const SESSION_MS = 12 * 60 * 60 * 1000;
export const SESSION_COOKIE = "agw_session";

/**
 * Dashboard sign-ins without server state: a session token is its expiry
 * and an HMAC of it under a secret derived from the admin key, so a restart
 * keeps people signed in and a new admin key signs everyone out. A signed-out
 * token is remembered until it would have expired. The CSRF token of a
 * session is another HMAC of the session token, sent back by every form.
 */
export class DashboardSessions {
  private readonly secret: Buffer;
  private readonly signedOut = new Map<string, number>();

  constructor(adminKey: string) {
    // A dedicated secret: a session token must never double as anything the admin key signs elsewhere.
    this.secret = new Bun.CryptoHasher("sha256").update("agw dashboard sessions\0").update(adminKey).digest();
  }

  issue(now = Date.now()): string {
    for (const [token, expires] of this.signedOut) if (expires <= now) this.signedOut.delete(token);
    // A nonce, so two sign-ins in the same millisecond are two sessions (one can sign out alone).
    const body = `${now + SESSION_MS}.${Buffer.from(crypto.getRandomValues(new Uint8Array(9))).toString("base64url")}`;
    return `${body}.${this.mac(`session.${body}`)}`;
  }

  valid(token: string | undefined, now = Date.now()): boolean {
    if (token === undefined) return false;
    const last = token.lastIndexOf(".");
    if (last === -1) return false;
    const body = token.slice(0, last);
    const expires = Number(body.slice(0, body.indexOf(".")));
    if (!Number.isFinite(expires) || expires <= now || expires > now + SESSION_MS) return false;
    if (!sameText(token.slice(last + 1), this.mac(`session.${body}`))) return false;
    return !this.signedOut.has(token);
  }

  signOut(token: string): void {
    const expires = Number(token.slice(0, token.indexOf(".")));
    if (Number.isFinite(expires)) this.signedOut.set(token, expires);
  }

  csrfToken(session: string): string {
    return this.mac(`csrf.${session}`);
  }

  validCsrf(session: string, presented: string | null | undefined): boolean {
    return typeof presented === "string" && sameText(presented, this.csrfToken(session));
  }

  private mac(text: string): string {
    return new Bun.CryptoHasher("sha256", this.secret).update(text).digest("base64url");
  }
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return equalBytes(x, y);
}

/** The session cookie's value, from a Cookie header. */
export function sessionCookie(request: Request): string | undefined {
  const header = request.headers.get("cookie");
  if (header === null) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq !== -1 && part.slice(0, eq).trim() === SESSION_COOKIE) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * The Set-Cookie for a session (or its removal): httpOnly so page scripts
 * never see it, SameSite=Strict so no other site's page can send it, scoped
 * to /ui, and Secure when the dashboard is reached over HTTPS (directly or
 * through a proxy that says so).
 */
export function sessionSetCookie(token: string | undefined, secure: boolean): string {
  const value = token ?? "";
  const age = token === undefined ? 0 : Math.floor(SESSION_MS / 1000);
  return `${SESSION_COOKIE}=${value}; Path=/ui; HttpOnly; SameSite=Strict; Max-Age=${age}${secure ? "; Secure" : ""}`;
}

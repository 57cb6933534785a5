import { toGatewayError } from "../../ir/errors.ts";
import { protocols } from "../../protocols/index.ts";
import type { RequestLogRow } from "../../store/index.ts";
import { KeyChecker } from "../auth.ts";
import type { GatewayContext } from "../context.ts";
import { accountFromForm, accountsTables, addAccountForm, type AccountsView, type AddAccountDraft, type ProviderInfo } from "../dashboard/accounts-page.ts";
import { DASHBOARD_ASSETS } from "../dashboard/assets.ts";
import { html, type Html } from "../dashboard/html.ts";
import { barePage, page, type Notice } from "../dashboard/layout.ts";
import { overviewBody, WINDOWS, type OverviewWindow } from "../dashboard/overview-page.ts";
import { OverviewSummary } from "../dashboard/overview-summary.ts";
import { filterFromQuery, queryFromFilter, requestDetailBody, requestRow, requestsBody, rowMatches } from "../dashboard/requests-page.ts";
import { DashboardSessions, sessionCookie, sessionSetCookie } from "../dashboard/session.ts";
import { closedPage, signInPage } from "../dashboard/sign-in-page.ts";
import { readBodyText } from "../read-body.ts";
import { accountOperations, type AccountRef } from "./admin.ts";
import { keyOperations } from "./admin-keys.ts";
import { createKeyForm, keyFromForm, keysTable, newSecretBlock, type KeyDraft } from "../dashboard/keys-page.ts";

type Handler = (request: Request) => Response | Promise<Response>;

/**
 * What every dashboard page answers with: no caching, no framing, scripts
 * and styles only from agw itself (the page has no inline script for an
 * injected string to become), no referrer leaving the gateway.
 */
const PAGE_HEADERS: Record<string, string> = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  // same-origin, not no-referrer: with no-referrer Chromium sends "Origin: null" on the dashboard's own form posts.
  "referrer-policy": "same-origin",
};

/** The overview reads the log in slices of at most this much time, each a short query. */
const OVERVIEW_SLICE_MS = 5 * 60_000;

/** Wrong keys the sign-in takes per minute before it makes everyone wait: a guess costs a minute per ten. */
const SIGN_IN_FAILURES_PER_MINUTE = 10;

/** Sign-ins and sign-outs outlive a config reload (the routes are rebuilt, the gateway is the same). */
const sessionsByGateway = new WeakMap<object, { key: string; sessions: DashboardSessions; failures: number[] }>();

function sessionsFor(context: GatewayContext, key: string) {
  let entry = sessionsByGateway.get(context.inflight);
  if (entry === undefined || entry.key !== key) {
    entry = { key, sessions: new DashboardSessions(key), failures: [] };
    sessionsByGateway.set(context.inflight, entry);
  }
  return entry;
}

function htmlResponse(body: Html, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(body.text, { status, headers: { ...PAGE_HEADERS, ...headers } });
}

function redirect(location: string, headers: Record<string, string> = {}): Response {
  return new Response(null, { status: 303, headers: { ...PAGE_HEADERS, location, ...headers } });
}

/** A page's own origin, or none: browsers send Origin with every POST, and Sec-Fetch-Site where they can. */
function sameOrigin(request: Request): boolean {
  const site = request.headers.get("sec-fetch-site");
  if (site !== null && site !== "same-origin" && site !== "none") return false;
  const origin = request.headers.get("origin");
  if (origin === null) return true;
  const host = request.headers.get("host");
  return host !== null && (origin === `http://${host}` || origin === `https://${host}`);
}

function isHttps(request: Request): boolean {
  return request.url.startsWith("https:") || request.headers.get("x-forwarded-proto") === "https";
}

/** Where a sign-in goes next: a dashboard address, never another site. */
function safeNext(next: string | null): string {
  return next !== null && /^\/ui(?:[/?]|$)/.test(next) && !next.startsWith("//") ? next : "/ui/";
}

const DONE: Record<string, (account: string) => string> = {
  enabled: (account) => `Enabled ${account}: new requests may use it.`,
  disabled: (account) => `Disabled ${account}: new requests no longer use it.`,
  reset: (account) => `Reset ${account}: its cooldowns and failures are cleared.`,
  removed: (account) => `Removed ${account}.`,
  added: (account) => `Added ${account}: new requests may use it.`,
};
const ACTIONS = { enable: "enabled", disable: "disabled", reset: "reset", remove: "removed" } as const;
const KEY_ACTIONS = { enable: "enabled", disable: "disabled", revoke: "revoked" } as const;

/**
 * The web dashboard under /ui: overview, accounts (with the same operations
 * as the admin API, which they share), the live request log and each
 * request's detail. Sign-in is with the admin key (auth.adminKey, else
 * auth.apiKey) into an httpOnly, SameSite=Strict session cookie; every form
 * that changes something carries the session's CSRF token and must come from
 * the dashboard's own origin. Without a key the dashboard only says how to set one.
 */
export function dashboardRouteTable(context: GatewayContext): Record<string, Record<string, Handler>> {
  const adminKey = context.config.auth.adminKey || context.config.auth.apiKey;
  const keys = new KeyChecker(adminKey);
  const auth = adminKey === "" ? undefined : sessionsFor(context, adminKey);
  const operations = accountOperations(context);
  const keyOps = keyOperations(context);
  const providers: ProviderInfo[] = Object.entries(context.config.providers).map(([name, entry]) => ({
    name,
    type: entry.type,
    accountless: entry.type === "mock",
  }));

  interface Signed {
    session: string;
    csrf: string;
  }
  const signedIn = (request: Request): Signed | undefined => {
    const session = sessionCookie(request);
    if (auth === undefined || session === undefined || !auth.sessions.valid(session)) return undefined;
    return { session, csrf: auth.sessions.csrfToken(session) };
  };

  /** A page to read: signed in, or sent to sign in and back. */
  const view =
    (render: (request: Request, signed: Signed) => Response | Promise<Response>): Handler =>
    (request) => {
      if (auth === undefined) return htmlResponse(closedPage(), 403);
      const signed = signedIn(request);
      if (signed === undefined) {
        const url = new URL(request.url);
        return redirect(`/ui/sign-in?next=${encodeURIComponent(url.pathname + url.search)}`);
      }
      return render(request, signed);
    };

  /** Something the page's script fetches: 401 rather than a redirect when the session is gone. */
  const part =
    (render: (request: Request, signed: Signed) => Response | Promise<Response>): Handler =>
    (request) => {
      const signed = auth === undefined ? undefined : signedIn(request);
      if (signed === undefined) return new Response("signed out", { status: 401, headers: { ...PAGE_HEADERS, "content-type": "text/plain" } });
      return render(request, signed);
    };

  /** A form that changes something: same origin, signed in, and the session's CSRF token. */
  const action =
    (run: (form: URLSearchParams, signed: Signed, request: Request) => Response | Promise<Response>): Handler =>
    async (request) => {
      if (auth === undefined) return htmlResponse(closedPage(), 403);
      if (!sameOrigin(request)) return htmlResponse(barePage("Refused", html`<p>Dashboard forms work only from the dashboard's own pages.</p>`), 403);
      const signed = signedIn(request);
      if (signed === undefined) return redirect("/ui/sign-in");
      try {
        const form = new URLSearchParams(await readBodyText(request, context.config.limits));
        if (!auth.sessions.validCsrf(signed.session, form.get("csrf"))) {
          return htmlResponse(
            barePage("This form has expired", html`<p>The page was made for an earlier sign-in. <a href="/ui/">Reload the dashboard</a> and try again.</p>`),
            403,
          );
        }
        return await run(form, signed, request);
      } catch (error) {
        return dashboardError(error);
      }
    };

  const accountsView = async (signed: Signed): Promise<AccountsView> => {
    const now = Date.now();
    const [accounts, failures, expiries] = await Promise.all([
      operations.list(),
      context.store.requestLogs.lastFailures(now - 86_400_000),
      context.store.oauthTokens.expiries(),
    ]);
    return {
      providers,
      accounts,
      failures,
      tokenExpiries: new Map(expiries.map((token) => [`${token.provider}/${token.accountId}`, token.expiresAt])),
      csrf: signed.csrf,
      now,
    };
  };

  const accountsPage = async (signed: Signed, options: { notice?: Notice; draft?: AddAccountDraft; status?: number } = {}) =>
    htmlResponse(
      page({
        title: "Accounts",
        section: "accounts",
        csrf: signed.csrf,
        ...(options.notice ? { notice: options.notice } : {}),
        body: html`<section id="accounts-live" data-refresh="/ui/accounts/table" aria-live="polite">${accountsTables(await accountsView(signed))}</section>
<section aria-labelledby="add-account"><h2 id="add-account">Add an account</h2>${addAccountForm(providers, signed.csrf, options.draft)}</section>`,
      }),
      options.status ?? 200,
    );

  const overview = view(async (request, signed) => {
    const param = new URL(request.url).searchParams.get("window");
    const window: OverviewWindow = param === "24h" ? "24h" : "1h";
    const { spanMs, bucketMs } = WINDOWS[window];
    const now = Date.now();
    await context.store.flush();
    const summary = new OverviewSummary(Math.floor((now - spanMs) / bucketMs) * bucketMs, now + 1, bucketMs);
    // A slice at a time, letting requests run in between: bun:sqlite is synchronous, and a day of a busy log is large.
    const sliceMs = Math.min(bucketMs, OVERVIEW_SLICE_MS);
    for (let start = summary.first; start < summary.until; start += sliceMs) {
      summary.add(start, await context.store.requestLogs.summarize(start, Math.min(start + sliceMs, summary.until)));
      await new Promise((resolve) => setImmediate(resolve));
    }
    const { total, byModel, byAccount, timeline } = summary.result();
    return htmlResponse(
      page({
        title: "Overview",
        section: "overview",
        csrf: signed.csrf,
        body: overviewBody({
          window,
          total,
          timeline,
          byModel,
          byAccount,
          modelMap: Object.entries(context.config.models),
          providerModels: Object.entries(context.config.providers).map(([name, entry]) => [name, entry.models]),
          inflight: context.inflight.size,
        }),
      }),
    );
  });

  const accountAction = action(async (form, signed, request) => {
    const name = (request as Request & { params?: { action?: string } }).params?.action ?? "";
    if (!(name in ACTIONS)) return htmlResponse(barePage("Not found", html`<p>No such action.</p>`), 404);
    const ref: AccountRef = { provider: form.get("provider") ?? "", id: form.get("id") ?? "" };
    try {
      await operations[name as keyof typeof ACTIONS](ref);
    } catch (error) {
      const failure = toGatewayError(error);
      return accountsPage(signed, { notice: { kind: "error", text: failure.message }, status: failure.status });
    }
    return redirect(`/ui/accounts?done=${ACTIONS[name as keyof typeof ACTIONS]}&account=${encodeURIComponent(`${ref.provider}/${ref.id}`)}`);
  });

  const addAccount = action(async (form, signed) => {
    const { body, draft } = accountFromForm(form);
    try {
      const status = await operations.add(body);
      return redirect(`/ui/accounts?done=added&account=${encodeURIComponent(`${status.provider}/${status.id}`)}`);
    } catch (error) {
      const failure = toGatewayError(error);
      return accountsPage(signed, { notice: { kind: "error", text: `Not added: ${failure.message}` }, draft, status: failure.status });
    }
  });

  const keysPage = async (signed: Signed, options: { notice?: Notice; draft?: KeyDraft; secret?: { id: string; secret: string }; status?: number } = {}) =>
    htmlResponse(
      page({
        title: "Keys",
        section: "keys",
        csrf: signed.csrf,
        ...(options.notice ? { notice: options.notice } : {}),
        body: html`${options.secret ? newSecretBlock(options.secret.id, options.secret.secret) : ""}
<section id="keys-live" data-refresh="/ui/keys/table" aria-live="polite">${keysTable(await keyOps.list(), signed.csrf)}</section>
<section aria-labelledby="create-key"><h2 id="create-key">Create a key</h2>${createKeyForm(signed.csrf, options.draft)}</section>`,
      }),
      options.status ?? 200,
    );

  const createKey = action(async (form, signed) => {
    const { body, draft } = keyFromForm(form);
    try {
      const created = await keyOps.create(body);
      // The secret is shown on this answer only: not a redirect, so it is in no address and no history entry.
      return keysPage(signed, { notice: { kind: "ok", text: `Created ${created.id}.` }, secret: { id: created.id, secret: created.key } });
    } catch (error) {
      const failure = toGatewayError(error);
      return keysPage(signed, { notice: { kind: "error", text: `Not created: ${failure.message}` }, draft, status: failure.status });
    }
  });

  const keyAction = action(async (form, signed, request) => {
    const name = (request as Request & { params?: { action?: string } }).params?.action ?? "";
    if (!(name in KEY_ACTIONS)) return htmlResponse(barePage("Not found", html`<p>No such action.</p>`), 404);
    const id = form.get("id") ?? "";
    try {
      await keyOps[name as keyof typeof KEY_ACTIONS](id);
    } catch (error) {
      const failure = toGatewayError(error);
      return keysPage(signed, { notice: { kind: "error", text: failure.message }, status: failure.status });
    }
    return redirect(`/ui/keys?done=${KEY_ACTIONS[name as keyof typeof KEY_ACTIONS]}&key=${encodeURIComponent(id)}`);
  });

  const signIn: Handler = async (request) => {
    if (auth === undefined) return htmlResponse(closedPage(), 403);
    if (!sameOrigin(request)) return htmlResponse(barePage("Refused", html`<p>Sign in from the dashboard's own page.</p>`), 403);
    let form: URLSearchParams;
    try {
      form = new URLSearchParams(await readBodyText(request, context.config.limits));
    } catch (error) {
      return dashboardError(error);
    }
    const next = safeNext(form.get("next"));
    const now = Date.now();
    auth.failures = auth.failures.filter((at) => at > now - 60_000);
    if (auth.failures.length >= SIGN_IN_FAILURES_PER_MINUTE) {
      const wait = Math.ceil((auth.failures[0]! + 60_000 - now) / 1000);
      return htmlResponse(signInPage({ next, error: `Too many wrong keys: try again in ${wait} s.` }), 429, { "retry-after": String(wait) });
    }
    if (!keys.matches(form.get("key") ?? "")) {
      auth.failures.push(now);
      return htmlResponse(signInPage({ next, error: "Wrong admin key." }), 401);
    }
    return redirect(next, { "set-cookie": sessionSetCookie(auth.sessions.issue(now), isHttps(request)) });
  };

  const signOut = action((_form, signed, request) => {
    auth!.sessions.signOut(signed.session);
    return redirect("/ui/sign-in", { "set-cookie": sessionSetCookie(undefined, isHttps(request)) });
  });

  const requestsPage = view(async (request, signed) => {
    const filter = filterFromQuery(new URL(request.url).searchParams);
    await context.store.flush();
    const rows = (await context.store.requestLogs.query(queryFromFilter(filter, Date.now()))).reverse();
    return htmlResponse(
      page({
        title: "Requests",
        section: "requests",
        csrf: signed.csrf,
        body: requestsBody({ filter, rows, protocols: Object.keys(protocols), providers: providers.map((provider) => provider.name) }),
      }),
    );
  });

  const requestDetail = view(async (request, signed) => {
    const id = (request as Request & { params?: { id?: string } }).params?.id ?? "";
    await context.store.flush();
    const row = await context.store.requestLogs.get(id);
    if (row === undefined) {
      return htmlResponse(
        page({ title: "Request not found", section: "requests", csrf: signed.csrf, body: html`<p>No request <code>${id}</code> in the log (it may be older than logging.retentionDays). <a href="/ui/requests">Back to the request log</a></p>` }),
        404,
      );
    }
    return htmlResponse(page({ title: "Request", section: "requests", csrf: signed.csrf, body: requestDetailBody(row) }));
  });

  /** The live request log: each finished request that matches the page's filters, as the table row to insert. */
  const requestEvents = part((request) => {
    const filter = filterFromQuery(new URL(request.url).searchParams);
    const encoder = new TextEncoder();
    let stop = () => {};
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        const send = (text: string) => {
          try {
            controller.enqueue(encoder.encode(text));
          } catch {
            stop();
          }
        };
        // A comment now (so the browser sees the stream open) and every 15 s (so proxies keep it).
        send(": live\n\n");
        const keepAlive = setInterval(() => send(": keep-alive\n\n"), 15_000);
        const unwatch = context.feed.watch(
          (row: RequestLogRow) => {
            if (rowMatches(row, filter)) send(`event: row\ndata: ${JSON.stringify({ id: row.id, html: requestRow(row).text })}\n\n`);
          },
          () => {
            stop();
            try {
              controller.close();
            } catch {}
          },
        );
        stop = () => {
          clearInterval(keepAlive);
          unwatch();
        };
      },
      cancel() {
        stop();
      },
    });
    return new Response(stream, { headers: { ...PAGE_HEADERS, "content-type": "text/event-stream", "cache-control": "no-store" } });
  });

  const assets: Record<string, Record<string, Handler>> = {};
  for (const [path, asset] of Object.entries(DASHBOARD_ASSETS)) {
    assets[path] = {
      GET: (request) =>
        request.headers.get("if-none-match") === asset.etag
          ? new Response(null, { status: 304, headers: { etag: asset.etag } })
          : new Response(asset.body, {
              headers: { "content-type": asset.contentType, etag: asset.etag, "cache-control": "no-cache", "x-content-type-options": "nosniff" },
            }),
    };
  }

  return {
    "/ui": { GET: overview },
    "/ui/": { GET: overview },
    "/ui/sign-in": {
      GET: (request) => {
        if (auth === undefined) return htmlResponse(closedPage(), 403);
        const next = safeNext(new URL(request.url).searchParams.get("next"));
        return signedIn(request) ? redirect(next) : htmlResponse(signInPage({ next }));
      },
      POST: signIn,
    },
    "/ui/sign-out": { POST: signOut },
    "/ui/accounts": {
      GET: view((request, signed) => {
        const params = new URL(request.url).searchParams;
        const done = DONE[params.get("done") ?? ""];
        return accountsPage(signed, done ? { notice: { kind: "ok", text: done(params.get("account") ?? "") } } : {});
      }),
    },
    "/ui/accounts/table": { GET: part(async (_request, signed) => htmlResponse(accountsTables(await accountsView(signed)))) },
    "/ui/accounts/add": { POST: addAccount },
    "/ui/accounts/:action": { POST: accountAction },
    "/ui/keys": {
      GET: view((request, signed) => {
        const params = new URL(request.url).searchParams;
        const done = params.get("done");
        const known = done === "enabled" || done === "disabled" || done === "revoked";
        return keysPage(signed, known ? { notice: { kind: "ok", text: `Key ${params.get("key") ?? ""} ${done}.` } } : {});
      }),
    },
    "/ui/keys/table": { GET: part(async (_request, signed) => htmlResponse(keysTable(await keyOps.list(), signed.csrf))) },
    "/ui/keys/create": { POST: createKey },
    "/ui/keys/:action": { POST: keyAction },
    "/ui/requests": { GET: requestsPage },
    "/ui/requests/events": { GET: requestEvents },
    "/ui/requests/:id": { GET: requestDetail },
    ...assets,
  };
}

/** A form the gateway could not take (too large, cut off) gets a page saying why, in the status it deserves. */
function dashboardError(error: unknown): Response {
  const failure = toGatewayError(error);
  return htmlResponse(barePage("Not done", html`<p>${failure.message}</p>`), failure.status);
}

import * as z from "zod/mini";
import "../../util/zod-english.ts";
import { accountSchema } from "../../config/schema.ts";
import { formatIssue } from "../../config/format-issues.ts";
import { GatewayError, toGatewayError } from "../../ir/errors.ts";
import type { Awaitable } from "../../util/awaitable.ts";
import { accountStatuses, type AccountStatus } from "../../pool/account-status.ts";
import { protocols } from "../../protocols/index.ts";
import type { NewAccount, StoredAccount } from "../../store/index.ts";
import { formatPath } from "../../util/format-path.ts";
import { KeyChecker } from "../auth.ts";
import type { GatewayContext } from "../context.ts";
import { errorResponse } from "../error-response.ts";
import { readJsonBody } from "../read-body.ts";
import { adminKeyRouteTable } from "./admin-keys.ts";

/** An admin route's handler; it checks the admin key itself. */
export type AdminHandler = (request: Request) => Promise<Response>;

/** Admin errors are answered in OpenAI's shape, like the gateway's other non-protocol routes. */
const openai = protocols["openai-chat"];

/** `POST /admin/accounts`: an account as in the config, plus its provider. */
const newAccountSchema = z.extend(accountSchema, { provider: z.string().check(z.minLength(1)) });

type Params = { provider?: string; id?: string };
// Bun's router puts the `:provider` and `:id` of the path, decoded, in `params`.
const paramsOf = (request: Request): Params => (request as Request & { params?: Params }).params ?? {};

/** An account as a path or a form names it: `provider` may be left out when no other provider has the id. */
export interface AccountRef {
  provider?: string;
  id: string;
}

/**
 * What can be done to the accounts, for the admin API and the dashboard
 * alike: each takes effect at once (the pool reloads) and answers the
 * account's new status. Errors are GatewayErrors: 404 for an unknown
 * account, 400/409 for a refused new one.
 */
export function accountOperations(context: GatewayContext) {
  const { store, pool } = context;

  const statusOf = async (provider: string, id: string): Promise<AccountStatus> => {
    const status = (await accountStatuses(store)).find((s) => s.provider === provider && s.id === id);
    if (status === undefined) throw notFound(id, provider);
    return status;
  };

  /** The account a path names: `{provider}/{id}`, or `{id}` alone when no other provider has that id. */
  const find = async ({ provider, id }: AccountRef): Promise<StoredAccount> => {
    if (provider !== undefined) {
      const account = await store.accounts.get(provider, id);
      if (account === undefined) throw notFound(id, provider);
      return account;
    }
    const found = await store.accounts.findById(id);
    if (found.length === 0) throw notFound(id);
    if (found.length > 1) {
      throw new GatewayError(
        "invalid_request",
        `more than one provider has an account '${id}' (${found.map((a) => a.provider).join(", ")}): use /admin/accounts/{provider}/${id}`,
        { code: "ambiguous_account_id", param: "id" },
      );
    }
    return found[0]!;
  };

  /** Runs a change on the account named, reloads the pool and answers its status. */
  const change =
    (apply: (account: StoredAccount) => Awaitable<unknown>) =>
    async (ref: AccountRef): Promise<AccountStatus> => {
      // Queued cooldown writes land first, so a reset is not undone by an older write.
      await store.flush();
      const account = await find(ref);
      await apply(account);
      await pool.reload();
      return statusOf(account.provider, account.id);
    };

  return {
    async list(): Promise<AccountStatus[]> {
      await store.flush();
      return accountStatuses(store);
    },

    /** Adds an account from a body shaped like a config entry plus its provider. */
    async add(body: unknown): Promise<AccountStatus> {
      const account = parseNewAccount(body, Object.keys(context.config.providers));
      if (!(await store.accounts.add(account))) {
        throw new GatewayError("invalid_request", `${account.provider} already has an account '${account.id}'`, {
          status: 409,
          code: "account_exists",
          param: "id",
        });
      }
      await pool.reload();
      return statusOf(account.provider, account.id);
    },

    async remove(ref: AccountRef): Promise<{ provider: string; id: string; deleted: true; note?: string }> {
      await store.flush();
      const account = await find(ref);
      await store.accounts.remove(account.provider, account.id);
      await pool.reload();
      return {
        provider: account.provider,
        id: account.id,
        deleted: true,
        ...(account.source === "config"
          ? { note: "this account comes from the config file: the gateway adds it back at its next start unless it is removed there" }
          : {}),
      };
    },

    enable: change((account) => store.accounts.setEnabled(account.provider, account.id, true)),
    disable: change((account) => store.accounts.setEnabled(account.provider, account.id, false)),
    reset: change((account) => store.accounts.reset(account.provider, account.id)),
  };
}

export type AccountOperations = ReturnType<typeof accountOperations>;

/**
 * Wraps an admin handler: it runs only for a request with `auth.adminKey`
 * (else `auth.apiKey`), whatever `auth.mode` says; with neither set, the
 * admin API is closed. Client keys never open it. Errors in OpenAI's shape.
 */
export function adminGuard(context: GatewayContext) {
  const keys = new KeyChecker(context.config.auth.adminKey || context.config.auth.apiKey);
  return (handler: (request: Request) => Response | Promise<Response>): AdminHandler =>
    async (request) => {
      const headers = { "x-request-id": crypto.randomUUID() };
      try {
        if (!keys.configured) {
          throw new GatewayError(
            "authentication",
            "the admin API needs a key: set auth.adminKey in the config (auth.apiKey is used when adminKey is not set)",
            { code: "no_admin_key_configured" },
          );
        }
        keys.check(request.headers);
        const response = await handler(request);
        response.headers.set("x-request-id", headers["x-request-id"]);
        return response;
      } catch (error) {
        return errorResponse(openai, toGatewayError(error), headers);
      }
    };
}

/**
 * The admin API over the accounts: list with status, add, remove, enable,
 * disable, reset. Every handler requires `auth.adminKey` (else `auth.apiKey`)
 * whatever `auth.mode` says: with neither set, the admin API is closed.
 */
export function adminRoutes(context: GatewayContext) {
  const operations = accountOperations(context);
  const guarded = adminGuard(context);

  const ref = (request: Request): AccountRef => {
    const { provider, id = "" } = paramsOf(request);
    return provider === undefined ? { id } : { provider, id };
  };

  return {
    list: guarded(async () => Response.json({ accounts: await operations.list() })),
    add: guarded(async (request) => {
      const body = await readJsonBody(request, context.config.limits);
      return Response.json(await operations.add(body), { status: 201 });
    }),
    remove: guarded(async (request) => Response.json(await operations.remove(ref(request)))),
    enable: guarded(async (request) => Response.json(await operations.enable(ref(request)))),
    disable: guarded(async (request) => Response.json(await operations.disable(ref(request)))),
    reset: guarded(async (request) => Response.json(await operations.reset(ref(request)))),

    /** Re-reads the config file; 400 with the reason when it is refused (the running config stays). */
    reload: guarded(() => {
      const result = context.reload?.() ?? { ok: false, error: "this gateway cannot reload its config" };
      if (!result.ok) throw new GatewayError("invalid_request", result.error ?? "reload refused", { code: "reload_refused" });
      return Response.json(result);
    }),
  };
}

/**
 * The admin routes as `Bun.serve` route-table entries, to merge into the
 * gateway's table as they are: each handler checks the admin key itself.
 * Bun prefers the literal `enable`/`disable`/`reset` segments and, for a
 * method a route lacks, tries the next matching route, so an account may
 * even be called `enable`.
 */
export function adminRouteTable(context: GatewayContext): Record<string, Record<string, AdminHandler>> {
  const routes = adminRoutes(context);
  const table: Record<string, Record<string, AdminHandler>> = {
    "/admin/accounts": { GET: routes.list, POST: routes.add },
    "/admin/accounts/:id": { DELETE: routes.remove },
    "/admin/accounts/:provider/:id": { DELETE: routes.remove },
    "/admin/reload": { POST: routes.reload },
    ...adminKeyRouteTable(context),
  };
  for (const action of ["enable", "disable", "reset"] as const) {
    table[`/admin/accounts/:id/${action}`] = { POST: routes[action] };
    table[`/admin/accounts/:provider/:id/${action}`] = { POST: routes[action] };
  }
  return table;
}

function notFound(id: string, provider?: string): GatewayError {
  return new GatewayError("not_found", provider === undefined ? `no account '${id}'` : `no account '${id}' in provider ${provider}`, {
    code: "account_not_found",
  });
}

/** Validates a `POST /admin/accounts` body; a 400 names the field at fault. */
function parseNewAccount(body: unknown, providers: readonly string[]): NewAccount {
  const result = newAccountSchema.safeParse(body, { reportInput: true });
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const message = result.error.issues.flatMap((i) => formatIssue(i).split("\n")).join("; ");
    const param = issue.code === "unrecognized_keys" ? issue.keys[0] : formatPath(issue.path);
    throw new GatewayError("invalid_request", message, { code: "invalid_account", ...(param ? { param } : {}) });
  }
  const data = result.data;
  if (!providers.includes(data.provider)) {
    throw new GatewayError(
      "invalid_request",
      `provider: '${data.provider}' is not in the config` + (providers.length > 0 ? ` (its providers: ${providers.join(", ")})` : ""),
      { code: "unknown_provider", param: "provider" },
    );
  }
  const apiKey = data.apiKey === "" ? undefined : data.apiKey;
  if (apiKey === undefined && data.oauth === undefined) {
    throw new GatewayError("invalid_request", "apiKey: required (or oauth, a refresh-token grant)", {
      code: "missing_credentials",
      param: "apiKey",
    });
  }
  return {
    provider: data.provider,
    id: data.id,
    credentials: { ...(apiKey === undefined ? {} : { apiKey }), ...(data.oauth === undefined ? {} : { oauth: data.oauth }) },
    enabled: data.enabled,
    weight: data.weight,
    priority: data.priority,
    ...(data.models === undefined ? {} : { models: data.models }),
    ...(data.dailyRequestLimit === undefined ? {} : { dailyRequestLimit: data.dailyRequestLimit }),
    ...(data.dailyTokenLimit === undefined ? {} : { dailyTokenLimit: data.dailyTokenLimit }),
  };
}

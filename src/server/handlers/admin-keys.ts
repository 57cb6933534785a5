import type * as z from "zod/mini";
import { formatIssue } from "../../config/format-issues.ts";
import { GatewayError } from "../../ir/errors.ts";
import {
  changeKey,
  createKey,
  keyChangeSchema,
  KeyOperationError,
  newKeySchema,
  revokeKey,
  setKeyEnabled,
  viewKeys,
  type KeyView,
} from "../../keys/manage.ts";
import type { KeyUsageNow } from "../../keys/index.ts";
import { formatPath } from "../../util/format-path.ts";
import type { GatewayContext } from "../context.ts";
import { readJsonBody } from "../read-body.ts";
import { adminGuard, type AdminHandler } from "./admin.ts";

/** A key as the admin API and the dashboard show it: as stored, with this gateway's live counters. */
export interface LiveKeyView extends KeyView {
  /**
   * What this gateway holds against the limits now: the current minute, and
   * today's and this month's counts (UTC; with replicas, the others' share
   * included once it has been read, within a second). Reserved tokens count.
   */
  now: KeyUsageNow;
}

/**
 * What can be done to client keys, for the admin API and the dashboard
 * alike: every change applies at once (the gateway reloads its keys).
 * Errors are GatewayErrors: 404 for an unknown key, 409 for a change that
 * cannot be made (a config key, a revoked one), 400 for bad limits.
 */
export function keyOperations(context: GatewayContext) {
  const { store, keys } = context;
  const live = (key: KeyView): LiveKeyView => {
    return { ...key, now: keys.usageNow(key.id) };
  };
  const run = async <T>(operation: () => Promise<T>): Promise<T> => {
    try {
      return await operation();
    } catch (error) {
      if (!(error instanceof KeyOperationError)) throw error;
      const status = { not_found: 404, conflict: 409, invalid: 400 }[error.reason];
      const kind = error.reason === "not_found" ? "not_found" : "invalid_request";
      throw new GatewayError(kind, error.message, { status, code: `key_${error.reason}` });
    }
  };
  const changed = async (key: KeyView): Promise<LiveKeyView> => {
    await keys.reload();
    return live(key);
  };
  return {
    async list(): Promise<LiveKeyView[]> {
      // Usage queued for the store is counted too.
      await store.flush();
      return (await viewKeys(store)).map(live);
    },
    async get(id: string): Promise<LiveKeyView> {
      await store.flush();
      const key = (await viewKeys(store, Date.now(), id))[0];
      if (key === undefined) throw new GatewayError("not_found", `no key with the id '${id}'`, { code: "key_not_found" });
      return live(key);
    },
    /** Makes a key; the answer holds its secret (`key`), the only time it is shown. */
    async create(body: unknown): Promise<LiveKeyView & { key: string }> {
      const input = parse(newKeySchema, body);
      const { key, secret } = await run(() => createKey(store, input));
      const { id, ...rest } = await changed(key);
      return { id, key: secret, ...rest };
    },
    change: async (id: string, body: unknown) => changed(await run(() => changeKey(store, id, parse(keyChangeSchema, body)))),
    enable: async (id: string) => changed(await run(() => setKeyEnabled(store, id, true))),
    disable: async (id: string) => changed(await run(() => setKeyEnabled(store, id, false))),
    revoke: async (id: string) => changed(await run(() => revokeKey(store, id))),
  };
}

export type KeyOperations = ReturnType<typeof keyOperations>;

/** Checks a body against a schema; a 400 names the fields at fault. */
function parse<T extends z.ZodMiniType>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body, { reportInput: true });
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const param = issue.code === "unrecognized_keys" ? issue.keys[0] : formatPath(issue.path);
  throw new GatewayError("invalid_request", result.error.issues.flatMap((i) => formatIssue(i).split("\n")).join("; "), {
    code: "invalid_key",
    ...(param ? { param } : {}),
  });
}

type Params = { id?: string };
const idOf = (request: Request): string => ((request as Request & { params?: Params }).params ?? {}).id ?? "";

/**
 * `/admin/keys`: GET lists (usage today and this month, never a secret),
 * POST makes one (201, with its secret once); `/admin/keys/{id}`: GET shows,
 * PATCH changes limits (null clears one), DELETE revokes; POST
 * `/admin/keys/{id}/enable|disable|revoke`.
 */
export function adminKeyRouteTable(context: GatewayContext): Record<string, Record<string, AdminHandler>> {
  const operations = keyOperations(context);
  const guarded = adminGuard(context);
  const revoke = guarded(async (request) => Response.json(await operations.revoke(idOf(request))));
  return {
    "/admin/keys": {
      GET: guarded(async () => Response.json({ keys: await operations.list() })),
      POST: guarded(async (request) => Response.json(await operations.create(await readJsonBody(request, context.config.limits)), { status: 201 })),
    },
    "/admin/keys/:id": {
      GET: guarded(async (request) => Response.json(await operations.get(idOf(request)))),
      PATCH: guarded(async (request) => Response.json(await operations.change(idOf(request), await readJsonBody(request, context.config.limits)))),
      DELETE: revoke,
    },
    "/admin/keys/:id/enable": { POST: guarded(async (request) => Response.json(await operations.enable(idOf(request)))) },
    "/admin/keys/:id/disable": { POST: guarded(async (request) => Response.json(await operations.disable(idOf(request)))) },
    "/admin/keys/:id/revoke": { POST: revoke },
  };
}

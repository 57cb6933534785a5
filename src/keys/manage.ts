import * as z from "zod/mini";
import "../util/zod-english.ts";
import { clientKeyId, clientKeyLimitsSchema } from "../config/schema.ts";
import { utcDay, type ClientKeyLimits, type ClientKeyTotals, type Store, type StoredClientKey } from "../store/index.ts";
import { monthStart } from "./counters.ts";
import { hashClientKey, newClientKeySecret } from "./secret.ts";

/**
 * Managing client keys, the same way from `agw keys`, the admin API and the
 * dashboard: what can be asked for is checked by one schema, and what is
 * shown of a key never includes its secret (only `create` returns it, once).
 */

export type KeyStatus = "active" | "disabled" | "revoked" | "expired";

/** A key as shown: its limits, status and usage today and this month (UTC); never its secret or hash. */
export interface KeyView extends Omit<ClientKeyLimits, "expiresAt"> {
  id: string;
  status: KeyStatus;
  source: StoredClientKey["source"];
  expiresAt?: string;
  createdAt: string;
  revokedAt?: string;
  usage: { today: ClientKeyTotals; month: ClientKeyTotals };
}

/** What a new key asks for: an id (else one made from the name) and its limits. */
export const newKeySchema = z.extend(clientKeyLimitsSchema, { id: z.optional(clientKeyId), enabled: z.optional(z.boolean()) });
export type NewKeyInput = z.infer<typeof newKeySchema>;

type Limits = typeof clientKeyLimitsSchema.shape;

/** A change of limits: a field set to null is cleared (no limit). */
export const keyChangeSchema = z.strictObject(
  Object.fromEntries(Object.entries(clientKeyLimitsSchema.shape).map(([name, field]) => [name, z.optional(z.nullable(field._zod.def.innerType))])) as {
    [K in keyof Limits]: z.ZodMiniOptional<z.ZodMiniNullable<Limits[K]["_zod"]["def"]["innerType"]>>;
  },
);
export type KeyChangeInput = z.infer<typeof keyChangeSchema>;

/** Why a key operation could not be done: `not_found` (404 / exit 1), `conflict` (409 / exit 1) or `invalid` (400 / exit 2). */
export class KeyOperationError extends Error {
  constructor(
    readonly reason: "not_found" | "conflict" | "invalid",
    message: string,
  ) {
    super(message);
  }
}

const NONE: ClientKeyTotals = { requests: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 };

export function keyStatus(key: StoredClientKey, now = Date.now()): KeyStatus {
  if (key.revokedAt !== undefined) return "revoked";
  if (!key.enabled) return "disabled";
  if (key.expiresAt !== undefined && key.expiresAt <= now) return "expired";
  return "active";
}

/** Every key (or one), as shown, with its usage read from the store. */
export async function viewKeys(store: Store, now = Date.now(), only?: string): Promise<KeyView[]> {
  const keys = only === undefined ? await store.clientKeys.list() : [await store.clientKeys.get(only)].filter((key) => key !== undefined);
  if (keys.length === 0) return [];
  const [today, month] = await Promise.all([store.clientKeys.usageOn(utcDay(now)), store.clientKeys.usageSince(utcDay(monthStart(now)))]);
  return keys.map((key) => {
    const { hash: _hash, enabled: _enabled, revokedAt, expiresAt, createdAt, updatedAt: _updatedAt, ...limits } = key;
    return {
      ...limits,
      status: keyStatus(key, now),
      ...(expiresAt === undefined ? {} : { expiresAt: new Date(expiresAt).toISOString() }),
      createdAt: new Date(createdAt).toISOString(),
      ...(revokedAt === undefined ? {} : { revokedAt: new Date(revokedAt).toISOString() }),
      usage: { today: today.get(key.id) ?? NONE, month: month.get(key.id) ?? NONE },
    };
  });
}

/** Makes a key with a new secret; returns the key as shown and the secret, which is not kept anywhere. */
export async function createKey(store: Store, input: NewKeyInput, now = Date.now()): Promise<{ key: KeyView; secret: string }> {
  const { id: requested, enabled, expiresAt, ...limits } = input;
  const expires = expiresAt === undefined ? undefined : Date.parse(expiresAt);
  if (expires !== undefined && expires <= now) throw new KeyOperationError("invalid", `expiresAt: ${expiresAt} has passed already`);
  const id = requested ?? (await freeId(store, input.name));
  const secret = newClientKeySecret();
  const created = await store.clientKeys.create({
    ...(limits as ClientKeyLimits),
    id,
    hash: hashClientKey(secret),
    ...(enabled === undefined ? {} : { enabled }),
    ...(expires === undefined ? {} : { expiresAt: expires }),
  });
  if (!created) throw new KeyOperationError("conflict", `a key with the id '${id}' exists already`);
  return { key: (await viewKeys(store, now, id))[0]!, secret };
}

/** Changes a key's limits; config keys are changed in the config file, revoked ones not at all. */
export async function changeKey(store: Store, id: string, change: KeyChangeInput, now = Date.now()): Promise<KeyView> {
  const key = await editable(store, id, "changed");
  if (key.revokedAt !== undefined) throw new KeyOperationError("conflict", `the key '${id}' is revoked; make a new one`);
  const { expiresAt, ...rest } = change;
  const changes: Parameters<Store["clientKeys"]["update"]>[1] = { ...(rest as ClientKeyLimits) };
  if (expiresAt !== undefined) changes.expiresAt = expiresAt === null ? null : Date.parse(expiresAt);
  await store.clientKeys.update(id, changes);
  return (await viewKeys(store, now, id))[0]!;
}

export async function setKeyEnabled(store: Store, id: string, enabled: boolean, now = Date.now()): Promise<KeyView> {
  const key = await editable(store, id, enabled ? "enabled" : "disabled");
  if (key.revokedAt !== undefined) throw new KeyOperationError("conflict", `the key '${id}' is revoked for good; make a new one`);
  await store.clientKeys.setEnabled(id, enabled);
  return (await viewKeys(store, now, id))[0]!;
}

export async function revokeKey(store: Store, id: string, now = Date.now()): Promise<KeyView> {
  const key = await editable(store, id, "revoked");
  if (key.revokedAt !== undefined) throw new KeyOperationError("conflict", `the key '${id}' was revoked already`);
  await store.clientKeys.revoke(id);
  return (await viewKeys(store, now, id))[0]!;
}

async function editable(store: Store, id: string, verb: string): Promise<StoredClientKey> {
  const key = await store.clientKeys.get(id);
  if (key === undefined) throw new KeyOperationError("not_found", `no key with the id '${id}'`);
  if (key.source === "config") {
    throw new KeyOperationError("conflict", `the key '${id}' comes from the config file (auth.keys): it is ${verb} there, then reloaded`);
  }
  return key;
}

/** An id from the key's name (`Team A` → `team-a`), made unique; `key-XXXXXX` without a name. */
async function freeId(store: Store, name: string | undefined): Promise<string> {
  const base =
    name
      ?.toLowerCase()
      .replace(/[^a-z0-9_.-]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 48) || `key-${newClientKeySecret().slice(4, 10).toLowerCase()}`;
  let id = base;
  for (let n = 2; (await store.clientKeys.get(id)) !== undefined; n++) id = `${base}-${n}`;
  return id;
}

import type { LoadedConfig } from "../config/load.ts";
import type { MediaOptions } from "../media/index.ts";
import { AccountPool } from "../pool/account-pool.ts";
import { OAuthTokenManager } from "../pool/oauth/index.ts";
import { providerFactories } from "../providers/index.ts";
import type { Provider } from "../providers/types.ts";
import { ModelRouter } from "../routing/model-router.ts";
import type { Store } from "../store/index.ts";
import type { Exchange } from "./handlers/exchange.ts";
import type { ReloadResult } from "./gateway.ts";
import { RequestFeed } from "./request-feed.ts";
import { ClientKeys, hashClientKey } from "../keys/index.ts";
import { Pricing } from "../pricing/index.ts";
import { all } from "../util/awaitable.ts";
import { log } from "../util/logger.ts";

/** What request handlers share: built once at start-up, never per request. */
export interface GatewayContext {
  config: LoadedConfig;
  store: Store;
  pool: AccountPool;
  router: ModelRouter;
  providers: ReadonlyMap<string, Provider>;
  media: MediaOptions;
  /** Requests not done yet, so a shutdown can end each one visibly once the drain time is over. */
  inflight: Set<Exchange>;
  /** Finished requests as they happen, for the dashboard's live log; handed on across reloads like `inflight`. */
  feed: RequestFeed;
  /** Client keys and their counters; handed on across reloads like `inflight`. */
  keys: ClientKeys;
  /** Prices per model (the config's over the built-in table), for each request's cost. */
  pricing: Pricing;
  /** Whether the gateway is shutting down (draining open requests); set by the gateway. */
  draining?: () => boolean;
  /** Set while the accounts and keys are still being read (Postgres): the gateway serves once it is done. */
  ready?: Promise<void>;
  /** Re-reads the config file (POST /admin/reload); set by the gateway. */
  reload?: () => ReloadResult;
}

/**
 * Builds the providers, syncs the configured accounts into the store, and
 * sets up the pool and the model router. Throws for a provider type this
 * build lacks.
 */
export function buildContext(config: LoadedConfig, store: Store, keys?: ClientKeys): GatewayContext {
  const providers = new Map<string, Provider>();
  const accountless = new Set<string>();
  for (const [name, entry] of Object.entries(config.providers)) {
    const factory = providerFactories[entry.type];
    if (factory === undefined) {
      throw new Error(`providers.${name}.type: '${entry.type}' is not available in this version of agw`);
    }
    providers.set(
      name,
      factory({
        name,
        type: entry.type,
        baseUrl: entry.baseUrl,
        timeoutMs: entry.timeoutMs,
        answerTimeoutMs: entry.answerTimeoutMs,
        headers: entry.headers,
        ...(entry.maxTokensField ? { maxTokensField: entry.maxTokensField } : {}),
        ...(entry.maxOutputTokens ? { maxOutputTokens: entry.maxOutputTokens } : {}),
      }),
    );
    if (entry.type === "mock") accountless.add(name);
  }
  const syncedAccounts = store.accounts.syncFromConfig(
    Object.entries(config.providers).flatMap(([provider, entry]) =>
      entry.accounts.map((account) => ({
        provider,
        id: account.id,
        credentials: {
          ...(account.apiKey === undefined ? {} : { apiKey: account.apiKey }),
          ...(account.oauth === undefined ? {} : { oauth: account.oauth }),
        },
        enabled: account.enabled,
        weight: account.weight,
        priority: account.priority,
        models: account.models,
        dailyRequestLimit: account.dailyRequestLimit,
        dailyTokenLimit: account.dailyTokenLimit,
      })),
    ),
  );
  const syncedKeys = store.clientKeys.syncFromConfig(
    (config.auth.keys ?? []).map(({ key, keyHash, expiresAt, ...limits }) => ({
      ...limits,
      hash: keyHash ?? hashClientKey(key!),
      ...(expiresAt === undefined ? {} : { expiresAt: Date.parse(expiresAt) }),
    })),
  );
  const synced = all([syncedAccounts, syncedKeys]);
  if (keys === undefined) keys = new ClientKeys(store);
  else if (!(synced instanceof Promise)) keys.reload();
  const pool = new AccountPool(store, config.retry, accountless, config.scheduling.mode, new OAuthTokenManager(store));
  // On Postgres the pool and the keys read again once the config's accounts and keys are in.
  const ready = synced instanceof Promise ? synced.then(() => Promise.all([pool.loaded, keys.loaded, pool.reload(), keys.reload()])).then(() => {}) : undefined;
  const retained = store.applyRetention({
    logsBefore: Date.now() - config.logging.retentionDays * 86_400_000,
    responsesBefore: Date.now() - config.responses.retentionDays * 86_400_000,
    responsesMaxBytes: config.responses.maxStoredBytes,
  });
  if (retained instanceof Promise) retained.catch((error: unknown) => log.warn(`agw: could not apply the retention: ${(error as Error).message}`));
  return {
    config,
    store,
    pool,
    ready,
    router: new ModelRouter(
      config.models,
      Object.fromEntries(Object.entries(config.providers).map(([name, entry]) => [name, entry.models])),
    ),
    providers,
    media: config.media,
    inflight: new Set(),
    feed: new RequestFeed(),
    keys,
    pricing: new Pricing(config.pricing),
  };
}

import type { Server } from "bun";
import { ConfigError, loadConfigFile, type LoadedConfig } from "../config/load.ts";
import { isPostgresUrl, openStore, SqliteStore, type Store, type StoreOptions } from "../store/index.ts";
import { effectiveAuthMode, type EffectiveAuthMode } from "./auth.ts";
import { buildContext, type GatewayContext } from "./context.ts";
import { buildRoutes, fallbackHandler, unhandledError } from "./routes.ts";
import { defaultAllowedHosts, OriginPolicy } from "./origin-policy.ts";
import { log, setLogFormat } from "../util/logger.ts";

export interface Gateway<S extends Store = Store> {
  server: Server<unknown>;
  store: S;
  url: URL;
  authMode: EffectiveAuthMode;
  /** The client keys and their counters (the same across config reloads). */
  keys: GatewayContext["keys"];
  /**
   * Stops accepting requests and waits up to `shutdown.drainMs` for open
   * ones; then (at once with `force`) ends every request still open with an
   * error its client can see, flushes the logs and closes the database.
   */
  stop(force?: boolean): Promise<void>;
  /**
   * Reads the config file again and, when it is valid, serves new requests
   * with it: providers, accounts, models, limits, auth, CORS. Requests in
   * flight finish on the state they started with. An invalid file changes
   * nothing. Settings only a restart can apply are named in `restartNeeded`.
   */
  reload(): ReloadResult;
}

export interface ReloadResult {
  ok: boolean;
  /** Top-level config sections (providers by name) that changed and now apply. */
  changes?: string[];
  /** Changed settings that keep their old value until agw restarts. */
  restartNeeded?: string[];
  error?: string;
}

/** Settings bound at start-up: the listening socket, the open database, the key it was opened with. */
const restartSettings: Record<string, (config: LoadedConfig) => unknown> = {
  "listen.host": (config) => config.listen.host,
  "listen.port": (config) => config.listen.port,
  database: (config) => config.database,
  "secrets.key": (config) => config.secrets.key,
};

/** What differs between two configs, as `section` or `providers.NAME` names; restart-bound settings left out. */
function configChanges(before: LoadedConfig, after: LoadedConfig): string[] {
  const changes: string[] = [];
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)]) as Set<keyof LoadedConfig>) {
    if (key === "database" || key === "file") continue;
    if (key === "providers") {
      for (const name of new Set([...Object.keys(before.providers), ...Object.keys(after.providers)])) {
        if (!same(before.providers[name], after.providers[name])) changes.push(`providers.${name}`);
      }
    } else if (key === "listen") {
      if (!same(before.listen.allowedHosts, after.listen.allowedHosts)) changes.push("listen.allowedHosts");
    } else if (key === "secrets") {
      continue;
    } else if (!same(before[key], after[key])) changes.push(key);
  }
  return changes;
}

/** How a gateway opens its store: sealing secrets with secrets.key, and (SQLite) checkpointing on a worker thread. */
function storeOptions(config: LoadedConfig): StoreOptions {
  return { ...(config.secrets.key ? { secretKey: config.secrets.key } : {}), checkpointInBackground: true };
}

/**
 * Builds everything once (store, pool, router, providers, routes) and starts
 * `Bun.serve`, on the SQLite database the config names, synchronously. A
 * Postgres URL needs `openGateway`.
 */
export function startGateway(config: LoadedConfig, options: { port?: number; host?: string } = {}): Gateway<SqliteStore> {
  if (isPostgresUrl(config.database)) throw new Error("database: a Postgres URL is opened with openGateway, which waits for the connection");
  const store = SqliteStore.open(config.database, storeOptions(config));
  let context: GatewayContext;
  try {
    context = prepare(config, store);
  } catch (error) {
    store.close();
    throw error;
  }
  return launch(config, store, context, options);
}

/**
 * Like startGateway, for either database: a Postgres URL is connected to,
 * migrated and read (accounts, cooldowns, keys, today's usage) before the
 * gateway listens.
 */
export async function openGateway(config: LoadedConfig, options: { port?: number; host?: string } = {}): Promise<Gateway> {
  const store = await openStore(config.database, storeOptions(config));
  let context: GatewayContext | undefined;
  try {
    context = prepare(config, store);
    await context.ready;
  } catch (error) {
    context?.pool.unwatch();
    context?.keys.unwatch();
    await store.close();
    throw error;
  }
  return launch(config, store, context, options);
}

/** The context of a new gateway, watching the store for changes made elsewhere. */
function prepare(config: LoadedConfig, store: Store): GatewayContext {
  const context: GatewayContext = buildContext(config, store);
  context.pool.watch();
  context.keys.watch();
  return context;
}

function launch<S extends Store>(config: LoadedConfig, store: S, built: GatewayContext, options: { port?: number; host?: string }): Gateway<S> {
  let server: Server<unknown>;
  let context = built;
  let routesFor: (context: GatewayContext, config: LoadedConfig) => Pick<Bun.Serve.Options<unknown>, "routes" | "fetch" | "error">;
  let authMode: EffectiveAuthMode;
  try {
    context = { ...built, reload: () => gateway.reload(), draining: () => stopped !== undefined };
    authMode = effectiveAuthMode(config.auth.mode, config.allowLanAccess);
    const hostname = options.host ?? config.listen.host;
    routesFor = (context, config) => {
      const mode = effectiveAuthMode(config.auth.mode, config.allowLanAccess);
      const origins = new OriginPolicy({
        origins: config.cors.origins,
        authOff: mode === "off",
        allowedHosts: defaultAllowedHosts(hostname, config.listen.allowedHosts),
      });
      const routes = buildRoutes(context, mode, origins);
      return { routes, fetch: fallbackHandler(routes, origins), error: unhandledError };
    };
    const handlers = routesFor(context, config);
    server = Bun.serve({
      hostname,
      port: options.port ?? config.listen.port,
      // Bun would refuse a larger body itself, with a bare 413: the limit is
      // readBodyText's, which answers in the caller's shape (at once from
      // Content-Length, else while reading, never buffering past it).
      maxRequestBodySize: Number.MAX_SAFE_INTEGER,
      idleTimeout: 255,
      ...handlers,
    } as Bun.Serve.Options<unknown>);
  } catch (error) {
    built.pool.unwatch();
    built.keys.unwatch();
    void store.close();
    throw error;
  }

  let stopped: Promise<void> | undefined;
  let current = config;
  const gateway: Gateway<S> = {
    server,
    store,
    url: server.url,
    authMode,
    keys: context.keys,
    stop(force = false) {
      stopped ??= (async () => {
        context.pool.unwatch();
        context.keys.unwatch();
        // Open live logs would otherwise hold the drain up to its end.
        context.feed.close();
        const closing = server.stop(false);
        const drained = force ? false : await Promise.race([closing.then(() => true), Bun.sleep(config.shutdown.drainMs).then(() => false)]);
        if (!drained) {
          // Every request still open ends now, visibly: a 503 in its shape, or its stream's error event.
          for (const exchange of [...context.inflight]) exchange.stop();
          await Promise.race([closing, Bun.sleep(1000)]);
          await server.stop(true);
        }
        await store.close();
      })();
      return stopped;
    },
    reload() {
      const result = reloadConfig();
      if (!result.ok) log.error(`agw: config reload refused, still serving the previous config: ${result.error}`);
      else {
        const restart = result.restartNeeded!.length > 0 ? `; ${result.restartNeeded!.join(", ")} changed but need a restart to apply` : "";
        log.info(`agw: config reloaded from ${current.file} (${result.changes!.length > 0 ? `changed: ${result.changes!.join(", ")}` : "no changes"})${restart}`);
      }
      return result;
    },
  };
  function reloadConfig(): ReloadResult {
    if (stopped !== undefined) return { ok: false, error: "agw is shutting down" };
    if (current.file === undefined) return { ok: false, error: "agw was started without a config file: there is nothing to reload" };
    let next: LoadedConfig;
    let nextContext: GatewayContext;
    let handlers: ReturnType<typeof routesFor>;
    try {
      next = loadConfigFile(current.file);
      // The same inflight set: a shutdown must still see requests begun before the reload.
      nextContext = {
        ...buildContext(next, store, context.keys),
        inflight: context.inflight,
        feed: context.feed,
        reload: () => gateway.reload(),
        draining: () => stopped !== undefined,
      };
      handlers = routesFor(nextContext, next);
    } catch (error) {
      return { ok: false, error: error instanceof ConfigError ? `invalid config ${error.message}` : (error as Error).message };
    }
    // Requests already running keep the old handlers' closures (and so the old pool and router).
    // On Postgres the new ones take over once they have read the accounts and keys (milliseconds).
    const previous = context;
    const swap = () => {
      if (stopped !== undefined) return;
      server.reload(handlers as Bun.Serve.Options<unknown>);
      previous.pool.unwatch();
      nextContext.pool.watch();
    };
    if (nextContext.ready === undefined) swap();
    else nextContext.ready.then(swap, (error: unknown) => log.error(`agw: config reload not applied, the store could not be read: ${(error as Error).message}`));
    setLogFormat(next.logging.format);
    const changes = configChanges(current, next);
    const restartNeeded = Object.entries(restartSettings)
      .filter(([, read]) => read(current) !== read(next))
      .map(([name]) => name);
    // Restart-bound settings keep the values agw runs with, so the next reload compares against those.
    next = { ...next, listen: { ...next.listen, host: current.listen.host, port: current.listen.port }, database: current.database, secrets: current.secrets };
    context = nextContext;
    current = next;
    return { ok: true, changes, restartNeeded };
  }
  return gateway;
}

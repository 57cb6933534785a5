import type { Server } from "bun";
import type { LoadedConfig } from "../config/load.ts";
import { Store } from "../store/index.ts";
import { effectiveAuthMode, type EffectiveAuthMode } from "./auth.ts";
import { buildContext, type GatewayContext } from "./context.ts";
import { buildRoutes, fallbackHandler, unhandledError } from "./routes.ts";
import { defaultAllowedHosts, OriginPolicy } from "./origin-policy.ts";

export interface Gateway {
  server: Server<unknown>;
  store: Store;
  url: URL;
  authMode: EffectiveAuthMode;
  /**
   * Stops accepting requests and waits up to `shutdown.drainMs` for open
   * ones; then (at once with `force`) ends every request still open with an
   * error its client can see, flushes the logs and closes the database.
   */
  stop(force?: boolean): Promise<void>;
}

/** Builds everything once (store, pool, router, providers, routes) and starts `Bun.serve`. */
export function startGateway(config: LoadedConfig, options: { port?: number; host?: string } = {}): Gateway {
  const store = Store.open(config.database, config.secrets.key ? { secretKey: config.secrets.key } : {});
  let server: Server<unknown>;
  let context: GatewayContext;
  let pool: GatewayContext["pool"] | undefined;
  let authMode: EffectiveAuthMode;
  try {
    context = buildContext(config, store);
    context.pool.watch();
    pool = context.pool;
    authMode = effectiveAuthMode(config.auth.mode, config.allowLanAccess);
    const hostname = options.host ?? config.listen.host;
    const origins = new OriginPolicy({
      origins: config.cors.origins,
      authOff: authMode === "off",
      allowedHosts: defaultAllowedHosts(hostname, config.listen.allowedHosts),
    });
    const routes = buildRoutes(context, authMode, origins);
    server = Bun.serve({
      hostname,
      port: options.port ?? config.listen.port,
      // Bun would refuse a larger body itself, with a bare 413: the limit is
      // readBodyText's, which answers in the caller's shape (at once from
      // Content-Length, else while reading, never buffering past it).
      maxRequestBodySize: Number.MAX_SAFE_INTEGER,
      idleTimeout: 255,
      routes,
      fetch: fallbackHandler(routes, origins),
      error: unhandledError,
    });
  } catch (error) {
    pool?.unwatch();
    store.close();
    throw error;
  }

  let stopped: Promise<void> | undefined;
  return {
    server,
    store,
    url: server.url,
    authMode,
    stop(force = false) {
      stopped ??= (async () => {
        pool?.unwatch();
        const closing = server.stop(false);
        const drained = force ? false : await Promise.race([closing.then(() => true), Bun.sleep(config.shutdown.drainMs).then(() => false)]);
        if (!drained) {
          // Every request still open ends now, visibly: a 503 in its shape, or its stream's error event.
          for (const exchange of [...context.inflight]) exchange.stop();
          await Promise.race([closing, Bun.sleep(1000)]);
          await server.stop(true);
        }
        store.close();
      })();
      return stopped;
    },
  };
}

import type { Server } from "bun";
import type { LoadedConfig } from "../config/load.ts";
import { GatewayError, toGatewayError } from "../ir/errors.ts";
import { AccountPool } from "../pool/account-pool.ts";
import { protocols, type ClientProtocol } from "../protocols/index.ts";
import { providerFactories } from "../providers/index.ts";
import type { Provider } from "../providers/types.ts";
import { ModelRouter } from "../routing/model-router.ts";
import { Store } from "../store/index.ts";
import { effectiveAuthMode, KeyChecker, type EffectiveAuthMode } from "./auth.ts";
import type { GatewayContext } from "./context.ts";
import { errorResponse } from "./error-response.ts";
import { chatHandler } from "./handlers/chat.ts";
import { modelsHandler } from "./handlers/models.ts";
import { methodNotAllowed, routeNotFound } from "./route-hints.ts";

type Handler = (request: Request, server: Server<unknown>) => Response | Promise<Response>;

interface RouteSpec {
  path: string;
  method: "GET" | "POST";
  /** Health routes stay open in `all_except_health` mode. */
  health?: boolean;
  /** The protocol whose error shape this route answers in. */
  protocol: ClientProtocol;
  handler: Handler;
}

export interface Gateway {
  server: Server<unknown>;
  store: Store;
  url: URL;
  authMode: EffectiveAuthMode;
  /**
   * Stops accepting requests, waits for open ones (or cuts them with
   * `force`), flushes the logs and closes the database.
   */
  stop(force?: boolean): Promise<void>;
}

const openai = protocols["openai-chat"];

/** Builds everything once (store, pool, router, providers, routes) and starts `Bun.serve`. */
export function startGateway(config: LoadedConfig, options: { port?: number; host?: string } = {}): Gateway {
  const store = Store.open(config.database);
  try {
    return start(config, store, options);
  } catch (error) {
    store.close();
    throw error;
  }
}

function start(config: LoadedConfig, store: Store, options: { port?: number; host?: string }): Gateway {
  const providers = new Map<string, Provider>();
  const accountless = new Set<string>();
  for (const [name, entry] of Object.entries(config.providers)) {
    const factory = providerFactories[entry.type];
    if (factory === undefined) {
      throw new Error(`providers.${name}.type: '${entry.type}' is not available in this version of agw`);
    }
    providers.set(name, factory({ name, type: entry.type, baseUrl: entry.baseUrl, timeoutMs: entry.timeoutMs, headers: entry.headers }));
    if (entry.type === "mock") accountless.add(name);
  }
  store.accounts.syncFromConfig(
    Object.entries(config.providers).flatMap(([provider, entry]) =>
      entry.accounts.map((account) => ({
        provider,
        id: account.id,
        credentials: account.apiKey === undefined ? {} : { apiKey: account.apiKey },
        enabled: account.enabled,
        weight: account.weight,
        priority: account.priority,
        models: account.models,
      })),
    ),
  );
  const retentionMs = config.logging.retentionDays * 86_400_000;
  store.requestLogs.prune(Date.now() - retentionMs);

  const context: GatewayContext = {
    config,
    store,
    pool: new AccountPool(store, config.retry, accountless),
    router: new ModelRouter(
      config.models,
      Object.fromEntries(Object.entries(config.providers).map(([name, entry]) => [name, entry.models])),
    ),
    providers,
    media: config.media,
  };

  const authMode = effectiveAuthMode(config.auth.mode, config.allowLanAccess);
  const keys = new KeyChecker(config.auth.apiKey);
  const health = () => Response.json({ status: "ok" });
  const specs: RouteSpec[] = [
    { path: "/healthz", method: "GET", health: true, protocol: openai, handler: health },
    { path: "/health", method: "GET", health: true, protocol: openai, handler: health },
    { path: "/v1/models", method: "GET", protocol: openai, handler: modelsHandler(context) },
    { path: "/v1/chat/completions", method: "POST", protocol: openai, handler: chatHandler(openai, "/v1/chat/completions", context) },
  ];

  const guard = (spec: RouteSpec): Handler => {
    const guarded = authMode === "strict" || (authMode === "all_except_health" && !spec.health);
    if (!guarded) return spec.handler;
    return (request, server) => {
      try {
        keys.check(request.headers);
      } catch (error) {
        return errorResponse(spec.protocol, toGatewayError(error), new Headers({ "x-request-id": crypto.randomUUID() }));
      }
      return spec.handler(request, server);
    };
  };

  const routes: Record<string, Record<string, Handler>> = {};
  for (const spec of specs) (routes[spec.path] ??= {})[spec.method] = guard(spec);

  const server = Bun.serve({
    hostname: options.host ?? config.listen.host,
    port: options.port ?? config.listen.port,
    // Bun's own limit is a backstop; readJsonBody answers 413 in the caller's shape first.
    maxRequestBodySize: config.limits.maxBodyBytes + 1024 * 1024,
    idleTimeout: 255,
    routes,
    fetch(request) {
      const url = new URL(request.url);
      const headers = new Headers({ "x-request-id": crypto.randomUUID() });
      const known = routes[url.pathname];
      if (known) {
        const allowed = Object.keys(known);
        if (request.method === "OPTIONS") return new Response(null, { status: 204, headers: { allow: allowed.join(", ") } });
        headers.set("allow", allowed.join(", "));
        return errorResponse(openai, methodNotAllowed(request.method, url.pathname, allowed), headers);
      }
      if (request.method === "OPTIONS") return new Response(null, { status: 204 });
      return errorResponse(openai, routeNotFound(request.method, url.pathname, `${url.protocol}//${url.host}`), headers);
    },
    error(error) {
      console.error("agw: unhandled error:", error);
      const gatewayError = error instanceof GatewayError ? error : new GatewayError("internal", "internal error in the gateway");
      return errorResponse(openai, gatewayError, new Headers());
    },
  });

  let stopped: Promise<void> | undefined;
  return {
    server,
    store,
    url: server.url,
    authMode,
    stop(force = false) {
      stopped ??= (async () => {
        await server.stop(force);
        store.close();
      })();
      return stopped;
    },
  };
}

import type { Server } from "bun";
import { toGatewayError } from "../ir/errors.ts";
import { protocols, type ClientProtocol } from "../protocols/index.ts";
import { ClientAuth, type Caller, type EffectiveAuthMode } from "./auth.ts";
import type { GatewayContext } from "./context.ts";
import { errorResponse } from "./error-response.ts";
import { chatHandler } from "./handlers/chat.ts";
import { modelsHandler } from "./handlers/models.ts";
import { countTokensHandler, type CountTokensShape } from "./handlers/count-tokens.ts";
import { storedResponseRoutes, storedResponsesHooks } from "./handlers/stored-responses.ts";
import { geminiNativeRoutes } from "./handlers/gemini-native.ts";
import { decodeAnthropicCountTokensRequest } from "../protocols/anthropic/index.ts";
import { methodNotAllowed, routeNotFound } from "./route-hints.ts";
import type { OriginPolicy } from "./origin-policy.ts";
import { logInternalError } from "./log-internal-error.ts";
import { metricsHandler } from "./handlers/metrics.ts";
import { embeddingsHandler } from "./handlers/embeddings.ts";
import { decodeOpenAIEmbeddingsRequest, encodeOpenAIEmbeddingsResponse, type EmbeddingsEncoding } from "../protocols/openai-embeddings/index.ts";

/** A route's handler; `caller` is who the request comes from, on client routes (see ClientAuth). */
export type Handler = (request: Request, server: Server<unknown>, caller?: Caller) => Response | Promise<Response>;
export type RouteTable = Record<string, Record<string, Handler>>;

interface RouteSpec {
  path: string;
  method: "GET" | "HEAD" | "POST" | "DELETE";
  /** Health routes stay open in `all_except_health` mode. */
  health?: boolean;
  /** Open in every mode: probes and telemetry that carry no data (`HEAD /`, event logging). */
  open?: boolean;
  /** Google's clients may send the key as `?key=`. */
  queryKey?: boolean;
  /** The protocol whose error shape this route answers in. */
  protocol: ClientProtocol;
  handler: Handler;
}

const openai = protocols["openai-chat"];
const anthropic = protocols.anthropic;
const responses = protocols["openai-responses"];
const completions = protocols["openai-completions"];
const gemini = protocols.gemini;

const anthropicCount: CountTokensShape = {
  decode: (body) => decodeAnthropicCountTokensRequest(body).request,
  encode: (tokens) => ({ input_tokens: tokens }),
};

/** Which protocol's error shape a path answers in, for routes that do not exist. */
function protocolForPath(path: string): ClientProtocol {
  if (/^\/(?:v1\/)*messages\b/.test(path)) return anthropic;
  if (path.startsWith("/v1beta")) return gemini;
  return openai;
}

/** The `Bun.serve` routes, with the origin policy and auth applied per route as the mode says. Built once. */
export function buildRoutes(context: GatewayContext, authMode: EffectiveAuthMode, origins: OriginPolicy): RouteTable {
  const auth = new ClientAuth(context.config.auth.apiKey, context.keys);
  const health = () => Response.json({ status: "ok" });
  // Ready to take traffic: the store takes writes and the gateway is not draining (a load balancer stops sending here first).
  const ready = () => {
    const problem = context.draining?.() ? "the gateway is shutting down" : context.store.problem();
    return problem === undefined
      ? Response.json({ status: "ready", store: context.store.kind })
      : Response.json({ status: "not_ready", store: context.store.kind, reason: problem }, { status: 503 });
  };
  const root = () => Response.json({ name: "agw", status: "ok" });
  // Claude Code's telemetry: accepted and dropped, so it never reaches an upstream or logs 404s.
  const swallow = () => Response.json({});
  const models = modelsHandler(context);
  const respond = chatHandler(responses, "/v1/responses", context, storedResponsesHooks(responses, context));
  const stored = storedResponseRoutes(responses, context);
  const geminiRoutes = geminiNativeRoutes(gemini, context);
  const images = lazyRoutes(async () => {
    const { imageEditsHandler, imagesHandler } = await import("./handlers/images.ts");
    return { generations: imagesHandler(context), edits: imageEditsHandler(context) };
  });
  const specs: RouteSpec[] = [
    { path: "/", method: "GET", open: true, protocol: openai, handler: root },
    { path: "/", method: "HEAD", open: true, protocol: openai, handler: root },
    { path: "/healthz", method: "GET", health: true, protocol: openai, handler: health },
    { path: "/health", method: "GET", health: true, protocol: openai, handler: health },
    { path: "/readyz", method: "GET", health: true, protocol: openai, handler: ready },
    { path: "/v1/api/event_logging", method: "POST", open: true, protocol: anthropic, handler: swallow },
    { path: "/v1/api/event_logging/batch", method: "POST", open: true, protocol: anthropic, handler: swallow },
    { path: "/v1/models", method: "GET", protocol: openai, handler: models },
    { path: "/v1/models/claude", method: "GET", protocol: anthropic, handler: models },
    { path: "/v1/chat/completions", method: "POST", protocol: openai, handler: chatHandler(openai, "/v1/chat/completions", context) },
    { path: "/v1/messages", method: "POST", protocol: anthropic, handler: chatHandler(anthropic, "/v1/messages", context) },
    { path: "/v1/responses", method: "POST", protocol: responses, handler: respond },
    // Some Codex configurations call the base URL without /v1.
    { path: "/responses", method: "POST", protocol: responses, handler: respond },
    { path: "/v1/responses/:id", method: "GET", protocol: responses, handler: stored.get },
    { path: "/v1/responses/:id", method: "DELETE", protocol: responses, handler: stored.delete },
    {
      path: "/v1/embeddings",
      method: "POST",
      protocol: openai,
      handler: embeddingsHandler<EmbeddingsEncoding>(
        {
          route: "/v1/embeddings",
          protocol: openai,
          decode: (body) => {
            const { request, encoding } = decodeOpenAIEmbeddingsRequest(body);
            return { request, options: encoding };
          },
          encode: (response, request, encoding, tokens) => encodeOpenAIEmbeddingsResponse(response, request.model, encoding, tokens),
        },
        context,
      ),
    },
    { path: "/v1/images/generations", method: "POST", protocol: openai, handler: images.route("generations") },
    { path: "/v1/images/edits", method: "POST", protocol: openai, handler: images.route("edits") },
    { path: "/v1/completions", method: "POST", protocol: completions, handler: chatHandler(completions, "/v1/completions", context) },
    { path: "/v1beta/models", method: "GET", protocol: gemini, handler: geminiRoutes.list, queryKey: true },
    { path: "/v1beta/models/:target", method: "GET", protocol: gemini, handler: geminiRoutes.get, queryKey: true },
    { path: "/v1beta/models/:target", method: "POST", protocol: gemini, handler: geminiRoutes.post, queryKey: true },
    {
      path: "/v1/messages/count_tokens",
      method: "POST",
      protocol: anthropic,
      handler: countTokensHandler(anthropic, anthropicCount, "/v1/messages/count_tokens", context),
    },
  ];

  const guard = (spec: RouteSpec): Handler => {
    const guarded = !spec.open && (authMode === "strict" || (authMode === "all_except_health" && !spec.health));
    // With auth off nobody needs a key, but one a client sends is still held to its limits (see identify).
    const identified = !spec.open && !spec.health && authMode === "off";
    const handler: Handler =
      guarded || identified
        ? (request, server) => {
            let caller: Caller;
            try {
              const url = spec.queryKey ? request.url : undefined;
              caller = guarded ? auth.check(request.headers, url) : auth.identify(request.headers, url);
            } catch (error) {
              return errorResponse(spec.protocol, toGatewayError(error), { "x-request-id": crypto.randomUUID() });
            }
            return spec.handler(request, server, caller);
          }
        : spec.handler;
    return withOriginPolicy(origins, spec.protocol, handler);
  };

  const routes: RouteTable = {};
  for (const spec of specs) (routes[spec.path] ??= {})[spec.method] = guard(spec);
  // Guarded like the admin API (or open with metrics.public), whatever auth.mode is.
  routes["/metrics"] = { GET: withOriginPolicy(origins, openai, metricsHandler(context)) };
  // The admin API and the dashboard check auth.adminKey (else auth.apiKey) themselves, whatever auth.mode is.
  const admin = lazyRoutes(async () => (await import("./handlers/admin.ts")).adminRouteTable(context) as Record<string, Record<string, Handler>>);
  const dashboard = lazyRoutes(async () => (await import("./handlers/dashboard.ts")).dashboardRouteTable(context));
  for (const [table, paths] of [
    [admin, ADMIN_ROUTES],
    [dashboard, DASHBOARD_ROUTES],
  ] as const) {
    for (const [path, methods] of Object.entries(paths)) {
      routes[path] = Object.fromEntries(
        methods.map((method) => [method, withOriginPolicy(origins, openai, table.route(path, method))]),
      );
    }
  }
  return routes;
}

/**
 * The admin API's and the dashboard's paths and methods: their modules (and
 * the images handlers') load at the first request that needs them, not at
 * start-up, which they took 5–8 ms of for pages and an API most requests
 * never reach. A test checks these lists against the tables the modules build.
 */
export const ADMIN_ROUTES: Record<string, readonly string[]> = {
  "/admin/accounts": ["GET", "POST"],
  "/admin/accounts/:id": ["DELETE"],
  "/admin/accounts/:provider/:id": ["DELETE"],
  "/admin/accounts/:id/enable": ["POST"],
  "/admin/accounts/:provider/:id/enable": ["POST"],
  "/admin/accounts/:id/disable": ["POST"],
  "/admin/accounts/:provider/:id/disable": ["POST"],
  "/admin/accounts/:id/reset": ["POST"],
  "/admin/accounts/:provider/:id/reset": ["POST"],
  "/admin/reload": ["POST"],
  "/admin/keys": ["GET", "POST"],
  "/admin/keys/:id": ["GET", "PATCH", "DELETE"],
  "/admin/keys/:id/enable": ["POST"],
  "/admin/keys/:id/disable": ["POST"],
  "/admin/keys/:id/revoke": ["POST"],
};

export const DASHBOARD_ROUTES: Record<string, readonly string[]> = {
  "/ui": ["GET"],
  "/ui/": ["GET"],
  "/ui/sign-in": ["GET", "POST"],
  "/ui/sign-out": ["POST"],
  "/ui/accounts": ["GET"],
  "/ui/accounts/table": ["GET"],
  "/ui/accounts/add": ["POST"],
  "/ui/accounts/:action": ["POST"],
  "/ui/keys": ["GET"],
  "/ui/keys/table": ["GET"],
  "/ui/keys/create": ["POST"],
  "/ui/keys/:action": ["POST"],
  "/ui/requests": ["GET"],
  "/ui/requests/events": ["GET"],
  "/ui/requests/:id": ["GET"],
  "/ui/assets/dashboard.js": ["GET"],
  "/ui/assets/dashboard.css": ["GET"],
};

/**
 * Handlers from a module loaded at the first request to one of them (once;
 * the requests that come meanwhile wait for the same load). `route(key)` is
 * the handler `key` of the table `load` resolves to; `route(path, method)`
 * of a route table.
 */
function lazyRoutes<Table extends Record<string, unknown>>(load: () => Promise<Table>) {
  let loaded: Promise<Table> | undefined;
  // A load that failed is tried again by the next request.
  const table = () => (loaded ??= load().catch((error: unknown) => ((loaded = undefined), Promise.reject(error))));
  return {
    route(...keys: string[]): Handler {
      return async (request, server, caller) => {
        let entry: unknown = await table();
        for (const key of keys) entry = (entry as Record<string, unknown> | undefined)?.[key];
        if (typeof entry !== "function") throw new Error(`no handler for ${keys.join(" ")} in its lazily loaded module`);
        return (entry as Handler)(request, server, caller);
      };
    },
  };
}

/**
 * Runs the origin policy before the route: a refused origin or host is a 403
 * in the route's protocol; an allowed web origin gets its CORS headers on
 * the answer. Requests without an Origin (CLIs, SDKs) pay one header read.
 */
function withOriginPolicy(origins: OriginPolicy, protocol: ClientProtocol, handler: Handler): Handler {
  return (request, server) => {
    const refusal = origins.refusal(request);
    if (refusal) return errorResponse(protocol, refusal, { "x-request-id": crypto.randomUUID() });
    const cors = origins.corsHeaders(request);
    if (cors === undefined) return handler(request, server);
    return Promise.resolve(handler(request, server)).then((response) => {
      for (const [name, value] of Object.entries(cors)) response.headers.set(name, value);
      return response;
    });
  };
}

/**
 * What no route matched: a CORS preflight (answered by the origin policy),
 * 405 for a known path, else 404 with base-URL hints.
 */
export function fallbackHandler(routes: RouteTable, origins: OriginPolicy): (request: Request) => Response {
  return (request) => {
    const url = new URL(request.url);
    const headers: Record<string, string> = { "x-request-id": crypto.randomUUID() };
    const known = routes[url.pathname];
    if (request.method === "OPTIONS") {
      if (request.headers.get("origin") !== null) return origins.preflight(request);
      return new Response(null, { status: 204, headers: known ? { allow: Object.keys(known).join(", ") } : {} });
    }
    const refusal = origins.refusal(request);
    if (refusal) return errorResponse(protocolForPath(url.pathname), refusal, headers);
    // An allowed page that got the path wrong must be able to read agw's hint.
    Object.assign(headers, origins.corsHeaders(request));
    if (known) {
      const allowed = Object.keys(known);
      headers.allow = allowed.join(", ");
      return errorResponse(protocolForPath(url.pathname), methodNotAllowed(request.method, url.pathname, allowed), headers);
    }
    const error = routeNotFound(request.method, url.pathname, `${url.protocol}//${url.host}`);
    return errorResponse(protocolForPath(url.pathname), error, headers);
  };
}

export function unhandledError(error: Error): Response {
  logInternalError("unhandled error", error);
  return errorResponse(openai, toGatewayError(error), {});
}

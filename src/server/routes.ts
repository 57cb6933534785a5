import type { Server } from "bun";
import { toGatewayError } from "../ir/errors.ts";
import { protocols, type ClientProtocol } from "../protocols/index.ts";
import { KeyChecker, type EffectiveAuthMode } from "./auth.ts";
import type { GatewayContext } from "./context.ts";
import { errorResponse } from "./error-response.ts";
import { chatHandler } from "./handlers/chat.ts";
import { modelsHandler } from "./handlers/models.ts";
import { methodNotAllowed, routeNotFound } from "./route-hints.ts";

export type Handler = (request: Request, server: Server<unknown>) => Response | Promise<Response>;
export type RouteTable = Record<string, Record<string, Handler>>;

interface RouteSpec {
  path: string;
  method: "GET" | "POST";
  /** Health routes stay open in `all_except_health` mode. */
  health?: boolean;
  /** The protocol whose error shape this route answers in. */
  protocol: ClientProtocol;
  handler: Handler;
}

const openai = protocols["openai-chat"];

/** The `Bun.serve` routes, with auth applied per route as the mode says. Built once. */
export function buildRoutes(context: GatewayContext, authMode: EffectiveAuthMode): RouteTable {
  const keys = new KeyChecker(context.config.auth.apiKey);
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
        return errorResponse(spec.protocol, toGatewayError(error), { "x-request-id": crypto.randomUUID() });
      }
      return spec.handler(request, server);
    };
  };

  const routes: RouteTable = {};
  for (const spec of specs) (routes[spec.path] ??= {})[spec.method] = guard(spec);
  return routes;
}

/** What no route matched: 405 for a known path, else 404 with base-URL hints. */
export function fallbackHandler(routes: RouteTable): (request: Request) => Response {
  return (request) => {
    const url = new URL(request.url);
    const headers: Record<string, string> = { "x-request-id": crypto.randomUUID() };
    const known = routes[url.pathname];
    if (known) {
      const allowed = Object.keys(known);
      if (request.method === "OPTIONS") return new Response(null, { status: 204, headers: { allow: allowed.join(", ") } });
      headers.allow = allowed.join(", ");
      return errorResponse(openai, methodNotAllowed(request.method, url.pathname, allowed), headers);
    }
    if (request.method === "OPTIONS") return new Response(null, { status: 204 });
    return errorResponse(openai, routeNotFound(request.method, url.pathname, `${url.protocol}//${url.host}`), headers);
  };
}

export function unhandledError(error: Error): Response {
  console.error("agw: unhandled error:", error);
  return errorResponse(openai, toGatewayError(error), {});
}

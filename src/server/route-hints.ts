import { GatewayError } from "../ir/errors.ts";

/** The paths agw serves, for hints about near misses. */
const KNOWN_ENDPOINTS = [
  "/v1/chat/completions",
  "/v1/models",
  "/v1/messages",
  "/v1/messages/count_tokens",
  "/v1/completions",
];

/**
 * A 404 whose message explains the usual base-URL mistakes: `/v1` twice, or
 * missing. `base` is the gateway's own URL for the suggestion.
 */
export function routeNotFound(method: string, path: string, base: string): GatewayError {
  const origin = base.replace(/\/$/, "");
  let hint = "";
  const doubled = /^(\/v1(?:beta)?)\1\//.exec(path);
  if (doubled) {
    hint = ` The path repeats ${doubled[1]}: your client adds ${doubled[1]} itself, so set its base URL to ${origin} without ${doubled[1]}.`;
  } else {
    const suffix = KNOWN_ENDPOINTS.find((endpoint) => endpoint.slice(3) === path);
    if (suffix) hint = ` Did you mean ${suffix}? Set your client's base URL to ${origin}/v1.`;
  }
  return new GatewayError("not_found", `no route for ${method} ${path}.${hint}`, { code: "route_not_found" });
}

export function methodNotAllowed(method: string, path: string, allowed: string[]): GatewayError {
  return new GatewayError("method_not_allowed", `${method} is not allowed on ${path}; use ${allowed.join(" or ")}`, {
    code: "method_not_allowed",
  });
}

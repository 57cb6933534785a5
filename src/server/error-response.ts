import type { GatewayError } from "../ir/errors.ts";
import type { ClientProtocol } from "../protocols/types.ts";

/** The error as a Response in the protocol's shape, with `Retry-After` when a delay is known. */
export function errorResponse(protocol: ClientProtocol, error: GatewayError, headers: Record<string, string>): Response {
  const { status, body } = protocol.encodeError(error);
  if (error.retryAfterMs !== undefined) headers["retry-after"] = String(Math.max(1, Math.ceil(error.retryAfterMs / 1000)));
  return Response.json(body, { status, headers });
}

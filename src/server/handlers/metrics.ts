import { GatewayError, toGatewayError } from "../../ir/errors.ts";
import { metricsFor } from "../../metrics/metrics-for.ts";
import { protocols } from "../../protocols/index.ts";
import { KeyChecker } from "../auth.ts";
import type { GatewayContext } from "../context.ts";
import { errorResponse } from "../error-response.ts";

const openai = protocols["openai-chat"];
const CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/**
 * `GET /metrics` in Prometheus' text format. It needs `auth.adminKey` (else
 * `auth.apiKey`) as the admin API does, unless `metrics.public` is set.
 * Everything it reads is in memory: no SQL on the scrape path.
 */
export function metricsHandler(context: GatewayContext): (request: Request) => Response {
  const keys = new KeyChecker(context.config.auth.adminKey || context.config.auth.apiKey);
  const open = context.config.metrics.public;
  return (request) => {
    if (!open) {
      try {
        if (!keys.configured) {
          throw new GatewayError(
            "authentication",
            "/metrics needs a key: set auth.adminKey (or auth.apiKey) in the config, or metrics.public to true",
            { code: "no_admin_key_configured" },
          );
        }
        keys.check(request.headers);
      } catch (error) {
        return errorResponse(openai, toGatewayError(error), { "x-request-id": crypto.randomUUID() });
      }
    }
    return new Response(metricsFor(context).render(), { headers: { "content-type": CONTENT_TYPE } });
  };
}

import type { GatewayContext } from "../context.ts";

/** `GET /v1/models` in OpenAI's list shape; the body is built once, at start-up. */
export function modelsHandler(context: GatewayContext): () => Response {
  const created = Math.floor(Date.now() / 1000);
  const body = JSON.stringify({
    object: "list",
    data: context.router.listModels().map(({ id, provider }) => ({ id, object: "model", created, owned_by: provider })),
  });
  return () => new Response(body, { headers: { "content-type": "application/json", "x-request-id": crypto.randomUUID() } });
}

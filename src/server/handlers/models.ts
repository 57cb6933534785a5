import type { ActiveClientKey } from "../../keys/index.ts";
import type { Caller } from "../auth.ts";
import type { GatewayContext } from "../context.ts";

/**
 * `GET /v1/models` in OpenAI's list shape; the body is built once, at
 * start-up, and once per client key with a model list (only the models the
 * key may use).
 */
export function modelsHandler(context: GatewayContext): (request: Request, server?: unknown, caller?: Caller) => Response {
  const created = Math.floor(Date.now() / 1000);
  const models = context.router.listModels().map(({ id, provider }) => ({ id, object: "model", created, owned_by: provider, agw: { serves: servesOf(context, id) } }));
  const body = JSON.stringify({ object: "list", data: models });
  const perKey = new WeakMap<ActiveClientKey, string>();
  return (_request, _server, caller) => {
    const key = caller?.key;
    let text = body;
    if (key?.record.models !== undefined && key.record.models.length > 0) {
      text = perKey.get(key) ?? JSON.stringify({ object: "list", data: models.filter((model) => key.allows(model.id)) });
      perKey.set(key, text);
    }
    return new Response(text, { headers: { "content-type": "application/json", "x-request-id": crypto.randomUUID() } });
  };
}

/**
 * What a model name can be used for (`agw.serves` in `/v1/models`): chats,
 * and `embeddings` or `images` where the upstream model it maps to is one of
 * those (by the naming the vendors use: `…embedding…`, `…-image…`,
 * `dall-e…`, `gpt-image…`) and its provider can serve them.
 */
function servesOf(context: GatewayContext, id: string): string[] {
  const target = context.router.resolve(id);
  const provider = target && context.providers.get(target.provider);
  if (target === undefined || provider === undefined) return ["chat"];
  const name = target.model.toLowerCase();
  if (/embedding/.test(name)) return provider.embed ? ["embeddings"] : [];
  const images = /-image|^dall-e|^gpt-image|imagen/.test(name) && (provider.generatesImages === true || provider.nativeProtocol === "openai-chat");
  return images ? (/^dall-e|^gpt-image|imagen/.test(name) ? ["images"] : ["chat", "images"]) : ["chat"];
}

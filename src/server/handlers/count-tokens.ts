import { toGatewayError } from "../../ir/errors.ts";
import type { ChatRequest } from "../../ir/request.ts";
import type { ClientProtocol } from "../../protocols/types.ts";
import { estimateRequestTokens } from "../../tokens/estimate-request-tokens.ts";
import type { GatewayContext } from "../context.ts";
import { errorResponse } from "../error-response.ts";
import { readJsonBody } from "../read-body.ts";
import { mapModel } from "./chat.ts";
import { Exchange } from "./exchange.ts";
import { checkModel } from "../../keys/index.ts";
import type { Caller } from "../auth.ts";

export interface CountTokensShape {
  /** Decodes the protocol's count-tokens body into IR (throws GatewayError for bad input); Gemini reads the model from the URL. */
  decode(body: unknown, request: Request): ChatRequest;
  /** The protocol's answer for a count. */
  encode(tokens: number): unknown;
}

/**
 * Counts a request's input tokens: the upstream's own count where the
 * provider has one, else a local estimate; never 0 for a request with content.
 */
export function countTokensHandler(protocol: ClientProtocol, shape: CountTokensShape, route: string, context: GatewayContext) {
  return async (request: Request, _server?: unknown, caller?: Caller): Promise<Response> => {
    const exchange = new Exchange(route, protocol.name, context);
    exchange.countsUsage = false;
    try {
      const chat = shape.decode(await readJsonBody(request, context.config.limits), request);
      exchange.log.requestedModel = chat.model;
      // Counting is free: a client key's model list applies, its limits do not.
      if (caller?.key !== undefined) {
        exchange.log.keyId = caller.key.record.id;
        checkModel(caller.key, chat.model);
      }
      const { target, provider } = mapModel(context, chat.model);
      exchange.mapped(target);
      let tokens: number | undefined;
      if (provider.countTokens) {
        const pick = context.pool.pick(target.provider, target.model, { tried: new Set() });
        if (pick.account) {
          exchange.log.accountId = pick.account.id;
          exchange.attempts.push({ accountId: pick.account.id, status: 200 });
          try {
            const account = await context.pool.credentials(pick.account);
            tokens = await provider.countTokens(chat, { model: target.model, account, signal: request.signal });
          } catch (thrown) {
            // Counting is advisory: fall back to the estimate rather than fail the client.
            const error = toGatewayError(thrown);
            exchange.attempts[exchange.attempts.length - 1] = { accountId: pick.account.id, status: error.status, errorClass: error.kind };
          }
        }
      }
      // An upstream may count 0 (Google omits zero fields) for what it does not see:
      // the estimate keeps the promise that a request with content never counts 0.
      if (tokens === undefined || tokens <= 0) tokens = estimateRequestTokens(chat);
      exchange.log.inputTokens = tokens;
      exchange.finish(200);
      return Response.json(shape.encode(tokens), { headers: exchange.headers });
    } catch (thrown) {
      const error = toGatewayError(thrown);
      exchange.finish(error.status, error.code ?? error.kind);
      return errorResponse(protocol, error, exchange.headers);
    }
  };
}

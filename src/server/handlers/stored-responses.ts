import { GatewayError } from "../../ir/errors.ts";
import type { ClientProtocol, EncodeContext } from "../../protocols/types.ts";
import { then } from "../../util/awaitable.ts";
import { encodeStoredOutput, expandItemReferences, type ResponsesOptions } from "../../protocols/openai-responses/index.ts";
import type { GatewayContext } from "../context.ts";
import { errorResponse } from "../error-response.ts";
import type { ChatHooks } from "./chat.ts";

/** What prepare learned, for onAnswer: which stored response this one continues, and this turn's own input. */
interface TurnState {
  previousResponseId?: string;
  turnInput: unknown[];
}

function asItems(input: unknown): unknown[] {
  if (typeof input === "string") return [{ type: "message", role: "user", content: input }];
  return Array.isArray(input) ? input : [];
}

function notFound(id: string, param?: string): GatewayError {
  return new GatewayError(
    "not_found",
    `no stored response with id '${id}': responses are kept for responses.retentionDays, and never when the request said store: false`,
    { code: "response_not_found", ...(param ? { param } : {}) },
  );
}

/**
 * The Responses API's memory. Before decoding, input items that reference a
 * stored item (`item_reference`, a bare id, a reasoning item without its
 * content) are replaced by it, and `previous_response_id` is expanded into
 * the stored conversation. An answer is stored (in SQLite, so it outlives
 * restarts) unless the request said `store: false`, with its signatures and
 * its output items by id.
 */
export function storedResponsesHooks(protocol: ClientProtocol, context: GatewayContext): ChatHooks<TurnState> {
  const responses = context.store.responses;
  const lookupItems = (ids: ReadonlyArray<string>) => responses.items(ids);
  return {
    prepare(body) {
      if (body === null || typeof body !== "object" || Array.isArray(body)) return { body, state: { turnInput: [] } };
      const fields = body as Record<string, unknown>;
      const sent = asItems(fields.input);
      // Expanded before it is stored: a later turn continues from the items themselves.
      return then(expandItemReferences(sent, lookupItems), (turnInput) => {
        const previous = fields.previous_response_id;
        if (typeof previous !== "string" || previous === "") {
          return { body: turnInput === sent ? body : { ...fields, input: turnInput }, state: { turnInput } };
        }
        return then(responses.conversation(previous), (conversation) => {
          if (conversation === undefined) throw notFound(previous, "previous_response_id");
          return { body: { ...fields, input: [...conversation, ...turnInput] }, state: { previousResponseId: previous, turnInput } };
        });
      });
    },
    onAnswer(answer, encodeContext, decoded, state) {
      const options = decoded.options as ResponsesOptions;
      if (!options.store) return;
      const response = protocol.encodeResponse(answer, encodeContext);
      const { output, referable } = encodeStoredOutput(answer, encodeContext as EncodeContext<ResponsesOptions>);
      const saved = responses.save(
        {
          id: encodeContext.id,
          createdAt: encodeContext.created * 1000,
          ...(state?.previousResponseId ? { previousResponseId: state.previousResponseId } : {}),
          input: state?.turnInput ?? [],
          output,
          response,
        },
        referable,
      );
      // Postgres: the answer waits for the write (it never fails: an unwritten response is kept and retried).
      if (saved instanceof Promise) return saved.then(() => {});
    },
  };
}

/** `GET` and `DELETE /v1/responses/{id}`. */
export function storedResponseRoutes(protocol: ClientProtocol, context: GatewayContext) {
  const headers = () => ({ "x-request-id": crypto.randomUUID() });
  // Bun's router puts the `:id` of the path in `params`.
  const idOf = (request: Request) => (request as Request & { params?: Record<string, string> }).params?.id ?? "";
  return {
    async get(request: Request): Promise<Response> {
      const id = idOf(request);
      const stored = await context.store.responses.get(id);
      if (stored === undefined) return errorResponse(protocol, notFound(id), headers());
      return Response.json(stored.response, { headers: headers() });
    },
    async delete(request: Request): Promise<Response> {
      const id = idOf(request);
      if (!(await context.store.responses.delete(id))) return errorResponse(protocol, notFound(id), headers());
      return Response.json({ id, object: "response", deleted: true }, { headers: headers() });
    },
  };
}

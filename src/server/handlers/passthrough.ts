import type { Provider } from "../../providers/types.ts";
import { type RetryTarget, withRetries } from "../../pool/attempt.ts";
import type { ModelTarget } from "../../routing/model-router.ts";
import type { Exchange } from "./exchange.ts";

/** How much of a relayed answer's end is kept to read its usage. */
const TAIL_BYTES = 4096;

export interface PassthroughCall {
  provider: Provider;
  target: ModelTarget;
  /** The provider's operation, with its query (Gemini: `streamGenerateContent?alt=sse`). */
  operation: string;
  /** The client's body, byte for byte. */
  body: string;
  /** Client headers to forward (the provider picks the ones its API knows). */
  headers?: Record<string, string>;
  signal: AbortSignal;
}

/**
 * Relays a request the provider speaks natively: sent untouched with only
 * the model and credentials replaced (rotating accounts on errors before
 * the answer starts), and the answer streamed back as it arrives. The
 * relay keeps only the answer's last bytes, to read its usage for the log.
 */
export async function relayPassthrough(call: PassthroughCall, retry: RetryTarget, exchange: Exchange): Promise<Response> {
  const { provider, target } = call;
  const { account, value: upstream } = await withRetries(retry, async (account) =>
    provider.passthrough!(
      { operation: call.operation, body: call.body, ...(call.headers ? { headers: call.headers } : {}) },
      { model: target.model, account: await retry.pool.credentials(account), signal: call.signal },
    ),
  );
  exchange.log.accountId = account.id;
  exchange.headers["x-account-email"] = account.id;
  exchange.firstByte();
  const contentType = upstream.headers.get("content-type");
  if (contentType) exchange.headers["content-type"] = contentType;

  const decoder = new TextDecoder();
  const reader = upstream.body!.getReader();
  let tail = "";
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let chunk: Awaited<ReturnType<typeof reader.read>>;
        try {
          chunk = await reader.read();
        } catch (error) {
          // The upstream broke off mid-answer: the client sees the cut, the log says why.
          exchange.finish(upstream.status, "upstream_stream_broken");
          controller.error(error);
          return;
        }
        if (chunk.done) {
          exchange.usage(provider.passthroughUsage?.(tail));
          exchange.finish(upstream.status);
          controller.close();
          return;
        }
        tail = (tail + decoder.decode(chunk.value, { stream: true })).slice(-TAIL_BYTES);
        controller.enqueue(chunk.value);
      },
      cancel(reason) {
        exchange.finish(499, "client_closed");
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
  return new Response(body, { status: upstream.status, headers: exchange.headers });
}

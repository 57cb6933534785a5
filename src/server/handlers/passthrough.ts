import { GatewayError, toGatewayError } from "../../ir/errors.ts";
import type { ClientProtocol, EncodeContext, RelayedStreamFraming } from "../../protocols/types.ts";
import type { Provider } from "../../providers/types.ts";
import { describeNetworkError } from "../../providers/http/describe-network-error.ts";
import { type RetryTarget, withRetries } from "../../pool/attempt.ts";
import type { ModelTarget } from "../../routing/model-router.ts";
import type { Exchange } from "./exchange.ts";
import { SSE_HEADERS } from "../../sse/encode.ts";
import { within } from "./within.ts";
import { everyTick } from "./keep-alive-ticker.ts";
import { shuttingDown } from "./respond.ts";

/** The framing of a relayed JSON answer (countTokens, embeddings, images): nothing is framed. */
export const JSON_ANSWER: RelayFraming = { keepAliveFrame: "", keepAliveMs: Number.POSITIVE_INFINITY, eventEnds: () => false, errorFrame: () => "", streamHeaders: {} };

/** How much of a relayed answer's end is kept to read its usage. */
const TAIL_BYTES = 4096;

export interface PassthroughCall {
  provider: Provider;
  target: ModelTarget;
  /** The provider's operation, with its query (Gemini: `streamGenerateContent?alt=sse`). */
  operation: string;
  /** The client's body, byte for byte (a form for multipart endpoints). */
  body: string | FormData;
  /** Client headers to forward (the provider picks the ones its API knows). */
  headers?: Record<string, string>;
  signal: AbortSignal;
  /** Whether the answer is a stream; a JSON answer is read whole before it is sent. */
  stream: boolean;
  /**
   * A JSON answer made at once rather than generated (token counts,
   * embeddings): its headers are due within the provider's timeoutMs, like a
   * stream's, so a hung account is left as soon.
   */
  quick?: boolean;
}

/** How a relayed stream speaks the client's protocol when agw itself must say something. */
export interface RelayFraming extends RelayedStreamFraming {
  /** Sent while the upstream is silent, between events. */
  keepAliveFrame: string;
  keepAliveMs: number;
  /** The headers of a stream agw starts before the upstream answers. */
  streamHeaders: Record<string, string>;
}

/** The client protocol's framing for a relayed stream: SSE unless the protocol says otherwise. */
export function relayFramingOf(protocol: ClientProtocol, context: EncodeContext<unknown>, keepAliveMs: number): RelayFraming {
  const own = protocol.relayFraming?.(context.options);
  return {
    keepAliveFrame: protocol.streamKeepAlive?.(context.options) ?? protocol.keepAliveFrame,
    keepAliveMs,
    streamHeaders: protocol.streamHeaders?.(context.options) ?? SSE_HEADERS,
    eventEnds: own?.eventEnds ?? endsSseEvent,
    errorFrame:
      own?.errorFrame ??
      ((error) => {
        const machine = protocol.encodeStream(context);
        return machine.step(machine.start(), { type: "error", error }).join("");
      }),
  };
}

/**
 * Relays a request the provider speaks natively: sent untouched with only
 * the model and credentials replaced (rotating accounts on errors before
 * the answer starts), and the answer passed back as the upstream wrote it.
 * A JSON answer is read whole first: a cut is a failed attempt (retried on
 * the next account, else a 502 in the caller's shape), never a truncated
 * 200. A stream is relayed as it arrives, with keep-alive frames while the
 * upstream is silent and the protocol's error event when it breaks off.
 * Only the answer's last bytes are kept, to read its usage for the log.
 */
export async function relayPassthrough(
  call: PassthroughCall,
  retry: RetryTarget,
  exchange: Exchange,
  framing: RelayFraming,
): Promise<Response> {
  const { provider, target } = call;
  // A generated answer that is not streamed is under way from the moment the upstream takes the
  // request, and nothing comes back before it is done: the retry deadline no longer cuts it (no
  // further attempt starts past it), the provider's answerTimeoutMs does.
  const unstreamed = !call.stream && call.quick !== true;
  const retrying = withRetries(retry, async (account, credentials, signal, answering, abort) => {
    if (unstreamed) answering();
    const upstream = await provider.passthrough!(
      { operation: call.operation, body: call.body, ...(call.headers ? { headers: call.headers } : {}) },
      { model: target.model, account: credentials, signal, abort, unstreamed },
    );
    if (call.stream) {
      // The first bytes are part of the attempt: an upstream that answers 200 and then closes or
      // breaks before its body has said nothing yet, and the next account may answer instead.
      const reader: ByteReader = upstream.body!.getReader();
      let first: { done: boolean; value?: Uint8Array };
      try {
        first = await reader.read();
      } catch (error) {
        if (signal.aborted) throw error;
        throw new GatewayError("upstream", `the upstream's stream broke off before its first byte: ${describeNetworkError(error)}`, {
          retryable: true,
          cause: error,
        });
      }
      if (first.done || first.value === undefined) {
        throw new GatewayError("upstream", "the upstream closed its stream before answering", { retryable: true });
      }
      return { upstream, account, body: { reader, first: first.value } };
    }
    try {
      return { upstream, account, whole: await upstream.arrayBuffer() };
    } catch (error) {
      if (signal.aborted) throw error;
      throw new GatewayError("upstream", "the upstream's answer broke off before it was complete", { retryable: true, cause: error });
    }
  });
  if (call.stream) {
    const early = await within(retrying, framing.keepAliveMs);
    if (early === undefined) {
      // The upstream is slow to answer (a hanging account before failover, a long wait): the
      // stream starts now with keep-alive frames so the client does not give up; the upstream's
      // answer follows as it comes, or its final failure as the protocol's error event.
      exchange.firstByte();
      const source = retrying.then(({ value }) => {
        exchange.log.accountId = value.account.id;
        return value.body!;
      });
      return new Response(relayStream(source, provider, exchange, framing), { headers: Object.assign(exchange.headers, framing.streamHeaders) });
    }
    return relayed(early.value, provider, exchange, framing);
  }
  return relayed((await retrying).value, provider, exchange, framing);
}

interface Relayed {
  upstream: Response;
  account: { id: string };
  /** A JSON answer, read whole. */
  whole?: ArrayBuffer;
  /** A stream, its first bytes already read. */
  body?: RelayedBody;
}

/** A relayed stream's body: its reader, and the first bytes the attempt read to know the upstream answers. */
interface RelayedBody {
  reader: ByteReader;
  first: Uint8Array;
}

/** The upstream's answer as the client's: a JSON body whole, a stream as it comes. */
function relayed(value: Relayed, provider: Provider, exchange: Exchange, framing: RelayFraming): Response {
  const { upstream, whole, account } = value;
  exchange.log.accountId = account.id;
  exchange.headers["x-account-email"] = account.id;
  exchange.firstByte();
  const contentType = upstream.headers.get("content-type");
  if (contentType) exchange.headers["content-type"] = contentType;
  if (whole !== undefined) {
    exchange.usage(provider.passthroughUsage?.(tailText(new Uint8Array(whole))));
    exchange.finish(upstream.status);
    return new Response(whole, { status: upstream.status, headers: exchange.headers });
  }
  return new Response(relayStream(value.body!, provider, exchange, framing), { status: upstream.status, headers: exchange.headers });
}

/** What the relay needs of a body reader. */
interface ByteReader {
  read(): Promise<{ done: boolean; value?: Uint8Array }>;
  cancel(reason?: unknown): Promise<void>;
}

/**
 * The relayed stream. Its source may still be on its way (a stream started
 * before the upstream answered): keep-alive frames go out meanwhile, and a
 * source that never comes ends the stream with the protocol's error event.
 */
function relayStream(
  source: RelayedBody | Promise<RelayedBody>,
  provider: Provider,
  exchange: Exchange,
  framing: RelayFraming,
) {
  let reader: ByteReader | undefined = source instanceof Promise ? undefined : source.reader;
  let first: Uint8Array | undefined = source instanceof Promise ? undefined : source.first;
  /** Lets go of the upstream's answer, whether it has come or is still coming. */
  const dropSource = (reason?: unknown) => {
    if (reader !== undefined) void reader.cancel(reason).catch(() => {});
    else void Promise.resolve(source).then((late) => late.reader.cancel(reason), () => {});
  };
  const tail = new RelayTail();
  let closed = false;
  let stopKeepAlive = () => {};
  return new ReadableStream({
    type: "direct",
    async pull(controller) {
      let lastWrite = performance.now();
      /** Whether what went out ends between two events, where agw may add one of its own. */
      let atBoundary = true;
      stopKeepAlive = everyTick(Math.max(50, Math.floor(framing.keepAliveMs / 3)), () => {
        if (closed || !atBoundary || performance.now() - lastWrite < framing.keepAliveMs) return;
        controller.write(framing.keepAliveFrame);
        controller.flush();
        lastWrite = performance.now();
      });
      let errorClass: string | undefined;
      // The gateway stops before the answer is done: the protocol's error event ends it.
      exchange.onStop(() => {
        if (closed) return;
        controller.write((atBoundary ? "" : "\n\n") + framing.errorFrame(shuttingDown()));
        closed = true;
        stopKeepAlive();
        controller.close();
        dropSource();
        exchange.finish(503, "shutdown");
      });
      try {
        if (reader === undefined) {
          try {
            ({ reader, first } = await source);
          } catch (thrown) {
            if (closed) return;
            const error = toGatewayError(thrown);
            errorClass = error.code ?? error.kind;
            controller.write(framing.errorFrame(error));
            reader = undefined;
          }
        }
        for (; reader !== undefined; ) {
          let chunk: Awaited<ReturnType<typeof reader.read>>;
          try {
            // The bytes the attempt read first go out first.
            chunk = first !== undefined ? { done: false, value: first } : await reader.read();
            first = undefined;
          } catch (error) {
            if (closed) return;
            // The upstream broke off mid-answer: the client sees the protocol's error event, the log says why.
            errorClass = "upstream_stream_broken";
            const message = `the upstream stream broke off: ${describeNetworkError(error)}`;
            controller.write((atBoundary ? "" : "\n\n") + framing.errorFrame(new GatewayError("upstream", message)));
            break;
          }
          if (closed) return;
          if (chunk.done || chunk.value === undefined) break;
          tail.add(chunk.value);
          controller.write(chunk.value);
          controller.flush();
          lastWrite = performance.now();
          atBoundary = framing.eventEnds(tail.end);
        }
      } finally {
        stopKeepAlive();
      }
      closed = true;
      controller.close();
      const text = tail.text();
      exchange.usage(provider.passthroughUsage?.(text));
      exchange.finish(200, errorClass ?? endsInError(text));
    },
    cancel(reason) {
      stopKeepAlive();
      if (closed) return;
      closed = true;
      exchange.finish(499, "client_closed");
      dropSource(reason);
    },
  });
}

/**
 * Whether a relayed stream ended with the upstream's own error event (an
 * Anthropic `error` event, `{"error": …}` from OpenAI or Gemini): the client
 * got it as sent, the log must say it too.
 */
function endsInError(tail: string): string | undefined {
  const at = tail.lastIndexOf("data:");
  if (at === -1) return undefined;
  const data = tail.slice(at + 5).trim();
  if (!data.startsWith("{")) return undefined;
  try {
    const event = JSON.parse(data) as { type?: unknown; error?: unknown };
    return event.type === "error" || (event.error !== undefined && event.error !== null) ? "upstream_error" : undefined;
  } catch {
    return undefined;
  }
}

/** SSE events end with a blank line. */
function endsSseEvent(text: string): boolean {
  return text.endsWith("\n\n") || text.endsWith("\r\n\r\n") || text.endsWith("\r\r");
}

/** Decodes whole byte ranges only (no state between calls), so one serves every request. */
const decoder = new TextDecoder();

function tailText(bytes: Uint8Array): string {
  return decoder.decode(bytes.subarray(Math.max(0, bytes.length - TAIL_BYTES)));
}

/** How many characters of a relayed stream's end tell whether it stopped between two events. */
const END_CHARS = 8;

/**
 * The end of a relayed stream, kept as it passes: the last chunks (at least
 * TAIL_BYTES of them) as they came, decoded once when the stream is over for
 * its usage, and the last few characters, to know after each chunk whether
 * the stream stands between two events. Decoding and keeping a 4 KB string
 * per chunk instead cost ~1.7 us a chunk; this ~0.15 us.
 */
class RelayTail {
  private readonly chunks: Uint8Array[] = [];
  private bytes = 0;
  /** The stream's last characters (a chunk cut inside a character decodes that one as U+FFFD: only the ASCII framing is read here). */
  end = "";

  add(chunk: Uint8Array): void {
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    while (this.chunks.length > 1 && this.bytes - this.chunks[0]!.length >= TAIL_BYTES) this.bytes -= this.chunks.shift()!.length;
    this.end = (this.end + decoder.decode(chunk.subarray(Math.max(0, chunk.length - END_CHARS)))).slice(-END_CHARS);
  }

  /** The stream's last TAIL_BYTES characters or so, for its usage and a closing error event. */
  text(): string {
    return decoder.decode(this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks)).slice(-TAIL_BYTES);
  }
}

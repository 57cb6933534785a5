import { GatewayError } from "../../ir/errors.ts";
import { ResponseCollector } from "../../ir/collect.ts";
import type { StreamEvent } from "../../ir/event.ts";
import type { AnswerEvents } from "../../pool/attempt.ts";
import type { ChatResponse } from "../../ir/response.ts";
import type { ClientProtocol, EncodeContext } from "../../protocols/types.ts";
import { SSE_HEADERS } from "../../sse/encode.ts";
import type { Exchange } from "./exchange.ts";
import { errorResponse } from "../error-response.ts";
import { everyTick } from "./keep-alive-ticker.ts";
import type { Awaitable } from "../../util/awaitable.ts";
import { describeNetworkError } from "../../providers/http/describe-network-error.ts";

/** Collects the whole answer and encodes it as the protocol's JSON. */
export async function jsonResponse(
  protocol: ClientProtocol,
  context: EncodeContext<unknown>,
  events: AnswerEvents,
  exchange: Exchange,
  onAnswer?: (answer: ChatResponse) => Awaitable<void>,
): Promise<Response> {
  const collector = new ResponseCollector();
  const whole = events.whole();
  if (whole !== undefined) for (const event of whole) collector.add(event);
  else for (let event = await events.next(); event !== undefined; event = await events.next()) collector.add(event);
  const response = collector.result();
  exchange.usage(response.usage);
  exchange.finish(200);
  // Stored before the client has the answer: its next turn may go to another replica.
  const stored = onAnswer?.(response);
  if (stored instanceof Promise) await stored;
  return Response.json(protocol.encodeResponse(response, context), { headers: exchange.headers });
}

/**
 * Encodes the event stream as the protocol's SSE on a "direct" stream (Bun):
 * frames are written as strings straight to the socket. The client's pace
 * drives the upstream read; a client that goes away cancels it; while the
 * upstream is silent the protocol's keep-alive frame goes out every
 * `keepAliveMs` (limits.keepAliveMs) so proxies and clients do not give up.
 */
export function streamResponse(
  protocol: ClientProtocol,
  context: EncodeContext<unknown>,
  events: AnswerEvents,
  exchange: Exchange,
  keepAliveMs: number,
  onAnswer?: (answer: ChatResponse) => Awaitable<void>,
): Response {
  const machine = protocol.encodeStream(context);
  const keepAliveFrame = protocol.streamKeepAlive?.(context.options) ?? protocol.keepAliveFrame;
  // Only routes that keep answers (Responses with store) pay for collecting them.
  const collector = onAnswer ? new ResponseCollector() : undefined;
  const state = machine.start();
  let closed = false;
  let stopKeepAlive = () => {};
  const body = new ReadableStream({
    type: "direct",
    async pull(controller) {
      let errorClass: string | undefined;
      let lastWrite = performance.now();
      // The events of one upstream read arrive one after another without waiting: their frames go
      // out together, flushed once the read's events are done (the next macrotask), not one
      // socket write per event.
      let flushing = false;
      const flush = () => {
        flushing = false;
        if (!closed) controller.flush();
      };
      const write = (frames: string[]) => {
        if (frames.length === 0 || closed) return;
        for (const frame of frames) controller.write(frame);
        if (!flushing) {
          flushing = true;
          setImmediate(flush);
        }
        lastWrite = performance.now();
      };
      stopKeepAlive = everyTick(Math.max(50, Math.floor(keepAliveMs / 3)), () => {
        if (performance.now() - lastWrite >= keepAliveMs) write([keepAliveFrame]);
      });
      // The gateway stops before the answer is done: the protocol's error event ends it.
      exchange.onStop(() => {
        if (closed) return;
        write(machine.step(state, { type: "error", error: shuttingDown() }));
        closed = true;
        stopKeepAlive();
        events.cancel();
        controller.close();
        exchange.finish(503, "shutdown");
      });
      try {
        for (;;) {
          let event: StreamEvent | undefined;
          try {
            event = await events.next();
          } catch (thrown) {
            event = { type: "error", error: upstreamStreamError(thrown) };
          }
          if (closed) return;
          if (event === undefined) break;
          if (event.type === "usage") exchange.usage(event.usage);
          if (collector && event.type !== "error") collector.add(event);
          write(machine.step(state, event));
          if (event.type === "error") {
            errorClass = event.error.code ?? event.error.kind;
            events.cancel();
            break;
          }
        }
        if (machine.finish) write(machine.finish(state));
      } finally {
        stopKeepAlive();
      }
      if (collector && errorClass === undefined) {
        // Stored before the stream ends: the client's next turn may go to another replica.
        const stored = onAnswer!(collector.result());
        if (stored instanceof Promise) await stored;
      }
      closed = true;
      controller.close();
      exchange.finish(200, errorClass);
    },
    // The client went away: cancelling the upstream read closes its connection.
    cancel() {
      stopKeepAlive();
      if (closed) return;
      closed = true;
      events.cancel();
      exchange.finish(499, "client_closed");
    },
  });
  const headers = protocol.streamHeaders?.(context.options) ?? SSE_HEADERS;
  // The stream's headers leave before finish(): the warnings the lowering reported go with them.
  exchange.announceWarnings();
  return new Response(body, { headers: Object.assign(exchange.headers, headers) });
}

/**
 * The answer `work` makes, unless the gateway's drain time ends first: then
 * a 503 in the protocol's shape (a stream that has started ends with its
 * error event instead, see streamResponse).
 */
export function untilStopped(protocol: ClientProtocol, exchange: Exchange, work: Promise<Response>): Promise<Response> {
  const stopped = new Promise<Response>((resolve) =>
    exchange.onStop(() => {
      exchange.finish(503, "shutdown");
      resolve(errorResponse(protocol, shuttingDown(), exchange.headers));
    }),
  );
  return Promise.race([work, stopped]);
}

/** What a request still open when the gateway's drain time ends is told. */
export function shuttingDown(): GatewayError {
  return new GatewayError("unavailable", "the gateway is shutting down: retry the request in a moment", {
    code: "shutting_down",
    retryAfterMs: 1000,
  });
}

function upstreamStreamError(thrown: unknown): GatewayError {
  if (thrown instanceof GatewayError) return thrown;
  return new GatewayError("upstream", `the upstream stream broke off: ${describeNetworkError(thrown)}`);
}

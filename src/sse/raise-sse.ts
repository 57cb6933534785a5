import { createParser } from "eventsource-parser";
import { GatewayError } from "../ir/errors.ts";
import type { StreamEvent } from "../ir/event.ts";
import type { StreamMachine } from "./pipe.ts";
import { DEFAULT_MAX_EVENT_BYTES } from "./limits.ts";

export interface RaiseSseOptions {
  /** Refuse SSE events larger than this instead of buffering without bound. */
  maxEventBytes?: number;
  /** Describes a failure of the body itself (reset connection…), with secrets removed. */
  describeFailure?: (error: unknown) => string;
  /** Describes an event whose data is not JSON, with secrets removed. */
  describeBadData?: (data: string) => string;
}

/**
 * Raises an upstream SSE body into IR events in one pull-based stream:
 * bytes → text → SSE events (eventsource-parser) → JSON → the provider's
 * machine → events. One layer instead of a chain of TransformStreams, so
 * each network read costs one promise, and the client's pace drives the
 * upstream read. A failure of the body, an oversized event or an event that
 * is not JSON ends the stream with an `error` event; cancelling the result
 * cancels the upstream body.
 */
export function raiseSse<State>(
  body: ReadableStream<Uint8Array>,
  machine: StreamMachine<State, unknown, StreamEvent>,
  options: RaiseSseOptions = {},
): ReadableStream<StreamEvent> {
  const maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const state = machine.start();
  let pending: StreamEvent[] = [];
  let failure: GatewayError | undefined;
  /** The machine emitted an error: nothing after it in the same read may follow. */
  let machineFailed = false;
  let finished = false;

  const parser = createParser({
    maxBufferSize: maxEventBytes,
    onEvent(event) {
      if (failure || machineFailed) return;
      const data = event.data;
      if (data === "" || data === "[DONE]") return;
      let value: unknown;
      try {
        value = JSON.parse(data);
      } catch {
        const described = options.describeBadData?.(data) ?? "the upstream sent an SSE event that is not JSON";
        failure = new GatewayError("upstream", described, { retryable: true });
        return;
      }
      for (const output of machine.step(state, value)) {
        pending.push(output);
        if (output.type === "error") {
          machineFailed = true;
          return;
        }
      }
    },
    onError(error) {
      if (error.type === "max-buffer-size-exceeded") {
        failure ??= new GatewayError("upstream", `the upstream sent an SSE event larger than ${maxEventBytes} bytes`, {
          retryable: true,
        });
      }
    },
  });

  const end = (controller: ReadableStreamDefaultController<StreamEvent>, error?: GatewayError) => {
    finished = true;
    if (error) {
      controller.enqueue({ type: "error", error });
      void reader.cancel().catch(() => {});
    } else if (machine.finish) {
      for (const output of machine.finish(state)) controller.enqueue(output);
    }
    controller.close();
  };

  return new ReadableStream<StreamEvent>(
    {
      async pull(controller) {
        // Read until the machine has something to say: Bun's sinks do not
        // pull again after a pull that enqueued nothing.
        while (!finished) {
          let chunk: Awaited<ReturnType<typeof reader.read>>;
          try {
            chunk = await reader.read();
          } catch (error) {
            const reason = options.describeFailure?.(error) ?? "the upstream stream failed";
            return end(controller, new GatewayError("upstream", reason, { retryable: true, cause: error }));
          }
          if (chunk.done) parser.feed(decoder.decode() + "\n\n");
          else parser.feed(decoder.decode(chunk.value, { stream: true }));
          const events = pending;
          pending = [];
          for (const event of events) controller.enqueue(event);
          if (machineFailed) {
            finished = true;
            void reader.cancel().catch(() => {});
            controller.close();
            return;
          }
          if (failure) return end(controller, failure);
          if (chunk.done) return end(controller);
          if (events.length > 0) return;
        }
      },
      cancel(reason) {
        finished = true;
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

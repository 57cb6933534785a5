import { createParser, type EventSourceMessage } from "eventsource-parser";
import { GatewayError } from "../ir/errors.ts";

export type { EventSourceMessage };

/** Upstream SSE events larger than this are refused rather than buffered without bound. */
export const DEFAULT_MAX_EVENT_BYTES = 16 * 1024 * 1024;

/**
 * Decodes an upstream SSE byte stream into events. Frames may be split
 * anywhere across network reads (inside a UTF-8 sequence, between CR and LF).
 */
export function sseDecoder(maxEventBytes = DEFAULT_MAX_EVENT_BYTES): TransformStream<Uint8Array, EventSourceMessage> {
  const decoder = new TextDecoder();
  let pending: EventSourceMessage[] = [];
  let failure: GatewayError | undefined;
  const parser = createParser({
    maxBufferSize: maxEventBytes,
    onEvent: (event) => pending.push(event),
    onError: (error) => {
      if (error.type === "max-buffer-size-exceeded") {
        failure = new GatewayError("upstream", `the upstream sent an SSE event larger than ${maxEventBytes} bytes`, {
          retryable: true,
        });
      }
    },
  });
  const drain = (controller: TransformStreamDefaultController<EventSourceMessage>) => {
    if (failure) {
      controller.error(failure);
      return;
    }
    for (const event of pending) controller.enqueue(event);
    pending = [];
  };
  return new TransformStream({
    transform(chunk, controller) {
      parser.feed(decoder.decode(chunk, { stream: true }));
      drain(controller);
    },
    flush(controller) {
      const rest = decoder.decode();
      // A final event without its blank line still counts: terminate it.
      parser.feed(rest + "\n\n");
      drain(controller);
    },
  });
}

import { createParser } from "eventsource-parser";
import { GatewayError } from "../ir/errors.ts";
import { isOutputEvent, type StreamEvent } from "../ir/event.ts";
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
 * The options a provider passes: a broken stream and an event that is not
 * JSON described with their detail, the upstream's secrets removed by
 * `redact`. Build once where `redact` does not change per call.
 */
export function redactedDescriptions(redact: (text: string) => string): RaiseSseOptions {
  return {
    describeFailure: (error) => `the upstream stream failed: ${redact(error instanceof Error ? error.message : String(error))}`,
    describeBadData: (data) => `the upstream sent an SSE event that is not JSON: ${redact(data.slice(0, 200))}`,
  };
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
  const raiser = new SseRaiser(body, machine, options);
  return new ReadableStream<StreamEvent>(
    {
      async pull(controller) {
        // Read until the machine has something to say: Bun's sinks do not
        // pull again after a pull that enqueued nothing.
        while (!raiser.finished) {
          const events = await raiser.read();
          for (const event of events) controller.enqueue(event);
          if (raiser.finished) return controller.close();
          if (events.length > 0) return;
        }
      },
      cancel(reason) {
        return raiser.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

/**
 * The whole answer of an upstream SSE body as IR events, for a client that
 * wants JSON: the same reading as `raiseSse` without a stream of events in
 * between (one promise per network read, none per event). `onOutput` is
 * called at the first output event (the answer has started). An error ends
 * the array.
 */
export async function raiseSseWhole<State>(
  body: ReadableStream<Uint8Array>,
  machine: StreamMachine<State, unknown, StreamEvent>,
  options: RaiseSseOptions = {},
  onOutput?: () => void,
): Promise<StreamEvent[]> {
  const raiser = new SseRaiser(body, machine, options);
  const all: StreamEvent[] = [];
  let started = onOutput === undefined;
  while (!raiser.finished) {
    const events = await raiser.read();
    for (const event of events) all.push(event);
    if (!started && events.some(isOutputEvent)) {
      started = true;
      onOutput!();
    }
  }
  return all;
}

/**
 * Bytes → text → SSE events (eventsource-parser) → JSON → the machine →
 * events, one network read at a time. `read` resolves with the events of
 * the next read (possibly none); once `finished`, the events read last
 * included the end (the machine's last words, or an `error` event). A class,
 * so a stream costs its state and not a set of closures.
 */
class SseRaiser<State> {
  finished = false;
  private readonly reader: { read(): Promise<{ done: boolean; value?: Uint8Array }>; cancel(reason?: unknown): Promise<void> };
  private readonly state: State;
  private readonly parser: ReturnType<typeof createParser>;
  private readonly maxEventBytes: number;
  private readonly decoder = new TextDecoder();
  private pending: StreamEvent[] = [];
  private failure: GatewayError | undefined;
  /** The machine emitted an error: nothing after it in the same read may follow. */
  private machineFailed = false;

  constructor(
    body: ReadableStream<Uint8Array>,
    private readonly machine: StreamMachine<State, unknown, StreamEvent>,
    private readonly options: RaiseSseOptions,
  ) {
    this.maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
    this.reader = body.getReader();
    this.state = machine.start();
    this.parser = createParser({
      maxBufferSize: this.maxEventBytes,
      onEvent: (event) => this.onEvent(event.data),
      onError: (error) => this.onError(error),
    });
  }

  private onEvent(data: string): void {
    if (this.failure || this.machineFailed) return;
    if (data === "" || data === "[DONE]") return;
    let value: unknown;
    try {
      value = JSON.parse(data);
    } catch {
      const described = this.options.describeBadData?.(data) ?? "the upstream sent an SSE event that is not JSON";
      this.failure = new GatewayError("upstream", described, { retryable: true });
      return;
    }
    for (const output of this.machine.step(this.state, value)) {
      this.pending.push(output);
      if (output.type === "error") {
        this.machineFailed = true;
        return;
      }
    }
  }

  private onError(error: { type: string }): void {
    if (error.type === "max-buffer-size-exceeded") {
      this.failure ??= new GatewayError("upstream", `the upstream sent an SSE event larger than ${this.maxEventBytes} bytes`, {
        retryable: true,
      });
    }
  }

  async read(): Promise<StreamEvent[]> {
    let chunk: { done: boolean; value?: Uint8Array };
    try {
      chunk = await this.reader.read();
    } catch (error) {
      const reason = this.options.describeFailure?.(error) ?? "the upstream stream failed";
      return this.end([], new GatewayError("upstream", reason, { retryable: true, cause: error }));
    }
    if (chunk.done) this.parser.feed(this.decoder.decode() + "\n\n");
    else this.parser.feed(this.decoder.decode(chunk.value!, { stream: true }));
    const events = this.pending;
    this.pending = [];
    if (this.machineFailed) {
      this.finished = true;
      void this.reader.cancel().catch(() => {});
      return events;
    }
    if (this.failure) return this.end(events, this.failure);
    if (chunk.done) return this.end(events);
    return events;
  }

  cancel(reason?: unknown): Promise<void> {
    this.finished = true;
    return this.reader.cancel(reason);
  }

  private end(events: StreamEvent[], error?: GatewayError): StreamEvent[] {
    this.finished = true;
    if (error) {
      events.push({ type: "error", error });
      void this.reader.cancel().catch(() => {});
    } else if (this.machine.finish) {
      for (const output of this.machine.finish(this.state)) events.push(output);
    }
    return events;
  }
}

/** How a provider raises its answer: as a stream (`raiseSse`) or whole (`raiseSseWhole`). */
export type SseRaise<Result> = <State>(
  body: ReadableStream<Uint8Array>,
  machine: StreamMachine<State, unknown, StreamEvent>,
  options: RaiseSseOptions,
) => Result | Promise<Result>;

/** `raiseSseWhole` for one call: the answer's start reported to `answering` (the attempt's deadline ends there). */
export function wholeAnswer(answering: (() => void) | undefined): SseRaise<StreamEvent[]> {
  return (body, machine, options) => raiseSseWhole(body, machine, options, answering);
}

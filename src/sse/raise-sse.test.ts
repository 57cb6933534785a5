import { describe, expect, test } from "bun:test";
import type { StreamEvent } from "../ir/event.ts";
import { GatewayError } from "../ir/errors.ts";
import type { StreamMachine } from "./pipe.ts";
import { raiseSse } from "./raise-sse.ts";

/** A machine that turns each JSON value `{t: "..."}` into a text delta and ends with a finish. */
const echoMachine: StreamMachine<{ count: number }, unknown, StreamEvent> = {
  start: () => ({ count: 0 }),
  step(state, input) {
    state.count++;
    return [{ type: "text-delta", text: (input as { t: string }).t }];
  },
  finish: () => [{ type: "finish", reason: { unified: "stop" } }],
};

const encoder = new TextEncoder();

/** A body that delivers `bytes` in pieces cut at the given offsets. */
function bodyOf(bytes: Uint8Array | string, cuts: number[] = [], failAfter = false): ReadableStream<Uint8Array> {
  const data = typeof bytes === "string" ? encoder.encode(bytes) : bytes;
  const points = [0, ...cuts.filter((c) => c > 0 && c < data.length), data.length];
  let index = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (index < points.length - 1) {
        controller.enqueue(data.slice(points[index], points[index + 1]));
        index++;
      } else if (failAfter) controller.error(new Error("connection reset by peer"));
      else controller.close();
    },
  });
}

async function collect(stream: ReadableStream<StreamEvent>): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  for await (const event of stream as unknown as AsyncIterable<StreamEvent>) events.push(event);
  return events;
}

const texts = (events: StreamEvent[]) => events.flatMap((e) => (e.type === "text-delta" ? [e.text] : []));

describe("raiseSse", () => {
  const frames = 'data: {"t":"héllo"}\r\n\r\ndata: {"t":"wörld 🌍"}\r\n\r\n';

  test("every split point gives the same events (CRLF, multibyte characters)", async () => {
    const bytes = encoder.encode(frames);
    for (let cut = 1; cut < bytes.length; cut++) {
      const events = await collect(raiseSse(bodyOf(bytes, [cut]), echoMachine));
      expect(texts(events)).toEqual(["héllo", "wörld 🌍"]);
      expect(events.at(-1)).toEqual({ type: "finish", reason: { unified: "stop" } });
    }
  });

  test("one byte at a time", async () => {
    const bytes = encoder.encode(frames);
    const cuts = Array.from({ length: bytes.length }, (_, i) => i);
    expect(texts(await collect(raiseSse(bodyOf(bytes, cuts), echoMachine)))).toEqual(["héllo", "wörld 🌍"]);
  });

  test("LF, CR and CRLF line endings, a BOM, comments, event names and [DONE]", async () => {
    const body = '\uFEFF: comment\nevent: message\ndata: {"t":"a"}\n\ndata: {"t":"b"}\r\rdata: {"t":"c"}\r\n\r\ndata: [DONE]\n\n';
    expect(texts(await collect(raiseSse(bodyOf(body), echoMachine)))).toEqual(["a", "b", "c"]);
  });

  test("data split over several data: lines is joined with newlines", async () => {
    const body = 'data: {"t":\ndata: "x"}\n\n';
    expect(texts(await collect(raiseSse(bodyOf(body), echoMachine)))).toEqual(["x"]);
  });

  test("a final event without its blank line still counts", async () => {
    expect(texts(await collect(raiseSse(bodyOf('data: {"t":"last"}'), echoMachine)))).toEqual(["last"]);
  });

  test("data that is not JSON ends the stream with a retryable error, described by the provider", async () => {
    const events = await collect(
      raiseSse(bodyOf('data: {"t":"ok"}\n\ndata: not json\n\ndata: {"t":"never"}\n\n'), echoMachine, {
        describeBadData: (data) => `bad: ${data}`,
      }),
    );
    expect(texts(events)).toEqual(["ok"]);
    const last = events.at(-1)!;
    expect(last.type).toBe("error");
    if (last.type === "error") expect(last.error).toMatchObject({ kind: "upstream", retryable: true, message: "bad: not json" });
  });

  test("an event over the size limit is refused instead of buffered", async () => {
    const huge = `data: {"t":"${"x".repeat(5000)}"}\n\n`;
    const events = await collect(raiseSse(bodyOf(huge, [100, 2000, 4000]), echoMachine, { maxEventBytes: 1024 }));
    const last = events.at(-1)!;
    expect(last.type).toBe("error");
    if (last.type === "error") expect(last.error.message).toContain("larger than 1024 bytes");
  });

  test("a body that fails mid-way ends with an error event, not a thrown stream", async () => {
    const events = await collect(
      raiseSse(bodyOf('data: {"t":"partial"}\n\n', [], true), echoMachine, { describeFailure: (e) => `broke: ${(e as Error).message}` }),
    );
    expect(texts(events)).toEqual(["partial"]);
    expect(events.at(-1)).toMatchObject({ type: "error", error: { message: "broke: connection reset by peer", retryable: true } });
  });

  test("an error event from the machine ends the stream and cancels the body", async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode('data: {"t":"boom"}\n\ndata: {"t":"after"}\n\n'));
      },
      cancel() {
        cancelled = true;
      },
    });
    const failing: StreamMachine<null, unknown, StreamEvent> = {
      start: () => null,
      step: (_state, input) =>
        (input as { t: string }).t === "boom"
          ? [{ type: "error", error: new GatewayError("upstream", "boom") }]
          : [{ type: "text-delta", text: "after" }],
    };
    const events = await collect(raiseSse(body, failing));
    expect(events.map((e) => e.type)).toEqual(["error"]);
    expect(cancelled).toBe(true);
  });

  test("cancelling the result cancels the upstream body", async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode('data: {"t":"first"}\n\n'));
      },
      cancel() {
        cancelled = true;
      },
    });
    const reader = raiseSse(body, echoMachine).getReader();
    expect(await reader.read()).toEqual({ done: false, value: { type: "text-delta", text: "first" } });
    await reader.cancel();
    expect(cancelled).toBe(true);
  });
});

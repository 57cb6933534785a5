import type { StreamEvent } from "../../ir/event.ts";
import { runMachine } from "../../sse/pipe.ts";
import type { EncodeContext } from "../types.ts";
import { decodeResponsesRequest, type ResponsesOptions } from "./decode-request.ts";
import { openaiResponsesStreamMachine } from "./encode-stream.ts";

/** The encode context for a request body, as the server builds it after decoding. */
export function contextFor(body: Record<string, unknown>, id = "resp_abc", model = "gpt-5"): EncodeContext<ResponsesOptions> {
  const { options } = decodeResponsesRequest({ model, input: "hi", ...body });
  return { id, model, created: 1741290958, options };
}

/** One event read back from a frame; its other fields are whatever the event type carries. */
export interface StreamedEvent {
  type: string;
  sequence_number: number;
  // `any`: tests read the fields of every event type.
  [field: string]: any;
}

/** Runs the stream machine and reads its frames back, checking each `event:` line names its payload's type. */
export function streamEvents(events: StreamEvent[], context: EncodeContext<ResponsesOptions>): StreamedEvent[] {
  return runMachine(openaiResponsesStreamMachine(context), events).map((frame) => {
    const match = /^event: (.+)\ndata: (.+)\n\n$/.exec(frame);
    if (!match) throw new Error(`not one SSE frame: ${JSON.stringify(frame)}`);
    const payload = JSON.parse(match[2] as string) as StreamedEvent;
    if (payload.type !== match[1]) throw new Error(`event ${match[1]} carries ${payload.type}`);
    return payload;
  });
}

export async function fixture(name: string): Promise<Record<string, unknown>> {
  return Bun.file(new URL(`./fixtures/${name}`, import.meta.url)).json();
}

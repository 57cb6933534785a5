import type { StreamEvent } from "../../ir/event.ts";
import type { ChatRequest } from "../../ir/request.ts";
import type { Provider, ProviderCall } from "../types.ts";
import { GatewayError } from "../../ir/errors.ts";
import { mockFault } from "./fault.ts";
import { chunkText, estimateTokens, mockReply, requestText } from "./reply.ts";

/** The events the mock answers with, for one request. */
export function mockEvents(request: ChatRequest, model: string): StreamEvent[] {
  const reply = mockReply(request);
  const events: StreamEvent[] = [{ type: "message-start", id: `mock-${Bun.hash(requestText(request)).toString(36)}`, model }];
  const fault = mockFault(model);
  if (fault?.kind === "midstream") {
    events.push({ type: "text-delta", text: fault.text }, { type: "error", error: fault.error });
    return events;
  }
  let outputTokens: number;
  if (reply.kind === "tool-call") {
    const id = `call_mock_${Bun.hash(reply.name + reply.arguments).toString(36)}`;
    events.push(
      { type: "tool-call-start", id, name: reply.name },
      { type: "tool-call-delta", id, argumentsDelta: reply.arguments },
      { type: "tool-call-end", id },
      { type: "finish", reason: { unified: "tool-calls", raw: "tool_calls" } },
    );
    outputTokens = estimateTokens(reply.name + reply.arguments);
  } else {
    let text = reply.text;
    let finish: StreamEvent = { type: "finish", reason: { unified: "stop", raw: "stop" } };
    const limit = request.maxOutputTokens;
    if (limit !== undefined && estimateTokens(text) > limit) {
      text = text.slice(0, limit * 4);
      finish = { type: "finish", reason: { unified: "length", raw: "length" } };
    }
    for (const chunk of chunkText(text)) events.push({ type: "text-delta", text: chunk });
    events.push(finish);
    outputTokens = estimateTokens(text);
  }
  events.push({
    type: "usage",
    usage: { input: { total: estimateTokens(requestText(request)) }, output: { total: outputTokens } },
  });
  return events;
}

/**
 * A built-in upstream that answers locally with no network (see README,
 * "The mock provider"): deterministic, streamed in several chunks, with usage;
 * for model names `error-…` it fails the way fault.ts lists.
 */
export function createMockProvider(): Provider {
  return {
    type: "mock",
    async stream(request: ChatRequest, call: ProviderCall): Promise<ReadableStream<StreamEvent>> {
      if (request.webSearch?.required) {
        throw new GatewayError("invalid_request", "the mock provider cannot search the web: route this model to a provider that can (gemini)", {
          param: "tools",
        });
      }
      const fault = mockFault(call.model);
      if (fault?.kind === "refuse") throw fault.error;
      const events = mockEvents(request, call.model);
      let index = 0;
      return new ReadableStream<StreamEvent>({
        pull(controller) {
          if (call.signal.aborted || index >= events.length) controller.close();
          else controller.enqueue(events[index++]!);
        },
      });
    },
  };
}

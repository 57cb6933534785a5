import type { AssistantContent, ReasoningPart, TextPart, ToolCallPart } from "./request.ts";
import type { ChatResponse, ResponseChoice } from "./response.ts";
import type { StreamEvent } from "./event.ts";
import { GatewayError } from "./errors.ts";

interface ChoiceBuilder {
  choice: ResponseChoice;
  toolCalls: Map<string, ToolCallPart>;
}

/**
 * Folds a stream of events into one response, as a non-streaming client
 * expects it. Consecutive text or reasoning deltas merge into one part; an
 * `error` event rejects with that error.
 */
export class ResponseCollector {
  private readonly response: ChatResponse = { choices: [] };
  private readonly builders = new Map<number, ChoiceBuilder>();

  add(event: StreamEvent): void {
    switch (event.type) {
      case "message-start":
        if (event.id !== undefined) this.response.id = event.id;
        if (event.model !== undefined) this.response.model = event.model;
        return;
      case "text-delta":
        this.appendText(this.builder(event.choice), "text", event.text);
        return;
      case "reasoning-delta":
        this.appendText(this.builder(event.choice), "reasoning", event.text);
        return;
      case "reasoning-signature": {
        const content = this.builder(event.choice).choice.content;
        const last = content.at(-1);
        if (event.redacted) content.push({ type: "reasoning", text: "", signature: event.signature, redacted: true });
        else if (last?.type === "reasoning" && !last.redacted) last.signature = event.signature;
        else content.push({ type: "reasoning", text: "", signature: event.signature });
        return;
      }
      case "text-signature": {
        // The signature belongs to the answer's text: the last text part, or an empty one when there is no text.
        const content = this.builder(event.choice).choice.content;
        const text = content.findLast((part) => part.type === "text");
        if (text) text.signature = event.signature;
        else content.push({ type: "text", text: "", signature: event.signature });
        return;
      }
      case "image": {
        const image: AssistantContent = { type: "image", mediaType: event.mediaType, data: event.data };
        if (event.signature !== undefined) image.signature = event.signature;
        this.builder(event.choice).choice.content.push(image);
        return;
      }
      case "tool-call-start": {
        const builder = this.builder(event.choice);
        const call: ToolCallPart = { type: "tool-call", id: event.id, name: event.name, arguments: "" };
        if (event.signature !== undefined) call.signature = event.signature;
        builder.toolCalls.set(event.id, call);
        builder.choice.content.push(call);
        return;
      }
      case "tool-call-delta": {
        const call = this.builder(event.choice).toolCalls.get(event.id);
        if (call) call.arguments += event.argumentsDelta;
        return;
      }
      case "tool-call-end":
        return;
      case "usage":
        this.response.usage = event.usage;
        return;
      case "finish":
        this.builder(event.choice).choice.finishReason = event.reason;
        return;
      case "error":
        throw event.error;
    }
  }

  result(): ChatResponse {
    if (this.builders.size === 0) this.builder(0);
    this.response.choices = [...this.builders.values()].map((b) => b.choice).sort((a, b) => a.index - b.index);
    return this.response;
  }

  private builder(index = 0): ChoiceBuilder {
    let builder = this.builders.get(index);
    if (!builder) {
      builder = { choice: { index, content: [], finishReason: { unified: "other" } }, toolCalls: new Map() };
      this.builders.set(index, builder);
    }
    return builder;
  }

  private appendText(builder: ChoiceBuilder, type: "text" | "reasoning", text: string): void {
    const content: AssistantContent[] = builder.choice.content;
    const last = content.at(-1);
    if (last?.type === type && !(last.type === "reasoning" && last.signature !== undefined)) {
      (last as TextPart | ReasoningPart).text += text;
    } else {
      content.push(type === "text" ? { type: "text", text } : { type: "reasoning", text });
    }
  }
}

/** Reads a whole event stream into one response. */
export async function collectResponse(events: AsyncIterable<StreamEvent>): Promise<ChatResponse> {
  const collector = new ResponseCollector();
  for await (const event of events) collector.add(event);
  return collector.result();
}

export function missingFinishError(): GatewayError {
  return new GatewayError("upstream", "the upstream stream ended before the answer was complete", { retryable: true });
}

import type { ChatResponse } from "../../ir/response.ts";
import { emptyUsage } from "../../ir/usage.ts";
import type { EncodeContext } from "../types.ts";
import type { AnthropicOptions } from "./decode-request.ts";
import { type AnthropicContentBlock, encodeContent } from "./encode-content.ts";
import { type AnthropicStopReason, mapStopReason } from "./map-stop-reason.ts";
import { type AnthropicUsage, mapUsage } from "./map-usage.ts";

export interface AnthropicMessageResponse {
  id: string;
  type: "message";
  role: "assistant";
  model: string;
  content: AnthropicContentBlock[];
  stop_reason: AnthropicStopReason;
  stop_sequence: null;
  usage: AnthropicUsage;
}

/** A collected response as an Anthropic `message`; Anthropic has one answer per request, so only choice 0 counts. */
export function encodeAnthropicResponse(
  response: ChatResponse,
  context: EncodeContext<AnthropicOptions>,
): AnthropicMessageResponse {
  const choice = response.choices.find((candidate) => candidate.index === 0) ?? response.choices[0];
  return {
    id: context.id,
    type: "message",
    role: "assistant",
    model: context.model,
    content: choice ? encodeContent(choice.content, context.options) : [],
    stop_reason: choice ? mapStopReason(choice.finishReason) : "end_turn",
    stop_sequence: null,
    usage: mapUsage(response.usage ?? emptyUsage()),
  };
}

import type { ChatResponse, ResponseChoice } from "../../ir/response.ts";
import type { ToolCallPart } from "../../ir/request.ts";
import { emptyUsage } from "../../ir/usage.ts";
import type { EncodeContext } from "../types.ts";
import type { OpenAIChatOptions } from "./decode-request.ts";
import { type OpenAIFinishReason, mapFinishReasonToOpenAI } from "./map-finish-reason.ts";
import { type OpenAIChatUsage, mapUsageToOpenAI } from "./map-usage.ts";
import { chatImage, type OpenAIChatImage } from "./encode-stream.ts";

export interface OpenAIChatToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
  /** Gemini's thought signature, where Gemini's own OpenAI endpoint puts it; clients send it back unchanged. */
  extra_content?: { google: { thought_signature: string } };
}

export interface OpenAIChatCompletion {
  id: string;
  object: "chat.completion";
  created: number;
  model: string;
  choices: Array<{
    index: number;
    message: {
      role: "assistant";
      content: string | null;
      refusal: null;
      reasoning_content?: string;
      images?: OpenAIChatImage[];
      tool_calls?: OpenAIChatToolCall[];
    };
    logprobs: null;
    finish_reason: OpenAIFinishReason;
  }>;
  usage: OpenAIChatUsage;
}

/** A collected response as a `chat.completion` object. */
export function encodeOpenAIChatResponse(
  response: ChatResponse,
  context: EncodeContext<OpenAIChatOptions>,
): OpenAIChatCompletion {
  return {
    id: context.id,
    object: "chat.completion",
    created: context.created,
    model: context.model,
    choices: response.choices.map(encodeChoice),
    // OpenAI always reports usage and clients read it without checking; zeros beat a missing object.
    usage: mapUsageToOpenAI(response.usage ?? emptyUsage()),
  };
}

function encodeChoice(choice: ResponseChoice): OpenAIChatCompletion["choices"][number] {
  let text = "";
  let reasoning = "";
  const toolCalls: OpenAIChatToolCall[] = [];
  const images: OpenAIChatImage[] = [];
  for (const part of choice.content) {
    if (part.type === "text") text += part.text;
    else if (part.type === "reasoning") reasoning += part.text;
    else if (part.type === "image") {
      if (part.data !== undefined) images.push(chatImage(part.mediaType, part.data));
    } else toolCalls.push(encodeToolCall(part));
  }
  const message: OpenAIChatCompletion["choices"][number]["message"] = {
    role: "assistant",
    content: text === "" && toolCalls.length > 0 ? null : text,
    refusal: null,
  };
  if (reasoning !== "") message.reasoning_content = reasoning;
  if (images.length > 0) message.images = images;
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return { index: choice.index, message, logprobs: null, finish_reason: mapFinishReasonToOpenAI(choice.finishReason) };
}

export function encodeToolCall(part: ToolCallPart): OpenAIChatToolCall {
  const call: OpenAIChatToolCall = {
    id: part.id,
    type: "function",
    function: { name: part.name, arguments: part.arguments },
  };
  if (part.signature?.family === "gemini") call.extra_content = { google: { thought_signature: part.signature.value } };
  return call;
}

import type { ChatResponse, ResponseChoice } from "../../ir/response.ts";
import type { EncodeContext } from "../types.ts";
import type { GeminiNativeOptions } from "./decode-request.ts";
import { GeminiPartBuilder } from "./gemini-part-builder.ts";
import { mapFinishReasonToGemini } from "./map-finish-reason.ts";
import { mapUsageToGemini } from "./map-usage.ts";
import type { GeminiGenerateContentResponse, GeminiOutputCandidate } from "./types.ts";

/**
 * A collected response as Gemini's `GenerateContentResponse`. `modelVersion`
 * is the model the client asked for and `responseId` the gateway's id.
 */
export function encodeGeminiResponse(
  response: ChatResponse,
  context: EncodeContext<GeminiNativeOptions>,
): GeminiGenerateContentResponse {
  const candidates = response.choices.map((choice) => encodeCandidate(choice, context.options.includeThoughts));
  // Google's field order: candidates, usageMetadata, modelVersion, responseId.
  return response.usage
    ? { candidates, usageMetadata: mapUsageToGemini(response.usage), modelVersion: context.model, responseId: context.id }
    : { candidates, modelVersion: context.model, responseId: context.id };
}

function encodeCandidate(choice: ResponseChoice, includeThoughts: boolean): GeminiOutputCandidate {
  const builder = new GeminiPartBuilder(includeThoughts);
  for (const part of choice.content) {
    if (part.type === "text") builder.text(part.text, part.signature);
    else if (part.type === "reasoning") builder.reasoning(part.text, part.signature);
    else if (part.type === "image") {
      if (part.data !== undefined) builder.image(part.mediaType ?? "image/png", part.data, part.signature);
    } else builder.functionCall(part.name, part.arguments, part.signature);
  }
  return {
    content: { parts: builder.close(), role: "model" },
    finishReason: mapFinishReasonToGemini(choice.finishReason),
    index: choice.index,
  };
}

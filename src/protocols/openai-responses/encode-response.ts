import type { ChatResponse } from "../../ir/response.ts";
import { emptyUsage } from "../../ir/usage.ts";
import type { EncodeContext } from "../types.ts";
import type { ResponsesOptions } from "./decode-request.ts";
import { encodeOutputItems } from "./encode-output-items.ts";
import { mapFinishReasonToStatus } from "./map-status.ts";
import { mapUsageToResponses } from "./map-usage.ts";
import { type ResponsesResponse, responseObject } from "./response-object.ts";

/**
 * A collected answer as a Response object: its first choice's content as
 * output items, `completed`, or `incomplete` with the reason when the token
 * limit or a content filter cut it short. Usage is always there (zeros when
 * the upstream reported none): OpenAI always reports it.
 */
export function encodeResponsesResponse(response: ChatResponse, context: EncodeContext<ResponsesOptions>): ResponsesResponse {
  const choice = response.choices.find((candidate) => candidate.index === 0) ?? response.choices[0];
  const outcome = mapFinishReasonToStatus(choice?.finishReason);
  const output = encodeOutputItems(choice?.content ?? [], {
    responseId: context.id,
    tools: context.options.tools,
    includeEncrypted: context.options.includeEncrypted,
  });
  return responseObject(context, {
    status: outcome.status,
    output,
    usage: mapUsageToResponses(response.usage ?? emptyUsage()),
    incompleteDetails: outcome.incomplete_details,
  });
}

import type { EncodeContext } from "../types.ts";
import type { ResponsesEcho, ResponsesOptions } from "./decode-request.ts";
import type { ResponsesUsage } from "./map-usage.ts";
import type { OutputItem } from "./output-items.ts";

export type ResponseStatus = "in_progress" | "completed" | "incomplete" | "failed";

export interface ResponsesError {
  code: string;
  message: string;
}

/** A Response object, as the openai SDK's `Response` type lists its fields. */
export interface ResponsesResponse extends ResponsesEcho {
  id: string;
  object: "response";
  created_at: number;
  status: ResponseStatus;
  background: false;
  error: ResponsesError | null;
  incomplete_details: { reason: string } | null;
  model: string;
  output: OutputItem[];
  usage: ResponsesUsage | null;
}

export interface ResponseState {
  status: ResponseStatus;
  output: OutputItem[];
  usage?: ResponsesUsage;
  error?: ResponsesError;
  incompleteDetails?: { reason: string } | null;
}

/** The Response object for this exchange in the given state, echoing the request's settings. */
export function responseObject(context: EncodeContext<ResponsesOptions>, state: ResponseState): ResponsesResponse {
  return {
    id: context.id,
    object: "response",
    created_at: context.created,
    status: state.status,
    background: false,
    error: state.error ?? null,
    incomplete_details: state.incompleteDetails ?? null,
    model: context.model,
    output: state.output,
    usage: state.usage ?? null,
    ...context.options.echo,
  };
}

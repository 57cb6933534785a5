import type { FinishReason } from "../../ir/finish-reason.ts";

export interface ResponsesOutcome {
  status: "completed" | "incomplete";
  incomplete_details: { reason: "max_output_tokens" | "content_filter" } | null;
}

/** The finish reason as a Response's status: cut short by the token limit or a content filter is `incomplete`. */
export function mapFinishReasonToStatus(reason: FinishReason | undefined): ResponsesOutcome {
  switch (reason?.unified) {
    case "length":
      return { status: "incomplete", incomplete_details: { reason: "max_output_tokens" } };
    case "content-filter":
      return { status: "incomplete", incomplete_details: { reason: "content_filter" } };
    default:
      return { status: "completed", incomplete_details: null };
  }
}

/** The unified reason a choice ended; `raw` keeps the upstream's own value. */
export type FinishReasonKind = "stop" | "length" | "tool-calls" | "content-filter" | "error" | "other";

export interface FinishReason {
  unified: FinishReasonKind;
  raw?: string;
}

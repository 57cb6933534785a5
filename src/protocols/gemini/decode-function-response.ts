import type { ImagePart, ToolResultPart, UserContent } from "../../ir/request.ts";
import { decodeFileData, decodeInlineData } from "./decode-media.ts";
import type { GeminiPart } from "./schema.ts";

/** The calls made so far, for pairing function responses with them. */
export interface CallLedger {
  /** Calls not yet answered, oldest first. */
  open: Array<{ id: string; name: string }>;
  /** How many calls the request holds so far: the next id without one is `call_<count>`. */
  count: number;
}

type FunctionResponse = NonNullable<GeminiPart["functionResponse"]>;

/** A function response that answers no call in the history, as plain user content. */
export interface OrphanResult {
  type: "user";
  content: UserContent[];
}

/**
 * A `functionResponse` as an IR tool result answering the call it pairs
 * with: the call with the same id when the response names one, else the
 * oldest unanswered call of that name (Gemini pairs calls and responses by
 * order and name). The result's text is the JSON `response`; a response
 * holding only `error` (Gemini's convention for failures) is an error
 * result. Media the function returned (Gemini 3 `parts`) follows as images.
 * A response without a call becomes user content, since upstreams reject
 * a result without its call but the model should still see it.
 */
export function decodeFunctionResponse(part: FunctionResponse, calls: CallLedger): ToolResultPart | OrphanResult {
  const response = part.response ?? {};
  const text = JSON.stringify(response);
  const media = (part.parts ?? []).flatMap((item) => {
    if (item.inlineData != null) return [decodeInlineData(item.inlineData)];
    if (item.fileData != null) return [decodeFileData(item.fileData)];
    return [];
  });

  const position = part.id
    ? calls.open.findIndex((call) => call.id === part.id)
    : calls.open.findIndex((call) => call.name === part.name);
  if (position === -1) {
    return { type: "user", content: [{ type: "text", text: `Result of function ${part.name}:\n${text}` }, ...media] };
  }
  const [call] = calls.open.splice(position, 1);
  const result: ToolResultPart = {
    type: "tool-result",
    toolCallId: (call as { id: string }).id,
    name: part.name,
    content: [{ type: "text", text }, ...media.filter((item): item is ImagePart => item.type === "image")],
  };
  if ("error" in response && !("output" in response)) result.isError = true;
  return result;
}

import type { ChatResponse } from "../../ir/response.ts";
import type { EncodeContext } from "../types.ts";
import type { ResponsesOptions } from "./decode-request.ts";
import { encodeOutputItems } from "./encode-output-items.ts";
import type { OutputItem } from "./output-items.ts";

/** An output item by the id the client saw, with the items a reference to that id stands for. */
export interface ReferableItem {
  id: string;
  items: OutputItem[];
}

export interface StoredOutput {
  /** The whole output, signatures included: what `previous_response_id` continues. */
  output: OutputItem[];
  /** Each item the client saw, by its id, for input items that reference it. */
  referable: ReferableItem[];
}

/**
 * What the server keeps of an answer. It keeps the signatures even when the
 * client did not ask for `reasoning.encrypted_content` (as OpenAI keeps a
 * stored response's encrypted reasoning): a client that sends its earlier
 * output back by reference, or continues with `previous_response_id`, gets
 * them to the upstream, which then sees its own signed reasoning and calls.
 *
 * The output is encoded twice, as the client saw it and with every
 * signature; the second is the first plus items only signatures make (a
 * reasoning item holding a call's signature, signed reasoning without text),
 * the shared items differing at most by id and `encrypted_content`. Each item
 * the client saw takes its own id and the extra items before it, so a
 * reference to a function call brings back the reasoning item that signs it.
 */
export function encodeStoredOutput(response: ChatResponse, context: EncodeContext<ResponsesOptions>): StoredOutput {
  const choice = response.choices.find((candidate) => candidate.index === 0) ?? response.choices[0];
  const content = choice?.content ?? [];
  const encoding = { responseId: context.id, tools: context.options.tools };
  const seen = encodeOutputItems(content, { ...encoding, includeEncrypted: context.options.includeEncrypted });
  const signed = context.options.includeEncrypted ? seen : encodeOutputItems(content, { ...encoding, includeEncrypted: true });

  const output: OutputItem[] = [];
  const referable: ReferableItem[] = [];
  let unseen: OutputItem[] = [];
  let next = 0;
  for (const item of signed) {
    const shown = seen[next];
    if (shown === undefined || !sameItem(shown, item)) {
      unseen.push(item);
      output.push(item);
      continue;
    }
    const kept = { ...item, id: shown.id } as OutputItem;
    referable.push({ id: shown.id, items: [...unseen, kept] });
    output.push(kept);
    unseen = [];
    next += 1;
  }
  // Should the two encodings ever fail to line up, every item the client saw stays referable as it saw it.
  if (next < seen.length) return { output: signed, referable: seen.map((item) => ({ id: item.id, items: [item] })) };
  // Signed items after the last one the client saw go with that one.
  if (unseen.length > 0) referable.at(-1)?.items.push(...unseen);
  return { output, referable };
}

/** The same item but for its id and `encrypted_content`. */
function sameItem(shown: OutputItem, signed: OutputItem): boolean {
  const bare = (item: OutputItem) => JSON.stringify({ ...item, id: undefined, encrypted_content: undefined });
  return shown.type === signed.type && bare(shown) === bare(signed);
}

/**
 * What OpenAI's Chat Completions API refuses before generating, with the
 * status and error body it answers, for the fake OpenAI upstream
 * (test/harness/fake-openai.ts). Each rule names where it comes from:
 * - the API reference, "Create chat completion"
 *   (https://platform.openai.com/docs/api-reference/chat/create): the
 *   request fields, the message roles, `tool_call_id` of a tool message;
 * - the function-calling guide
 *   (https://platform.openai.com/docs/guides/function-calling): a tool
 *   message answers a call of the assistant message right before it, and
 *   every call gets its answer;
 * - the models pages (https://platform.openai.com/docs/models): each model's
 *   "max output tokens";
 * - the vision and structured-output guides
 *   (https://platform.openai.com/docs/guides/images-vision,
 *   https://platform.openai.com/docs/guides/structured-outputs): the image
 *   formats and JSON mode's rule that the messages mention JSON;
 * and the messages are the ones the API answers (quoted in its users'
 * reports, typos included: "preceeding").
 */

export interface OpenAIRefusal {
  status: number;
  message: string;
  param: string | null;
  code: string | null;
}

/** The request fields "Create chat completion" documents; anything else is refused. */
const KNOWN_FIELDS = new Set([
  "messages",
  "model",
  "audio",
  "frequency_penalty",
  "function_call",
  "functions",
  "logit_bias",
  "logprobs",
  "max_completion_tokens",
  "max_tokens",
  "metadata",
  "modalities",
  "n",
  "parallel_tool_calls",
  "prediction",
  "presence_penalty",
  "prompt_cache_key",
  "prompt_cache_retention",
  "reasoning_effort",
  "response_format",
  "safety_identifier",
  "seed",
  "service_tier",
  "stop",
  "store",
  "stream",
  "stream_options",
  "temperature",
  "tool_choice",
  "tools",
  "top_logprobs",
  "top_p",
  "user",
  "verbosity",
  "web_search_options",
]);

const ROLES = ["system", "assistant", "user", "function", "tool", "developer"];

/** "Max output tokens" of the models the fake serves (models pages); other models are not checked. */
export const OPENAI_MAX_OUTPUT_TOKENS: Record<string, number> = {
  "gpt-4o": 16_384,
  "gpt-4o-mini": 16_384,
  "o4-mini": 100_000,
};

/** The image formats vision accepts (images-vision guide, "Image input requirements"). */
const IMAGE_TYPES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);

const refuse = (message: string, param: string | null = null, code: string | null = null): OpenAIRefusal => ({ status: 400, message, param, code });

/** The first rule the body breaks, as OpenAI words it; undefined when OpenAI would accept it. */
export function openAIRequestRefusal(body: any): OpenAIRefusal | undefined {
  const unknown = Object.keys(body).find((name) => !KNOWN_FIELDS.has(name));
  if (unknown !== undefined) return refuse(`Unrecognized request argument supplied: ${unknown}`);
  const messages: any[] = body.messages;
  if (messages.length === 0) {
    return refuse("Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.", "messages", "empty_array");
  }
  for (const [index, message] of messages.entries()) {
    const refusal = messageRefusal(message, index);
    if (refusal) return refusal;
  }
  return toolPairingRefusal(messages) ?? maxTokensRefusal(body) ?? jsonModeRefusal(body);
}

function messageRefusal(message: any, index: number): OpenAIRefusal | undefined {
  if (!ROLES.includes(message?.role)) {
    return refuse(
      `Invalid value: '${message?.role}'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.`,
      `messages[${index}].role`,
      "invalid_value",
    );
  }
  const content = message.content;
  if (Array.isArray(content) && content.length === 0) {
    return refuse(
      `Invalid 'messages[${index}].content': empty array. Expected an array with minimum length 1, but got an empty array instead.`,
      `messages[${index}].content`,
      "empty_array",
    );
  }
  // Content may be null only beside tool calls (API reference: assistant `content` "Required unless tool_calls or function_call is specified").
  if ((content === null || content === undefined) && !(message.role === "assistant" && (message.tool_calls?.length > 0 || message.function_call))) {
    return refuse(`Invalid value for 'content': expected a string, got null.`, `messages.[${index}].content`);
  }
  if (message.role === "tool" && typeof message.tool_call_id !== "string") {
    return refuse(`Missing required parameter: 'messages[${index}].tool_call_id'.`, `messages[${index}].tool_call_id`, "missing_required_parameter");
  }
  for (const [position, part] of (Array.isArray(content) ? content : []).entries()) {
    if (part?.type !== "image_url") continue;
    const refusal = imageRefusal(String(part.image_url?.url ?? ""), `messages[${index}].content[${position}]`);
    if (refusal) return refusal;
  }
  return undefined;
}

/** A data-URL image must be one of the accepted formats, in base64; a remote URL is fetched by OpenAI, which the fake does not do. */
function imageRefusal(url: string, where: string): OpenAIRefusal | undefined {
  if (!url.startsWith("data:")) return undefined;
  const match = /^data:([^;,]+);base64,(.+)$/s.exec(url);
  if (match && IMAGE_TYPES.has(match[1]!)) return undefined;
  return refuse(
    "You uploaded an unsupported image. Please make sure your image is below 20 MB in size and is of one the following formats: ['png', 'jpeg', 'gif', 'webp'].",
    where,
    "invalid_image_format",
  );
}

/**
 * Every `tool` message answers a call of the assistant message just before
 * the run of tool messages it belongs to, and every call is answered before
 * the conversation goes on (function-calling guide).
 */
function toolPairingRefusal(messages: any[]): OpenAIRefusal | undefined {
  let pending: Set<string> | undefined;
  let caller = -1;
  const unanswered = () =>
    refuse(
      `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${[...pending!].join(", ")}`,
      `messages.[${caller}].role`,
    );
  for (const [index, message] of messages.entries()) {
    if (message.role === "tool") {
      if (!pending?.delete(message.tool_call_id)) {
        return refuse(
          "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
          `messages.[${index}].role`,
        );
      }
      continue;
    }
    if (pending && pending.size > 0) return unanswered();
    pending = undefined;
    if (message.role === "assistant" && Array.isArray(message.tool_calls) && message.tool_calls.length > 0) {
      pending = new Set(message.tool_calls.map((call: any) => call?.id));
      caller = index;
    }
  }
  return pending && pending.size > 0 ? unanswered() : undefined;
}

/** The output limit must fit the model's "max output tokens"; reasoning models refuse the older `max_tokens`. */
function maxTokensRefusal(body: any): OpenAIRefusal | undefined {
  const limit = OPENAI_MAX_OUTPUT_TOKENS[body.model];
  if (limit === undefined) return undefined;
  if (body.max_tokens !== undefined && /^o\d/.test(body.model)) {
    return refuse(
      "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
      "max_tokens",
      "unsupported_parameter",
    );
  }
  for (const field of ["max_tokens", "max_completion_tokens"]) {
    const value = body[field];
    if (typeof value === "number" && value > limit) {
      return refuse(
        `${field} is too large: ${value}. This model supports at most ${limit} completion tokens, whereas you provided ${value}.`,
        field,
        "invalid_value",
      );
    }
  }
  return undefined;
}

/** JSON mode (`json_object`) needs the word "json" somewhere in the messages (structured-outputs guide, "JSON mode"). */
function jsonModeRefusal(body: any): OpenAIRefusal | undefined {
  if (body.response_format?.type !== "json_object") return undefined;
  if (/json/i.test(JSON.stringify(body.messages))) return undefined;
  return refuse("'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.", "messages");
}

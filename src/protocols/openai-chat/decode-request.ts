import type { ChatRequest, ResponseFormat } from "../../ir/request.ts";
import type { Decoded } from "../types.ts";
import { compiledOpenAIChatRequestSchema, type OpenAIChatRequest } from "./schema.ts";
import { decodeMessages } from "./decode-messages.ts";
import { decodeToolChoice, decodeTools } from "./decode-tools.ts";
import { describeZodIssue } from "../shared/describe-zod-issue.ts";
import { beyond, type IgnoredField, ignoredFieldWarnings, nonEmptyObject, otherThan } from "../shared/ignored-fields.ts";
import { invalidField } from "../shared/invalid-field.ts";
import { imageConfigOf } from "../shared/image-options.ts";

/** What only the OpenAI Chat encoders need to know about the request. */
export interface OpenAIChatOptions {
  /** `stream_options.include_usage`: end the stream with a usage chunk. */
  includeUsage: boolean;
}

/**
 * The accepted-and-ignored fields (schema.ts) that change the answer, each
 * reported when set. `metadata`, `store`, `service_tier`,
 * `safety_identifier` and `prompt_cache_key` are not: the answer is the
 * same without them.
 */
const IGNORED_FIELDS: readonly IgnoredField[] = [
  { name: "logprobs", code: "logprobs_ignored", effect: "no log probabilities are returned" },
  { name: "top_logprobs", code: "top_logprobs_ignored", effect: "no log probabilities are returned" },
  { name: "logit_bias", code: "logit_bias_ignored", effect: "token probabilities are not biased", asks: nonEmptyObject },
  { name: "modalities", code: "modalities_ignored", effect: "the answer has no audio", asks: beyond("text", "image") },
  { name: "audio", code: "audio_ignored", effect: "the answer is text only" },
  { name: "prediction", code: "prediction_ignored", effect: "predicted output is not used" },
  { name: "web_search_options", code: "web_search_options_ignored", effect: "the model does not search the web" },
  { name: "verbosity", code: "verbosity_ignored", effect: "the answer's length follows the model's default", asks: otherThan("medium") },
];

/**
 * Validates a parsed Chat Completions body and converts it to the IR.
 * Throws GatewayError("invalid_request") naming the first offending field.
 * Set fields the gateway accepts but cannot honour come back as warnings.
 */
export function decodeOpenAIChatRequest(body: unknown): Decoded<OpenAIChatOptions> {
  const parsed = compiledOpenAIChatRequestSchema.safeParse(body, { reportInput: true });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (!issue) throw invalidField([], "invalid request");
    const { path, message } = describeZodIssue(issue);
    throw invalidField(path, message);
  }
  const data = parsed.data;
  const decoded: Decoded<OpenAIChatOptions> = {
    request: toChatRequest(data),
    options: { includeUsage: data.stream_options?.include_usage ?? false },
  };
  const warnings = ignoredFieldWarnings(data, IGNORED_FIELDS);
  if (warnings) decoded.warnings = warnings;
  return decoded;
}

function toChatRequest(body: OpenAIChatRequest): ChatRequest {
  const request: ChatRequest = {
    model: body.model,
    messages: decodeMessages(body.messages),
    stream: body.stream ?? false,
  };
  const tools = decodeTools(body);
  if (tools) request.tools = tools;
  const toolChoice = decodeToolChoice(body);
  if (toolChoice !== undefined) request.toolChoice = toolChoice;
  if (body.parallel_tool_calls != null) request.parallelToolCalls = body.parallel_tool_calls;
  if (body.response_format != null) request.responseFormat = decodeResponseFormat(body.response_format);
  const maxOutputTokens = body.max_completion_tokens ?? body.max_tokens;
  if (maxOutputTokens != null) request.maxOutputTokens = maxOutputTokens;
  if (body.temperature != null) request.temperature = body.temperature;
  if (body.top_p != null) request.topP = body.top_p;
  if (body.stop != null) request.stopSequences = typeof body.stop === "string" ? [body.stop] : body.stop;
  if (body.n != null) request.choices = body.n;
  if (body.seed != null) request.seed = body.seed;
  if (body.presence_penalty != null) request.presencePenalty = body.presence_penalty;
  if (body.frequency_penalty != null) request.frequencyPenalty = body.frequency_penalty;
  if (body.reasoning_effort != null) request.reasoning = { effort: body.reasoning_effort };
  if (body.user != null) request.user = body.user;
  const modalities = body.modalities?.filter((modality) => modality === "text" || modality === "image");
  if (modalities?.includes("image")) request.outputModalities = modalities;
  const imageConfig = imageConfigOf(body.size ?? undefined, body.quality ?? undefined);
  if (Object.keys(imageConfig).length > 0) request.imageConfig = imageConfig;
  return request;
}

function decodeResponseFormat(format: NonNullable<OpenAIChatRequest["response_format"]>): ResponseFormat {
  switch (format.type) {
    case "text":
      return { type: "text" };
    case "json_object":
      return { type: "json" };
    case "json_schema": {
      const decoded: ResponseFormat = { type: "json", name: format.json_schema.name };
      if (format.json_schema.schema != null) decoded.schema = format.json_schema.schema;
      if (format.json_schema.strict != null) decoded.strict = format.json_schema.strict;
      return decoded;
    }
  }
}

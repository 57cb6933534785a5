import { GatewayError } from "../../ir/errors.ts";
import type { ChatRequest } from "../../ir/request.ts";
import type { Decoded } from "../types.ts";
import { describeZodIssue } from "../shared/describe-zod-issue.ts";
import { type IgnoredField, ignoredFieldWarnings, nonEmptyObject } from "../shared/ignored-fields.ts";
import { invalidField } from "../shared/invalid-field.ts";
import { decodePrompt } from "./decode-prompt.ts";
import { compiledOpenAICompletionsRequestSchema, type OpenAICompletionsRequest } from "./schema.ts";

/** What only the Completions encoders need to know about the request. */
export interface CompletionsOptions {
  /** `stream_options.include_usage`: end the stream with a usage chunk. */
  includeUsage: boolean;
  /** With `echo`, the prompt, which every choice's text starts with. */
  echo?: string;
}

/** OpenAI's documented default for `max_tokens` on this endpoint (Chat Completions has none). */
export const DEFAULT_MAX_TOKENS = 16;

/** The accepted-and-ignored fields (schema.ts), each reported when set. */
const IGNORED_FIELDS: readonly IgnoredField[] = [
  { name: "logprobs", code: "logprobs_ignored", effect: "no log probabilities are returned" },
  { name: "logit_bias", code: "logit_bias_ignored", effect: "token probabilities are not biased", asks: nonEmptyObject },
];

/**
 * Validates a parsed legacy Completions body and converts it to the IR: the
 * prompt becomes one user message. Throws GatewayError("invalid_request")
 * naming the first offending field.
 */
export function decodeOpenAICompletionsRequest(body: unknown): Decoded<CompletionsOptions> {
  const parsed = compiledOpenAICompletionsRequestSchema.safeParse(body, { reportInput: true });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (!issue) throw invalidField([], "invalid request");
    const { path, message } = describeZodIssue(issue);
    throw invalidField(path, message);
  }
  const data = parsed.data;
  refuseUnsupported(data);
  const prompt = decodePrompt(data.prompt);
  const options: CompletionsOptions = { includeUsage: data.stream_options?.include_usage ?? false };
  if (data.echo === true) options.echo = prompt;
  const warnings = ignoredFieldWarnings(data, IGNORED_FIELDS);
  return warnings ? { request: toChatRequest(data, prompt), options, warnings } : { request: toChatRequest(data, prompt), options };
}

function refuseUnsupported(data: OpenAICompletionsRequest): void {
  // An empty suffix asks for nothing; any other is a fill-in-the-middle request no chat upstream can honour.
  if (data.suffix != null && data.suffix !== "") {
    throw new GatewayError("invalid_request", "suffix (fill-in-the-middle) is not supported", { param: "suffix" });
  }
  const n = data.n ?? 1;
  if (data.best_of != null && data.best_of !== 1 && data.best_of !== n) {
    throw new GatewayError(
      "invalid_request",
      `best_of: ${data.best_of} is not supported; the gateway cannot rank candidates, so best_of must be 1 or equal to n (${n})`,
      { param: "best_of" },
    );
  }
}

function toChatRequest(body: OpenAICompletionsRequest, prompt: string): ChatRequest {
  const request: ChatRequest = {
    model: body.model,
    messages: [{ role: "user", content: [{ type: "text", text: prompt }] }],
    stream: body.stream ?? false,
    maxOutputTokens: body.max_tokens ?? DEFAULT_MAX_TOKENS,
  };
  if (body.temperature != null) request.temperature = body.temperature;
  if (body.top_p != null) request.topP = body.top_p;
  if (body.stop != null) {
    const stop = typeof body.stop === "string" ? [body.stop] : body.stop;
    if (stop.length > 0) request.stopSequences = stop;
  }
  if (body.n != null) request.choices = body.n;
  if (body.seed != null) request.seed = body.seed;
  if (body.presence_penalty != null) request.presencePenalty = body.presence_penalty;
  if (body.frequency_penalty != null) request.frequencyPenalty = body.frequency_penalty;
  if (body.user != null) request.user = body.user;
  return request;
}

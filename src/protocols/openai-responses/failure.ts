import type { GatewayError } from "../../ir/errors.ts";
import { encodeOpenAIError } from "../shared/encode-openai-error.ts";
import type { ResponsesError } from "./response-object.ts";

/**
 * An error that ends a stream, as a failed Response's `error` (and the
 * `error` event): OpenAI's code where the error has one (`rate_limit_exceeded`,
 * `insufficient_quota`, `context_length_exceeded`…), else one Codex acts on:
 * `server_is_overloaded` for overload, `invalid_prompt` for a refused
 * request, `server_error` otherwise. A rate limit with a known delay says
 * "Please try again in Ns." in its message: that is where Codex reads how
 * long to wait before it retries.
 */
export function responsesFailure(error: GatewayError): ResponsesError & { param: string | null } {
  const body = encodeOpenAIError(error).body.error;
  const code = body.code ?? fallbackCode(error);
  let message = error.message;
  if (code === "rate_limit_exceeded" && error.retryAfterMs !== undefined && !/try again in/i.test(message)) {
    message = `${message.replace(/[.\s]*$/, "")}. Please try again in ${Math.max(error.retryAfterMs, 1) / 1000}s.`;
  }
  return { code, message, param: body.param };
}

function fallbackCode(error: GatewayError): string {
  switch (error.kind) {
    case "overloaded":
    case "unavailable":
      return "server_is_overloaded";
    case "invalid_request":
    case "request_too_large":
      return "invalid_prompt";
    default:
      return "server_error";
  }
}

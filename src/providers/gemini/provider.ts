import { GatewayError } from "../../ir/errors.ts";
import type { StreamEvent } from "../../ir/event.ts";
import type { ChatRequest } from "../../ir/request.ts";
import { sseDecoder, type EventSourceMessage } from "../../sse/decode.ts";
import { machineTransform } from "../../sse/pipe.ts";
import type { Provider, ProviderCall, ProviderSettings } from "../types.ts";
import { lowerGeminiRequest } from "./lower.ts";
import { parseGeminiError, redactSecrets } from "./parse-error.ts";
import { geminiStreamMachine } from "./raise-stream.ts";

export const DEFAULT_GEMINI_BASE_URL = "https://generativelanguage.googleapis.com";

/**
 * The Gemini API (AI Studio keys). Every call streams:
 * `POST {baseUrl}/v1beta/models/{model}:streamGenerateContent?alt=sse`
 * with the account's key in `x-goog-api-key` (never in the URL, so it can
 * not leak through logged or echoed URLs).
 */
export function createGeminiProvider(settings: ProviderSettings): Provider {
  const baseUrl = (settings.baseUrl ?? DEFAULT_GEMINI_BASE_URL).replace(/\/+$/, "");
  return {
    type: "gemini",
    stream: (request, call) => streamGemini(baseUrl, settings, request, call),
  };
}

async function streamGemini(
  baseUrl: string,
  settings: ProviderSettings,
  request: ChatRequest,
  call: ProviderCall,
): Promise<ReadableStream<StreamEvent>> {
  const apiKey = call.account.apiKey;
  if (!apiKey) {
    throw new GatewayError("upstream", `account ${call.account.id} has no API key`, {
      code: "upstream_unauthorized",
      retryable: true,
    });
  }
  const model = call.model.replace(/^models\//, "");
  const url = `${baseUrl}/v1beta/models/${encodeURIComponent(model)}:streamGenerateContent?alt=sse`;
  const headers = new Headers(settings.headers);
  headers.set("content-type", "application/json");
  headers.set("x-goog-api-key", apiKey);
  const body = JSON.stringify(lowerGeminiRequest(request, model));

  // The timeout covers the wait for the response head (and an error body), not the
  // stream itself: a plain AbortSignal.timeout would also cut long answers.
  const deadline = new AbortController();
  let timedOut = false;
  const timer =
    settings.timeoutMs > 0
      ? setTimeout(() => {
          timedOut = true;
          deadline.abort(new GatewayError("timeout", "upstream timeout"));
        }, settings.timeoutMs)
      : undefined;
  const signal = AbortSignal.any([call.signal, deadline.signal]);

  try {
    let response: Response;
    try {
      response = await fetch(url, { method: "POST", headers, body, signal });
    } catch (error) {
      throw fetchFailure(error, timedOut, call.signal, settings.timeoutMs);
    }

    if (!response.ok) {
      let text = "";
      try {
        text = await response.text();
      } catch {
        // The status alone still says what happened.
      }
      throw parseGeminiError(response.status, response.headers, text);
    }
    if (!response.body) {
      throw new GatewayError("upstream", "the upstream answered without a body", { retryable: true, upstreamStatus: response.status });
    }

    clearTimeout(timer);
    return catchStreamErrors(
      response.body
        .pipeThrough(sseDecoder())
        .pipeThrough(parseSseJson())
        .pipeThrough(machineTransform(geminiStreamMachine)),
    );
  } finally {
    clearTimeout(timer);
  }
}

function fetchFailure(error: unknown, timedOut: boolean, clientSignal: AbortSignal, timeoutMs: number): GatewayError {
  if (timedOut) {
    return new GatewayError("timeout", `the upstream did not answer within ${timeoutMs} ms`, { retryable: true, cause: error });
  }
  if (clientSignal.aborted) {
    return new GatewayError("upstream", "the request was cancelled before the upstream answered", { cause: error });
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new GatewayError("upstream", `could not reach the upstream: ${redactSecrets(reason)}`, { retryable: true, cause: error });
}

/** Parses each SSE event's data as JSON; a broken event becomes a GatewayError for the machine to report. */
function parseSseJson(): TransformStream<EventSourceMessage, unknown> {
  return new TransformStream({
    transform(event, controller) {
      const data = event.data.trim();
      if (data === "" || data === "[DONE]") return;
      try {
        controller.enqueue(JSON.parse(data));
      } catch {
        controller.enqueue(
          new GatewayError("upstream", `the upstream sent an SSE event that is not JSON: ${redactSecrets(data.slice(0, 200))}`, {
            retryable: true,
          }),
        );
      }
    },
  });
}

/**
 * Turns a failure of the body itself (connection reset, oversized event)
 * into a final `error` event, as the Provider contract wants, instead of an
 * errored stream. Cancelling the result cancels the upstream body.
 */
function catchStreamErrors(source: ReadableStream<StreamEvent>): ReadableStream<StreamEvent> {
  const reader = source.getReader();
  let finished = false;
  return new ReadableStream<StreamEvent>({
    async pull(controller) {
      if (finished) return;
      try {
        const { done, value } = await reader.read();
        if (done) {
          finished = true;
          controller.close();
          return;
        }
        controller.enqueue(value);
        if (value.type === "error") {
          finished = true;
          controller.close();
          void reader.cancel().catch(() => {});
        }
      } catch (error) {
        finished = true;
        controller.enqueue({ type: "error", error: streamFailure(error) });
        controller.close();
      }
    },
    cancel(reason) {
      finished = true;
      return reader.cancel(reason);
    },
  });
}

function streamFailure(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new GatewayError("upstream", `the upstream stream failed: ${redactSecrets(reason)}`, { retryable: true, cause: error });
}

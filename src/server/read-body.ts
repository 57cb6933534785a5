import { GatewayError } from "../ir/errors.ts";
import { findExcessiveNesting } from "./json-depth.ts";

/** What one request body may be: `limits` in the config. */
export interface BodyLimits {
  /** Largest accepted body, in bytes. */
  maxBodyBytes: number;
  /** Deepest nesting of arrays and objects. */
  maxJsonDepth: number;
  /** How long the whole body may take to arrive, in milliseconds. */
  bodyTimeoutMs: number;
}

/**
 * Reads a request body as text, refusing bodies over `maxBodyBytes` (by
 * Content-Length at once, and while reading for chunked uploads) and bodies
 * that take longer than `bodyTimeoutMs` to arrive: a client that stops
 * mid-body gets a 408 instead of holding its connection for good.
 */
export async function readBodyText(request: Request, limits: BodyLimits): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (declared > limits.maxBodyBytes) throw tooLarge(limits.maxBodyBytes);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(bodyTimeout(limits.bodyTimeoutMs)), limits.bodyTimeoutMs);
  });
  try {
    const reading = Number.isFinite(declared) ? request.text() : readLimited(request, limits.maxBodyBytes);
    const text = await Promise.race([reading, timeout]);
    if (text.length > limits.maxBodyBytes) throw tooLarge(limits.maxBodyBytes);
    return text;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Reads and parses a JSON request body, with readBodyText's limits and a
 * bound on nesting checked on the text, before anything parses or walks it.
 */
export async function readJsonBody(request: Request, limits: BodyLimits): Promise<unknown> {
  const text = await readBodyText(request, limits);
  const tooDeep = findExcessiveNesting(text, limits.maxJsonDepth);
  if (tooDeep !== -1) {
    throw new GatewayError(
      "invalid_request",
      `the request body nests arrays and objects more than ${limits.maxJsonDepth} levels deep (at byte ${tooDeep}; limits.maxJsonDepth)`,
      { code: "too_deeply_nested" },
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    if (/^\s*$/.test(text)) throw new GatewayError("invalid_request", "the request body is empty: send a JSON object");
    throw new GatewayError("invalid_request", `the request body is not valid JSON: ${(error as Error).message}`, {
      code: "invalid_json",
    });
  }
}

async function readLimited(request: Request, maxBytes: number): Promise<string> {
  if (request.body === null) return "";
  const decoder = new TextDecoder();
  let size = 0;
  let text = "";
  for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > maxBytes) throw tooLarge(maxBytes);
    text += decoder.decode(chunk, { stream: true });
  }
  return text + decoder.decode();
}

function tooLarge(maxBytes: number): GatewayError {
  return new GatewayError("request_too_large", `the request body is larger than the limit of ${maxBytes} bytes (limits.maxBodyBytes)`, {
    code: "request_too_large",
  });
}

function bodyTimeout(timeoutMs: number): GatewayError {
  return new GatewayError("timeout", `the request body did not arrive within ${timeoutMs} ms (limits.bodyTimeoutMs)`, {
    status: 408,
    code: "request_timeout",
  });
}

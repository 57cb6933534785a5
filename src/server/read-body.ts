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
  const text = await bounded(request, limits, (declared) => (declared ? request.text() : readLimited(request, limits.maxBodyBytes, "text")));
  if (text.length > limits.maxBodyBytes) throw tooLarge(limits.maxBodyBytes);
  return text;
}

/**
 * Reads a `multipart/form-data` (or urlencoded) body, with readBodyText's
 * limits: the bytes are read first, never past `maxBodyBytes`, then parsed.
 * A body that is not a form is the client's 400.
 */
export async function readFormBody(request: Request, limits: BodyLimits): Promise<FormData> {
  const bytes = await bounded(request, limits, (declared) => (declared ? request.bytes() : readLimited(request, limits.maxBodyBytes, "bytes")));
  if (bytes.byteLength > limits.maxBodyBytes) throw tooLarge(limits.maxBodyBytes);
  try {
    return (await new Response(bytes, { headers: { "content-type": request.headers.get("content-type") ?? "" } }).formData()) as unknown as FormData;
  } catch {
    throw new GatewayError("invalid_request", "the request body is not a valid multipart/form-data form (send the image as a file field)", {
      code: "invalid_form",
    });
  }
}

/** A body read under the limits: refused at once by Content-Length, and ended after `bodyTimeoutMs`. */
async function bounded<T>(request: Request, limits: BodyLimits, read: (declared: boolean) => Promise<T>): Promise<T> {
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (declared > limits.maxBodyBytes) throw tooLarge(limits.maxBodyBytes);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(bodyTimeout(limits.bodyTimeoutMs)), limits.bodyTimeoutMs);
  });
  try {
    return await Promise.race([read(Number.isFinite(declared)), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Reads and parses a JSON request body, with readBodyText's limits and a
 * bound on nesting checked on the text, before anything parses or walks it.
 */
export async function readJsonBody(request: Request, limits: BodyLimits): Promise<unknown> {
  return parseJsonBody(await readBodyText(request, limits), limits);
}

/** A request body's text (from readBodyText) parsed as readJsonBody does: nesting bounded first, then a 400 for what is not JSON. */
export function parseJsonBody(text: string, limits: BodyLimits): unknown {
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

async function readLimited(request: Request, maxBytes: number, as: "text"): Promise<string>;
async function readLimited(request: Request, maxBytes: number, as: "bytes"): Promise<Uint8Array>;
/** A body without Content-Length (chunked), read until it passes `maxBytes`. */
async function readLimited(request: Request, maxBytes: number, as: "text" | "bytes"): Promise<string | Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body !== null) {
    for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      if (size > maxBytes) throw tooLarge(maxBytes);
      chunks.push(chunk);
    }
  }
  // A body that came in one piece is decoded where it lies, not copied first.
  const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
  return as === "text" ? new TextDecoder().decode(bytes) : bytes;
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

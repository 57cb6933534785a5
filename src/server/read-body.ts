import { GatewayError } from "../ir/errors.ts";

/**
 * Reads a request body as text, refusing bodies over `maxBytes` (by
 * Content-Length at once, and while reading for chunked uploads).
 */
export async function readBodyText(request: Request, maxBytes: number): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const text = Number.isFinite(declared) ? await request.text() : await readLimited(request, maxBytes);
  if (text.length > maxBytes) throw tooLarge(maxBytes);
  return text;
}

/** Reads and parses a JSON request body, with readBodyText's limit. */
export async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
  const text = await readBodyText(request, maxBytes);
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

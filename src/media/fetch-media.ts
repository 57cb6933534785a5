import { GatewayError } from "../ir/errors.ts";
import { isPublicAddress } from "./is-public-address.ts";
import { sniffMediaType } from "./sniff-media-type.ts";

/** The HTTP client fetchMedia uses; Bun's `fetch` unless a test injects another. */
export type MediaFetch = (url: string, init: BunFetchRequestInit) => Promise<Response>;

export interface MediaOptions {
  /** Largest body accepted, in bytes (after any content decoding). */
  maxBytes: number;
  /** Deadline for one URL: DNS, every redirect hop and the whole body. */
  timeoutMs: number;
  /** Allow loopback, private, link-local… addresses. Off unless the operator opts in. */
  allowPrivateNetworks: boolean;
  /** Resolves a hostname to IP addresses. Defaults to the system resolver; injectable for tests. */
  lookup?: (hostname: string) => Promise<string[]>;
  /**
   * The HTTP client. Defaults to Bun's `fetch`. Only tests inject one, to
   * route a connection somewhere other than the checked address (simulating
   * DNS that answers differently at connect time).
   */
  fetch?: MediaFetch;
  /** Aborts the fetch, e.g. when the client went away or a sibling fetch failed. */
  signal?: AbortSignal;
}

export interface FetchedMedia {
  mediaType: string;
  /** The body, base64-encoded. */
  data: string;
}

const MAX_REDIRECTS = 3;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const OCTET_STREAM = "application/octet-stream";
/** Content types that say nothing about the bytes, so sniffing is worth more. */
const GENERIC_TYPES = new Set([OCTET_STREAM, "binary/octet-stream"]);

/**
 * Downloads one http(s) URL for inlining into an upstream request.
 *
 * SSRF protection: before each hop (the first request and every redirect)
 * the host is checked. An IP literal must be public; a hostname is resolved
 * and every address it resolves to must be public. Then the connection goes
 * to the checked address itself — the URL's host travels in the `Host`
 * header and, for https:, as the TLS server name the certificate is
 * verified against — so DNS that answers differently at connect time (DNS
 * rebinding) cannot steer the request to a private address. Only the first
 * address is tried (no fallback to the others). The residual risk is an
 * HTTP proxy configured in the environment (`HTTP_PROXY`…): the proxy makes
 * the connection, to the checked address, but its own policy applies from
 * there.
 *
 * Failures throw GatewayError `invalid_request` with `param`; messages name
 * the URL's host only, never its userinfo, path or query.
 */
export async function fetchMedia(url: string, options: MediaOptions, param?: string): Promise<FetchedMedia> {
  const fail = (target: URL | undefined, reason: string) =>
    new GatewayError("invalid_request", target ? `media URL (host ${target.host}) ${reason}` : `media URL ${reason}`, {
      param,
    });

  let current = parseMediaUrl(url, undefined, fail);
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([deadline.signal, options.signal]) : deadline.signal;
  try {
    for (let redirects = 0; ; redirects++) {
      signal.throwIfAborted();
      const address = await checkHost(current, options, signal, fail);
      const response = await send(current, address, options.fetch ?? fetch, signal);
      if (!REDIRECT_STATUSES.has(response.status)) return await readMedia(current, response, options.maxBytes, signal, fail);
      await discard(response);
      if (redirects === MAX_REDIRECTS) throw fail(current, `redirected more than ${MAX_REDIRECTS} times`);
      const location = response.headers.get("location");
      if (location === null) throw fail(current, `answered HTTP ${response.status} without a Location`);
      current = parseMediaUrl(location, current, fail);
    }
  } catch (error) {
    if (error instanceof GatewayError) throw error;
    if (deadline.signal.aborted) throw fail(current, `was not fetched within ${options.timeoutMs} ms`);
    if (signal.aborted) throw fail(current, "was not fetched: the request was cancelled");
    // Bun's error messages contain the whole URL, credentials and query included: keep only the code.
    throw fail(current, `could not be fetched${describeCode(error)}`);
  } finally {
    clearTimeout(timer);
  }
}

type Fail = (target: URL | undefined, reason: string) => GatewayError;

function parseMediaUrl(text: string, base: URL | undefined, fail: Fail): URL {
  let url: URL;
  try {
    url = new URL(text, base);
  } catch {
    throw base ? fail(base, "redirected to an invalid URL") : fail(undefined, "is not a valid URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    const reason = `only http: and https: are allowed, not ${url.protocol}`;
    throw base ? fail(base, `redirected to a URL where ${reason}`) : fail(undefined, `is refused: ${reason}`);
  }
  return url;
}

/**
 * Refuses a host that is or resolves to a non-public address (unless
 * allowed) and returns the address to connect to, or undefined when the URL
 * already names an IP address.
 */
async function checkHost(url: URL, options: MediaOptions, signal: AbortSignal, fail: Fail): Promise<string | undefined> {
  // WHATWG URL parsing already turned every IPv4 spelling (0x7f.1, 2130706433…) into dotted decimal.
  const hostname = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  if (isIP(hostname) !== 0) {
    if (!options.allowPrivateNetworks && !isPublicAddress(hostname)) throw fail(url, "is not a public network address");
    return undefined;
  }
  if (!options.allowPrivateNetworks && isLocalhostName(hostname)) throw fail(url, "is not a public host");
  let addresses: string[];
  try {
    addresses = await raceAbort((options.lookup ?? systemLookup)(hostname), signal);
  } catch (error) {
    if (signal.aborted) throw error;
    throw fail(url, "could not be resolved");
  }
  const first = addresses[0];
  if (first === undefined) throw fail(url, "could not be resolved");
  // Every answer must be public, not just the first: the address is the
  // connection's, but a resolver may reorder answers between two lookups.
  if (!options.allowPrivateNetworks && !addresses.every(isPublicAddress)) {
    throw fail(url, "resolves to a non-public network address");
  }
  return first;
}

/** RFC 6761: `localhost` and `*.localhost` are loopback, whatever DNS says. */
function isLocalhostName(hostname: string): boolean {
  const name = hostname.endsWith(".") ? hostname.slice(0, -1) : hostname;
  return name === "localhost" || name.endsWith(".localhost");
}

/**
 * node:net is loaded at the first media URL, not at start-up: loading it
 * (and the node:stream it pulls in) took ~9 ms of every start, and most
 * requests carry no URL.
 */
function isIP(hostname: string): number {
  return (require("node:net") as typeof import("node:net")).isIP(hostname);
}

async function systemLookup(hostname: string): Promise<string[]> {
  // Loaded at the first media URL, not at start-up: most requests carry none.
  const { lookup } = await import("node:dns/promises");
  const answers = await lookup(hostname, { all: true });
  return answers.map((answer) => answer.address);
}

/**
 * Media is compressed already; asking for identity keeps a small gzip body
 * from inflating into a large chunk before the size limit sees it.
 */
const REQUEST_HEADERS = { accept: "*/*", "accept-encoding": "identity" };

/** One GET, pinned to `address` when given, redirects left to the caller. */
function send(url: URL, address: string | undefined, client: MediaFetch, signal: AbortSignal): Promise<Response> {
  const init: BunFetchRequestInit = { method: "GET", redirect: "manual", signal, headers: REQUEST_HEADERS };
  if (address === undefined) return client(url.href, init);
  // Connect to the checked address, not to whatever DNS says a moment later.
  const pinned = new URL(url.href);
  pinned.hostname = address.includes(":") ? `[${address}]` : address;
  init.headers = { ...REQUEST_HEADERS, host: url.host };
  if (url.protocol === "https:") {
    // SNI and certificate verification use the name, not the address we connect to.
    init.tls = { serverName: url.hostname.endsWith(".") ? url.hostname.slice(0, -1) : url.hostname };
  }
  return client(pinned.href, init);
}

async function readMedia(
  url: URL,
  response: Response,
  maxBytes: number,
  signal: AbortSignal,
  fail: Fail,
): Promise<FetchedMedia> {
  if (!response.ok) {
    await discard(response);
    throw fail(url, `answered HTTP ${response.status}`);
  }
  const tooLarge = () => fail(url, `is larger than the ${maxBytes} bytes allowed`);
  const declaredLength = Number(response.headers.get("content-length") ?? Number.NaN);
  if (declaredLength > maxBytes) {
    await discard(response);
    throw tooLarge();
  }
  const body = await readLimited(response, maxBytes, signal);
  if (body === undefined) throw tooLarge();
  return { mediaType: mediaTypeOf(response.headers.get("content-type"), body), data: body.toString("base64") };
}

/** The body, read chunk by chunk and abandoned as soon as it passes `maxBytes` (undefined then). */
async function readLimited(response: Response, maxBytes: number, signal: AbortSignal): Promise<Buffer | undefined> {
  if (response.body === null) return Buffer.alloc(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await raceAbort(reader.read(), signal);
      if (done) {
        finished = true;
        return Buffer.concat(chunks, total);
      }
      total += value.byteLength;
      if (total > maxBytes) return undefined;
      chunks.push(value);
    }
  } finally {
    if (!finished) reader.cancel().catch(() => {});
  }
}

function mediaTypeOf(contentType: string | null, body: Uint8Array): string {
  const declared = contentType?.split(";", 1)[0]?.trim().toLowerCase();
  if (declared && /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(declared) && !GENERIC_TYPES.has(declared)) {
    return declared;
  }
  return sniffMediaType(body) ?? OCTET_STREAM;
}

async function discard(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => {});
}

/** Rejects with the signal's reason as soon as it aborts, even if `promise` never settles. */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

/** " (ECONNREFUSED)" from a network error's code, when it has a plain one. */
function describeCode(error: unknown): string {
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === "string" && /^[A-Za-z0-9_]{1,40}$/.test(code) ? ` (${code})` : "";
}

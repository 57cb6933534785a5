import { createServer, type Socket } from "node:net";

/**
 * A raw HTTP/1.1 server in front of a fake upstream, for the faults only a
 * socket can make. Every request is relayed to the fake as it came (method,
 * path with query, headers, body) and the fake's answer back, whole and
 * chunked, unless its credential names a socket fault:
 *
 *   const front = await startFaultUpstream(gemini.url);   // node:net on port 0
 *   front.url                                             // "http://127.0.0.1:PORT": the provider's baseUrl (+ "/v1" for OpenAI)
 *   await front.stop()
 *
 * - `socket-reset`: the connection is reset (TCP RST) once the request has
 *   arrived: not one byte of an answer.
 * - `socket-hang`: the request is read and never answered; the socket stays
 *   open until the client gives up.
 * - `socket-cut-before-first-byte`: the fake's status line and headers (a
 *   200, the body framed as chunked), then the connection closes before the
 *   first byte of the body.
 * - `socket-cut-after-first-byte`: the fake's answer up to and including the
 *   first SSE event that carries answer text (`"text":"…"` or
 *   `"content":"…"`, not empty: Gemini's parts, OpenAI's deltas, Anthropic's
 *   text_delta), then the connection closes; a JSON answer, sent with its
 *   `content-length`, breaks off after half of its bytes. With a tag
 *   (`socket-cut-after-first-byte/TAG`) the connection stays open after
 *   those bytes until `cut(TAG)`, so a test can cut once its client has
 *   seen the first text (`held(TAG)` resolves when the bytes are out).
 *
 * Any fault may carry a `/TAG`; the fake sees the whole credential. The
 * credential is read where each vendor puts it: `x-goog-api-key` or
 * `?key=`, `x-api-key`, `Authorization: Bearer`. A cut or a reset is real:
 * the client sees the connection end in the middle of an HTTP message. Every
 * answer says `connection: close`, so one connection carries one request.
 */

export const SOCKET_FAULTS = ["socket-reset", "socket-hang", "socket-cut-before-first-byte", "socket-cut-after-first-byte"] as const;
export type SocketFault = (typeof SOCKET_FAULTS)[number];

export interface FaultUpstream {
  url: string;
  /** Closes the connection held after the first text for this tag (now, or as soon as it is held). */
  cut(tag: string): void;
  /** Resolves once the answer's first text has been written for this tag and the connection is held. */
  held(tag: string): Promise<void>;
  stop(): Promise<void>;
}

/** A connection held open after its first text, waiting for its cut. */
interface Hold {
  held: Promise<void>;
  markHeld(close: () => void): void;
  cut(): void;
}

function newHold(): Hold {
  let resolve = () => {};
  let close: (() => void) | undefined;
  let cutAsked = false;
  const held = new Promise<void>((done) => (resolve = done));
  return {
    held,
    markHeld(closeConnection) {
      close = closeConnection;
      resolve();
      if (cutAsked) close();
    },
    cut() {
      cutAsked = true;
      close?.();
    },
  };
}

interface RawRequest {
  method: string;
  path: string;
  headers: Array<[string, string]>;
  body: Buffer;
}

/** Headers that describe one hop of the connection, not the message: never relayed. */
const HOP_HEADERS = new Set(["host", "connection", "content-length", "transfer-encoding", "keep-alive", "accept-encoding", "content-encoding"]);

/** An SSE event with answer text in it, whatever the vendor's shape. */
const CARRIES_TEXT = /"(?:text|content)":"[^"]/;

export async function startFaultUpstream(target: string): Promise<FaultUpstream> {
  const origin = new URL(target).origin;
  const sockets = new Set<Socket>();
  const holds = new Map<string, Hold>();
  const holdOf = (tag: string) => holds.get(tag) ?? holds.set(tag, newHold()).get(tag)!;
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    let buffer = Buffer.alloc(0);
    let handled = false;
    socket.on("data", (data) => {
      if (handled) return;
      buffer = Buffer.concat([buffer, data as Buffer]);
      const request = readRequest(buffer);
      if (request === undefined) return;
      handled = true;
      void answer(socket, request, origin, holdOf).catch(() => socket.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    cut: (tag) => holdOf(tag).cut(),
    held: (tag) => holdOf(tag).held,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The whole request once its head and `content-length` bytes of body have arrived, else undefined. */
function readRequest(buffer: Buffer): RawRequest | undefined {
  const end = buffer.indexOf("\r\n\r\n");
  if (end === -1) return undefined;
  const [requestLine = "", ...lines] = buffer.subarray(0, end).toString("latin1").split("\r\n");
  const headers = lines.map((line): [string, string] => {
    const colon = line.indexOf(":");
    return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
  });
  const length = Number(headers.find(([name]) => name === "content-length")?.[1] ?? 0);
  const body = buffer.subarray(end + 4);
  if (body.length < length) return undefined;
  const [method = "GET", path = "/"] = requestLine.split(" ");
  return { method, path, headers, body: body.subarray(0, length) };
}

function credentialOf(request: RawRequest): string | undefined {
  const header = (name: string) => request.headers.find(([key]) => key === name)?.[1];
  const query = new URL(request.path, "http://upstream").searchParams.get("key");
  const bearer = /^Bearer (.+)$/.exec(header("authorization") ?? "")?.[1];
  return header("x-goog-api-key") ?? query ?? header("x-api-key") ?? bearer;
}

async function answer(socket: Socket, request: RawRequest, origin: string, holdOf: (tag: string) => Hold): Promise<void> {
  const [fault, tag] = (credentialOf(request) ?? "").split("/", 2);
  if (fault === "socket-reset") {
    socket.resetAndDestroy();
    return;
  }
  if (fault === "socket-hang") return;

  const relayed = await fetch(origin + request.path, {
    method: request.method,
    headers: request.headers.filter(([name]) => !HOP_HEADERS.has(name)),
    ...(request.method === "GET" || request.method === "HEAD" ? {} : { body: request.body }),
  });
  const body = Buffer.from(await relayed.arrayBuffer());
  const stream = (relayed.headers.get("content-type") ?? "").startsWith("text/event-stream");
  const fields: string[] = [];
  relayed.headers.forEach((value, name) => {
    if (!HOP_HEADERS.has(name)) fields.push(`${name}: ${value}`);
  });
  const framing = stream || fault !== "socket-cut-after-first-byte" ? "transfer-encoding: chunked" : `content-length: ${body.length}`;
  const head = `HTTP/1.1 ${relayed.status} ${relayed.statusText || "OK"}\r\n${[...fields, framing, "connection: close"].join("\r\n")}\r\n\r\n`;

  if (fault === "socket-cut-before-first-byte") {
    socket.write(head, () => socket.destroy());
    return;
  }
  if (fault === "socket-cut-after-first-byte") {
    const part = stream ? throughFirstText(body) : body.subarray(0, Math.floor(body.length / 2));
    socket.write(Buffer.concat([Buffer.from(head), stream ? chunk(part) : part]), () => {
      if (tag === undefined) socket.destroy();
      else holdOf(tag).markHeld(() => socket.destroy());
    });
    return;
  }
  socket.end(Buffer.concat([Buffer.from(head), body.length > 0 ? chunk(body) : Buffer.alloc(0), Buffer.from("0\r\n\r\n")]));
}

/** One HTTP/1.1 chunk. */
function chunk(bytes: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes, Buffer.from("\r\n")]);
}

/** The SSE bytes up to and including the first event that carries answer text (all of them if none does). */
function throughFirstText(body: Buffer): Buffer {
  const text = body.toString("utf8");
  const boundary = /\r?\n\r?\n/g;
  let start = 0;
  for (let match = boundary.exec(text); match !== null; match = boundary.exec(text)) {
    const end = match.index + match[0].length;
    if (CARRIES_TEXT.test(text.slice(start, end))) return Buffer.from(text.slice(0, end));
    start = end;
  }
  return body;
}

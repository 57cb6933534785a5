import { afterEach, describe, expect, test } from "bun:test";
import { GatewayError } from "../ir/errors.ts";
import type { ChatRequest, ImagePart, Message } from "../ir/request.ts";
import type { MediaFetch, MediaOptions } from "./fetch-media.ts";
import { resolveMedia } from "./resolve-media.ts";

const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);

const allow: MediaOptions = { maxBytes: 64 * 1024, timeoutMs: 3000, allowPrivateNetworks: true };

const stops: Array<() => void> = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

/** A local server: `/png`, `/pdf-as-octet`, `/text`, `/missing` (404), `/late-missing` (404 after 50 ms), `/slow/*` (PNG after 50 ms), `/slower/*` (PNG after 300 ms, counting the requests the client abandoned). */
function startServer() {
  const paths: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let aborted = 0;
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      const path = new URL(request.url).pathname;
      paths.push(path);
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        if (path.startsWith("/slow/") || path === "/late-missing") await Bun.sleep(50);
        if (path.startsWith("/slower/")) {
          await Bun.sleep(300);
          if (request.signal.aborted) aborted += 1;
        }
        if (path === "/png") return new Response(PNG, { headers: { "content-type": "image/png" } });
        if (path === "/pdf-as-octet") return new Response("not sniffable", { headers: { "content-type": "application/octet-stream" } });
        if (path === "/text") return new Response("hello", { headers: { "content-type": "text/plain; charset=utf-8" } });
        if (path.startsWith("/slow")) return new Response(PNG, { headers: { "content-type": "image/png" } });
        return new Response("no", { status: 404 });
      } finally {
        inFlight -= 1;
      }
    },
  });
  stops.push(() => server.stop(true));
  return { url: (path: string) => `http://127.0.0.1:${server.port}${path}`, paths, maxInFlight: () => maxInFlight, aborted: () => aborted };
}

function chat(messages: Message[]): ChatRequest {
  return { model: "m", stream: false, messages };
}

async function rejection(promise: Promise<unknown>): Promise<GatewayError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(GatewayError);
  return error as GatewayError;
}

describe("resolveMedia", () => {
  test("leaves a request without URL parts untouched and fetches nothing", async () => {
    const calls: string[] = [];
    const recordingFetch: MediaFetch = async (url) => {
      calls.push(url);
      return new Response(PNG);
    };
    const options: MediaOptions = {
      ...allow,
      fetch: recordingFetch,
      lookup: async (hostname) => {
        calls.push(hostname);
        return ["127.0.0.1"];
      },
    };
    const request = chat([
      { role: "system", content: [{ type: "text", text: "be brief" }] },
      {
        role: "user",
        content: [
          { type: "text", text: "what is this?" },
          { type: "image", mediaType: "image/png", data: "AAAA" },
          // Already inline: the URL is informational and must not be fetched.
          { type: "image", mediaType: "image/png", data: "BBBB", url: "http://example.test/b.png" },
          { type: "file", mediaType: "application/pdf", data: "CCCC", filename: "c.pdf" },
        ],
      },
      { role: "assistant", content: [{ type: "tool-call", id: "t1", name: "look", arguments: "{}" }] },
      {
        role: "tool",
        content: [{ type: "tool-result", toolCallId: "t1", content: [{ type: "image", data: "DDDD", url: "http://example.test/d.png" }] }],
      },
    ]);
    const before = structuredClone(request);
    await resolveMedia(request, options);
    expect(request).toEqual(before);
    expect(calls).toEqual([]);
  });

  test("inlines images and files in user messages and tool results", async () => {
    const server = startServer();
    const request = chat([
      {
        role: "user",
        content: [
          { type: "text", text: "compare" },
          { type: "image", url: server.url("/png") },
          { type: "file", mediaType: "application/pdf", url: server.url("/pdf-as-octet"), filename: "report.pdf" },
          { type: "file", mediaType: "application/pdf", url: server.url("/text") },
        ],
      },
      { role: "assistant", content: [{ type: "tool-call", id: "t1", name: "shot", arguments: "{}" }] },
      {
        role: "tool",
        content: [
          {
            type: "tool-result",
            toolCallId: "t1",
            content: [
              { type: "text", text: "screenshot:" },
              { type: "image", mediaType: "image/jpeg", url: server.url("/png") },
            ],
          },
        ],
      },
    ]);
    await resolveMedia(request, allow);
    expect(request.messages[0]!.content).toEqual([
      { type: "text", text: "compare" },
      { type: "image", mediaType: "image/png", data: PNG.toString("base64") },
      // The server said octet-stream and the bytes are unknown: the client's type stays.
      { type: "file", mediaType: "application/pdf", data: Buffer.from("not sniffable").toString("base64"), filename: "report.pdf" },
      // The server named a type: it wins over the client's guess.
      { type: "file", mediaType: "text/plain", data: Buffer.from("hello").toString("base64") },
    ]);
    expect(request.messages[2]!.content).toEqual([
      {
        type: "tool-result",
        toolCallId: "t1",
        content: [
          { type: "text", text: "screenshot:" },
          { type: "image", mediaType: "image/png", data: PNG.toString("base64") },
        ],
      },
    ]);
    expect(server.paths.toSorted()).toEqual(["/pdf-as-octet", "/png", "/png", "/text"]);
  });

  test("fetches at most four URLs at a time", async () => {
    const server = startServer();
    const content: ImagePart[] = Array.from({ length: 10 }, (_, n) => ({ type: "image", url: server.url(`/slow/${n}`) }));
    const request = chat([{ role: "user", content }]);
    await resolveMedia(request, allow);
    expect(server.paths).toHaveLength(10);
    expect(server.maxInFlight()).toBe(4);
    for (const part of content) expect(part).toEqual({ type: "image", mediaType: "image/png", data: PNG.toString("base64") });
  });

  test("names the failing part of a user message", async () => {
    const server = startServer();
    const request = chat([
      { role: "user", content: [{ type: "text", text: "hi" }] },
      {
        role: "user",
        content: [
          { type: "text", text: "look" },
          { type: "image", url: server.url("/png") },
          { type: "image", url: server.url("/missing") },
        ],
      },
    ]);
    const error = await rejection(resolveMedia(request, allow));
    expect(error.kind).toBe("invalid_request");
    expect(error.param).toBe("messages[1].content[2]");
    expect(error.message).toContain("answered HTTP 404");
  });

  test("names the failing image inside a tool result", async () => {
    const server = startServer();
    const request = chat([
      { role: "user", content: [{ type: "text", text: "go" }] },
      { role: "assistant", content: [{ type: "tool-call", id: "a", name: "f", arguments: "{}" }, { type: "tool-call", id: "b", name: "f", arguments: "{}" }] },
      {
        role: "tool",
        content: [
          { type: "tool-result", toolCallId: "a", content: [{ type: "text", text: "ok" }] },
          { type: "tool-result", toolCallId: "b", content: [{ type: "text", text: "see" }, { type: "image", url: server.url("/missing") }] },
        ],
      },
    ]);
    expect((await rejection(resolveMedia(request, allow))).param).toBe("messages[2].content[1].content[1]");
  });

  test("refuses private addresses unless allowed, before connecting", async () => {
    const server = startServer();
    const request = chat([{ role: "user", content: [{ type: "image", url: server.url("/png") }] }]);
    const error = await rejection(resolveMedia(request, { ...allow, allowPrivateNetworks: false }));
    expect(error.param).toBe("messages[0].content[0]");
    expect(error.message).toContain("is not a public network address");
    expect(server.paths).toEqual([]);
    expect(request.messages[0]!.content[0]).toEqual({ type: "image", url: server.url("/png") });
  });

  test("the first failure cancels the fetches still running and starts no more", async () => {
    const server = startServer();
    // The 404 comes after 50 ms, the images after 300 ms each. Without cancelling, the three
    // workers beside the failing one would go on to fetch the remaining four images.
    const content: ImagePart[] = [
      { type: "image", url: server.url("/late-missing") },
      ...Array.from({ length: 7 }, (_, n): ImagePart => ({ type: "image", url: server.url(`/slower/${n}`) })),
    ];
    const started = Date.now();
    const error = await rejection(resolveMedia(chat([{ role: "user", content }]), allow));
    expect(error.message).toContain("answered HTTP 404");
    expect(Date.now() - started).toBeLessThan(290);
    await Bun.sleep(400);
    expect(server.paths.toSorted()).toEqual(["/late-missing", "/slower/0", "/slower/1", "/slower/2"]);
    expect(server.aborted()).toBe(3);
  });

  test("rejects, instead of leaving URLs in place, when the caller has already cancelled", async () => {
    const server = startServer();
    const request = chat([{ role: "user", content: [{ type: "image", url: server.url("/png") }] }]);
    const error = await rejection(resolveMedia(request, { ...allow, signal: AbortSignal.abort() }));
    expect(error.message).toContain("cancelled");
    expect(server.paths).toEqual([]);
  });
});

import { afterEach, describe, expect, test } from "bun:test";
import { GatewayError } from "../ir/errors.ts";
import { fetchMedia, type MediaFetch, type MediaOptions } from "./fetch-media.ts";

// Real servers on loopback. With allowPrivateNetworks true they must be
// reachable; with it false every one of them must be refused before a
// connection is made, which the servers' request logs show.

/** A real 1×1 PNG. */
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);

const allow: MediaOptions = { maxBytes: 64 * 1024, timeoutMs: 3000, allowPrivateNetworks: true };
const deny: MediaOptions = { ...allow, allowPrivateNetworks: false };

const stops: Array<() => void> = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

interface TestServer {
  /** `http://127.0.0.1:<port>` */
  base: string;
  port: number;
  /** Path and query of every request received, in order. */
  paths: string[];
  hosts: string[];
}

function serve(
  handler: (request: Request, server: TestServer) => Response | Promise<Response>,
  options: { hostname?: string; tls?: { cert: string; key: string } } = {},
): TestServer {
  const hostname = options.hostname ?? "127.0.0.1";
  const state = { base: "", port: 0, paths: [] as string[], hosts: [] as string[] };
  const server = Bun.serve({
    hostname,
    port: 0,
    ...(options.tls ? { tls: options.tls } : {}),
    fetch(request) {
      const url = new URL(request.url);
      state.paths.push(url.pathname + url.search);
      state.hosts.push(request.headers.get("host") ?? "");
      return handler(request, state);
    },
  });
  stops.push(() => server.stop(true));
  state.port = server.port!;
  state.base = `${options.tls ? "https" : "http"}://${hostname.includes(":") ? `[${hostname}]` : hostname}:${server.port}`;
  return state;
}

/** A raw TCP server for responses Bun.serve will not produce (a Content-Length that the body never reaches, no Content-Type). */
function serveRaw(respond: (socket: { write(data: string | Uint8Array): number }) => void): { base: string; requests: () => number } {
  let requests = 0;
  const listener = Bun.listen({
    hostname: "127.0.0.1",
    port: 0,
    socket: {
      data(socket) {
        requests += 1;
        respond(socket);
      },
    },
  });
  stops.push(() => listener.stop(true));
  return { base: `http://127.0.0.1:${listener.port}`, requests: () => requests };
}

function png() {
  return new Response(PNG, { headers: { "content-type": "image/png" } });
}

async function refusal(promise: Promise<unknown>): Promise<GatewayError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(GatewayError);
  const gatewayError = error as GatewayError;
  expect(gatewayError.kind).toBe("invalid_request");
  expect(gatewayError.status).toBe(400);
  return gatewayError;
}

describe("fetchMedia with private networks allowed", () => {
  test("fetches a PNG and reports its content type", async () => {
    const server = serve(png);
    const media = await fetchMedia(`${server.base}/cat.png`, allow);
    expect(media).toEqual({ mediaType: "image/png", data: PNG.toString("base64") });
    expect(server.paths).toEqual(["/cat.png"]);
  });

  test("asks for an uncompressed body, so the size limit counts what is kept", async () => {
    const encodings: Array<string | null> = [];
    const server = serve((request) => {
      encodings.push(request.headers.get("accept-encoding"));
      return png();
    });
    await fetchMedia(`${server.base}/a.png`, allow);
    await fetchMedia(`http://public.test:${server.port}/b.png`, { ...allow, lookup: async () => ["127.0.0.1"] });
    expect(encodings).toEqual(["identity", "identity"]);
  });

  test("drops content-type parameters and lower-cases the type", async () => {
    const server = serve(() => new Response("%PDF-1.4", { headers: { "content-type": "Application/PDF; name=x.pdf" } }));
    expect((await fetchMedia(`${server.base}/x`, allow)).mediaType).toBe("application/pdf");
  });

  test("sniffs the type when the server says application/octet-stream", async () => {
    const server = serve(() => new Response(PNG, { headers: { "content-type": "application/octet-stream" } }));
    expect(await fetchMedia(`${server.base}/blob`, allow)).toEqual({
      mediaType: "image/png",
      data: PNG.toString("base64"),
    });
  });

  test("sniffs the type when the server sends no content-type", async () => {
    const gif = Buffer.from("GIF89a\x01\x00\x01\x00", "latin1");
    const server = serveRaw((socket) => {
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${gif.length}\r\nConnection: close\r\n\r\n`);
      socket.write(gif);
    });
    expect(await fetchMedia(`${server.base}/g`, allow)).toEqual({ mediaType: "image/gif", data: gif.toString("base64") });
  });

  test("falls back to application/octet-stream for unknown bytes", async () => {
    const server = serve(() => new Response(new Uint8Array([1, 2, 3, 4])));
    expect(await fetchMedia(`${server.base}/bin`, allow)).toEqual({ mediaType: "application/octet-stream", data: "AQIDBA==" });
  });

  test("accepts an empty body", async () => {
    const server = serve(() => new Response(null, { headers: { "content-type": "image/png" } }));
    expect(await fetchMedia(`${server.base}/empty`, allow)).toEqual({ mediaType: "image/png", data: "" });
  });

  test("follows three redirects of every kind, relative and absolute", async () => {
    const server = serve((request, self) => {
      const path = new URL(request.url).pathname;
      if (path === "/a") return new Response(null, { status: 301, headers: { location: "/b" } });
      if (path === "/b") return new Response(null, { status: 302, headers: { location: `${self.base}/c` } });
      if (path === "/c") return new Response(null, { status: 307, headers: { location: "d?x=1" } });
      return png();
    });
    const media = await fetchMedia(`${server.base}/a`, allow);
    expect(media.data).toBe(PNG.toString("base64"));
    expect(server.paths).toEqual(["/a", "/b", "/c", "/d?x=1"]);
  });

  test.each([303, 308])("follows a %d redirect", async (status) => {
    const server = serve((request) =>
      new URL(request.url).pathname === "/a" ? new Response(null, { status, headers: { location: "/png" } }) : png(),
    );
    expect((await fetchMedia(`${server.base}/a`, allow)).mediaType).toBe("image/png");
    expect(server.paths).toEqual(["/a", "/png"]);
  });

  test("refuses a fourth redirect without following it", async () => {
    const server = serve((request) => {
      const step = Number(new URL(request.url).pathname.slice(1));
      return step < 10 ? new Response(null, { status: 302, headers: { location: `/${step + 1}` } }) : png();
    });
    const error = await refusal(fetchMedia(`${server.base}/0`, allow, "messages[0].content[0]"));
    expect(error.message).toContain("redirected more than 3 times");
    expect(error.param).toBe("messages[0].content[0]");
    expect(server.paths).toEqual(["/0", "/1", "/2", "/3"]);
  });

  test("refuses a redirect without a Location", async () => {
    const server = serve(() => new Response(null, { status: 302 }));
    expect((await refusal(fetchMedia(`${server.base}/a`, allow))).message).toContain("HTTP 302 without a Location");
  });

  test("refuses an error status", async () => {
    const server = serve(() => new Response("gone", { status: 404 }));
    const error = await refusal(fetchMedia(`${server.base}/missing.png`, allow));
    expect(error.message).toBe(`media URL (host 127.0.0.1:${server.port}) answered HTTP 404`);
  });

  test("accepts a body of exactly maxBytes", async () => {
    const server = serve(() => new Response(new Uint8Array(allow.maxBytes)));
    expect((await fetchMedia(`${server.base}/x`, allow)).data.length).toBe(Math.ceil(allow.maxBytes / 3) * 4);
  });

  test("refuses a body whose Content-Length is too big before reading it", async () => {
    // The body never reaches its declared length: reading it would run into the timeout instead.
    const server = serveRaw((socket) => {
      socket.write(`HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: ${allow.maxBytes + 1}\r\n\r\n`);
      socket.write(PNG);
    });
    const started = Date.now();
    const error = await refusal(fetchMedia(`${server.base}/big`, allow));
    expect(error.message).toContain(`larger than the ${allow.maxBytes} bytes allowed`);
    expect(Date.now() - started).toBeLessThan(allow.timeoutMs);
  });

  test("refuses a body that grows past maxBytes without a Content-Length", async () => {
    // An endless chunked body: only reading incrementally and stopping at the limit can end this.
    let sent = 0;
    const server = serve(
      () =>
        new Response(
          new ReadableStream({
            pull(controller) {
              sent += 16 * 1024;
              controller.enqueue(new Uint8Array(16 * 1024));
            },
          }),
          { headers: { "content-type": "image/png" } },
        ),
    );
    const error = await refusal(fetchMedia(`${server.base}/endless`, allow));
    expect(error.message).toContain(`larger than the ${allow.maxBytes} bytes allowed`);
    expect(sent).toBeLessThan(100 * allow.maxBytes);
  });

  test("times out a server that never answers", async () => {
    const server = serve(() => new Promise<Response>(() => {}));
    const started = Date.now();
    const error = await refusal(fetchMedia(`${server.base}/slow`, { ...allow, timeoutMs: 200 }));
    expect(error.message).toBe(`media URL (host 127.0.0.1:${server.port}) was not fetched within 200 ms`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test("the timeout covers the body, not only the headers", async () => {
    const server = serve(
      () =>
        new Response(
          new ReadableStream({
            start(controller) {
              controller.enqueue(PNG.subarray(0, 8));
            },
          }),
          { headers: { "content-type": "image/png" } },
        ),
    );
    const started = Date.now();
    const error = await refusal(fetchMedia(`${server.base}/trickle`, { ...allow, timeoutMs: 200 }));
    expect(error.message).toContain("was not fetched within 200 ms");
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test("the timeout covers a DNS lookup that never answers", async () => {
    const error = await refusal(
      fetchMedia("http://stuck.test/x.png", { ...allow, timeoutMs: 100, lookup: () => new Promise(() => {}) }),
    );
    expect(error.message).toBe("media URL (host stuck.test) was not fetched within 100 ms");
  });

  test("stops when the caller's signal aborts", async () => {
    const server = serve(() => new Promise<Response>(() => {}));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await refusal(fetchMedia(`${server.base}/slow`, { ...allow, signal: controller.signal }));
    expect(error.message).toContain("cancelled");
  });

  test("reports a refused connection by its code", async () => {
    const server = serve(png);
    const closedPort = server.port;
    for (const stop of stops.splice(0)) stop();
    const error = await refusal(fetchMedia(`http://127.0.0.1:${closedPort}/x.png`, allow));
    expect(error.message).toBe(`media URL (host 127.0.0.1:${closedPort}) could not be fetched (ECONNREFUSED)`);
  });

  test("connects to the looked-up address and sends the name as Host (http)", async () => {
    // Bun's own resolver cannot resolve public.test: this only succeeds when the connection is pinned.
    const server = serve(png);
    const looked: string[] = [];
    const lookup = async (hostname: string) => {
      looked.push(hostname);
      return ["127.0.0.1"];
    };
    const media = await fetchMedia(`http://public.test:${server.port}/p.png?size=1`, { ...allow, lookup });
    expect(media.mediaType).toBe("image/png");
    expect(looked).toEqual(["public.test"]);
    expect(server.paths).toEqual(["/p.png?size=1"]);
    expect(server.hosts).toEqual([`public.test:${server.port}`]);
  });

  test("connects to the looked-up address and verifies the certificate against the name (https)", async () => {
    // A self-signed certificate for public.test only. The injected client adds it as a trusted CA and
    // changes nothing else, so this passes only if the request connects to the looked-up address and
    // verifies the certificate against public.test, not against the address.
    const cert = await Bun.file(new URL("./fixtures/public-test-cert.pem", import.meta.url)).text();
    const key = await Bun.file(new URL("./fixtures/public-test-key.pem", import.meta.url)).text();
    const server = serve(png, { tls: { cert, key } });
    const trustingFetch: MediaFetch = (url, init) => fetch(url, { ...init, tls: { ...init.tls, ca: cert } });
    const lookup = async () => ["127.0.0.1"];
    const media = await fetchMedia(`https://public.test:${server.port}/p.png`, { ...allow, lookup, fetch: trustingFetch });
    expect(media.mediaType).toBe("image/png");
    expect(server.hosts).toEqual([`public.test:${server.port}`]);
    // The same certificate does not pass for another name that resolves to the same server.
    const error = await refusal(
      fetchMedia(`https://other.test:${server.port}/p.png`, { ...allow, lookup, fetch: trustingFetch }),
    );
    expect(error.message).toContain("could not be fetched");
  });

  test("refuses a name that does not resolve", async () => {
    const failing = async () => {
      throw Object.assign(new Error("getaddrinfo ENOTFOUND nowhere.test"), { code: "ENOTFOUND" });
    };
    const error = await refusal(fetchMedia("http://nowhere.test/x", { ...allow, lookup: failing }));
    expect(error.message).toBe("media URL (host nowhere.test) could not be resolved");
    const empty = await refusal(fetchMedia("http://nowhere.test/x", { ...allow, lookup: async () => [] }));
    expect(empty.message).toBe("media URL (host nowhere.test) could not be resolved");
  });
});

describe("fetchMedia refuses non-public addresses before connecting", () => {
  test.each([
    ["an IPv4 loopback literal", (port: number) => `http://127.0.0.1:${port}/x.png`],
    ["a hexadecimal loopback", (port: number) => `http://0x7f.1:${port}/x.png`],
    ["a decimal loopback", (port: number) => `http://2130706433:${port}/x.png`],
    ["an IPv4-mapped IPv6 loopback", (port: number) => `http://[::ffff:127.0.0.1]:${port}/x.png`],
    ["an https loopback", (port: number) => `https://127.0.0.1:${port}/x.png`],
  ])("%s", async (_name, makeUrl) => {
    const server = serve(png);
    const error = await refusal(fetchMedia(makeUrl(server.port), deny, "messages[2].content[1]"));
    expect(error.message).toContain("is not a public network address");
    expect(error.param).toBe("messages[2].content[1]");
    expect(server.paths).toEqual([]);
    // The same URL is reachable when private networks are allowed: the refusal above is the check's doing.
    if (!makeUrl(0).startsWith("https:")) expect((await fetchMedia(makeUrl(server.port), allow)).mediaType).toBe("image/png");
  });

  test("localhost, with the system resolver", async () => {
    const server = serve(png);
    const error = await refusal(fetchMedia(`http://localhost:${server.port}/x.png`, deny));
    expect(error.message).toBe(`media URL (host localhost:${server.port}) is not a public host`);
    expect(server.paths).toEqual([]);
    expect((await fetchMedia(`http://localhost:${server.port}/x.png`, allow)).mediaType).toBe("image/png");
  });

  test("*.localhost, whatever the resolver says", async () => {
    const server = serve(png);
    const lying = async () => ["8.8.8.8"];
    const error = await refusal(fetchMedia(`http://app.localhost.:${server.port}/x.png`, { ...deny, lookup: lying }));
    expect(error.message).toContain("is not a public host");
    expect(server.paths).toEqual([]);
  });

  const ipv6Loopback = (() => {
    try {
      Bun.serve({ hostname: "::1", port: 0, fetch: () => new Response() }).stop(true);
      return true;
    } catch {
      return false;
    }
  })();

  test.skipIf(!ipv6Loopback)("the IPv6 loopback [::1]", async () => {
    const server = serve(png, { hostname: "::1" });
    const error = await refusal(fetchMedia(`${server.base}/x.png`, deny));
    expect(error.message).toBe(`media URL (host [::1]:${server.port}) is not a public network address`);
    expect(server.paths).toEqual([]);
    expect((await fetchMedia(`${server.base}/x.png`, allow)).mediaType).toBe("image/png");
  });

  test("a name that resolves to a private address", async () => {
    // Were the check missing, the pinned connection would reach this server.
    const server = serve(png);
    const lookup = async () => ["127.0.0.1"];
    const error = await refusal(fetchMedia(`http://internal.test:${server.port}/x.png`, { ...deny, lookup }));
    expect(error.message).toBe(`media URL (host internal.test:${server.port}) resolves to a non-public network address`);
    expect(server.paths).toEqual([]);
    expect((await fetchMedia(`http://internal.test:${server.port}/x.png`, { ...allow, lookup })).mediaType).toBe(
      "image/png",
    );
  });

  test.each([
    [["8.8.8.8", "10.0.0.1"]],
    [["10.0.0.1", "8.8.8.8"]],
    [["2606:4700:4700::1111", "::ffff:169.254.169.254"]],
    [["fd00::1"]],
  ])("a name with any non-public address among %p", async (addresses) => {
    const error = await refusal(fetchMedia("http://mixed.test/x.png", { ...deny, lookup: async () => addresses }));
    expect(error.message).toBe("media URL (host mixed.test) resolves to a non-public network address");
  });
});

describe("fetchMedia re-checks every redirect hop", () => {
  // Honest simulation of a public host that redirects inward: the lookup says
  // public.test is 93.184.216.34 (public, so the first hop passes the check),
  // and the injected client routes connections for that address to the local
  // server, as the network would. Everything else goes to the real fetch.
  const PUBLIC_IP = "93.184.216.34";

  function publicHost() {
    const lookups: string[] = [];
    const server = serve((request, self) => {
      const path = new URL(request.url).pathname;
      if (path === "/ok") return png();
      const targets: Record<string, string> = {
        "/to-loopback": `http://127.0.0.1:${self.port}/secret`,
        "/to-localhost": `http://localhost:${self.port}/secret`,
        "/to-internal": `http://internal.test:${self.port}/secret`,
        "/to-mapped": `http://[::ffff:7f00:1]:${self.port}/secret`,
        "/to-public": `http://public.test:${self.port}/ok`,
        "/to-file": "file:///etc/passwd",
      };
      return new Response(null, { status: 302, headers: { location: targets[path] ?? "/ok" } });
    });
    const lookup = async (hostname: string) => {
      lookups.push(hostname);
      if (hostname === "public.test") return [PUBLIC_IP];
      if (hostname === "internal.test") return ["127.0.0.1"];
      throw new Error("unknown host");
    };
    const client: MediaFetch = (url, init) => {
      const target = new URL(url);
      if (target.hostname === PUBLIC_IP) target.hostname = "127.0.0.1";
      return fetch(target.href, init);
    };
    return { server, lookups, options: { ...deny, lookup, fetch: client } };
  }

  test("control: a redirect from the public host to itself is followed", async () => {
    const { server, lookups, options } = publicHost();
    const media = await fetchMedia(`http://public.test:${server.port}/to-public`, options);
    expect(media.mediaType).toBe("image/png");
    expect(server.paths).toEqual(["/to-public", "/ok"]);
    expect(lookups).toEqual(["public.test", "public.test"]);
  });

  test.each([
    ["/to-loopback", "127.0.0.1", "is not a public network address"],
    ["/to-mapped", "[::ffff:7f00:1]", "is not a public network address"],
    ["/to-localhost", "localhost", "is not a public host"],
    ["/to-internal", "internal.test", "resolves to a non-public network address"],
  ])("refuses a redirect %s", async (path, host, reason) => {
    const { server, options } = publicHost();
    const error = await refusal(fetchMedia(`http://public.test:${server.port}${path}`, options, "messages[0].content[0]"));
    expect(error.message).toBe(`media URL (host ${host}:${server.port}) ${reason}`);
    expect(error.param).toBe("messages[0].content[0]");
    expect(server.paths).toEqual([path]);
  });

  test("refuses a redirect to a file: URL", async () => {
    const { server, options } = publicHost();
    const error = await refusal(fetchMedia(`http://public.test:${server.port}/to-file`, options));
    expect(error.message).toBe(
      `media URL (host public.test:${server.port}) redirected to a URL where only http: and https: are allowed, not file:`,
    );
    expect(server.paths).toEqual(["/to-file"]);
  });
});

describe("fetchMedia refuses other schemes and bad URLs", () => {
  test.each([
    ["file:///etc/passwd", "file:"],
    ["file://localhost/etc/hosts", "file:"],
    ["ftp://127.0.0.1/x.png", "ftp:"],
    ["data:image/png;base64,iVBORw0KGgo=", "data:"],
    ["blob:http://127.0.0.1/1234", "blob:"],
    ["s3://bucket/key.png", "s3:"],
  ])("%s", async (url, scheme) => {
    // Even with private networks allowed: the scheme alone decides.
    const error = await refusal(fetchMedia(url, allow, "messages[0].content[0]"));
    expect(error.message).toBe(`media URL is refused: only http: and https: are allowed, not ${scheme}`);
    expect(error.param).toBe("messages[0].content[0]");
  });

  test.each(["", "not a url", "http://", "//example.com/x.png"])("%p is not a URL", async (url) => {
    expect((await refusal(fetchMedia(url, allow))).message).toBe("media URL is not a valid URL");
  });
});

describe("fetchMedia error messages never show credentials or the query", () => {
  const secretUrl = (base: string, path: string) =>
    base.replace("://", "://alice:hunter2@") + `${path}?token=sk-secret-123&sig=abc`;

  function expectClean(error: GatewayError) {
    for (const secret of ["alice", "hunter2", "token", "sk-secret-123", "sig=abc", "/private"]) {
      expect(error.message).not.toContain(secret);
    }
  }

  test("refused address", async () => {
    const server = serve(png);
    expectClean(await refusal(fetchMedia(secretUrl(server.base, "/private"), deny)));
  });

  test("error status", async () => {
    const server = serve(() => new Response(null, { status: 403 }));
    expectClean(await refusal(fetchMedia(secretUrl(server.base, "/private"), allow)));
  });

  test("connection refused", async () => {
    const server = serve(png);
    const base = server.base;
    for (const stop of stops.splice(0)) stop();
    const error = await refusal(fetchMedia(secretUrl(base, "/private"), allow));
    expect(error.message).toContain("could not be fetched");
    expectClean(error);
  });

  test("timeout", async () => {
    const server = serve(() => new Promise<Response>(() => {}));
    expectClean(await refusal(fetchMedia(secretUrl(server.base, "/private"), { ...allow, timeoutMs: 100 })));
  });

  test("unresolvable name", async () => {
    const error = await refusal(
      fetchMedia("http://alice:hunter2@nowhere.test/private?token=sk-secret-123&sig=abc", {
        ...allow,
        lookup: async () => [],
      }),
    );
    expectClean(error);
  });
});

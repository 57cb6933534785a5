/**
 * The floor agw is measured against: a bare Bun.serve pass-through proxy
 * that forwards each request to the upstream and streams the answer back
 * untouched. With `--reading`, the floor of any gateway that looks at what
 * it relays: it parses each JSON request, sends it on re-serialised with
 * headers of its own, reads the answer whole and sends it back with a
 * content type — what a gateway must do to route by model, hold keys to
 * limits and count usage, and nothing more.
 * Usage: bun bare-proxy.ts UPSTREAM_URL [--port P] [--reading]. Prints its port.
 */
const upstream = process.argv[2]!;
const portFlag = process.argv.indexOf("--port");
const reading = process.argv.includes("--reading");
const server = Bun.serve({
  hostname: "127.0.0.1",
  port: portFlag === -1 ? 0 : Number(process.argv[portFlag + 1]),
  async fetch(request) {
    if (reading) {
      const url = new URL(request.url);
      const body = JSON.parse(await request.text());
      const response = await fetch(upstream + url.pathname + url.search, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: request.headers.get("authorization") ?? "", "x-goog-api-key": request.headers.get("x-goog-api-key") ?? "" },
        body: JSON.stringify(body),
      });
      const answer = await response.arrayBuffer();
      return new Response(answer, { status: response.status, headers: { "content-type": response.headers.get("content-type") ?? "application/json" } });
    }
    const url = new URL(request.url);
    const response = await fetch(upstream + url.pathname + url.search, {
      method: request.method,
      headers: request.headers,
      body: await request.arrayBuffer(),
    });
    return new Response(response.body, { status: response.status, headers: response.headers });
  },
});
console.log(server.port);
export {};

/**
 * The floor agw is measured against: a bare Bun.serve pass-through proxy
 * that forwards each request to the upstream and streams the answer back
 * untouched. Usage: bun bare-proxy.ts UPSTREAM_URL [--port P]. Prints its port.
 */
const upstream = process.argv[2]!;
const portFlag = process.argv.indexOf("--port");
const server = Bun.serve({
  hostname: "127.0.0.1",
  port: portFlag === -1 ? 0 : Number(process.argv[portFlag + 1]),
  async fetch(request) {
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

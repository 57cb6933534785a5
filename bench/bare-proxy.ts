/**
 * The floor agw is measured against: a bare Bun.serve pass-through proxy
 * that forwards each request to the upstream and streams the answer back
 * untouched. With `--reading`, the floor of any gateway that looks at what
 * it relays: it parses each JSON request, sends it on re-serialised with
 * headers of its own, reads the answer whole and sends it back with a
 * content type — what a gateway must do to route by model, hold keys to
 * limits and count usage, and nothing more. With `--translating`, the
 * floor of any gateway that translates: an OpenAI Chat request (JSON in, no
 * validation) sent to Gemini's `:streamGenerateContent` as the least a
 * translation must send, the SSE answer read whole, its events parsed and
 * joined into one Chat completion — no keys, no log, no metrics, no retries.
 * Usage: bun bare-proxy.ts UPSTREAM_URL [--port P] [--reading | --translating]. Prints its port.
 */
const upstream = process.argv[2]!;
const portFlag = process.argv.indexOf("--port");
const reading = process.argv.includes("--reading");
const translating = process.argv.includes("--translating");

interface GeminiChunk {
  candidates?: Array<{ content?: { parts?: Array<{ text?: string }> }; finishReason?: string }>;
  usageMetadata?: { promptTokenCount?: number; candidatesTokenCount?: number; totalTokenCount?: number };
}

async function translate(request: Request): Promise<Response> {
  const chat = JSON.parse(await request.text()) as { model: string; messages: Array<{ role: string; content: string }> };
  const contents = chat.messages.map((message) => ({ role: message.role === "assistant" ? "model" : "user", parts: [{ text: message.content }] }));
  const response = await fetch(`${upstream}/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-goog-api-key": "bench-key" },
    body: JSON.stringify({ contents }),
  });
  let text = "";
  let usage: GeminiChunk["usageMetadata"];
  let finish: string | undefined;
  for (const event of (await response.text()).split(/\r?\n\r?\n/)) {
    if (!event.startsWith("data:")) continue;
    const chunk = JSON.parse(event.slice(5)) as GeminiChunk;
    const candidate = chunk.candidates?.[0];
    for (const part of candidate?.content?.parts ?? []) text += part.text ?? "";
    finish = candidate?.finishReason ?? finish;
    usage = chunk.usageMetadata ?? usage;
  }
  return Response.json({
    id: `chatcmpl-${crypto.randomUUID()}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: chat.model,
    choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: finish === "MAX_TOKENS" ? "length" : "stop" }],
    usage: { prompt_tokens: usage?.promptTokenCount ?? 0, completion_tokens: usage?.candidatesTokenCount ?? 0, total_tokens: usage?.totalTokenCount ?? 0 },
  });
}
const server = Bun.serve({
  hostname: "127.0.0.1",
  port: portFlag === -1 ? 0 : Number(process.argv[portFlag + 1]),
  async fetch(request) {
    if (translating) return translate(request);
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

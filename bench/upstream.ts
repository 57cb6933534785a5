/**
 * A minimal Gemini-wire upstream for benchmarks: answers every
 * streamGenerateContent call at once with the same short SSE stream.
 * Prints its port on stdout.
 */
const chunks = ["Hello", " from", " the", " bench", " upstream."].map((text, index, all) =>
  JSON.stringify({
    candidates: [
      {
        content: { role: "model", parts: [{ text }] },
        index: 0,
        ...(index === all.length - 1 ? { finishReason: "STOP" } : {}),
      },
    ],
    usageMetadata: { promptTokenCount: 12, candidatesTokenCount: index + 1, totalTokenCount: 13 + index },
    modelVersion: "gemini-2.5-flash",
    responseId: "bench",
  }),
);
const body = new TextEncoder().encode(chunks.map((chunk) => `data: ${chunk}\r\n\r\n`).join(""));

const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  async fetch(request) {
    await request.arrayBuffer();
    return new Response(body, { headers: { "content-type": "text/event-stream" } });
  },
});
console.log(server.port);
export {};

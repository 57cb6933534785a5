/**
 * A minimal upstream for benchmarks, answering at once with small fixed
 * answers in each wire format the bench uses: Gemini `:streamGenerateContent`
 * (SSE) and `:generateContent` (JSON), OpenAI `/v1/chat/completions` (JSON,
 * or SSE with a usage chunk when `"stream":true`). Prints its port.
 */
const words = ["Hello", " from", " the", " bench", " upstream."];
const gemini = (text: string, last: boolean, tokens: number) =>
  JSON.stringify({
    candidates: [{ content: { role: "model", parts: [{ text }] }, index: 0, ...(last ? { finishReason: "STOP" } : {}) }],
    usageMetadata: { promptTokenCount: 12, candidatesTokenCount: tokens, totalTokenCount: 12 + tokens },
    modelVersion: "gemini-2.5-flash",
    responseId: "bench",
  });
const encoder = new TextEncoder();
const geminiSse = encoder.encode(words.map((text, index) => `data: ${gemini(text, index === words.length - 1, index + 1)}\r\n\r\n`).join(""));
const geminiJson = encoder.encode(gemini(words.join(""), true, words.length));
const chunk = (delta: object, finish: string | null) =>
  `data: ${JSON.stringify({ id: "chatcmpl-bench", object: "chat.completion.chunk", created: 1, model: "gpt-4o", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
const openaiSse = encoder.encode(
  words.map((text) => chunk({ content: text }, null)).join("") +
    chunk({}, "stop") +
    `data: ${JSON.stringify({ id: "chatcmpl-bench", object: "chat.completion.chunk", created: 1, model: "gpt-4o", choices: [], usage: { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 } })}\n\n` +
    "data: [DONE]\n\n",
);
const openaiJson = encoder.encode(
  JSON.stringify({
    id: "chatcmpl-bench",
    object: "chat.completion",
    created: 1,
    model: "gpt-4o",
    choices: [{ index: 0, message: { role: "assistant", content: words.join("") }, finish_reason: "stop" }],
    usage: { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 },
  }),
);
const sse = { "content-type": "text/event-stream" };
const json = { "content-type": "application/json" };

const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  async fetch(request) {
    const url = request.url;
    const body = await request.text();
    if (url.includes(":streamGenerateContent")) return new Response(geminiSse, { headers: sse });
    if (url.includes(":generateContent")) return new Response(geminiJson, { headers: json });
    if (url.endsWith("/chat/completions")) return body.includes('"stream":true') ? new Response(openaiSse, { headers: sse }) : new Response(openaiJson, { headers: json });
    return new Response("not found", { status: 404 });
  },
});
console.log(server.port);
export {};

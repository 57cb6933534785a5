/**
 * Shutdown with requests in flight: requests that finish within
 * shutdown.drainMs finish normally; the rest are ended visibly when it runs
 * out — a stream with its protocol's error event, a JSON request with a 503
 * in its shape — and logged as such, before the database closes.
 */
import { Database } from "bun:sqlite";
import { afterAll, beforeAll, expect, test } from "bun:test";
import { startFakeGemini, type FakeGemini } from "../harness/fake-gemini.ts";
import { startTestGateway, type TestGateway } from "../harness/gateway.ts";

let gemini: FakeGemini;
let agw: TestGateway;

const chunk = (text: string, finish = false) => ({
  candidates: [{ content: { role: "model", parts: [{ text }] }, index: 0, ...(finish ? { finishReason: "STOP" } : {}) }],
  usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 2, totalTokenCount: 7 },
  modelVersion: "gemini-2.5-flash",
  responseId: "r",
});

beforeAll(() => {
  gemini = startFakeGemini({
    script: (request) => {
      const text = JSON.stringify(request.body.contents);
      if (text.includes("slow stream")) return { type: "stream", chunks: [chunk("The first words"), chunk(" never end", true)], pauseBeforeChunkMs: { 1: 10_000 } };
      if (text.includes("slow answer")) return { type: "hang", ms: 10_000 };
      if (text.includes("quick")) return { type: "hang", ms: 150, then: { type: "stream", chunks: [chunk("Done in time.", true)] } };
      return undefined;
    },
  });
  agw = startTestGateway({
    providers: { gemini: { type: "gemini", baseUrl: gemini.url, accounts: [{ id: "g@example.com", apiKey: "good-key" }] } },
    models: { "*": "gemini/gemini-2.5-flash" },
    shutdown: { drainMs: 400 },
  });
});

afterAll(async () => {
  await agw.stop();
  await gemini.stop();
});

const ask = (content: string, stream: boolean) =>
  fetch(`${agw.url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", "anthropic-version": "2023-06-01" },
    body: JSON.stringify({ model: "claude-x", max_tokens: 50, stream, messages: [{ role: "user", content }] }),
  });

test("at the end of shutdown.drainMs every open request ends visibly, and is logged as such", async () => {
  const stream = await ask("slow stream", true);
  const reader = stream.body!.getReader();
  const decoder = new TextDecoder();
  let streamed = "";
  while (!streamed.includes("The first words")) streamed += decoder.decode((await reader.read()).value);
  const json = ask("slow answer", false);
  const quick = ask("quick", false);
  await Bun.sleep(50);

  const stopping = agw.gateway.stop();
  // A request that finishes within the drain time is answered normally.
  const quickAnswer = await quick;
  expect(quickAnswer.status).toBe(200);
  expect(((await quickAnswer.json()) as any).content).toEqual([{ type: "text", text: "Done in time." }]);

  const jsonAnswer = await json;
  expect(jsonAnswer.status).toBe(503);
  expect(await jsonAnswer.json()).toEqual({
    type: "error",
    error: { type: "api_error", message: "the gateway is shutting down: retry the request in a moment" },
  });
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    streamed += decoder.decode(value);
  }
  expect(streamed).toEndWith(
    'event: error\ndata: {"type":"error","error":{"type":"api_error","message":"the gateway is shutting down: retry the request in a moment"}}\n\n',
  );
  await stopping;

  // Every row is in the database after the stop, the two cut ones as 503 shutdown.
  const db = new Database(agw.database, { readonly: true });
  const rows = db.query("SELECT status, error_class FROM request_logs ORDER BY status").all() as Array<{ status: number; error_class: string | null }>;
  db.close();
  expect(rows).toEqual([
    { status: 200, error_class: null },
    { status: 503, error_class: "shutdown" },
    { status: 503, error_class: "shutdown" },
  ]);
});

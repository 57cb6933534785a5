/**
 * A streaming client whose upstream is slow to start (a hanging account
 * before failover, a long wait) gets its stream at once with keep-alive
 * frames, so it does not give up; the answer that follows is whole, and a
 * failover behind it is invisible. When every attempt fails, the stream
 * ends with the protocol's error event.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { startFakeGemini, type FakeGemini } from "../harness/fake-gemini.ts";
import { startTestGateway, type TestGateway } from "../harness/gateway.ts";

let gemini: FakeGemini;
let agw: TestGateway;

beforeAll(() => {
  gemini = startFakeGemini({ keyFaults: { "k-hang": { type: "hang", ms: 5_000 } } });
  agw = startTestGateway({
    providers: {
      failover: {
        type: "gemini",
        baseUrl: gemini.url,
        timeoutMs: 400,
        accounts: [
          { id: "hangs@example.com", apiKey: "k-hang", priority: 0 },
          { id: "good@example.com", apiKey: "good-key", priority: 1 },
        ],
      },
      dead: { type: "gemini", baseUrl: gemini.url, timeoutMs: 300, accounts: [{ id: "only@example.com", apiKey: "k-hang" }] },
    },
    models: { "claude-failover": "failover/gemini-2.5-flash", "claude-dead": "dead/gemini-2.5-flash" },
    scheduling: { mode: "priority" },
    retry: { maxAttempts: 2 },
    limits: { keepAliveMs: 100 },
  });
});

afterAll(async () => {
  await agw.stop();
  await gemini.stop();
});

async function stream(model: string): Promise<{ status: number; account: string | null; frames: Array<{ event: string; data: any }> }> {
  const response = await fetch(`${agw.url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", "anthropic-version": "2023-06-01" },
    body: JSON.stringify({ model, max_tokens: 50, stream: true, messages: [{ role: "user", content: "hello slowly" }] }),
  });
  const text = await response.text();
  const frames = text
    .split("\n\n")
    .filter((frame) => frame.startsWith("event: "))
    .map((frame) => {
      const [eventLine, dataLine] = frame.split("\n");
      return { event: eventLine!.slice(7), data: JSON.parse(dataLine!.slice(6)) };
    });
  return { status: response.status, account: response.headers.get("x-account-email"), frames };
}

test("a hanging account before failover: pings at once, then the whole answer from the next account", async () => {
  const { status, frames } = await stream("claude-failover");
  expect(status).toBe(200);
  const firstReal = frames.findIndex((frame) => frame.event !== "ping");
  expect(firstReal).toBeGreaterThan(0);
  expect(frames[firstReal]!.event).toBe("message_start");
  const text = frames
    .filter((frame) => frame.event === "content_block_delta")
    .map((frame) => frame.data.delta.text)
    .join("");
  expect(text).toBe("Echo: hello slowly");
  expect(frames.at(-1)!.event).toBe("message_stop");
  agw.gateway.store.flush();
  const row = agw.gateway.store.requestLogs.recent(1)[0]!;
  expect([row.status, row.accountId, (row.attemptDetails as Array<{ accountId: string; errorClass?: string }> | undefined)?.map((attempt) => [attempt.accountId, attempt.errorClass ?? "ok"])]).toEqual([
    200,
    "good@example.com",
    [
      ["hangs@example.com", "timeout"],
      ["good@example.com", "ok"],
    ],
  ]);
});

test("every attempt fails after the stream started: pings, then Anthropic's error event", async () => {
  const { status, frames } = await stream("claude-dead");
  expect(status).toBe(200);
  expect(frames.filter((frame) => frame.event === "ping").length).toBeGreaterThan(0);
  const last = frames.at(-1)!;
  expect(last.event).toBe("error");
  expect(last.data).toEqual({ type: "error", error: { type: "timeout_error", message: "the upstream did not answer within 300 ms" } });
});

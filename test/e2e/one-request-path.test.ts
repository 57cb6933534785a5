/**
 * Pass-through and translation are two ways of lowering one request, not two
 * request paths: a request whose client protocol is its provider's (Claude
 * Code on an `anthropic` provider) is intercepted, routed and scheduled
 * exactly like a translated one.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { startFakeAnthropic, type FakeAnthropic } from "../harness/fake-anthropic.ts";
import { startFakeOpenAI, type FakeOpenAI } from "../harness/fake-openai.ts";
import { startTestGateway, type TestGateway } from "../harness/gateway.ts";

let anthropicUpstream: FakeAnthropic;
let openaiUpstream: FakeOpenAI;
let agw: TestGateway;

beforeAll(() => {
  anthropicUpstream = startFakeAnthropic();
  openaiUpstream = startFakeOpenAI();
  agw = startTestGateway({
    providers: {
      anthropic: {
        type: "anthropic",
        baseUrl: anthropicUpstream.url,
        accounts: [
          { id: "a1@example.com", apiKey: "sk-ant-1" },
          { id: "a2@example.com", apiKey: "sk-ant-2" },
          { id: "a3@example.com", apiKey: "sk-ant-3" },
        ],
      },
      openai: { type: "openai", baseUrl: openaiUpstream.url, accounts: [{ id: "o@example.com", apiKey: "sk-upstream" }] },
    },
    models: { "claude-*": "anthropic/claude-sonnet-4-5", "small-model": "openai/gpt-4o-mini" },
    scheduling: { mode: "sticky" },
    intercept: { backgroundModel: "small-model" },
  });
});

afterAll(async () => {
  await agw.stop();
  await anthropicUpstream.stop();
  await openaiUpstream.stop();
});

const post = (body: unknown) =>
  fetch(`${agw.url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", "anthropic-version": "2023-06-01" },
    body: JSON.stringify(body),
  });

test("a warm-up probe is answered locally, never reaching the Anthropic upstream", async () => {
  const before = anthropicUpstream.requests.length;
  const response = await post({ model: "claude-opus-4-5", max_tokens: 10, messages: [{ role: "user", content: "Warmup" }] });
  const body = (await response.json()) as { content: Array<{ type: string; text: string }>; type: string };
  expect(response.status).toBe(200);
  expect(response.headers.get("x-warmup-intercepted")).toBe("true");
  expect(body.type).toBe("message");
  expect(body.content.map((block) => block.type)).toEqual(["text"]);
  expect(anthropicUpstream.requests.length).toBe(before);
});

test("a background task goes to intercept.backgroundModel, slimmed, not to the pass-through upstream", async () => {
  const before = anthropicUpstream.requests.length;
  const response = await post({
    model: "claude-haiku-4-5",
    max_tokens: 100,
    system: [{ type: "text", text: "Generate a concise, sentence-case title (3-7 words) for this conversation." }],
    messages: [{ role: "user", content: "fix the login bug" }],
    tools: [{ name: "Bash", description: "Run a command", input_schema: { type: "object", properties: {} } }],
  });
  const body = (await response.json()) as { content: Array<{ type: string; text: string }> };
  expect(response.status).toBe(200);
  expect(response.headers.get("x-mapped-model")).toBe("gpt-4o-mini");
  expect(body.content).toEqual([{ type: "text", text: "Echo: fix the login bug" }]);
  expect(anthropicUpstream.requests.length).toBe(before);
  const upstream = openaiUpstream.requests.at(-1)!;
  expect(upstream.model).toBe("gpt-4o-mini");
  // Slimmed: no tools go to the background model.
  expect(upstream.body.tools).toBeUndefined();
  agw.gateway.store.flush();
  expect(agw.gateway.store.requestLogs.get(response.headers.get("x-request-id")!)).toMatchObject({
    intercepted: "title",
    provider: "openai",
    mappedModel: "gpt-4o-mini",
    status: 200,
  });
});

test("sticky scheduling holds on pass-through: one conversation stays on one account", async () => {
  const accountsFor = async (user: string) => {
    const seen: string[] = [];
    for (let turn = 0; turn < 4; turn++) {
      const response = await post({
        model: "claude-sonnet-4-5",
        max_tokens: 50,
        metadata: { user_id: user },
        messages: [{ role: "user", content: `turn ${turn}` }],
      });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { content: unknown }).content).toEqual([{ type: "text", text: `Echo: turn ${turn}` }]);
      seen.push(response.headers.get("x-account-email")!);
    }
    return seen;
  };
  const first = await accountsFor("session-one");
  expect(new Set(first).size).toBe(1);
  const second = await accountsFor("session-two");
  expect(new Set(second).size).toBe(1);
  // The upstream saw the account's own key on every turn of the conversation.
  const keys = anthropicUpstream.requests.slice(-4).map((request) => request.apiKey);
  expect(new Set(keys).size).toBe(1);
});

test("translated to an upstream that counts input only at the end, message_start states the local estimate", async () => {
  const response = await post({ model: "small-model", max_tokens: 50, stream: true, messages: [{ role: "user", content: "count my words please" }] });
  const frames = (await response.text()).split("\n\n").filter((frame) => frame.startsWith("event: "));
  const start = JSON.parse(frames[0]!.split("\ndata: ")[1]!);
  expect(start.type).toBe("message_start");
  expect(start.message.usage.input_tokens).toBeGreaterThan(0);
  expect(start.message.usage.input_tokens).toBeLessThan(50);
  const text = frames
    .map((frame) => JSON.parse(frame.split("\ndata: ")[1]!))
    .filter((event) => event.type === "content_block_delta")
    .map((event) => event.delta.text)
    .join("");
  expect(text).toBe("Echo: count my words please");
});

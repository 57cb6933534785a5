/**
 * The set-up the embeddings and images tests share: a fake Gemini and a fake
 * OpenAI-compatible upstream, an Anthropic provider that can do neither, an
 * agw in front of the three with the model names a test maps, and the
 * OpenAI SDK pointed at it.
 *
 *   const media = startMediaGateway({ "gemini-embed": "gemini/gemini-embedding-001" });
 *   await media.client.embeddings.create(...); media.gemini.requests; await media.stop();
 */
import OpenAI from "openai";
import { startFakeGemini, type FakeGemini } from "./fake-gemini.ts";
import { startFakeOpenAI, type FakeOpenAI } from "./fake-openai.ts";
import { startTestGateway, type TestGateway } from "./gateway.ts";

export interface MediaGateway {
  gemini: FakeGemini;
  upstreamOpenAI: FakeOpenAI;
  agw: TestGateway;
  client: OpenAI;
  stop(): Promise<void>;
}

export function startMediaGateway(models: Record<string, string>, options: { geminiModels?: string[] } = {}): MediaGateway {
  const gemini = startFakeGemini();
  const upstreamOpenAI = startFakeOpenAI();
  const agw = startTestGateway({
    auth: { mode: "off" },
    providers: {
      gemini: {
        type: "gemini",
        baseUrl: gemini.url,
        accounts: [{ id: "main", apiKey: "key-main" }],
        ...(options.geminiModels ? { models: options.geminiModels } : {}),
      },
      oai: { type: "openai", baseUrl: upstreamOpenAI.url, accounts: [{ id: "oai", apiKey: "sk-oai" }] },
      claude: { type: "anthropic", baseUrl: "http://127.0.0.1:9", accounts: [{ id: "a", apiKey: "sk-ant" }] },
    },
    models,
  });
  return {
    gemini,
    upstreamOpenAI,
    agw,
    client: new OpenAI({ baseURL: `${agw.url}/v1`, apiKey: "unused", maxRetries: 0 }),
    async stop() {
      await agw.stop();
      await gemini.stop();
      await upstreamOpenAI.stop();
    },
  };
}

/**
 * Every provider type, each backed by a fake that speaks its real wire
 * format (the mock needs none), with one provider entry per fault, and a
 * recorder that reads back what the fake received.
 */
import { startFakeAnthropic } from "../harness/fake-anthropic.ts";
import { startFakeGemini } from "../harness/fake-gemini.ts";
import { startFakeOpenAI } from "../harness/fake-openai.ts";
import type { Fault, UpstreamName } from "./cases.ts";
import { receivedByAnthropic, receivedByGemini, receivedByOpenAI, type Received } from "./received.ts";

/** Reads what an upstream received: take a mark before a request, then the generation requests since it. */
export interface Recorder {
  mark(): number;
  since(mark: number): Received[];
}

export interface Upstream {
  name: UpstreamName;
  /** Provider entries for the gateway config, keyed by provider name. */
  providers: Record<string, unknown>;
  /** Model mappings for the gateway config: the client's model name → provider/model. */
  models: Record<string, string>;
  /** The model name a client asks for to reach this upstream with this fault. */
  model(fault: Fault): string;
  /** Absent for the mock, which runs inside the gateway and has no wire to read. */
  recorder?: Recorder;
  stop(): Promise<void>;
}

const FAULTS: Fault[] = ["none", "rate-limit", "server-error", "overload", "midstream"];

/** The model each upstream's fake serves, per provider type. */
export const UPSTREAM_MODELS: Record<Upstream["name"], string> = {
  gemini: "gemini-2.5-flash",
  // Gemini 3 checks thought signatures (the fake does so for "gemini-3" models only).
  "gemini-3": "gemini-3-pro-preview",
  openai: "gpt-4o",
  anthropic: "claude-sonnet-4-5",
  mock: "echo",
};

/** The mock fails by model name (src/providers/mock/fault.ts). */
const MOCK_FAULT_MODELS: Record<Fault, string> = {
  none: "echo",
  "rate-limit": "error-429",
  "server-error": "error-500",
  overload: "error-529",
  midstream: "error-midstream",
};

function upstream(
  name: Upstream["name"],
  type: string,
  url: string | undefined,
  keys: Record<Fault, string>,
  recorder: Recorder,
  stop: () => Promise<void>,
): Upstream {
  const providers: Record<string, unknown> = {};
  const models: Record<string, string> = {};
  for (const fault of FAULTS) {
    providers[`${name}-${fault}`] = {
      type,
      ...(url ? { baseUrl: url } : {}),
      accounts: [{ id: `${name}-${fault}@example.com`, apiKey: keys[fault] }],
    };
    models[`conf-${name}-${fault}`] = `${name}-${fault}/${UPSTREAM_MODELS[name]}`;
  }
  return { name, providers, models, model: (fault) => `conf-${name}-${fault}`, recorder, stop };
}

function recorder<T>(requests: T[], generation: (request: T) => boolean, read: (request: T) => Received): Recorder {
  return { mark: () => requests.length, since: (mark) => requests.slice(mark).filter(generation).map(read) };
}

export function startUpstreams(): Upstream[] {
  const gemini = startFakeGemini();
  const openai = startFakeOpenAI();
  const anthropic = startFakeAnthropic();
  const mockProviders: Record<string, unknown> = {};
  const mockModels: Record<string, string> = {};
  for (const fault of FAULTS) {
    mockProviders[`mock-${fault}`] = { type: "mock" };
    mockModels[`conf-mock-${fault}`] = `mock-${fault}/${MOCK_FAULT_MODELS[fault]}`;
  }
  return [
    upstream(
      "gemini",
      "gemini",
      gemini.url,
      { none: "good-key", "rate-limit": "key-429", "server-error": "key-500", overload: "key-503", midstream: "key-midstream-error" },
      recorder(gemini.requests, (request) => request.action !== "countTokens", (request) => receivedByGemini(request.body)),
      () => gemini.stop(),
    ),
    upstream(
      "gemini-3",
      "gemini",
      gemini.url,
      { none: "good-key", "rate-limit": "key-429", "server-error": "key-500", overload: "key-503", midstream: "key-midstream-error" },
      recorder(gemini.requests, (request) => request.action !== "countTokens", (request) => receivedByGemini(request.body)),
      async () => {},
    ),
    upstream(
      "openai",
      "openai",
      openai.url,
      { none: "good-key", "rate-limit": "key-429", "server-error": "key-500", overload: "key-503", midstream: "key-midstream-error" },
      recorder(openai.requests, () => true, (request) => receivedByOpenAI(request.body)),
      () => openai.stop(),
    ),
    upstream(
      "anthropic",
      "anthropic",
      anthropic.url,
      { none: "good-key", "rate-limit": "key-429", "server-error": "key-500", overload: "key-529", midstream: "key-midstream-error" },
      recorder(anthropic.requests, (request) => request.action === "messages", (request) => receivedByAnthropic(request.body)),
      () => anthropic.stop(),
    ),
    {
      name: "mock",
      providers: mockProviders,
      models: mockModels,
      model: (fault) => `conf-mock-${fault}`,
      stop: async () => {},
    },
  ];
}

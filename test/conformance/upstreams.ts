/**
 * Every provider type, each backed by a fake that speaks its real wire
 * format (the mock needs none), with one provider entry per fault.
 */
import { startFakeAnthropic } from "../harness/fake-anthropic.ts";
import { startFakeGemini } from "../harness/fake-gemini.ts";
import { startFakeOpenAI } from "../harness/fake-openai.ts";
import type { Fault } from "./cases.ts";

export interface Upstream {
  name: "gemini" | "openai" | "anthropic" | "mock";
  /** Provider entries for the gateway config, keyed by provider name. */
  providers: Record<string, unknown>;
  /** The model name a client asks for to reach this upstream with this fault. */
  model(fault: Fault): string;
  stop(): Promise<void>;
}

const FAULTS: Fault[] = ["none", "rate-limit", "server-error", "overload", "midstream"];

function upstream(
  name: Upstream["name"],
  type: string,
  url: string | undefined,
  keys: Record<Fault, string>,
  stop: () => Promise<void>,
): Upstream {
  const providers: Record<string, unknown> = {};
  for (const fault of FAULTS) {
    providers[`${name}-${fault}`] = {
      type,
      ...(url ? { baseUrl: url } : {}),
      accounts: [{ id: `${name}-${fault}@example.com`, apiKey: keys[fault] }],
    };
  }
  return { name, providers, model: (fault) => `conf-${name}-${fault}`, stop };
}

export function startUpstreams(): Upstream[] {
  const gemini = startFakeGemini();
  const openai = startFakeOpenAI();
  const anthropic = startFakeAnthropic();
  return [
    upstream(
      "gemini",
      "gemini",
      gemini.url,
      { none: "good-key", "rate-limit": "key-429", "server-error": "key-500", overload: "key-503", midstream: "key-midstream-error" },
      () => gemini.stop(),
    ),
    upstream(
      "openai",
      "openai",
      openai.url,
      { none: "good-key", "rate-limit": "key-429", "server-error": "key-500", overload: "key-503", midstream: "key-midstream-error" },
      () => openai.stop(),
    ),
    upstream(
      "anthropic",
      "anthropic",
      anthropic.url,
      { none: "good-key", "rate-limit": "key-429", "server-error": "key-500", overload: "key-529", midstream: "key-midstream-error" },
      () => anthropic.stop(),
    ),
    {
      name: "mock",
      providers: { "mock-none": { type: "mock" } },
      model: () => "conf-mock-none",
      stop: async () => {},
    },
  ];
}

/** The model each upstream's fake serves, per provider type. */
export const UPSTREAM_MODELS: Record<Upstream["name"], string> = {
  gemini: "gemini-2.5-flash",
  openai: "gpt-4o",
  anthropic: "claude-sonnet-4-5",
  mock: "echo",
};

import type { GeminiModel } from "./types.ts";

/** What the gateway may know about a model beyond its id. */
export type GeminiModelInfo = Partial<Omit<GeminiModel, "name" | "supportedGenerationMethods">>;

const METHODS = ["generateContent", "countTokens", "streamGenerateContent"];

/** Sampling defaults Gemini 2.5 and 3 models report in `models.list`. */
const thinkingDefaults = { temperature: 1, topP: 0.95, topK: 64, maxTemperature: 2, thinking: true } as const;

/**
 * Google's own `models.list` entries for the Gemini models whose limits are
 * published; any other model gets no limits rather than invented ones.
 */
const knownModels: Record<string, GeminiModelInfo> = {
  "gemini-2.5-pro": {
    version: "2.5",
    displayName: "Gemini 2.5 Pro",
    inputTokenLimit: 1048576,
    outputTokenLimit: 65536,
    ...thinkingDefaults,
  },
  "gemini-2.5-flash": {
    version: "001",
    displayName: "Gemini 2.5 Flash",
    inputTokenLimit: 1048576,
    outputTokenLimit: 65536,
    ...thinkingDefaults,
  },
  "gemini-2.5-flash-lite": {
    version: "001",
    displayName: "Gemini 2.5 Flash-Lite",
    inputTokenLimit: 1048576,
    outputTokenLimit: 65536,
    ...thinkingDefaults,
  },
  "gemini-2.0-flash": {
    version: "2.0",
    displayName: "Gemini 2.0 Flash",
    inputTokenLimit: 1048576,
    outputTokenLimit: 8192,
    temperature: 1,
    topP: 0.95,
    topK: 40,
    maxTemperature: 2,
  },
  "gemini-3-pro-preview": {
    version: "3-pro-preview-11-2025",
    displayName: "Gemini 3 Pro Preview",
    inputTokenLimit: 1048576,
    outputTokenLimit: 65536,
    ...thinkingDefaults,
  },
};

/** What Google publishes about a known Gemini model (by id, with or without `models/`), if anything. */
export function knownGeminiModel(id: string): GeminiModelInfo | undefined {
  return knownModels[id.replace(/^models\//, "")];
}

/**
 * One model as `models.get` returns it: `name` is `models/<id>`. Known
 * Gemini models carry Google's published limits and defaults; `info`
 * (what the gateway knows, say, of the model an alias maps to) overrides
 * them; unknown models are named after their id and carry no limits.
 */
export function encodeGeminiModel(id: string, info?: GeminiModelInfo): GeminiModel {
  const bare = id.replace(/^models\//, "");
  const known = knownGeminiModel(bare);
  return {
    name: `models/${bare}`,
    version: bare,
    displayName: known?.displayName ?? bare,
    description: known?.displayName ?? `${bare}, served through agw`,
    ...known,
    ...definedOnly(info),
    supportedGenerationMethods: [...METHODS],
  };
}

function definedOnly(info: GeminiModelInfo | undefined): GeminiModelInfo {
  return Object.fromEntries(Object.entries(info ?? {}).filter(([, value]) => value !== undefined));
}

/** The `models.list` body for the gateway's model ids (one page: agw never paginates). */
export function encodeGeminiModelList(ids: readonly string[]): { models: GeminiModel[] } {
  return { models: ids.map((id) => encodeGeminiModel(id)) };
}

/** The `countTokens` body. */
export function encodeGeminiCountTokens(tokens: number): { totalTokens: number } {
  return { totalTokens: tokens };
}

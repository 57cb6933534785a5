/**
 * The client-facing side of Gemini's wire format (generativelanguage
 * `v1beta`): what agw sends back to Gemini clients. Declared here rather
 * than imported from providers/gemini, which owns the upstream direction,
 * so the two never depend on each other; request types come from the zod
 * schema (schema.ts). Types only, no logic.
 */

/** One part of a response content; exactly one data field is set. */
export interface GeminiOutputPart {
  text?: string;
  /** Marks a text part as a thought summary. */
  thought?: boolean;
  /** Opaque signature that must travel back with the part it came on. */
  thoughtSignature?: string;
  functionCall?: { name: string; args: Record<string, unknown> };
  /** A generated image, as Gemini's image models answer it. */
  inlineData?: { mimeType: string; data: string };
}

export interface GeminiOutputCandidate {
  content: { parts: GeminiOutputPart[]; role: "model" };
  finishReason?: GeminiFinishReason;
  index: number;
}

export type GeminiFinishReason = "STOP" | "MAX_TOKENS" | "SAFETY" | "OTHER";

export interface GeminiUsageMetadata {
  promptTokenCount: number;
  candidatesTokenCount: number;
  /** Only when the model thought. */
  thoughtsTokenCount?: number;
  /** Only when part of the prompt came from a cache. */
  cachedContentTokenCount?: number;
  totalTokenCount: number;
}

/** `GenerateContentResponse`, whole or as one streamed chunk. */
export interface GeminiGenerateContentResponse {
  candidates: GeminiOutputCandidate[];
  usageMetadata?: GeminiUsageMetadata;
  modelVersion: string;
  responseId: string;
}

/** Google's standard error body (`google.rpc.Status` in JSON). */
export interface GeminiErrorBody {
  error: {
    code: number;
    message: string;
    status: GeminiErrorStatus;
    details?: Array<Record<string, unknown>>;
  };
}

export type GeminiErrorStatus =
  | "INVALID_ARGUMENT"
  | "UNAUTHENTICATED"
  | "PERMISSION_DENIED"
  | "NOT_FOUND"
  | "RESOURCE_EXHAUSTED"
  | "INTERNAL"
  | "UNAVAILABLE"
  | "DEADLINE_EXCEEDED";

/** One entry of `models.list` / the body of `models.get`. */
export interface GeminiModel {
  name: string;
  version: string;
  displayName: string;
  description: string;
  inputTokenLimit?: number;
  outputTokenLimit?: number;
  supportedGenerationMethods: string[];
  temperature?: number;
  topP?: number;
  topK?: number;
  maxTemperature?: number;
  thinking?: boolean;
}

/** How a stream is framed: `alt=sse` gives SSE, Google's default is one JSON array written piece by piece. */
export type GeminiStreamFraming = "sse" | "json-array";

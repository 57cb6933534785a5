/**
 * The canonical chat request every client protocol decodes into and every
 * provider lowers from. Fields a protocol cannot express are simply absent;
 * values a provider cannot honour become warnings at lowering time.
 */

export interface TextPart {
  type: "text";
  text: string;
  /** Assistant text only: the upstream's signature on it (Gemini's on the last text part of an answer). */
  signature?: Signature;
}

/** An image, either inline (base64 `data`) or by `url` until media resolution inlines it. */
export interface ImagePart {
  type: "image";
  mediaType?: string;
  data?: string;
  url?: string;
  /** A generated image's signature (Gemini 3 image models sign them): it travels back with the image in later turns. */
  signature?: Signature;
}

/** A non-image file (PDF, audio…), inline or by URL. */
export interface FilePart {
  type: "file";
  mediaType: string;
  data?: string;
  url?: string;
  filename?: string;
}

/**
 * An opaque upstream signature (Gemini `thoughtSignature`, Anthropic thinking
 * `signature` or `redacted_thinking` data), tagged with the model family that
 * made it: only that family can verify it, so providers drop (or replace) a
 * signature from another family instead of sending it and failing.
 */
export interface Signature {
  family: SignatureFamily;
  value: string;
}

export type SignatureFamily = "gemini" | "anthropic" | "openai";

export interface ToolCallPart {
  type: "tool-call";
  id: string;
  name: string;
  /** The arguments as JSON text, exactly as the model produced them. */
  arguments: string;
  /** Upstream signature that must travel back with this call (Gemini `thoughtSignature`). */
  signature?: Signature;
}

export interface ToolResultPart {
  type: "tool-result";
  toolCallId: string;
  /** The called function's name; decoders fill it from the matching call when the protocol omits it. */
  name?: string;
  content: Array<TextPart | ImagePart>;
  isError?: boolean;
}

export interface ReasoningPart {
  type: "reasoning";
  text: string;
  signature?: Signature;
  /** Reasoning the upstream returned encrypted; `text` is empty and `signature` holds the data. */
  redacted?: boolean;
}

export type UserContent = TextPart | ImagePart | FilePart;
/** An assistant's content: generated images (image models) come inline, as `ImagePart` with `data`. */
export type AssistantContent = TextPart | ToolCallPart | ReasoningPart | ImagePart;

export type Message =
  | { role: "system"; content: TextPart[] }
  | { role: "user"; content: UserContent[] }
  | { role: "assistant"; content: AssistantContent[] }
  | { role: "tool"; content: ToolResultPart[] };

export type ContentPart = UserContent | AssistantContent | ToolResultPart;

export interface ToolDefinition {
  name: string;
  description?: string;
  /** JSON Schema of the arguments object, as the client sent it. */
  parameters: Record<string, unknown>;
  strict?: boolean;
}

export type ToolChoice = "auto" | "none" | "required" | { name: string };

export type ResponseFormat =
  | { type: "text" }
  | { type: "json"; schema?: Record<string, unknown>; name?: string; strict?: boolean };

/**
 * The upstream's own web search (Anthropic's `web_search` server tool,
 * Responses' `web_search`): Gemini lowers it to Google Search grounding;
 * a provider without one refuses it or drops it, as the protocol asks.
 */
export interface WebSearchConfig {
  maxUses?: number;
  allowedDomains?: string[];
  blockedDomains?: string[];
  /** Whether a provider that cannot search must refuse the request (true) or may ignore the tool (false). */
  required: boolean;
}

export type ReasoningEffort = "none" | "minimal" | "low" | "medium" | "high" | "xhigh";

export interface ReasoningConfig {
  effort?: ReasoningEffort;
  /** An explicit budget in tokens (Anthropic `budget_tokens`, Gemini `thinkingBudget`). */
  budgetTokens?: number;
}

export interface ChatRequest {
  /** The model name the client asked for, before mapping. */
  model: string;
  messages: Message[];
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  parallelToolCalls?: boolean;
  responseFormat?: ResponseFormat;
  maxOutputTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  stopSequences?: string[];
  /** Number of alternative answers (OpenAI `n`, Gemini `candidateCount`). */
  choices?: number;
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  reasoning?: ReasoningConfig;
  webSearch?: WebSearchConfig;
  /** Whether the client wants a stream back. Upstreams are always asked to stream. */
  stream: boolean;
  /** A stable end-user or conversation identifier, when the client sent one. */
  user?: string;
  /**
   * What the answer may hold, for image models: `["text", "image"]`, or
   * `["image"]` for pictures only (OpenAI `modalities`, Gemini
   * `responseModalities`). Unset: the upstream's default.
   */
  outputModalities?: Array<"text" | "image">;
  /** How generated images should be: Gemini's `imageConfig` (`aspectRatio` such as "16:9", `imageSize` "1K"/"2K"/"4K"). */
  imageConfig?: { aspectRatio?: string; imageSize?: string };
}

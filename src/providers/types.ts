import type { ChatRequest, ImagePart } from "../ir/request.ts";
import type { EmbeddingRequest, EmbeddingResponse } from "../ir/embedding.ts";
import type { StreamEvent } from "../ir/event.ts";
import type { Usage } from "../ir/usage.ts";
import type { Warning } from "../ir/warning.ts";

/** The credentials of one upstream account, as the pool hands them to a provider. */
export interface AccountCredentials {
  /** The account's id (an e-mail or any label); shown in `X-Account-Email`, never secret. */
  id: string;
  apiKey?: string;
  /** An OAuth access token, obtained and kept fresh by the pool; sent as `Authorization: Bearer`. */
  accessToken?: string;
}

/** Everything a provider needs to send one attempt upstream. */
export interface ProviderCall {
  /** The upstream model name, after mapping. */
  model: string;
  account: AccountCredentials;
  /** Aborted when the client goes away or the attempt times out. */
  signal: AbortSignal;
  /** Where lowering reports settings the upstream cannot honour (the request's warnings). */
  warnings?: Warning[];
  /** Called once the answer has started (its first output), by `complete`: the attempt's deadline is then over. */
  answering?: () => void;
  /**
   * Aborts `signal` for this attempt only (the header timeout), so the call
   * needs no controller of its own; without it the call makes one.
   */
  abort?: (reason: unknown) => void;
  /**
   * The upstream's answer is not streamed (a request passed through without
   * streaming, Imagen's pictures): its headers arrive only once all of it is
   * generated, so the call waits `answerTimeoutMs` for them instead of
   * `timeoutMs`.
   */
  unstreamed?: boolean;
}

/**
 * An upstream. `stream` resolves once the upstream has accepted the request
 * (status 2xx), with its answer raised into IR events; it rejects with a
 * GatewayError (carrying status, retryability and any stated delay) when the
 * upstream refused or could not be reached. Errors that arrive inside an
 * accepted stream come as an `error` event.
 */
/** A client request in the provider's own format, for pass-through. */
export interface PassthroughRequest {
  /** The operation and its query, in the provider's terms (Gemini: `streamGenerateContent?alt=sse`). */
  operation: string;
  /**
   * The client's body, byte for byte (but for the model, which the gateway
   * has already replaced); a form for multipart endpoints (`/images/edits`).
   */
  body: string | FormData;
  /** Client headers the upstream must see (Anthropic's `anthropic-beta` and `anthropic-version`). */
  headers?: Record<string, string>;
}

export interface Provider {
  readonly type: string;
  stream(request: ChatRequest, call: ProviderCall): Promise<ReadableStream<StreamEvent>>;
  /**
   * The whole answer, for a client that wants JSON: the upstream's answer
   * read to its end and raised into IR events without a stream of events in
   * between (an error event ends the array). Rejects like `stream`. Without
   * it, the gateway reads `stream` to its end.
   */
  complete?(request: ChatRequest, call: ProviderCall): Promise<StreamEvent[]>;
  /**
   * The upstream's own count of the request's input tokens, where it has a
   * counting endpoint (Gemini `:countTokens`). Without it the gateway
   * estimates locally.
   */
  countTokens?(request: ChatRequest, call: ProviderCall): Promise<number>;
  /**
   * Sends a client's request in the provider's own wire format untouched,
   * with only the model (and credentials) replaced, and resolves with the
   * upstream's 2xx response to relay as is. Present when a client protocol
   * speaks this provider's format (`nativeProtocol`).
   */
  passthrough?(request: PassthroughRequest, call: ProviderCall): Promise<Response>;
  /**
   * Adjusts a client's own body (its parsed top-level fields, in this
   * provider's format, for the upstream `model`) before it goes through:
   * only what the upstream would refuse outright and the gateway knows
   * better — an output budget above the model's limit is clamped — each
   * change reported in `warnings`. Returns the fields as they are when
   * nothing changes, else a copy.
   */
  preparePassthrough?(fields: Record<string, unknown>, model: string, warnings: Warning[]): Record<string, unknown>;
  /** The client protocol whose requests `passthrough` accepts ("gemini", "anthropic", "openai-chat"). */
  readonly nativeProtocol?: string;
  /**
   * Embeddings, one vector per input in order, where the upstream has them
   * (Gemini `:batchEmbedContents`, OpenAI-compatible `/embeddings`). Rejects
   * like `stream`; an input the upstream cannot take (token ids for Gemini)
   * is a 400 before any call.
   */
  embed?(request: EmbeddingRequest, call: ProviderCall): Promise<EmbeddingResponse>;
  /** Whether its models can answer with images (Gemini's image models): `/v1/images/generations` is then served through `complete`. */
  readonly generatesImages?: boolean;
  /** Whether an upstream model makes pictures only (Imagen), drawn by `predictImages` rather than through chat. */
  imageOnlyModel?(model: string): boolean;
  /** Pictures from an image-only model (Imagen's `:predict`), `n` in one call. Rejects like `stream`. */
  predictImages?(request: ImagePrediction, call: ProviderCall): Promise<ImagePart[]>;
  /** The ids of the models the upstream serves (`agw models --refresh`). */
  listModels?(call: ProviderCall): Promise<string[]>;
  /** Reads the usage from the end of a relayed answer (its last few KB), for the request log. */
  passthroughUsage?(tail: string): Usage | undefined;
}

/** What an image-only model is asked: the prompt, how many pictures, their shape and size. */
export interface ImagePrediction {
  prompt: string;
  n: number;
  aspectRatio?: string;
  imageSize?: string;
}

/** The part of a provider's config entry that every provider type understands. */
export interface ProviderSettings {
  name: string;
  type: string;
  baseUrl?: string;
  /** How long a streamed answer's response headers may take, in milliseconds: past it the attempt fails over. */
  timeoutMs: number;
  /** How long an answer that is not streamed (`ProviderCall.unstreamed`) may take, headers and all; default 10 minutes. */
  answerTimeoutMs?: number;
  /** Extra headers sent with every upstream request. */
  headers: Record<string, string>;
  /** OpenAI-compatible upstreams: the name of the output limit they expect. */
  maxTokensField?: "max_tokens" | "max_completion_tokens";
  /** Output-token limits by model name or `*` glob, before the built-in table (providers/output-limits.ts). */
  maxOutputTokens?: Record<string, number>;
}

export type ProviderFactory = (settings: ProviderSettings) => Provider;

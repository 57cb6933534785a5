import type { ChatRequest } from "../ir/request.ts";
import type { StreamEvent } from "../ir/event.ts";

/** The credentials of one upstream account, as the pool hands them to a provider. */
export interface AccountCredentials {
  /** The account's id (an e-mail or any label); shown in `X-Account-Email`, never secret. */
  id: string;
  apiKey?: string;
}

/** Everything a provider needs to send one attempt upstream. */
export interface ProviderCall {
  /** The upstream model name, after mapping. */
  model: string;
  account: AccountCredentials;
  /** Aborted when the client goes away or the attempt times out. */
  signal: AbortSignal;
}

/**
 * An upstream. `stream` resolves once the upstream has accepted the request
 * (status 2xx), with its answer raised into IR events; it rejects with a
 * GatewayError (carrying status, retryability and any stated delay) when the
 * upstream refused or could not be reached. Errors that arrive inside an
 * accepted stream come as an `error` event.
 */
export interface Provider {
  readonly type: string;
  stream(request: ChatRequest, call: ProviderCall): Promise<ReadableStream<StreamEvent>>;
  /**
   * The upstream's own count of the request's input tokens, where it has a
   * counting endpoint (Gemini `:countTokens`). Without it the gateway
   * estimates locally.
   */
  countTokens?(request: ChatRequest, call: ProviderCall): Promise<number>;
}

/** The part of a provider's config entry that every provider type understands. */
export interface ProviderSettings {
  name: string;
  type: string;
  baseUrl?: string;
  /** Upstream request timeout until the first byte, in milliseconds. */
  timeoutMs: number;
  /** Extra headers sent with every upstream request. */
  headers: Record<string, string>;
}

export type ProviderFactory = (settings: ProviderSettings) => Provider;

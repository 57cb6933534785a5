/**
 * A request for embeddings, whichever client protocol sent it: texts (or,
 * where the upstream takes them, token ids) to turn into vectors.
 */
export interface EmbeddingRequest {
  /** The requested model; the router maps it like a chat model. */
  model: string;
  /** In order; a `number[]` is a text already tokenised (OpenAI clients may send them). */
  inputs: Array<string | number[]>;
  /** The vectors' length, when the client asks for a shorter one. */
  dimensions?: number;
  /** Gemini's task type (`RETRIEVAL_QUERY`, `SEMANTIC_SIMILARITY`…), passed on where the upstream knows it. */
  taskType?: string;
  /** OpenAI's end-user id, passed on where the upstream takes it. */
  user?: string;
}

/** The vectors, one per input in the same order, and the input tokens when the upstream counted them. */
export interface EmbeddingResponse {
  vectors: number[][];
  inputTokens?: number;
}

/**
 * The part of OpenAI's Chat Completions wire format (`POST /chat/completions`)
 * that agw sends and reads, as OpenAI and the compatible servers (OpenRouter,
 * DeepSeek, Groq, vLLM, Ollama, LM Studio…) speak it. Request types are
 * exact: we build them. Response types are tolerant: every field is optional
 * and may be null, because upstream chunks are read defensively.
 */

// ── Request ────────────────────────────────────────────────────────────────

export type OpenAIContentPart =
  | { type: "text"; text: string }
  | { type: "image_url"; image_url: { url: string } }
  | { type: "input_audio"; input_audio: { data: string; format: "wav" | "mp3" } }
  | { type: "file"; file: { file_data: string; filename: string } };

export interface OpenAIToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

export type OpenAIMessage =
  | { role: "system"; content: string }
  | { role: "user"; content: string | OpenAIContentPart[] }
  | {
      role: "assistant";
      content: string | null;
      tool_calls?: OpenAIToolCall[];
      /** DeepSeek's field for the reasoning of an earlier turn; many compatible servers accept it back. */
      reasoning_content?: string;
    }
  | { role: "tool"; tool_call_id: string; content: string };

export interface OpenAITool {
  type: "function";
  function: { name: string; description?: string; parameters: Record<string, unknown>; strict?: boolean };
}

export type OpenAIToolChoice = "auto" | "none" | "required" | { type: "function"; function: { name: string } };

export type OpenAIResponseFormat =
  | { type: "json_object" }
  | { type: "json_schema"; json_schema: { name: string; schema: Record<string, unknown>; strict?: boolean } };

/** The efforts OpenAI documents for `reasoning_effort` (not every model takes every one). */
export type OpenAIReasoningEffort = "none" | "minimal" | "low" | "medium" | "high" | "xhigh";

export interface OpenAIRequest {
  model: string;
  messages: OpenAIMessage[];
  stream: true;
  stream_options: { include_usage: true };
  tools?: OpenAITool[];
  tool_choice?: OpenAIToolChoice;
  parallel_tool_calls?: boolean;
  response_format?: OpenAIResponseFormat;
  max_completion_tokens?: number;
  max_tokens?: number;
  temperature?: number;
  top_p?: number;
  stop?: string[];
  n?: number;
  seed?: number;
  presence_penalty?: number;
  frequency_penalty?: number;
  reasoning_effort?: OpenAIReasoningEffort;
  user?: string;
}

// ── Response (one streamed chunk) ──────────────────────────────────────────

export interface OpenAIToolCallDelta {
  index?: number | null;
  id?: string | null;
  type?: string | null;
  function?: { name?: string | null; arguments?: unknown } | null;
}

/** One item of OpenRouter's `reasoning_details`. */
export interface OpenAIReasoningDetail {
  type?: string;
  text?: string | null;
  summary?: string | null;
  data?: string | null;
  signature?: string | null;
}

export interface OpenAIDelta {
  role?: string | null;
  content?: string | null;
  refusal?: string | null;
  /** DeepSeek, vLLM (older), SiliconFlow, Qwen… */
  reasoning_content?: string | null;
  /** OpenRouter, vLLM (newer), Groq, Ollama. */
  reasoning?: string | null;
  /** OpenRouter's structured reasoning. */
  reasoning_details?: OpenAIReasoningDetail[] | null;
  tool_calls?: OpenAIToolCallDelta[] | null;
}

export interface OpenAIChunkChoice {
  index?: number | null;
  delta?: OpenAIDelta | null;
  finish_reason?: string | null;
}

export interface OpenAIUsage {
  prompt_tokens?: number | null;
  completion_tokens?: number | null;
  total_tokens?: number | null;
  prompt_tokens_details?: { cached_tokens?: number | null; audio_tokens?: number | null } | null;
  completion_tokens_details?: { reasoning_tokens?: number | null; audio_tokens?: number | null } | null;
  /** DeepSeek's context-cache counters. */
  prompt_cache_hit_tokens?: number | null;
  prompt_cache_miss_tokens?: number | null;
}

/** OpenAI's error object; compatible servers fill some fields with other types (OpenRouter: a numeric `code`). */
export interface OpenAIErrorBody {
  message?: unknown;
  type?: unknown;
  code?: unknown;
  param?: unknown;
}

export interface OpenAIChunk {
  id?: string | null;
  object?: string | null;
  model?: string | null;
  choices?: OpenAIChunkChoice[] | null;
  usage?: OpenAIUsage | null;
  /** Present when the upstream fails after the stream has started. */
  error?: OpenAIErrorBody | null;
}

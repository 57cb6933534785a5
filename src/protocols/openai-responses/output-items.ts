/** The output items agw produces, as the Responses API (and Codex's parser) shapes them. */

export interface SummaryText {
  type: "summary_text";
  text: string;
}

export interface ReasoningOutputItem {
  type: "reasoning";
  id: string;
  summary: SummaryText[];
  /** Only when the request included `reasoning.encrypted_content`. */
  encrypted_content?: string;
}

export interface OutputText {
  type: "output_text";
  text: string;
  annotations: [];
  logprobs: [];
}

export type ItemStatus = "in_progress" | "completed" | "incomplete";

export interface MessageOutputItem {
  type: "message";
  id: string;
  role: "assistant";
  status: ItemStatus;
  content: OutputText[];
}

export interface FunctionCallOutputItem {
  type: "function_call";
  id: string;
  call_id: string;
  name: string;
  arguments: string;
  status: ItemStatus;
  namespace?: string;
}

export interface CustomToolCallOutputItem {
  type: "custom_tool_call";
  id: string;
  call_id: string;
  name: string;
  input: string;
  status: ItemStatus;
  namespace?: string;
}

export interface LocalShellAction {
  type: "exec";
  command: string[];
  env: Record<string, string>;
  working_directory?: string;
  timeout_ms?: number;
}

export interface LocalShellCallOutputItem {
  type: "local_shell_call";
  id: string;
  call_id: string;
  status: ItemStatus;
  action: LocalShellAction;
}

export interface ToolSearchCallOutputItem {
  type: "tool_search_call";
  id: string;
  call_id: string;
  execution: "client";
  status: ItemStatus;
  arguments: unknown;
}

export type ToolCallOutputItem =
  | FunctionCallOutputItem
  | CustomToolCallOutputItem
  | LocalShellCallOutputItem
  | ToolSearchCallOutputItem;

/** A generated image: OpenAI's image generation tool call, its picture base64 in `result`. */
export interface ImageGenerationCallOutputItem {
  type: "image_generation_call";
  id: string;
  status: "completed";
  result: string;
  output_format?: string;
}

export type OutputItem = ReasoningOutputItem | MessageOutputItem | ToolCallOutputItem | ImageGenerationCallOutputItem;

/** An image an image model generated, as the Responses API's `image_generation_call` item. */
export function imageGenerationItem(id: string, mediaType: string | undefined, data: string): ImageGenerationCallOutputItem {
  const format = mediaType?.startsWith("image/") ? mediaType.slice("image/".length) : undefined;
  return { type: "image_generation_call", id, status: "completed", result: data, ...(format ? { output_format: format } : {}) };
}

import * as z from "zod/mini";
import "../../util/zod-english.ts";
import { lazyCompile } from "../shared/lazy-compile.ts";

/**
 * The OpenAI Responses request body (`POST /v1/responses`), validated in two
 * stages. The envelope (`responsesRequestSchema`) checks the top-level fields
 * and only that `input` items and `tools` are objects; each item and tool whose
 * `type` the gateway knows is then checked against its own schema
 * (`inputItemSchemas`, `toolSchemas`), so a malformed known item is a 400
 * naming the field while an unknown item or tool type (a hosted tool, a new
 * item kind) is dropped instead of failing the request. Unknown fields are
 * dropped everywhere; optional fields also accept `null`.
 */

// ── content parts ────────────────────────────────────────────────────────────

const inputText = z.object({ type: z.literal("input_text"), text: z.string() });
const outputText = z.object({ type: z.literal("output_text"), text: z.string() });
const refusal = z.object({ type: z.literal("refusal"), refusal: z.string() });
const inputImage = z.object({
  type: z.literal("input_image"),
  image_url: z.nullish(z.string()),
  file_id: z.nullish(z.string()),
  detail: z.nullish(z.string()),
});
const inputFile = z.object({
  type: z.literal("input_file"),
  file_data: z.nullish(z.string()),
  file_url: z.nullish(z.string()),
  file_id: z.nullish(z.string()),
  filename: z.nullish(z.string()),
});
const inputAudio = z.object({
  type: z.literal("input_audio"),
  input_audio: z.object({ data: z.string(), format: z.enum(["mp3", "wav"]) }),
});

const messagePart = z.discriminatedUnion("type", [inputText, outputText, refusal, inputImage, inputFile, inputAudio]);

/**
 * A tool output part. Tool outputs come from the client's own tool runner,
 * not from a person: a part the gateway does not know (or cannot read) is
 * dropped rather than failing the agent's turn.
 */
const toolOutputPart = z.union([inputText, outputText, inputImage, inputFile, z.looseObject({ type: z.string() })]);

const toolOutput = z.union([z.string(), z.array(toolOutputPart)], {
  error: "expected a string or an array of content parts",
});

// ── input items ──────────────────────────────────────────────────────────────

const messageItem = z.object({
  type: z.optional(z.literal("message")),
  role: z.enum(["user", "assistant", "system", "developer"]),
  content: z.union([z.string(), z.array(messagePart)], { error: "expected a string or an array of content parts" }),
});

const functionCallItem = z.object({
  type: z.literal("function_call"),
  call_id: z.string(),
  name: z.string(),
  arguments: z.string(),
  namespace: z.nullish(z.string()),
});

const functionCallOutputItem = z.object({
  type: z.literal("function_call_output"),
  call_id: z.string(),
  output: toolOutput,
});

const customToolCallItem = z.object({
  type: z.literal("custom_tool_call"),
  call_id: z.string(),
  name: z.string(),
  input: z.string(),
  namespace: z.nullish(z.string()),
});

const customToolCallOutputItem = z.object({
  type: z.literal("custom_tool_call_output"),
  call_id: z.string(),
  output: toolOutput,
});

const localShellAction = z.object({
  type: z.literal("exec"),
  command: z.array(z.string()),
  working_directory: z.nullish(z.string()),
  timeout_ms: z.nullish(z.number()),
  env: z.nullish(z.record(z.string(), z.string())),
  user: z.nullish(z.string()),
});

/** Codex sends `call_id`; OpenAI's own item type has only `id`, which then names the call. */
const localShellCallItem = z.object({
  type: z.literal("local_shell_call"),
  id: z.nullish(z.string()),
  call_id: z.nullish(z.string()),
  action: localShellAction,
});

const localShellCallOutputItem = z.object({
  type: z.literal("local_shell_call_output"),
  id: z.nullish(z.string()),
  call_id: z.nullish(z.string()),
  output: toolOutput,
});

const toolSearchCallItem = z.object({
  type: z.literal("tool_search_call"),
  id: z.nullish(z.string()),
  call_id: z.nullish(z.string()),
  execution: z.nullish(z.string()),
  arguments: z.unknown(),
});

const looseTool = z.looseObject({ type: z.string() });

const toolSearchOutputItem = z.object({
  type: z.literal("tool_search_output"),
  id: z.nullish(z.string()),
  call_id: z.nullish(z.string()),
  execution: z.nullish(z.string()),
  tools: z.array(looseTool),
});

const reasoningItem = z.object({
  type: z.literal("reasoning"),
  id: z.nullish(z.string()),
  summary: z.nullish(z.array(z.object({ type: z.literal("summary_text"), text: z.string() }))),
  content: z.nullish(z.array(z.object({ type: z.string(), text: z.string() }))),
  encrypted_content: z.nullish(z.string()),
});

/**
 * An earlier item by id (`type` may be left out). The server replaces the
 * references it can resolve before decoding; one that reaches the decoder
 * names an item agw does not have.
 */
const itemReferenceItem = z.object({
  type: z.pipe(
    z.nullish(z.literal("item_reference")),
    z.transform(() => "item_reference" as const),
  ),
  id: z.string().check(z.minLength(1)),
});

/** Tools added mid-conversation (`additional_tools`, role developer). */
const additionalToolsItem = z.object({ type: z.literal("additional_tools"), tools: z.array(looseTool) });

export const inputItemSchemas = {
  message: messageItem,
  function_call: functionCallItem,
  function_call_output: functionCallOutputItem,
  custom_tool_call: customToolCallItem,
  custom_tool_call_output: customToolCallOutputItem,
  local_shell_call: localShellCallItem,
  local_shell_call_output: localShellCallOutputItem,
  tool_search_call: toolSearchCallItem,
  tool_search_output: toolSearchOutputItem,
  reasoning: reasoningItem,
  additional_tools: additionalToolsItem,
  item_reference: itemReferenceItem,
};

export type InputItemType = keyof typeof inputItemSchemas;
export type InputItem = { [Type in InputItemType]: z.infer<(typeof inputItemSchemas)[Type]> }[InputItemType];

// ── tools ────────────────────────────────────────────────────────────────────

const functionTool = z.object({
  type: z.literal("function"),
  name: z.string().check(z.minLength(1)),
  description: z.nullish(z.string()),
  parameters: z.nullish(z.record(z.string(), z.unknown())),
  strict: z.nullish(z.boolean()),
});

/** A free-form tool: its input is raw text, optionally constrained by a grammar (`{type: "grammar", syntax, definition}`). */
const customTool = z.object({
  type: z.literal("custom"),
  name: z.string().check(z.minLength(1)),
  description: z.nullish(z.string()),
  format: z.nullish(z.looseObject({ type: z.string(), syntax: z.nullish(z.string()), definition: z.nullish(z.string()) })),
});

const localShellTool = z.object({ type: z.literal("local_shell") });

/** A named group of function (and custom) tools; its other tool types are dropped like unknown tools. */
const namespaceTool = z.object({
  type: z.literal("namespace"),
  name: z.string().check(z.minLength(1)),
  description: z.nullish(z.string()),
  tools: z.array(looseTool),
});

const toolSearchTool = z.object({
  type: z.literal("tool_search"),
  description: z.nullish(z.string()),
  execution: z.nullish(z.string()),
  parameters: z.nullish(z.record(z.string(), z.unknown())),
});

const webSearchTool = z.object({
  type: z.string(),
  filters: z.nullish(z.object({ allowed_domains: z.nullish(z.array(z.string())) })),
});

export const toolSchemas = {
  function: functionTool,
  custom: customTool,
  local_shell: localShellTool,
  namespace: namespaceTool,
  tool_search: toolSearchTool,
  web_search: webSearchTool,
  web_search_preview: webSearchTool,
  web_search_2025_08_26: webSearchTool,
  web_search_preview_2025_03_11: webSearchTool,
};

export type ResponsesFunctionTool = z.infer<typeof functionTool>;
export type ResponsesCustomTool = z.infer<typeof customTool>;
export type ResponsesNamespaceTool = z.infer<typeof namespaceTool>;
export type ResponsesToolSearchTool = z.infer<typeof toolSearchTool>;
export type ResponsesWebSearchTool = z.infer<typeof webSearchTool>;
export type ResponsesMessagePart = z.infer<typeof messagePart>;
export type ResponsesToolOutput = z.infer<typeof toolOutput>;

// ── the envelope ─────────────────────────────────────────────────────────────

const toolChoice = z.union(
  [z.enum(["none", "auto", "required"]), z.looseObject({ type: z.string(), name: z.nullish(z.string()), mode: z.nullish(z.string()) })],
  { error: 'expected "none", "auto", "required" or an object with a type' },
);

const textFormat = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text") }),
  z.object({ type: z.literal("json_object") }),
  z.object({
    type: z.literal("json_schema"),
    name: z.string(),
    schema: z.record(z.string(), z.unknown()),
    description: z.nullish(z.string()),
    strict: z.nullish(z.boolean()),
  }),
]);

const ignored = z.optional(z.unknown());

export const responsesRequestSchema = z.object({
  model: z.string().check(z.minLength(1)),
  input: z.nullish(
    z.union([z.string(), z.array(z.looseObject({ type: z.nullish(z.string()) }))], {
      error: "expected a string or an array of input items",
    }),
  ),
  instructions: z.nullish(z.string()),
  tools: z.nullish(z.array(looseTool)),
  tool_choice: z.nullish(toolChoice),
  parallel_tool_calls: z.nullish(z.boolean()),
  reasoning: z.nullish(
    z.object({
      effort: z.nullish(z.enum(["none", "minimal", "low", "medium", "high", "xhigh"])),
      summary: z.nullish(z.string()),
    }),
  ),
  text: z.nullish(z.object({ format: z.nullish(textFormat), verbosity: z.nullish(z.string()) })),
  max_output_tokens: z.nullish(z.number().check(z.int(), z.gte(1))),
  temperature: z.nullish(z.number().check(z.gte(0), z.lte(2))),
  top_p: z.nullish(z.number().check(z.gte(0), z.lte(1))),
  stream: z.nullish(z.boolean()),
  store: z.nullish(z.boolean()),
  include: z.nullish(z.array(z.string())),
  metadata: z.nullish(z.record(z.string(), z.unknown())),
  previous_response_id: z.nullish(z.string()),
  prompt_cache_key: z.nullish(z.string()),
  safety_identifier: z.nullish(z.string()),
  user: z.nullish(z.string()),
  service_tier: z.nullish(z.string()),
  truncation: z.nullish(z.string()),
  // Accepted and ignored: nothing upstream of the gateway honours them uniformly.
  client_metadata: ignored,
  stream_options: ignored,
  top_logprobs: ignored,
  background: ignored,
  prompt: ignored,
  conversation: ignored,
  max_tool_calls: ignored,
  prompt_cache_retention: ignored,
});

export type ResponsesRequest = z.infer<typeof responsesRequestSchema>;
export type ResponsesToolChoice = NonNullable<ResponsesRequest["tool_choice"]>;
export type ResponsesTextFormat = z.infer<typeof textFormat>;

/**
 * The schemas compiled into zod's generated fast path at first use (lazyCompile);
 * only invalid input falls back to the interpreted parser, which reports the issues.
 */
export const compiledResponsesRequestSchema = lazyCompile(responsesRequestSchema);

export const compiledInputItemSchemas = Object.fromEntries(
  Object.entries(inputItemSchemas).map(([type, schema]) => [type, lazyCompile(schema)]),
) as unknown as typeof inputItemSchemas;

export const compiledToolSchemas = Object.fromEntries(
  Object.entries(toolSchemas).map(([type, schema]) => [type, lazyCompile(schema)]),
) as unknown as typeof toolSchemas;

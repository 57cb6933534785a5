import type { StreamEvent } from "../../ir/event.ts";
import { missingFinishError } from "../../ir/collect.ts";
import type { StreamMachine } from "../../sse/pipe.ts";
import { mapOpenAIFinishReason } from "./map-finish-reason.ts";
import { mapOpenAIUsage } from "./map-usage.ts";
import { mapOpenAIError } from "./parse-error.ts";
import type { OpenAIChunk, OpenAIChunkChoice, OpenAIDelta, OpenAIToolCallDelta, OpenAIUsage } from "./types.ts";

interface ToolCallState {
  id: string;
  /** The id the upstream gave, if any (ours is generated otherwise). */
  upstreamId?: string;
  name: string;
  /** Whether tool-call-start went out; it waits for the name, buffering arguments. */
  started: boolean;
  buffered: string;
}

interface ChoiceState {
  finished: boolean;
  /** In the order they started. */
  calls: ToolCallState[];
  /** The call each `index` currently refers to. */
  byIndex: Map<number, ToolCallState>;
  byId: Map<string, ToolCallState>;
}

export interface OpenAIStreamState {
  started: boolean;
  /** Set once an error event went out: nothing follows it. */
  failed: boolean;
  choices: Map<number, ChoiceState>;
  /** The latest usage seen: in a last chunk with `choices: []` (OpenAI), or cumulative in every chunk (some servers). */
  usage?: OpenAIUsage;
  generateId: () => string;
}

export interface OpenAIStreamOptions {
  /** Makes ids for tool calls that arrive without one (tests pass a counter). */
  generateId?: () => string;
}

type Tag = { choice?: number };

/**
 * Raises Chat Completions chunks (parsed JSON, one per SSE event) into IR
 * events. Chunks are read defensively, as compatible servers vary: every
 * field may be missing or null. Broken framing (bad JSON, a failed body) is
 * raiseSse's to report; `[DONE]` never reaches the machine.
 */
export function createOpenAIStreamMachine(options: OpenAIStreamOptions = {}): StreamMachine<OpenAIStreamState, unknown, StreamEvent> {
  const generateId = options.generateId ?? randomCallId;
  return {
    start: () => ({ started: false, failed: false, choices: new Map(), generateId }),
    step,
    finish,
  };
}

export const openAIStreamMachine = createOpenAIStreamMachine();

function step(state: OpenAIStreamState, input: unknown): StreamEvent[] {
  if (state.failed || !isObject(input)) return [];
  const chunk = input as OpenAIChunk;

  if (isObject(chunk.error)) {
    // OpenAI, OpenRouter and vLLM report a failure after the stream started as a chunk with `error`.
    state.failed = true;
    return [{ type: "error", error: mapOpenAIError(streamErrorStatus(chunk.error.code), chunk.error) }];
  }

  const events: StreamEvent[] = [];
  if (!state.started) {
    state.started = true;
    const start: StreamEvent = { type: "message-start" };
    if (typeof chunk.id === "string" && chunk.id !== "") start.id = chunk.id;
    if (typeof chunk.model === "string" && chunk.model !== "") start.model = chunk.model;
    events.push(start);
  }
  if (isObject(chunk.usage)) state.usage = chunk.usage;

  const choices = Array.isArray(chunk.choices) ? chunk.choices : [];
  choices.forEach((choice, position) => {
    if (!isObject(choice)) return;
    const index = typeof choice.index === "number" ? choice.index : position;
    events.push(...raiseChoice(state, choice, index));
  });
  return events;
}

function raiseChoice(state: OpenAIStreamState, choice: OpenAIChunkChoice, index: number): StreamEvent[] {
  const current = choiceState(state, index);
  if (current.finished) return [];
  const tag: Tag = index === 0 ? {} : { choice: index };
  const events: StreamEvent[] = [];
  const delta = isObject(choice.delta) ? choice.delta : {};

  const reasoning = reasoningText(delta);
  if (reasoning !== "") events.push({ type: "reasoning-delta", text: reasoning, ...tag });
  if (typeof delta.content === "string" && delta.content !== "") events.push({ type: "text-delta", text: delta.content, ...tag });
  // A refusal is the model's answer in its own field; it reaches the client as text.
  if (typeof delta.refusal === "string" && delta.refusal !== "") events.push({ type: "text-delta", text: delta.refusal, ...tag });

  const toolCalls = Array.isArray(delta.tool_calls) ? delta.tool_calls : [];
  toolCalls.forEach((toolCall, position) => {
    if (isObject(toolCall)) events.push(...raiseToolCall(state, current, toolCall, position, tag));
  });

  if (typeof choice.finish_reason === "string" && choice.finish_reason !== "") {
    current.finished = true;
    events.push(...endToolCalls(current, tag));
    events.push({ type: "finish", reason: mapOpenAIFinishReason(choice.finish_reason, current.calls.length > 0), ...tag });
  }
  return events;
}

/**
 * The reasoning in a delta: DeepSeek's `reasoning_content`, else
 * OpenRouter's (and vLLM's, Groq's, Ollama's) `reasoning`, else the text of
 * OpenRouter's `reasoning_details`, which repeats `reasoning` when both come.
 */
function reasoningText(delta: OpenAIDelta): string {
  if (typeof delta.reasoning_content === "string" && delta.reasoning_content !== "") return delta.reasoning_content;
  if (typeof delta.reasoning === "string" && delta.reasoning !== "") return delta.reasoning;
  if (!Array.isArray(delta.reasoning_details)) return "";
  return delta.reasoning_details
    .map((detail) => {
      if (!isObject(detail)) return "";
      if (typeof detail.text === "string") return detail.text;
      return typeof detail.summary === "string" ? detail.summary : "";
    })
    .join("");
}

/**
 * One tool call delta. OpenAI sends the id, type and name once, in the
 * first delta of a call, then pieces of the arguments under the same
 * `index`; several calls may interleave. Compatible servers bend this:
 * some leave out `index` (Gemini's compatibility layer sends whole calls),
 * some reuse index 0 for every call (each with a new id), some send no id.
 */
function raiseToolCall(state: OpenAIStreamState, choice: ChoiceState, delta: OpenAIToolCallDelta, position: number, tag: Tag): StreamEvent[] {
  const call = resolveToolCall(state, choice, delta, position);
  const events: StreamEvent[] = [];
  const name = delta.function?.name;
  if (!call.started && typeof name === "string" && name !== "") {
    call.name = name;
    events.push(...startToolCall(call, tag));
  }
  const piece = argumentsText(delta.function?.arguments);
  if (piece !== "") {
    if (call.started) events.push({ type: "tool-call-delta", id: call.id, argumentsDelta: piece, ...tag });
    else call.buffered += piece;
  }
  return events;
}

function resolveToolCall(state: OpenAIStreamState, choice: ChoiceState, delta: OpenAIToolCallDelta, position: number): ToolCallState {
  const upstreamId = typeof delta.id === "string" && delta.id !== "" ? delta.id : undefined;
  const index = typeof delta.index === "number" ? delta.index : undefined;
  const known = upstreamId !== undefined ? choice.byId.get(upstreamId) : undefined;
  if (known) {
    if (index !== undefined) choice.byIndex.set(index, known);
    return known;
  }
  if (index !== undefined) {
    const atIndex = choice.byIndex.get(index);
    // A new id under a used index is a new call (servers that number every call 0).
    if (atIndex && (upstreamId === undefined || atIndex.upstreamId === undefined)) return atIndex;
    const call = newToolCall(state, choice, upstreamId);
    choice.byIndex.set(index, call);
    return call;
  }
  if (upstreamId !== undefined) return newToolCall(state, choice, upstreamId);
  // Neither index nor id: the call at this position, or the latest one.
  return choice.calls[position] ?? choice.calls.at(-1) ?? newToolCall(state, choice, undefined);
}

function newToolCall(state: OpenAIStreamState, choice: ChoiceState, upstreamId: string | undefined): ToolCallState {
  const call: ToolCallState = { id: upstreamId ?? state.generateId(), name: "", started: false, buffered: "" };
  if (upstreamId !== undefined) {
    call.upstreamId = upstreamId;
    choice.byId.set(upstreamId, call);
  }
  choice.calls.push(call);
  return call;
}

function startToolCall(call: ToolCallState, tag: Tag): StreamEvent[] {
  call.started = true;
  const events: StreamEvent[] = [{ type: "tool-call-start", id: call.id, name: call.name, ...tag }];
  if (call.buffered !== "") events.push({ type: "tool-call-delta", id: call.id, argumentsDelta: call.buffered, ...tag });
  call.buffered = "";
  return events;
}

/** Ends every call of a finishing choice; one whose name never came starts (nameless) first. */
function endToolCalls(choice: ChoiceState, tag: Tag): StreamEvent[] {
  const events: StreamEvent[] = [];
  for (const call of choice.calls) {
    if (!call.started) events.push(...startToolCall(call, tag));
    events.push({ type: "tool-call-end", id: call.id, ...tag });
  }
  return events;
}

/** Arguments are text; a few servers send an object instead. */
function argumentsText(value: unknown): string {
  if (typeof value === "string") return value;
  if (isObject(value)) return JSON.stringify(value);
  return "";
}

function finish(state: OpenAIStreamState): StreamEvent[] {
  if (state.failed) return [];
  const choices = [...state.choices.values()];
  if (choices.length === 0 || choices.some((choice) => !choice.finished)) return [{ type: "error", error: missingFinishError() }];
  return state.usage ? [{ type: "usage", usage: mapOpenAIUsage(state.usage) }] : [];
}

/** An in-stream error's HTTP-like status: OpenRouter puts one in `code`; otherwise a server error. */
function streamErrorStatus(code: unknown): number {
  return typeof code === "number" && code >= 400 && code <= 599 ? code : 500;
}

function choiceState(state: OpenAIStreamState, index: number): ChoiceState {
  let choice = state.choices.get(index);
  if (!choice) {
    choice = { finished: false, calls: [], byIndex: new Map(), byId: new Map() };
    state.choices.set(index, choice);
  }
  return choice;
}

function randomCallId(): string {
  return `call_${crypto.randomUUID().replace(/-/g, "").slice(0, 24)}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}


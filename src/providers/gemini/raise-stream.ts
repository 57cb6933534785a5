import { GatewayError } from "../../ir/errors.ts";
import type { Signature } from "../../ir/request.ts";
import type { StreamEvent } from "../../ir/event.ts";
import { missingFinishError } from "../../ir/collect.ts";
import type { StreamMachine } from "../../sse/pipe.ts";
import { mapGeminiFinishReason } from "./map-finish-reason.ts";
import { mapGeminiUsage } from "./map-usage.ts";
import { mapGeminiError } from "./parse-error.ts";
import type { GeminiCandidate, GeminiResponseChunk, GeminiResponsePart, GeminiUsageMetadata } from "./types.ts";

interface ChoiceState {
  hasToolCalls: boolean;
  finished: boolean;
}

export interface GeminiStreamState {
  started: boolean;
  /** Set once an error event went out: nothing follows it. */
  failed: boolean;
  choices: Map<number, ChoiceState>;
  /** Gemini repeats cumulative usage in every chunk; only the latest counts. */
  usage?: GeminiUsageMetadata;
  generateId: () => string;
}

export interface GeminiStreamOptions {
  /** Makes ids for function calls that arrive without one (tests pass a counter). */
  generateId?: () => string;
}

/**
 * Raises Gemini `GenerateContentResponse` chunks (parsed JSON, one per SSE
 * event) into IR events. Chunks are read defensively: every field may be
 * missing. Broken framing (bad JSON, a failed body) is raiseSse's to report.
 */
export function createGeminiStreamMachine(options: GeminiStreamOptions = {}): StreamMachine<GeminiStreamState, unknown, StreamEvent> {
  const generateId = options.generateId ?? randomCallId;
  return {
    start: () => ({ started: false, failed: false, choices: new Map(), generateId }),
    step,
    finish,
  };
}

export const geminiStreamMachine = createGeminiStreamMachine();

// Every chunk of every answer passes here: events go straight into one array
// per chunk (no intermediate arrays, spreads or closures), which keeps the
// garbage per answer small (GC pauses are most of the tail at c=1).
function step(state: GeminiStreamState, input: unknown): StreamEvent[] {
  if (state.failed) return [];
  if (!isObject(input)) return [];
  const chunk = input as GeminiResponseChunk;

  if (isObject(chunk.error)) {
    const code = typeof chunk.error.code === "number" ? chunk.error.code : 500;
    return fail(state, mapGeminiError(code, chunk.error));
  }

  const events: StreamEvent[] = [];
  if (isObject(chunk.usageMetadata)) state.usage = chunk.usageMetadata;
  if (!state.started) {
    state.started = true;
    const start: Extract<StreamEvent, { type: "message-start" }> = { type: "message-start" };
    if (typeof chunk.responseId === "string") start.id = chunk.responseId;
    if (typeof chunk.modelVersion === "string") start.model = chunk.modelVersion;
    // Gemini counts the prompt in the first chunk already: clients that read
    // the input size at the start (Anthropic's message_start) get it there.
    if (typeof state.usage?.promptTokenCount === "number") start.usage = { input: mapGeminiUsage(state.usage).input, output: { total: 0 } };
    events.push(start);
  }

  const candidates = Array.isArray(chunk.candidates) ? chunk.candidates : [];
  for (let position = 0; position < candidates.length; position++) {
    const candidate = candidates[position];
    if (!isObject(candidate)) continue;
    raiseCandidate(state, candidate, typeof candidate.index === "number" ? candidate.index : position, events);
  }

  const blockReason = chunk.promptFeedback?.blockReason;
  if (candidates.length === 0 && typeof blockReason === "string") {
    // The prompt itself was refused: no candidate will come.
    const choice = choiceState(state, 0);
    if (!choice.finished) {
      choice.finished = true;
      events.push({ type: "finish", reason: { unified: "content-filter", raw: blockReason } });
    }
  }
  return events;
}

/** Tags an event with its choice: only choices after the first carry one. */
function tagged<Event extends StreamEvent>(event: Event, index: number): Event {
  if (index !== 0) (event as { choice?: number }).choice = index;
  return event;
}

function raiseCandidate(state: GeminiStreamState, candidate: GeminiCandidate, index: number, events: StreamEvent[]): void {
  const choice = choiceState(state, index);
  if (choice.finished) return;

  const parts = Array.isArray(candidate.content?.parts) ? candidate.content.parts : [];
  for (const part of parts) {
    if (!isObject(part)) continue;
    raisePart(state, choice, part, index, events);
  }

  if (typeof candidate.finishReason === "string") {
    choice.finished = true;
    events.push(tagged({ type: "finish", reason: mapGeminiFinishReason(candidate.finishReason, choice.hasToolCalls) }, index));
  }
}

function raisePart(state: GeminiStreamState, choice: ChoiceState, part: GeminiResponsePart, index: number, events: StreamEvent[]): void {
  const signature: Signature | undefined =
    typeof part.thoughtSignature === "string" && part.thoughtSignature !== ""
      ? { family: "gemini", value: part.thoughtSignature }
      : undefined;

  if (isObject(part.functionCall)) {
    const call = part.functionCall;
    const id = typeof call.id === "string" && call.id !== "" ? call.id : state.generateId();
    const name = typeof call.name === "string" ? call.name : "";
    choice.hasToolCalls = true;
    const start: StreamEvent = tagged({ type: "tool-call-start", id, name }, index);
    if (signature !== undefined) start.signature = signature;
    // Gemini sends each call whole, never as partial arguments.
    events.push(
      start,
      tagged({ type: "tool-call-delta", id, argumentsDelta: JSON.stringify(isObject(call.args) ? call.args : {}) }, index),
      tagged({ type: "tool-call-end", id }, index),
    );
    return;
  }

  const text = typeof part.text === "string" ? part.text : "";
  if (part.thought === true) {
    if (text !== "") events.push(tagged({ type: "reasoning-delta", text }, index));
    if (signature !== undefined) events.push(tagged({ type: "reasoning-signature", signature }, index));
    return;
  }
  // A signature on a text part signs the answer's text: Gemini 3 puts it on
  // the last text part of a text answer, in streams often a final chunk with
  // empty text and only the signature ("Thought signatures", Gemini API docs).
  // It comes after that part's text, so the text stays one piece.
  // A generated image (image models): one part, whole, with its signature when Gemini 3 signed it.
  if (isObject(part.inlineData) && typeof part.inlineData.data === "string") {
    const image: StreamEvent = tagged({ type: "image", mediaType: part.inlineData.mimeType ?? "image/png", data: part.inlineData.data }, index);
    if (signature !== undefined) image.signature = signature;
    if (text !== "") events.push(tagged({ type: "text-delta", text }, index));
    events.push(image);
    return;
  }
  if (text !== "") events.push(tagged({ type: "text-delta", text }, index));
  if (signature !== undefined) events.push(tagged({ type: "text-signature", signature }, index));
}

function finish(state: GeminiStreamState): StreamEvent[] {
  if (state.failed) return [];
  const choices = [...state.choices.values()];
  if (choices.length === 0 || choices.some((choice) => !choice.finished)) return [{ type: "error", error: missingFinishError() }];
  return state.usage ? [{ type: "usage", usage: mapGeminiUsage(state.usage) }] : [];
}

function fail(state: GeminiStreamState, error: GatewayError): StreamEvent[] {
  state.failed = true;
  return [{ type: "error", error }];
}

function choiceState(state: GeminiStreamState, index: number): ChoiceState {
  let choice = state.choices.get(index);
  if (!choice) {
    choice = { hasToolCalls: false, finished: false };
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

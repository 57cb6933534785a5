/**
 * One driver per client protocol: turns a neutral case into that
 * protocol's request (raw HTTP, as any client sends it) and reads the
 * answer, JSON or stream, back into a neutral outcome.
 */
import { ANSWER_SCHEMA, PNG_BASE64, type Case, type Outcome, type Turn } from "./cases.ts";
import { readSse } from "./sse.ts";

/** A second request: the first answer's assistant turn (as the protocol returned it), then a user text or the result of each call it made. */
export interface FollowUp {
  assistant: unknown;
  user?: string;
  toolResult?: string;
}

export interface Driver {
  name: string;
  send(baseUrl: string, model: string, testCase: Case, extra?: FollowUp): Promise<Outcome>;
}

const weatherSchema = { type: "object", properties: { city: { type: "string" } }, required: ["city"] };
const dataUrl = `data:image/png;base64,${PNG_BASE64}`;

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  return { status: response.status, text: await response.text(), retryAfter: response.headers.get("retry-after") };
}

const empty = (status: number): Outcome => ({ status, text: "", reasoning: "", calls: [], finish: "other", streamErrors: [] });

/** A refused request's outcome: its status, its body (parsed when JSON) and its Retry-After. */
function refused(answer: { status: number; text: string; retryAfter: string | null }): Outcome {
  return { ...empty(answer.status), error: { body: parseArgs(answer.text), retryAfter: answer.retryAfter } };
}
const parseArgs = (text: string) => {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

/* ---------------- OpenAI Chat Completions ---------------- */

function chatMessages(turns: Turn[]): unknown[] {
  return turns.map((turn) => {
    if (turn.role === "user") {
      return turn.image
        ? { role: "user", content: [{ type: "text", text: turn.text }, { type: "image_url", image_url: { url: dataUrl } }] }
        : { role: "user", content: turn.text };
    }
    if (turn.role === "assistant") {
      return {
        role: "assistant",
        content: turn.text ?? null,
        ...(turn.calls
          ? { tool_calls: turn.calls.map((call) => ({ id: call.id, type: "function", function: { name: call.name, arguments: JSON.stringify(call.args) } })) }
          : {}),
      };
    }
    return { role: "tool", tool_call_id: turn.id, content: turn.text };
  });
}

export const openaiChatDriver: Driver = {
  name: "openai-chat",
  async send(baseUrl, model, testCase, extra) {
    const messages = chatMessages(testCase.turns);
    if (extra) {
      const assistant = extra.assistant as { tool_calls?: Array<{ id: string }> };
      messages.push(assistant);
      if (extra.toolResult !== undefined) {
        for (const call of assistant.tool_calls ?? []) messages.push({ role: "tool", tool_call_id: call.id, content: extra.toolResult });
      } else messages.push({ role: "user", content: extra.user });
    }
    // A tool result's image rides in a user message right after it, as OpenAI Chat allows.
    if (testCase.turns.some((turn) => turn.role === "tool" && turn.image)) {
      messages.push({ role: "user", content: [{ type: "image_url", image_url: { url: dataUrl } }] });
    }
    const body: Record<string, unknown> = { model, messages, stream: testCase.stream };
    if (testCase.tools) body.tools = [{ type: "function", function: { name: "get_weather", parameters: weatherSchema } }];
    if (testCase.json) body.response_format = { type: "json_schema", json_schema: { name: "answer", schema: ANSWER_SCHEMA } };
    if (testCase.reasoning) body.reasoning_effort = "low";
    if (testCase.maxTokens) body.max_tokens = testCase.maxTokens;
    const answer = await post(`${baseUrl}/v1/chat/completions`, body);
    const { status, text } = answer;
    if (status !== 200) return refused(answer);
    const outcome = empty(status);
    const calls = new Map<number, { id: string; name: string; args: string }>();
    const finish = (reason: string | null | undefined) => {
      if (reason) outcome.finish = reason === "stop" ? "stop" : reason === "length" ? "length" : reason === "tool_calls" ? "tool" : "other";
    };
    if (!testCase.stream) {
      const choice = JSON.parse(text).choices[0];
      outcome.text = choice.message.content ?? "";
      outcome.reasoning = choice.message.reasoning_content ?? "";
      for (const [index, call] of (choice.message.tool_calls ?? []).entries()) {
        calls.set(index, { id: call.id, name: call.function.name, args: call.function.arguments });
      }
      finish(choice.finish_reason);
      outcome.assistant = choice.message;
    } else {
      for (const event of readSse(text)) {
        if (event.data === "[DONE]") continue;
        const chunk = JSON.parse(event.data);
        if (chunk.error) {
          outcome.finish = "error";
          outcome.streamErrors.push(chunk);
          continue;
        }
        const choice = chunk.choices?.[0];
        if (!choice) continue;
        outcome.text += choice.delta?.content ?? "";
        outcome.reasoning += choice.delta?.reasoning_content ?? "";
        for (const call of choice.delta?.tool_calls ?? []) {
          const entry = calls.get(call.index) ?? { id: "", name: "", args: "" };
          entry.id += call.id ?? "";
          entry.name += call.function?.name ?? "";
          entry.args += call.function?.arguments ?? "";
          calls.set(call.index, entry);
        }
        finish(choice.finish_reason);
      }
      // The turn as a client puts it back together from the deltas.
      const toolCalls = [...calls.values()].map((call) => ({ id: call.id, type: "function", function: { name: call.name, arguments: call.args } }));
      outcome.assistant = {
        role: "assistant",
        content: outcome.text === "" && toolCalls.length > 0 ? null : outcome.text,
        ...(outcome.reasoning ? { reasoning_content: outcome.reasoning } : {}),
        ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
      };
    }
    outcome.calls = [...calls.values()].map((call) => ({ name: call.name, args: parseArgs(call.args) }));
    return outcome;
  },
};

/* ---------------- OpenAI Responses ---------------- */

function responsesInput(turns: Turn[]): unknown[] {
  return turns.flatMap((turn): unknown[] => {
    if (turn.role === "user") {
      const content: unknown[] = [{ type: "input_text", text: turn.text }];
      if (turn.image) content.push({ type: "input_image", image_url: dataUrl });
      return [{ type: "message", role: "user", content }];
    }
    if (turn.role === "assistant") {
      const items: unknown[] = [];
      if (turn.text) items.push({ type: "message", role: "assistant", content: [{ type: "output_text", text: turn.text }] });
      for (const call of turn.calls ?? []) items.push({ type: "function_call", call_id: call.id, name: call.name, arguments: JSON.stringify(call.args) });
      return items;
    }
    const output = turn.image
      ? [{ type: "input_text", text: turn.text }, { type: "input_image", image_url: dataUrl }]
      : turn.text;
    return [{ type: "function_call_output", call_id: turn.id, output }];
  });
}

export const responsesDriver: Driver = {
  name: "openai-responses",
  async send(baseUrl, model, testCase, extra) {
    const input = responsesInput(testCase.turns);
    if (extra) {
      const output = extra.assistant as Array<{ type: string; call_id?: string }>;
      input.push(...output);
      if (extra.toolResult !== undefined) {
        for (const item of output.filter((item) => item.type === "function_call")) {
          input.push({ type: "function_call_output", call_id: item.call_id, output: extra.toolResult });
        }
      } else input.push({ type: "message", role: "user", content: [{ type: "input_text", text: extra.user }] });
    }
    const body: Record<string, unknown> = { model, input, stream: testCase.stream, store: false, include: ["reasoning.encrypted_content"] };
    if (testCase.tools) body.tools = [{ type: "function", name: "get_weather", parameters: weatherSchema }];
    if (testCase.json) body.text = { format: { type: "json_schema", name: "answer", schema: ANSWER_SCHEMA } };
    if (testCase.reasoning) body.reasoning = { effort: "low", summary: "auto" };
    if (testCase.maxTokens) body.max_output_tokens = testCase.maxTokens;
    const answer = await post(`${baseUrl}/v1/responses`, body);
    const { status, text } = answer;
    if (status !== 200) return refused(answer);
    let response: any;
    const outcome = empty(status);
    // A stream that fails keeps what its deltas said (a failed response's output may be empty, as in OpenAI's example).
    let streamedText = "";
    if (!testCase.stream) response = JSON.parse(text);
    else {
      for (const event of readSse(text)) {
        const data = JSON.parse(event.data);
        if (data.type === "response.output_text.delta") streamedText += data.delta;
        if (data.type === "response.failed" || data.type === "error") outcome.streamErrors.push(data);
        if (data.type === "response.completed" || data.type === "response.incomplete" || data.type === "response.failed") response = data.response;
      }
      if (outcome.streamErrors.length > 0) return { ...outcome, text: streamedText, finish: "error" };
      if (!response) return outcome;
    }
    for (const item of response.output ?? []) {
      if (item.type === "message") outcome.text += item.content.map((part: any) => part.text ?? "").join("");
      if (item.type === "reasoning") outcome.reasoning += (item.summary ?? []).map((part: any) => part.text).join("");
      if (item.type === "function_call") outcome.calls.push({ name: item.name, args: parseArgs(item.arguments) });
    }
    outcome.finish =
      response.status === "incomplete" ? "length" : outcome.calls.length > 0 ? "tool" : response.status === "completed" ? "stop" : "other";
    outcome.assistant = response.output;
    return outcome;
  },
};

/* ---------------- Legacy Completions ---------------- */

export const completionsDriver: Driver = {
  name: "openai-completions",
  async send(baseUrl, model, testCase) {
    const last = testCase.turns.at(-1)!;
    const body: Record<string, unknown> = { model, prompt: last.role === "user" ? last.text : "", stream: testCase.stream };
    if (testCase.maxTokens) body.max_tokens = testCase.maxTokens;
    const answer = await post(`${baseUrl}/v1/completions`, body);
    const { status, text } = answer;
    if (status !== 200) return refused(answer);
    const outcome = empty(status);
    const finish = (reason: string | null | undefined) => {
      if (reason) outcome.finish = reason === "stop" ? "stop" : reason === "length" ? "length" : "other";
    };
    if (!testCase.stream) {
      const choice = JSON.parse(text).choices[0];
      outcome.text = choice.text;
      finish(choice.finish_reason);
    } else {
      for (const event of readSse(text)) {
        if (event.data === "[DONE]") continue;
        const chunk = JSON.parse(event.data);
        if (chunk.error) {
          outcome.finish = "error";
          outcome.streamErrors.push(chunk);
          continue;
        }
        outcome.text += chunk.choices?.[0]?.text ?? "";
        finish(chunk.choices?.[0]?.finish_reason);
      }
    }
    return outcome;
  },
};

/* ---------------- Anthropic Messages ---------------- */

function anthropicMessages(turns: Turn[]): unknown[] {
  return turns.map((turn) => {
    if (turn.role === "user") {
      const content: unknown[] = [];
      if (turn.image) content.push({ type: "image", source: { type: "base64", media_type: "image/png", data: PNG_BASE64 } });
      content.push({ type: "text", text: turn.text });
      return { role: "user", content };
    }
    if (turn.role === "assistant") {
      const content: unknown[] = [];
      if (turn.text) content.push({ type: "text", text: turn.text });
      for (const call of turn.calls ?? []) content.push({ type: "tool_use", id: call.id, name: call.name, input: call.args });
      return { role: "assistant", content };
    }
    const result: unknown[] = [{ type: "text", text: turn.text }];
    if (turn.image) result.push({ type: "image", source: { type: "base64", media_type: "image/png", data: PNG_BASE64 } });
    return { role: "user", content: [{ type: "tool_result", tool_use_id: turn.id, content: result }] };
  });
}

export const anthropicDriver: Driver = {
  name: "anthropic",
  async send(baseUrl, model, testCase, extra) {
    const messages = anthropicMessages(testCase.turns);
    if (extra) {
      const assistant = extra.assistant as { content: Array<{ type: string; id?: string }> };
      messages.push(assistant);
      if (extra.toolResult !== undefined) {
        const uses = assistant.content.filter((block) => block.type === "tool_use");
        messages.push({ role: "user", content: uses.map((block) => ({ type: "tool_result", tool_use_id: block.id, content: extra.toolResult })) });
      } else messages.push({ role: "user", content: extra.user });
    }
    const body: Record<string, unknown> = { model, messages, stream: testCase.stream, max_tokens: testCase.maxTokens ?? 4000 };
    if (testCase.tools) body.tools = [{ name: "get_weather", input_schema: weatherSchema }];
    if (testCase.json) body.output_config = { format: { type: "json_schema", schema: ANSWER_SCHEMA } };
    if (testCase.reasoning) body.thinking = { type: "enabled", budget_tokens: 2000 };
    const answer = await post(`${baseUrl}/v1/messages`, body, { "anthropic-version": "2023-06-01" });
    const { status, text } = answer;
    if (status !== 200) return refused(answer);
    const outcome = empty(status);
    let content: any[] = [];
    let stopReason: string | undefined;
    if (!testCase.stream) {
      const message = JSON.parse(text);
      content = message.content;
      stopReason = message.stop_reason;
    } else {
      const blocks = new Map<number, any>();
      for (const event of readSse(text)) {
        const data = JSON.parse(event.data);
        if (data.type === "error") {
          outcome.finish = "error";
          outcome.streamErrors.push(data);
        }
        if (data.type === "content_block_start") blocks.set(data.index, { ...data.content_block, partial: "" });
        if (data.type === "content_block_delta") {
          const block = blocks.get(data.index);
          if (data.delta.type === "text_delta") block.text += data.delta.text;
          if (data.delta.type === "thinking_delta") block.thinking += data.delta.thinking;
          if (data.delta.type === "signature_delta") block.signature = data.delta.signature;
          if (data.delta.type === "input_json_delta") block.partial += data.delta.partial_json;
        }
        if (data.type === "message_delta") stopReason = data.delta.stop_reason;
      }
      content = [...blocks.values()].map(({ partial, ...block }) =>
        block.type === "tool_use" ? { ...block, input: partial ? JSON.parse(partial) : block.input } : block,
      );
    }
    for (const block of content) {
      if (block.type === "text") outcome.text += block.text;
      if (block.type === "thinking") outcome.reasoning += block.thinking;
      if (block.type === "tool_use") outcome.calls.push({ name: block.name, args: block.input });
    }
    if (outcome.finish !== "error") {
      outcome.finish = stopReason === "end_turn" ? "stop" : stopReason === "max_tokens" ? "length" : stopReason === "tool_use" ? "tool" : "other";
    }
    outcome.assistant = { role: "assistant", content };
    return outcome;
  },
};

/* ---------------- Gemini native ---------------- */

function geminiContents(turns: Turn[]): unknown[] {
  return turns.map((turn) => {
    if (turn.role === "user") {
      const parts: unknown[] = [{ text: turn.text }];
      if (turn.image) parts.push({ inlineData: { mimeType: "image/png", data: PNG_BASE64 } });
      return { role: "user", parts };
    }
    if (turn.role === "assistant") {
      const parts: unknown[] = [];
      if (turn.text) parts.push({ text: turn.text });
      // A call the model did not make carries Gemini's documented placeholder signature ("Thought
      // signatures": history from elsewhere), or Gemini 3 refuses it; other upstreams must not see it.
      for (const [index, call] of (turn.calls ?? []).entries()) {
        parts.push({ functionCall: { name: call.name, args: call.args }, ...(index === 0 ? { thoughtSignature: "skip_thought_signature_validator" } : {}) });
      }
      return { role: "model", parts };
    }
    return { role: "user", parts: [{ functionResponse: { name: turn.name, response: { result: turn.text } } }] };
  });
}

export const geminiDriver: Driver = {
  name: "gemini",
  async send(baseUrl, model, testCase, extra) {
    const contents = geminiContents(testCase.turns);
    if (extra) {
      const assistant = extra.assistant as { parts: Array<{ functionCall?: { name: string } }> };
      contents.push(assistant);
      if (extra.toolResult !== undefined) {
        const calls = assistant.parts.filter((part) => part.functionCall);
        contents.push({ role: "user", parts: calls.map((part) => ({ functionResponse: { name: part.functionCall!.name, response: { result: extra.toolResult } } })) });
      } else contents.push({ role: "user", parts: [{ text: extra.user }] });
    }
    const generationConfig: Record<string, unknown> = {};
    if (testCase.json) Object.assign(generationConfig, { responseMimeType: "application/json", responseSchema: ANSWER_SCHEMA });
    if (testCase.reasoning) generationConfig.thinkingConfig = { includeThoughts: true, thinkingBudget: 2000 };
    if (testCase.maxTokens) generationConfig.maxOutputTokens = testCase.maxTokens;
    const body: Record<string, unknown> = { contents, generationConfig };
    if (testCase.tools) body.tools = [{ functionDeclarations: [{ name: "get_weather", parameters: weatherSchema }] }];
    const method = testCase.stream ? "streamGenerateContent?alt=sse" : "generateContent";
    const answer = await post(`${baseUrl}/v1beta/models/${model}:${method}`, body);
    const { status, text } = answer;
    if (status !== 200) return refused(answer);
    const outcome = empty(status);
    const chunks: any[] = testCase.stream ? readSse(text).map((event) => JSON.parse(event.data)) : [JSON.parse(text)];
    const parts: any[] = [];
    let finishReason: string | undefined;
    for (const chunk of chunks) {
      if (chunk.error) {
        outcome.finish = "error";
        outcome.streamErrors.push(chunk);
        continue;
      }
      const candidate = chunk.candidates?.[0];
      parts.push(...(candidate?.content?.parts ?? []));
      finishReason = candidate?.finishReason ?? finishReason;
    }
    for (const part of parts) {
      if (part.thought) outcome.reasoning += part.text ?? "";
      else if (part.functionCall) outcome.calls.push({ name: part.functionCall.name, args: part.functionCall.args });
      else outcome.text += part.text ?? "";
    }
    if (outcome.finish !== "error") {
      outcome.finish =
        finishReason === "MAX_TOKENS" ? "length" : finishReason === "STOP" ? (outcome.calls.length > 0 ? "tool" : "stop") : "other";
    }
    outcome.assistant = { role: "model", parts };
    return outcome;
  },
};

export const drivers: Driver[] = [openaiChatDriver, responsesDriver, completionsDriver, anthropicDriver, geminiDriver];

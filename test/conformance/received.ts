/**
 * What an upstream received, read back from the body its fake recorded into
 * one neutral shape, so a case can check that the whole conversation (every
 * turn, the images' bytes, the schema) crossed the gateway, whatever the
 * upstream's wire format.
 */

export interface ReceivedTurn {
  /** `tool` is a turn that only carries tool results (a tool message, or a user turn of results). */
  role: "system" | "user" | "assistant" | "tool";
  /** The turn's text parts, joined (thoughts left out). */
  text: string;
  /** Images as `<media type>;<base64>`. */
  images: string[];
  calls: Array<{ id?: string; name: string; args: unknown }>;
  results: Array<{ id?: string; name?: string; text: string }>;
  /** Reasoning that went back upstream, with its signature when it had one. */
  reasoning: Array<{ text: string; signature?: string }>;
}

export interface Received {
  turns: ReceivedTurn[];
  /** The JSON schema the upstream was asked to answer in, if any. */
  schema?: unknown;
  /** The output limit the upstream was sent, if any. */
  maxTokens?: number;
}

const turn = (role: ReceivedTurn["role"]): ReceivedTurn => ({ role, text: "", images: [], calls: [], results: [], reasoning: [] });

const parseJson = (text: unknown) => {
  try {
    return JSON.parse(String(text));
  } catch {
    return text;
  }
};

/** A Chat Completions body. */
export function receivedByOpenAI(body: any): Received {
  const turns = (body.messages as any[]).map((message): ReceivedTurn => {
    const result = turn(message.role === "developer" ? "system" : message.role);
    const parts: any[] = typeof message.content === "string" ? [{ type: "text", text: message.content }] : (message.content ?? []);
    result.text = parts.filter((part) => part.type === "text").map((part) => part.text).join("");
    for (const part of parts.filter((part) => part.type === "image_url")) {
      const match = /^data:([^;,]+);base64,(.*)$/s.exec(part.image_url.url);
      result.images.push(match ? `${match[1]};${match[2]}` : part.image_url.url);
    }
    for (const call of message.tool_calls ?? []) result.calls.push({ id: call.id, name: call.function.name, args: parseJson(call.function.arguments) });
    if (message.role === "tool") {
      result.results.push({ id: message.tool_call_id, text: result.text });
      result.text = "";
    }
    if (typeof message.reasoning_content === "string" && message.reasoning_content !== "") result.reasoning.push({ text: message.reasoning_content });
    return result;
  });
  const format = body.response_format;
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  return { turns, ...(format?.type === "json_schema" ? { schema: format.json_schema?.schema } : {}), ...(maxTokens !== undefined ? { maxTokens } : {}) };
}

/** A Messages body. */
export function receivedByAnthropic(body: any): Received {
  const turns: ReceivedTurn[] = [];
  const system: any[] = typeof body.system === "string" ? [{ type: "text", text: body.system }] : (body.system ?? []);
  if (system.length > 0) turns.push({ ...turn("system"), text: system.map((block) => block.text).join("") });
  for (const message of body.messages as any[]) {
    const blocks: any[] = typeof message.content === "string" ? [{ type: "text", text: message.content }] : message.content;
    const result = turn(message.role);
    for (const block of blocks) {
      if (block.type === "text") result.text += block.text;
      else if (block.type === "image") result.images.push(`${block.source.media_type};${block.source.data}`);
      else if (block.type === "tool_use") result.calls.push({ id: block.id, name: block.name, args: block.input });
      else if (block.type === "thinking") result.reasoning.push({ text: block.thinking, signature: block.signature });
      else if (block.type === "tool_result") {
        const inner: any[] = typeof block.content === "string" ? [{ type: "text", text: block.content }] : (block.content ?? []);
        result.results.push({ id: block.tool_use_id, text: inner.filter((item) => item.type === "text").map((item) => item.text).join("") });
        for (const item of inner.filter((item) => item.type === "image")) result.images.push(`${item.source.media_type};${item.source.data}`);
      }
    }
    if (result.results.length > 0 && result.text === "") result.role = "tool";
    turns.push(result);
  }
  const format = body.output_config?.format;
  return { turns, ...(format?.type === "json_schema" ? { schema: format.schema } : {}), maxTokens: body.max_tokens };
}

/** A generateContent body. */
export function receivedByGemini(body: any): Received {
  const turns: ReceivedTurn[] = [];
  const systemParts: any[] = body.systemInstruction?.parts ?? [];
  if (systemParts.length > 0) turns.push({ ...turn("system"), text: systemParts.map((part) => part.text ?? "").join("") });
  for (const content of body.contents as any[]) {
    const result = turn(content.role === "model" ? "assistant" : "user");
    for (const part of content.parts as any[]) {
      if (part.thought) result.reasoning.push({ text: part.text ?? "", ...(part.thoughtSignature ? { signature: part.thoughtSignature } : {}) });
      else if (typeof part.text === "string") result.text += part.text;
      else if (part.inlineData) result.images.push(`${part.inlineData.mimeType};${part.inlineData.data}`);
      else if (part.functionCall) result.calls.push({ name: part.functionCall.name, args: part.functionCall.args });
      else if (part.functionResponse) {
        const response = part.functionResponse.response ?? {};
        const text = typeof response.result === "string" ? response.result : typeof response.content === "string" ? response.content : JSON.stringify(response);
        result.results.push({ name: part.functionResponse.name, text });
      }
    }
    if (result.results.length > 0 && result.text === "") result.role = "tool";
    turns.push(result);
  }
  const config = body.generationConfig ?? {};
  const schema = config.responseSchema ?? config.responseJsonSchema;
  return { turns, ...(schema !== undefined ? { schema } : {}), ...(config.maxOutputTokens !== undefined ? { maxTokens: config.maxOutputTokens } : {}) };
}

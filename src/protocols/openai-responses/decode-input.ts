import type {
  AssistantContent,
  ImagePart,
  Message,
  Signature,
  TextPart,
  ToolCallPart,
  ToolResultPart,
} from "../../ir/request.ts";
import { decodeReasoningItem } from "./decode-reasoning-item.ts";
import { decodeTextContent, decodeUserContent } from "./decode-message-content.ts";
import { decodeToolOutput } from "./decode-tool-output.ts";
import { addTools, type ToolSet } from "./decode-tools.ts";
import { flattenToolName } from "./flatten-tool-name.ts";
import { itemReference, unknownItemError } from "./item-references.ts";
import { LOCAL_SHELL_TOOL_NAME } from "./local-shell-tool-definition.ts";
import type { ParsedInputItem } from "./parse-input-items.ts";
import type { InputItem } from "./schema.ts";
import { TOOL_SEARCH_TOOL_NAME } from "./tool-search-definition.ts";

type LocalShellAction = Extract<InputItem, { type: "local_shell_call" }>["action"];

/**
 * The input items as IR messages. Consecutive assistant-side items (assistant
 * messages, reasoning, every kind of call) merge into one assistant message;
 * consecutive outputs into one tool message, each result named after its
 * call; system and developer messages become system messages where they
 * stand. Every call kind becomes an IR tool call under the name its tool has
 * in the IR (namespaced functions flattened, `local_shell`, `tool_search`),
 * custom tool input as `{"input": …}`. A signature a reasoning item holds for
 * a call goes on the next call of the same turn. Tools loaded by a
 * `tool_search_output` or added by `additional_tools` join `tools`.
 * References to stored items were replaced by the server before decoding
 * (`expandItemReferences`): one still here names an item agw does not have.
 */
export function decodeInputItems(items: ReadonlyArray<ParsedInputItem>, tools: ToolSet): Message[] {
  const messages: Message[] = [];
  const callNames = new Map<string, string>();
  let callSignature: Signature | undefined;
  // Server-executed tool searches may carry no call id: their output answers the latest one.
  let lastSearchId: string | undefined;

  const assistantContent = (): AssistantContent[] => {
    const last = messages.at(-1);
    if (last?.role === "assistant") return last.content;
    const content: AssistantContent[] = [];
    messages.push({ role: "assistant", content });
    return content;
  };
  const addCall = (id: string, name: string, args: string) => {
    const call: ToolCallPart = { type: "tool-call", id, name, arguments: args };
    if (callSignature) call.signature = callSignature;
    callSignature = undefined;
    assistantContent().push(call);
    callNames.set(id, name);
  };
  const addResult = (toolCallId: string, content: Array<TextPart | ImagePart>) => {
    callSignature = undefined;
    const result: ToolResultPart = { type: "tool-result", toolCallId, content };
    const name = callNames.get(toolCallId);
    if (name !== undefined) result.name = name;
    const last = messages.at(-1);
    if (last?.role === "tool") last.content.push(result);
    else messages.push({ role: "tool", content: [result] });
  };

  items.forEach(({ item, path }, index) => {
    switch (item.type) {
      case undefined:
      case "message":
        if (item.role === "assistant") {
          assistantContent().push(...decodeTextContent(item.content, [...path, "content"], "assistant"));
          return;
        }
        callSignature = undefined;
        if (item.role === "user") messages.push({ role: "user", content: decodeUserContent(item.content, [...path, "content"]) });
        else messages.push({ role: "system", content: decodeTextContent(item.content, [...path, "content"], item.role) });
        return;
      case "reasoning": {
        const reference = itemReference(item);
        if (reference?.required) throw unknownItemError(reference.id, [...path, "id"]);
        const decoded = decodeReasoningItem(item);
        if (decoded.part) assistantContent().push(decoded.part);
        if (decoded.callSignature) callSignature = decoded.callSignature;
        if (decoded.textSignature) signLastText(assistantContent(), decoded.textSignature);
        return;
      }
      case "function_call":
        addCall(item.call_id, flattenToolName(item.namespace, item.name), item.arguments);
        return;
      case "custom_tool_call":
        addCall(item.call_id, flattenToolName(item.namespace, item.name), JSON.stringify({ input: item.input }));
        return;
      case "local_shell_call":
        addCall(item.call_id ?? item.id ?? `call_${index}`, LOCAL_SHELL_TOOL_NAME, localShellArguments(item.action));
        return;
      case "tool_search_call":
        lastSearchId = item.call_id ?? item.id ?? `call_${index}`;
        addCall(lastSearchId, TOOL_SEARCH_TOOL_NAME, JSON.stringify(item.arguments ?? {}));
        return;
      case "function_call_output":
      case "custom_tool_call_output":
        addResult(item.call_id, decodeToolOutput(item.output, [...path, "output"]));
        return;
      case "local_shell_call_output":
        addResult(item.call_id ?? item.id ?? "", decodeToolOutput(item.output, [...path, "output"]));
        return;
      case "tool_search_output": {
        const loaded = addTools(tools, item.tools, [...path, "tools"]);
        addResult(item.call_id ?? lastSearchId ?? "", [{ type: "text", text: describeLoadedTools(loaded, tools) }]);
        return;
      }
      case "additional_tools":
        addTools(tools, item.tools, [...path, "tools"]);
        return;
      case "item_reference":
        throw unknownItemError(item.id, [...path, "id"]);
    }
  });
  return messages;
}

/** A local shell action as the arguments of the `local_shell` function the upstream sees. */
function localShellArguments(action: LocalShellAction): string {
  const args: Record<string, unknown> = { command: action.command };
  if (action.working_directory != null) args.workdir = action.working_directory;
  if (action.timeout_ms != null) args.timeout_ms = action.timeout_ms;
  return JSON.stringify(args);
}

/** What a tool search found, as the model reads it: the tools it may now call, by the names it must use. */
function describeLoadedTools(names: string[], tools: ToolSet): string {
  if (names.length === 0) return "No tools found.";
  const lines = names.map((name) => {
    const description = tools.definitions.find((definition) => definition.name === name)?.description;
    const summary = description?.trim().split("\n")[0]?.slice(0, 200);
    return summary ? `- ${name}: ${summary}` : `- ${name}`;
  });
  return `Tools loaded, callable from now on:\n${lines.join("\n")}`;
}

/** Puts an answer text's signature back on the last text of the turn (where Gemini had it). */
function signLastText(content: AssistantContent[], signature: Signature): void {
  const text = content.findLast((part) => part.type === "text");
  if (text) text.signature = signature;
}

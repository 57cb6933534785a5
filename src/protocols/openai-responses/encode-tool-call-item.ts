import { itemId } from "./item-id.ts";
import type {
  CustomToolCallOutputItem,
  FunctionCallOutputItem,
  ItemStatus,
  LocalShellAction,
  ToolCallOutputItem,
} from "./output-items.ts";
import type { ToolOrigin } from "./tool-origins.ts";

export interface ToolCallFacts {
  /** The IR call id: the item's `call_id`. */
  id: string;
  /** The call's arguments as JSON text; empty while a streamed call has just started. */
  arguments: string;
  origin: ToolOrigin;
}

/**
 * An IR tool call raised as the item type of the tool the client declared:
 * `function_call` (with its `namespace` again), `custom_tool_call` (the
 * `input` string out of the `{"input": …}` arguments), `local_shell_call`
 * (an `exec` action from the argument vector, working directory and timeout),
 * `tool_search_call` (the arguments as an object).
 */
export function encodeToolCallItem(
  call: ToolCallFacts,
  responseId: string,
  outputIndex: number,
  status: ItemStatus = "completed",
): ToolCallOutputItem {
  const { origin } = call;
  switch (origin.kind) {
    case "function":
      return withNamespace<FunctionCallOutputItem>(
        {
          type: "function_call",
          id: itemId("fc", responseId, outputIndex),
          call_id: call.id,
          name: origin.originalName,
          arguments: call.arguments,
          status,
        },
        origin.namespace,
      );
    case "custom":
      return withNamespace<CustomToolCallOutputItem>(
        {
          type: "custom_tool_call",
          id: itemId("ctc", responseId, outputIndex),
          call_id: call.id,
          name: origin.originalName,
          input: customToolInput(call.arguments),
          status,
        },
        origin.namespace,
      );
    case "local_shell":
      return {
        type: "local_shell_call",
        id: itemId("lsh", responseId, outputIndex),
        call_id: call.id,
        status,
        action: localShellAction(call.arguments),
      };
    case "tool_search":
      return {
        type: "tool_search_call",
        id: itemId("tsc", responseId, outputIndex),
        call_id: call.id,
        execution: "client",
        status,
        arguments: parseObject(call.arguments) ?? {},
      };
  }
}

function withNamespace<Item extends { namespace?: string }>(item: Item, namespace: string | undefined): Item {
  if (namespace !== undefined) item.namespace = namespace;
  return item;
}

/** The raw text of a custom tool call: `input` from the arguments, or the arguments themselves when the model sent no such object. */
export function customToolInput(args: string): string {
  const parsed = parseObject(args);
  if (parsed === undefined) return args;
  return typeof parsed.input === "string" ? parsed.input : args;
}

/**
 * The `exec` action of a `local_shell` call. A command given as one string
 * (models do that) runs through bash; a missing one is an empty vector, which
 * the client reports back as an error the model can read.
 */
function localShellAction(args: string): LocalShellAction {
  const parsed = parseObject(args) ?? {};
  const command = parsed.command;
  const action: LocalShellAction = {
    type: "exec",
    command: Array.isArray(command)
      ? command.map(String)
      : typeof command === "string"
        ? ["bash", "-lc", command]
        : [],
    env: {},
  };
  const workdir = parsed.workdir ?? parsed.working_directory;
  if (typeof workdir === "string") action.working_directory = workdir;
  if (typeof parsed.timeout_ms === "number") action.timeout_ms = parsed.timeout_ms;
  return action;
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

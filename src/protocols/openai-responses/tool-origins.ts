/**
 * How a tool the client declared reached the IR, so that a call the model
 * makes can be raised back as the item type the client expects:
 * `function` → `function_call`, `custom` → `custom_tool_call` (the IR call's
 * arguments are `{"input": "…"}`), `local_shell` → `local_shell_call`,
 * `tool_search` → `tool_search_call`. A tool from a `namespace` keeps its
 * kind (namespaces hold function and custom tools) and records the namespace,
 * which the raised call carries again.
 */
export type ToolKind = "function" | "custom" | "local_shell" | "tool_search";

export interface ToolOrigin {
  kind: ToolKind;
  /** The tool's name as the client declared it (inside its namespace, if any). */
  originalName: string;
  namespace?: string;
}

/** IR tool name → where it came from. A plain object, so options stay JSON-serializable. */
export type ToolOrigins = Record<string, ToolOrigin>;

/** Where an IR tool name came from; a name the client never declared raises as a plain function call. */
export function toolOrigin(origins: ToolOrigins, irName: string): ToolOrigin {
  return Object.hasOwn(origins, irName) ? (origins[irName] as ToolOrigin) : { kind: "function", originalName: irName };
}

import type { ToolChoice } from "../../ir/request.ts";
import type { ResponsesToolChoice } from "./schema.ts";
import type { ToolOrigins } from "./tool-origins.ts";

/**
 * `tool_choice` as an IR tool choice. A forced function or custom tool is
 * named as the IR knows it (a namespaced one by its flattened name);
 * `allowed_tools` keeps only its mode (the IR has no allowed subset); forcing
 * a hosted tool (`{type: "web_search_preview"}`…) cannot be expressed and is
 * left to the upstream's default.
 */
export function decodeToolChoice(choice: ResponsesToolChoice | null | undefined, origins: ToolOrigins): ToolChoice | undefined {
  if (choice == null) return undefined;
  if (typeof choice === "string") return choice;
  switch (choice.type) {
    case "function":
    case "custom":
      return choice.name ? { name: irToolName(choice.name, choice.type, origins) } : undefined;
    case "allowed_tools":
      return choice.mode === "required" ? "required" : "auto";
    default:
      return undefined;
  }
}

function irToolName(name: string, kind: "function" | "custom", origins: ToolOrigins): string {
  if (Object.hasOwn(origins, name)) return name;
  const match = Object.entries(origins).find(([, origin]) => origin.kind === kind && origin.originalName === name);
  return match ? match[0] : name;
}

import type { ToolDefinition, WebSearchConfig } from "../../ir/request.ts";
import { customToolDefinition } from "./custom-tool-definition.ts";
import { flattenToolName } from "./flatten-tool-name.ts";
import { LOCAL_SHELL_TOOL_NAME, localShellToolDefinition } from "./local-shell-tool-definition.ts";
import { parseField } from "./parse-field.ts";
import { compiledToolSchemas, type ResponsesCustomTool, type ResponsesFunctionTool } from "./schema.ts";
import type { ToolOrigin, ToolOrigins } from "./tool-origins.ts";
import { TOOL_SEARCH_TOOL_NAME, toolSearchDefinition } from "./tool-search-definition.ts";

type Path = ReadonlyArray<PropertyKey>;

/** The tools of a request as the IR sees them, with what the encoders need to raise calls back. */
export interface ToolSet {
  definitions: ToolDefinition[];
  origins: ToolOrigins;
  webSearch?: WebSearchConfig;
}

export function emptyToolSet(): ToolSet {
  return { definitions: [], origins: {} };
}

/**
 * Adds the declared tools (at `path`) to the set. Every kind Codex sends is
 * lowered to a function: `function` as is, `custom` with one string `input`,
 * `local_shell` with the argument vector, the functions of a `namespace`
 * flattened to `<namespace>__<name>`, a client-executed `tool_search`; web
 * search asks for the upstream's own search, which a provider that cannot
 * search may drop. Other tool types (hosted tools, server-executed tool
 * search) are dropped, never refused. A name already in the set keeps its
 * first definition. Returns the IR names of the callable tools in `tools`.
 */
export function addTools(set: ToolSet, tools: ReadonlyArray<{ type: string }>, path: Path): string[] {
  return tools.flatMap((tool, index) => addTool(set, tool, [...path, index]));
}

function addTool(set: ToolSet, tool: { type: string }, path: Path): string[] {
  switch (tool.type) {
    case "function":
      return [addFunction(set, parseField(compiledToolSchemas.function, tool, path))];
    case "custom": {
      const custom = parseField(compiledToolSchemas.custom, tool, path);
      return [add(set, customToolDefinition(custom), { kind: "custom", originalName: custom.name })];
    }
    case "local_shell":
      return [add(set, localShellToolDefinition(), { kind: "local_shell", originalName: LOCAL_SHELL_TOOL_NAME })];
    case "namespace": {
      const namespace = parseField(compiledToolSchemas.namespace, tool, path);
      return namespace.tools.flatMap((inner, index) => addNamespaced(set, namespace.name, inner, [...path, "tools", index]));
    }
    case "tool_search": {
      const search = parseField(compiledToolSchemas.tool_search, tool, path);
      // A server-executed search runs inside OpenAI; no upstream here can run it.
      if (search.execution === "server") return [];
      return [add(set, toolSearchDefinition(search), { kind: "tool_search", originalName: TOOL_SEARCH_TOOL_NAME })];
    }
    case "web_search":
    case "web_search_preview":
    case "web_search_2025_08_26":
    case "web_search_preview_2025_03_11": {
      const search = parseField(compiledToolSchemas[tool.type], tool, path);
      const webSearch: WebSearchConfig = { required: false };
      const allowedDomains = search.filters?.allowed_domains;
      if (allowedDomains && allowedDomains.length > 0) webSearch.allowedDomains = allowedDomains;
      set.webSearch = webSearch;
      return [];
    }
    default:
      return [];
  }
}

function addNamespaced(set: ToolSet, namespace: string, tool: { type: string }, path: Path): string[] {
  if (tool.type === "function") return [addFunction(set, parseField(compiledToolSchemas.function, tool, path), namespace)];
  if (tool.type !== "custom") return [];
  const custom: ResponsesCustomTool = parseField(compiledToolSchemas.custom, tool, path);
  const name = flattenToolName(namespace, custom.name);
  return [add(set, customToolDefinition(custom, name), { kind: "custom", originalName: custom.name, namespace })];
}

function addFunction(set: ToolSet, tool: ResponsesFunctionTool, namespace?: string): string {
  const definition: ToolDefinition = {
    name: flattenToolName(namespace, tool.name),
    parameters: tool.parameters ?? { type: "object", properties: {} },
  };
  if (tool.description != null) definition.description = tool.description;
  if (tool.strict != null) definition.strict = tool.strict;
  const origin: ToolOrigin = { kind: "function", originalName: tool.name };
  if (namespace !== undefined) origin.namespace = namespace;
  return add(set, definition, origin);
}

function add(set: ToolSet, definition: ToolDefinition, origin: ToolOrigin): string {
  if (Object.hasOwn(set.origins, definition.name)) return definition.name;
  set.definitions.push(definition);
  set.origins[definition.name] = origin;
  return definition.name;
}

import { GatewayError } from "../../ir/errors.ts";
import type { ToolChoice, ToolDefinition, WebSearchConfig } from "../../ir/request.ts";
import { invalidField } from "../shared/invalid-field.ts";
import type { AnthropicTool, AnthropicToolChoice } from "./schema.ts";

export interface DecodedTools {
  tools?: ToolDefinition[];
  webSearch?: WebSearchConfig;
}

/** `web_search_20250305`, `web_search_20260209` and later versions. */
const WEB_SEARCH = /^web_search_\d+$/;

/**
 * Custom tools become function definitions; Anthropic's web search server
 * tool becomes the request's web search (which an upstream must honour or
 * refuse: the client counts on it); any other typed tool (bash, text editor,
 * code execution, computer use…) needs Anthropic's own runtime or schemas and
 * is refused, naming it.
 */
export function decodeTools(tools: readonly AnthropicTool[]): DecodedTools {
  const decoded: DecodedTools = {};
  const definitions: ToolDefinition[] = [];
  tools.forEach((tool, index) => {
    if (tool.type != null && tool.type !== "custom") {
      if (!WEB_SEARCH.test(tool.type)) {
        throw new GatewayError(
          "invalid_request",
          `${tool.type} is an Anthropic server tool that this gateway's upstreams cannot run`,
          { param: `tools[${index}].type` },
        );
      }
      decoded.webSearch = decodeWebSearch(tool);
      return;
    }
    if (tool.input_schema == null) throw invalidField(["tools", index, "input_schema"], "missing, expected an object");
    const definition: ToolDefinition = { name: tool.name, parameters: tool.input_schema };
    if (tool.description != null) definition.description = tool.description;
    if (tool.strict != null) definition.strict = tool.strict;
    definitions.push(definition);
  });
  if (definitions.length > 0) decoded.tools = definitions;
  return decoded;
}

function decodeWebSearch(tool: AnthropicTool): WebSearchConfig {
  const config: WebSearchConfig = { required: true };
  if (tool.max_uses != null) config.maxUses = tool.max_uses;
  if (tool.allowed_domains != null) config.allowedDomains = tool.allowed_domains;
  if (tool.blocked_domains != null) config.blockedDomains = tool.blocked_domains;
  return config;
}

export interface DecodedToolChoice {
  toolChoice: ToolChoice;
  parallelToolCalls?: boolean;
}

/** `auto`/`none` as they are, `any` → required, `tool` → that tool; `disable_parallel_tool_use` → no parallel calls. */
export function decodeToolChoice(choice: AnthropicToolChoice): DecodedToolChoice {
  switch (choice.type) {
    case "auto":
      return withParallel({ toolChoice: "auto" }, choice.disable_parallel_tool_use);
    case "any":
      return withParallel({ toolChoice: "required" }, choice.disable_parallel_tool_use);
    case "tool":
      return withParallel({ toolChoice: { name: choice.name } }, choice.disable_parallel_tool_use);
    case "none":
      return { toolChoice: "none" };
  }
}

function withParallel(decoded: DecodedToolChoice, disable: boolean | null | undefined): DecodedToolChoice {
  if (disable === true) decoded.parallelToolCalls = false;
  return decoded;
}

import type { ToolChoice, ToolDefinition, WebSearchConfig } from "../../ir/request.ts";
import { GatewayError } from "../../ir/errors.ts";
import { invalidField } from "../shared/invalid-field.ts";
import { geminiSchemaToJsonSchema } from "./gemini-schema-to-json-schema.ts";
import type { GeminiFunctionDeclaration, GeminiTool, GeminiToolConfig } from "./schema.ts";

export interface DecodedTools {
  tools?: ToolDefinition[];
  webSearch?: WebSearchConfig;
  toolChoice?: ToolChoice;
}

const knownKinds: ReadonlySet<string> = new Set(["functionDeclarations", "googleSearch", "googleSearchRetrieval", "codeExecution"]);

/**
 * `tools` and `toolConfig` in IR terms. Function declarations become tool
 * definitions (their Gemini Schema converted to JSON Schema, or their
 * `parametersJsonSchema` as given); Google Search grounding becomes a
 * required web search. Code execution and Gemini's other built-in tools
 * cannot be served by any other upstream and are refused by name (Gemini
 * requests to Gemini are passed through before this point).
 */
export function decodeGeminiTools(tools: GeminiTool[] | null | undefined, config: GeminiToolConfig | null | undefined): DecodedTools {
  const decoded: DecodedTools = {};
  const definitions: ToolDefinition[] = [];
  (tools ?? []).forEach((tool, index) => {
    if (tool.codeExecution != null) {
      throw new GatewayError(
        "invalid_request",
        `tools[${index}].codeExecution: code execution is only available on Gemini models; this model is served by another upstream`,
        { param: `tools[${index}].codeExecution` },
      );
    }
    for (const [kind, value] of Object.entries(tool)) {
      if (knownKinds.has(kind) || value == null) continue;
      const supported = "supported here: functionDeclarations, googleSearch";
      throw invalidField(["tools", index, kind], `the ${kind} tool is only available on Gemini models; ${supported}`);
    }
    if (tool.googleSearch != null || tool.googleSearchRetrieval != null) decoded.webSearch = { required: true };
    for (const declaration of tool.functionDeclarations ?? []) definitions.push(decodeDeclaration(declaration));
  });

  const calling = config?.functionCallingConfig;
  const allowed = calling?.allowedFunctionNames ?? [];
  let visible = definitions;
  if (allowed.length > 0 && (calling?.mode === "ANY" || calling?.mode === "VALIDATED")) {
    // The IR cannot restrict calls to a subset: the model only sees the allowed functions instead.
    visible = definitions.filter((definition) => allowed.includes(definition.name));
    if (visible.length === 0) {
      const path = ["toolConfig", "functionCallingConfig", "allowedFunctionNames"];
      throw invalidField(path, "none of these names is a declared function");
    }
  }
  if (visible.length === 0) return decoded;
  decoded.tools = visible;

  switch (calling?.mode) {
    case "AUTO":
    case "VALIDATED":
      decoded.toolChoice = "auto";
      break;
    case "NONE":
      decoded.toolChoice = "none";
      break;
    case "ANY":
      decoded.toolChoice = allowed.length === 1 ? { name: allowed[0] as string } : "required";
      break;
  }
  return decoded;
}

function decodeDeclaration(declaration: GeminiFunctionDeclaration): ToolDefinition {
  const parameters =
    declaration.parametersJsonSchema ??
    (declaration.parameters != null ? geminiSchemaToJsonSchema(declaration.parameters) : { type: "object", properties: {} });
  const definition: ToolDefinition = { name: declaration.name, parameters };
  if (declaration.description != null && declaration.description !== "") definition.description = declaration.description;
  return definition;
}

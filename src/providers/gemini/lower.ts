import { addWarning } from "../../ir/add-warning.ts";
import type { ChatRequest, ToolChoice, ToolDefinition, WebSearchConfig } from "../../ir/request.ts";
import type { Warning } from "../../ir/warning.ts";
import { clampOutputTokens } from "../output-limits.ts";
import { cleanGeminiSchema } from "./clean-schema.ts";
import { lowerGeminiContents } from "./lower-contents.ts";
import { lowerGeminiThinking } from "./lower-thinking.ts";
import type { GeminiFunctionDeclaration, GeminiGenerationConfig, GeminiRequest, GeminiTool, GeminiToolConfig } from "./types.ts";

export interface LowerGeminiOptions {
  /** The model's most output tokens (output-limits.ts); a larger `maxOutputTokens` is clamped to it. */
  outputLimit?: number;
}

/** The upstream body, and what of the request it could not honour. */
export interface LoweredGeminiRequest {
  body: GeminiRequest;
  warnings: Warning[];
}

/**
 * Lowers an IR request into the body of Gemini's `streamGenerateContent`.
 * `model` is the upstream model name; it only decides model-dependent
 * settings (thinking level or budget). What Gemini cannot honour as asked
 * comes back as warnings: an output budget above the model's limit
 * (clamped), an optional web search beside functions (dropped), search
 * domain filters, thinking that cannot be switched off or a budget out of range.
 */
export function lowerGeminiRequest(request: ChatRequest, model: string, options: LowerGeminiOptions = {}): LoweredGeminiRequest {
  const warnings: Warning[] = [];
  const { systemInstruction, contents } = lowerGeminiContents(request.messages);
  const body: GeminiRequest = { contents };
  if (systemInstruction) body.systemInstruction = systemInstruction;

  const tools: GeminiTool[] = [];
  if (request.tools && request.tools.length > 0) {
    tools.push({ functionDeclarations: request.tools.map(lowerTool) });
    if (request.toolChoice !== undefined) body.toolConfig = lowerToolChoice(request.toolChoice);
  }
  // A web search server tool becomes Google Search grounding (domain filters have no Gemini
  // equivalent). Gemini 2.x refuses grounding beside function declarations, so an optional
  // search (Codex sends one with every request) is dropped when functions are declared.
  if (request.webSearch) {
    if (request.webSearch.required || tools.length === 0) {
      tools.push({ googleSearch: {} });
      warnSearchFilters(request.webSearch, warnings);
    } else {
      addWarning(warnings, {
        code: "web_search_dropped",
        message: "Gemini cannot search the web beside function declarations; the optional web search was left out",
      });
    }
  }
  if (tools.length > 0) body.tools = tools;

  const generationConfig = lowerGenerationConfig(request, model, options, warnings);
  if (Object.keys(generationConfig).length > 0) body.generationConfig = generationConfig;
  return { body, warnings };
}

/** Google Search grounding takes no domain lists and no use limit. */
function warnSearchFilters(search: WebSearchConfig, warnings: Warning[]): void {
  const filtered = (search.allowedDomains?.length ?? 0) > 0 || (search.blockedDomains?.length ?? 0) > 0 || search.maxUses !== undefined;
  if (filtered) {
    addWarning(warnings, {
      code: "web_search_filters_ignored",
      message: "Google Search grounding has no allowed or blocked domains and no use limit; the search runs without them",
    });
  }
}

function lowerTool(tool: ToolDefinition): GeminiFunctionDeclaration {
  const declaration: GeminiFunctionDeclaration = { name: tool.name };
  if (tool.description) declaration.description = tool.description;
  const parameters = cleanGeminiSchema(tool.parameters);
  // Gemini refuses an OBJECT schema with empty properties: a function without arguments has no `parameters`.
  if (parameters.properties !== undefined) declaration.parameters = parameters;
  return declaration;
}

function lowerToolChoice(choice: ToolChoice): GeminiToolConfig {
  if (typeof choice === "object") {
    return { functionCallingConfig: { mode: "ANY", allowedFunctionNames: [choice.name] } };
  }
  const mode = choice === "auto" ? "AUTO" : choice === "none" ? "NONE" : "ANY";
  return { functionCallingConfig: { mode } };
}

function lowerGenerationConfig(
  request: ChatRequest,
  model: string,
  options: LowerGeminiOptions,
  warnings: Warning[],
): GeminiGenerationConfig {
  const config: GeminiGenerationConfig = {};
  if (request.maxOutputTokens !== undefined) {
    config.maxOutputTokens = clampOutputTokens(request.maxOutputTokens, options.outputLimit, model, warnings);
  }
  if (request.temperature !== undefined) config.temperature = request.temperature;
  if (request.topP !== undefined) config.topP = request.topP;
  if (request.topK !== undefined) config.topK = request.topK;
  if (request.stopSequences && request.stopSequences.length > 0) config.stopSequences = request.stopSequences;
  if (request.choices !== undefined && request.choices > 1) config.candidateCount = request.choices;
  if (request.seed !== undefined) config.seed = request.seed;
  if (request.presencePenalty !== undefined) config.presencePenalty = request.presencePenalty;
  if (request.frequencyPenalty !== undefined) config.frequencyPenalty = request.frequencyPenalty;
  if (request.outputModalities !== undefined && request.outputModalities.length > 0) {
    config.responseModalities = request.outputModalities.map((modality) => (modality === "image" ? "IMAGE" : "TEXT"));
  }
  if (request.imageConfig !== undefined) {
    const { imageSize, ...rest } = request.imageConfig;
    const imageConfig: NonNullable<GeminiGenerationConfig["imageConfig"]> = { ...rest };
    // Only the Gemini 3 image models have a choice of resolution; the others refuse imageSize outright.
    if (imageSize !== undefined && /^gemini-3.*-image/.test(model)) imageConfig.imageSize = imageSize;
    else if (imageSize !== undefined) {
      addWarning(warnings, { code: "image_size_ignored", message: `${model} makes images of one resolution: the requested quality (${imageSize}) was not sent` });
    }
    if (Object.keys(imageConfig).length > 0) config.imageConfig = imageConfig;
  }

  if (request.responseFormat?.type === "json") {
    config.responseMimeType = "application/json";
    if (request.responseFormat.schema) {
      const schema = cleanGeminiSchema(request.responseFormat.schema);
      // An object schema without properties is refused; plain JSON mode asks for the same thing.
      if (schema.type !== "object" || schema.properties !== undefined) config.responseSchema = schema;
    }
  }

  const thinking = lowerGeminiThinking(request.reasoning, model, warnings);
  if (thinking) config.thinkingConfig = thinking;
  return config;
}

import { GatewayError } from "../../ir/errors.ts";
import { invalidField } from "../shared/invalid-field.ts";

/**
 * The one prompt of a Completions request as text. OpenAI also takes an
 * array of prompts (one completion per prompt) and prompts as token ids;
 * the gateway serves one text prompt per request, so an array must hold
 * exactly one string.
 */
export function decodePrompt(prompt: string | unknown[]): string {
  if (typeof prompt === "string") return prompt;
  if (prompt.some((item) => typeof item === "number" || Array.isArray(item))) {
    throw new GatewayError("invalid_request", "prompt: token ids are not supported, send the prompt as text", {
      param: "prompt",
    });
  }
  const index = prompt.findIndex((item) => typeof item !== "string");
  if (index !== -1) throw invalidField(["prompt", index], "expected a string");
  if (prompt.length !== 1) {
    const count = prompt.length === 0 ? "an empty array" : `${prompt.length} prompts`;
    throw new GatewayError(
      "invalid_request",
      `prompt: got ${count}, but only one prompt per request is supported; send one request per prompt`,
      { param: "prompt" },
    );
  }
  return prompt[0] as string;
}

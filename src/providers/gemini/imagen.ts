import { GatewayError } from "../../ir/errors.ts";
import type { ImagePart } from "../../ir/request.ts";
import { readJsonAnswer } from "../http/read-json-answer.ts";
import type { ImagePrediction, ProviderCall, ProviderSettings } from "../types.ts";
import { geminiModelName, postGemini } from "./gemini-post.ts";
import { redactSecrets } from "./parse-error.ts";

/** Imagen's models on the Gemini API (`imagen-4.0-generate-001`, `imagen-4.0-ultra-generate-001`, …) draw through `:predict`. */
export function isImagenModel(model: string): boolean {
  return /^imagen-/.test(model.replace(/^models\//, ""));
}

/** Imagen draws 1:1, 3:4, 4:3, 9:16 and 16:9: OpenAI's 3:2 and 2:3 sizes get the nearest of its shapes. */
const IMAGEN_RATIOS: Record<string, string> = { "3:2": "4:3", "2:3": "3:4" };

/**
 * Pictures from Imagen: `POST {baseUrl}/v1beta/models/{model}:predict` with
 * `{instances: [{prompt}], parameters: {sampleCount, aspectRatio, imageSize}}`
 * (up to 4 in one call), answered `{predictions: [{bytesBase64Encoded,
 * mimeType}]}`. Imagen 4 takes `imageSize` "1K" or "2K" only.
 */
export async function predictImagen(baseUrl: string, settings: ProviderSettings, request: ImagePrediction, call: ProviderCall): Promise<ImagePart[]> {
  if (request.n > 4) {
    throw new GatewayError("invalid_request", `Imagen makes at most 4 images per request (n = ${request.n})`, { param: "n", code: "too_many_images" });
  }
  const parameters: Record<string, unknown> = { sampleCount: request.n };
  if (request.aspectRatio !== undefined) parameters.aspectRatio = IMAGEN_RATIOS[request.aspectRatio] ?? request.aspectRatio;
  if (request.imageSize === "1K" || request.imageSize === "2K") parameters.imageSize = request.imageSize;
  const response = await postGemini(baseUrl, settings, call, "predict", { instances: [{ prompt: request.prompt }], parameters });
  const answer = (await readJsonAnswer(response, redactSecrets)) as { predictions?: Array<{ bytesBase64Encoded?: unknown; mimeType?: unknown }> };
  const pictures = (answer.predictions ?? []).filter((prediction) => typeof prediction?.bytesBase64Encoded === "string");
  if (pictures.length === 0) {
    // Imagen leaves out pictures its filters removed; none left means the prompt was refused.
    throw new GatewayError("invalid_request", `${geminiModelName(call)} answered without an image (its safety filters may have removed them)`, {
      code: "content_policy_violation",
    });
  }
  return pictures.map((prediction) => ({
    type: "image",
    mediaType: typeof prediction.mimeType === "string" ? prediction.mimeType : "image/png",
    data: prediction.bytesBase64Encoded as string,
  }));
}

/**
 * OpenAI's image `size` and `quality` as the aspect ratio and size image
 * models take (Gemini's `imageConfig`). Sizes name a shape: square, 3:2
 * landscape or 2:3 portrait (gpt-image), 16:9 and 9:16 (dall-e-3's
 * 1792x1024 and 1024x1792); the legacy small squares are 1:1. `auto` (or
 * nothing) leaves the model its default. Quality picks a resolution only on
 * models that have a choice (Gemini 3 image models: 1K, 2K, 4K).
 */
const ASPECT_RATIOS: Record<string, string> = {
  "256x256": "1:1",
  "512x512": "1:1",
  "1024x1024": "1:1",
  "1536x1024": "3:2",
  "1024x1536": "2:3",
  "1792x1024": "16:9",
  "1024x1792": "9:16",
};

/** The sizes OpenAI's image endpoints accept. */
export const IMAGE_SIZES = [...Object.keys(ASPECT_RATIOS), "auto"] as const;

/** The qualities OpenAI's image endpoints accept (gpt-image: low/medium/high/auto; dall-e-3: standard/hd). */
export const IMAGE_QUALITIES = ["low", "medium", "high", "auto", "standard", "hd"] as const;

const IMAGE_SIZES_BY_QUALITY: Record<string, string> = { low: "1K", medium: "1K", standard: "1K", high: "2K", hd: "2K" };

/** An image request's `imageConfig`: the aspect ratio from `size`, a resolution from `quality`; empty when both are `auto` or unset. */
export function imageConfigOf(size: string | undefined, quality: string | undefined): { aspectRatio?: string; imageSize?: string } {
  const config: { aspectRatio?: string; imageSize?: string } = {};
  const aspectRatio = size === undefined ? undefined : ASPECT_RATIOS[size];
  if (aspectRatio !== undefined) config.aspectRatio = aspectRatio;
  const imageSize = quality === undefined ? undefined : IMAGE_SIZES_BY_QUALITY[quality];
  if (imageSize !== undefined) config.imageSize = imageSize;
  return config;
}

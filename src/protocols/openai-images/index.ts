import * as z from "zod/mini";
import "../../util/zod-english.ts";
import { GatewayError } from "../../ir/errors.ts";
import type { ImagePart } from "../../ir/request.ts";
import type { Usage } from "../../ir/usage.ts";
import { formatPath } from "../../util/format-path.ts";
import { IMAGE_QUALITIES, IMAGE_SIZES, imageConfigOf } from "../shared/image-options.ts";

/**
 * OpenAI's `POST /v1/images/generations`, with every field of its reference:
 * `prompt`, `n` (1–10), `size`, `quality` (gpt-image and dall-e-3 values),
 * `response_format` (`b64_json` by default here; `url` is answered as a
 * `data:` URL, since agw keeps no files to link to), `output_format`,
 * `background` and the rest. Streaming partial images is not offered.
 */
const buildImagesSchema = () =>
  z.strictObject({
    model: z.optional(z.string().check(z.minLength(1))),
    prompt: z.string().check(z.minLength(1), z.maxLength(32_000)),
    n: z.optional(intIn(1, 10)),
    size: z.optional(z.enum(IMAGE_SIZES)),
    quality: z.optional(z.enum(IMAGE_QUALITIES)),
    response_format: z.optional(z.enum(["url", "b64_json"])),
    output_format: z.optional(z.enum(["png", "jpeg", "webp"])),
    output_compression: z.optional(intIn(0, 100)),
    background: z.optional(z.enum(["transparent", "opaque", "auto"])),
    moderation: z.optional(z.enum(["low", "auto"])),
    style: z.optional(z.enum(["vivid", "natural"])),
    stream: z.optional(z.literal(false)),
    partial_images: z.optional(intIn(0, 3)),
    user: z.optional(z.string()),
  });

const intIn = (min: number, max: number) => z.number().check(z.int(), z.gte(min), z.lte(max));

// Built at the first images request, not at start-up (most gateways never see one).
let imagesSchema: ReturnType<typeof buildImagesSchema> | undefined;

export type OpenAIImagesRequest = z.infer<ReturnType<typeof buildImagesSchema>>;

/** The model OpenAI uses when a request names none. */
const DEFAULT_IMAGE_MODEL = "dall-e-2";

/** What a translated upstream needs of an images request. */
export interface ImageGeneration {
  model: string;
  prompt: string;
  n: number;
  imageConfig: { aspectRatio?: string; imageSize?: string };
  responseFormat: "url" | "b64_json";
  /** The client's body as parsed, for an OpenAI-compatible upstream (sent on with the model replaced). */
  body: OpenAIImagesRequest;
}

export function decodeOpenAIImagesRequest(body: unknown): ImageGeneration {
  const parsed = (imagesSchema ??= buildImagesSchema()).safeParse(body, { reportInput: true });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const param = issue.code === "unrecognized_keys" ? issue.keys[0]! : formatPath(issue.path);
    const what = issue.code === "unrecognized_keys" ? `unknown field '${param}'` : `${param || "body"}: ${issue.message}`;
    const streaming = param === "stream" ? " (agw answers images whole; streaming partial images is not offered)" : "";
    throw new GatewayError("invalid_request", `invalid images request: ${what}${streaming}`, param ? { param } : {});
  }
  const data = parsed.data;
  return {
    model: data.model ?? DEFAULT_IMAGE_MODEL,
    prompt: data.prompt,
    n: data.n ?? 1,
    imageConfig: imageConfigOf(data.size, data.quality),
    responseFormat: data.response_format ?? "b64_json",
    body: data,
  };
}

/** Generated images in OpenAI's shape: `{created, data: [{b64_json} | {url}], usage}`. */
export function encodeOpenAIImagesResponse(images: ImagePart[], responseFormat: "url" | "b64_json", created: number, usage: Usage | undefined) {
  return {
    created,
    data: images.map((image) =>
      responseFormat === "url" ? { url: `data:${image.mediaType ?? "image/png"};base64,${image.data}` } : { b64_json: image.data! },
    ),
    ...(usage === undefined
      ? {}
      : { usage: { total_tokens: usage.input.total + usage.output.total, input_tokens: usage.input.total, output_tokens: usage.output.total } }),
  };
}

const EDIT_FIELDS = new Set([
  "image",
  "image[]",
  "mask",
  "prompt",
  "model",
  "n",
  "size",
  "quality",
  "response_format",
  "output_format",
  "output_compression",
  "background",
  "input_fidelity",
  "user",
  "stream",
  "partial_images",
]);

/** An edit: the generation's settings, and the pictures to start from (`image`, or several as `image[]`). */
export interface ImageEdit extends Omit<ImageGeneration, "body"> {
  images: Array<{ mediaType: string; data: string }>;
  /** Whether the client sent a mask (only OpenAI-compatible upstreams use it). */
  masked: boolean;
  form: FormData;
}

/**
 * OpenAI's `POST /v1/images/edits` form (multipart): one to sixteen images
 * (`image`, or `image[]` for several, as the official SDKs send them), an
 * optional `mask`, `prompt`, and the generation's settings as text fields.
 * Each image at most `maxImageBytes`.
 */
export async function decodeOpenAIImageEditForm(form: FormData, maxImageBytes: number): Promise<ImageEdit> {
  for (const name of form.keys()) {
    if (!EDIT_FIELDS.has(name)) throw new GatewayError("invalid_request", `invalid image edit: unknown field '${name}'`, { param: name });
  }
  const text = (name: string) => {
    const value = form.get(name);
    if (value === null) return undefined;
    if (typeof value !== "string") throw new GatewayError("invalid_request", `invalid image edit: ${name} must be a text field`, { param: name });
    return value;
  };
  const fields: Record<string, unknown> = { prompt: text("prompt") };
  for (const name of ["model", "size", "quality", "response_format", "output_format", "background", "user"]) if (text(name) !== undefined) fields[name] = text(name);
  for (const name of ["n", "output_compression"]) {
    const value = text(name);
    if (value !== undefined) fields[name] = /^\d+$/.test(value) ? Number(value) : value;
  }
  const settings = decodeOpenAIImagesRequest(fields);
  const files = [...form.getAll("image"), ...form.getAll("image[]")];
  if (files.length === 0) throw new GatewayError("invalid_request", "invalid image edit: image is required (a file field)", { param: "image" });
  if (files.length > 16) throw new GatewayError("invalid_request", "invalid image edit: at most 16 images", { param: "image" });
  const images: ImageEdit["images"] = [];
  for (const file of files) {
    if (typeof file === "string") throw new GatewayError("invalid_request", "invalid image edit: image must be a file, not text", { param: "image" });
    if (file.size > maxImageBytes) {
      throw new GatewayError("request_too_large", `invalid image edit: an image is larger than ${maxImageBytes} bytes (media.maxBytes)`, { code: "media_too_large", param: "image" });
    }
    images.push({ mediaType: file.type || "image/png", data: Buffer.from(await file.arrayBuffer()).toString("base64") });
  }
  const { body: _body, ...generation } = settings;
  return { ...generation, images, masked: form.get("mask") !== null, form };
}

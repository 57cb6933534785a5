import { ResponseCollector } from "../../ir/collect.ts";
import { GatewayError, toGatewayError } from "../../ir/errors.ts";
import type { ChatRequest, ImagePart } from "../../ir/request.ts";
import type { ChatResponse } from "../../ir/response.ts";
import type { Usage } from "../../ir/usage.ts";
import { sendWithRetries, withRetries } from "../../pool/attempt.ts";
import {
  decodeOpenAIImageEditForm,
  decodeOpenAIImagesRequest,
  encodeOpenAIImagesResponse,
  type ImageGeneration,
} from "../../protocols/openai-images/index.ts";
import { addWarning } from "../../ir/add-warning.ts";
import { protocols } from "../../protocols/index.ts";
import type { Provider } from "../../providers/types.ts";
import type { ModelTarget } from "../../routing/model-router.ts";
import { estimateTextTokens } from "../../tokens/index.ts";
import type { Caller } from "../auth.ts";
import type { GatewayContext } from "../context.ts";
import { errorResponse } from "../error-response.ts";
import { logInternalError } from "../log-internal-error.ts";
import { readFormBody, readJsonBody } from "../read-body.ts";
import { mapModel, retryTargetFor } from "./chat.ts";
import { Exchange } from "./exchange.ts";
import { JSON_ANSWER, relayPassthrough } from "./passthrough.ts";
import { untilStopped } from "./respond.ts";

const ROUTE = "/v1/images/generations";
const openai = protocols["openai-chat"];

/**
 * `POST /v1/images/generations`, decided like a chat (decode, the client
 * key's admission, the mapping), then lowered one of two ways: an
 * OpenAI-compatible upstream gets the client's body with the model replaced
 * and its answer relayed as is; an image model behind a translating provider
 * (Gemini's image models) gets one chat request asking for an image per
 * picture (`n` of them side by side, each its own pool attempt with
 * rotation), the pictures joined in order. Other providers: a 400 naming
 * them. Errors in OpenAI's shape.
 */
export function imagesHandler(context: GatewayContext) {
  return imageRoute(context, ROUTE, async (request) => {
    const generation = decodeOpenAIImagesRequest(await readJsonBody(request, context.config.limits));
    return { generation, start: [], passthrough: (model) => ({ operation: "/images/generations", body: JSON.stringify({ ...generation.body, model }) }) };
  });
}

/**
 * `POST /v1/images/edits` (multipart): like a generation, starting from the
 * client's pictures. A Gemini image model gets them before the prompt (it has
 * no mask: a mask is left out, with a warning); an OpenAI-compatible
 * upstream gets the client's form with the model replaced.
 */
export function imageEditsHandler(context: GatewayContext) {
  return imageRoute(context, "/v1/images/edits", async (request, exchange) => {
    const edit = await decodeOpenAIImageEditForm(await readFormBody(request, context.config.limits), context.config.media.maxBytes);
    return {
      generation: edit,
      start: edit.images.map((image): ImagePart => ({ type: "image", mediaType: image.mediaType, data: image.data })),
      translated: () => {
        if (edit.masked) addWarning(exchange.warnings, { code: "mask_ignored", message: "the image model edits by the prompt alone: the mask was not sent" });
      },
      passthrough: (model) => {
        const form = new FormData();
        edit.form.forEach((value, name) => form.append(name, name === "model" ? model : value));
        if (!edit.form.has("model")) form.append("model", model);
        return { operation: "/images/edits", body: form };
      },
    };
  });
}

/** What an image route decoded: the settings, the pictures to start from, and the body for a relaying upstream. */
interface ImageCall {
  generation: Omit<ImageGeneration, "body">;
  start: ImagePart[];
  /** Called when the request is translated (an image model behind a translating provider). */
  translated?: () => void;
  passthrough(model: string): { operation: string; body: string | FormData };
}

function imageRoute(context: GatewayContext, route: string, decode: (request: Request, exchange: Exchange) => Promise<ImageCall>) {
  return (request: Request, _server: unknown, caller?: Caller): Promise<Response> => {
    const exchange = new Exchange(route, openai.name, context);
    return untilStopped(openai, exchange, serve(request, exchange, caller));
  };

  async function serve(request: Request, exchange: Exchange, caller: Caller | undefined): Promise<Response> {
    try {
      const call = await decode(request, exchange);
      const { generation } = call;
      exchange.log.requestedModel = generation.model;
      exchange.admit(caller, generation.model, () => estimateTextTokens(generation.prompt) * generation.n);
      const { target, provider } = mapModel(context, generation.model);
      exchange.mapped(target);
      if (provider.nativeProtocol === openai.name && provider.passthrough) {
        return await relayPassthrough(
          { provider, target, ...call.passthrough(target.model), signal: request.signal, stream: false },
          retryTargetFor(context, target, request, exchange),
          exchange,
          JSON_ANSWER,
        );
      }
      if (provider.generatesImages !== true) {
        throw new GatewayError(
          "invalid_request",
          `the model '${generation.model}' is mapped to the provider '${target.provider}' (type ${provider.type}), which has no image generation: map it to a Gemini image model or an openai provider`,
          { code: "images_unsupported", param: "model" },
        );
      }
      call.translated?.();
      let images: ImagePart[];
      let usage: Usage | undefined;
      const drawing: Drawing = { context, generation, target, provider, request, exchange };
      const predicted = call.start.length === 0 ? await predict(drawing) : undefined;
      if (predicted !== undefined) images = predicted;
      else {
        const answers = await generate(drawing, call.start);
        images = answers.flatMap((answer) => answer.images);
        usage = sumUsage(answers.map((answer) => answer.response.usage));
      }
      exchange.images = images.length;
      exchange.usage(usage);
      exchange.firstByte();
      exchange.finish(200);
      return Response.json(encodeOpenAIImagesResponse(images, generation.responseFormat, Math.floor(exchange.startedAt / 1000), usage), {
        headers: exchange.headers,
      });
    } catch (thrown) {
      const error = toGatewayError(thrown);
      if (error.kind === "internal") logInternalError(`request ${exchange.id} failed`, thrown);
      exchange.finish(error.status, error.code ?? error.kind);
      return errorResponse(openai, error, exchange.headers);
    }
  }
}

/** One image request, decided: what to draw, where, and for whom. */
interface Drawing {
  context: GatewayContext;
  generation: Omit<ImageGeneration, "body">;
  target: ModelTarget;
  provider: Provider;
  request: Request;
  exchange: Exchange;
}

/** An image-only model's pictures (Imagen), all `n` in one pool attempt; undefined when the model draws through chat. */
async function predict({ context, generation, target, provider, request, exchange }: Drawing): Promise<ImagePart[] | undefined> {
  if (provider.predictImages === undefined || provider.imageOnlyModel?.(target.model) !== true) return undefined;
  const prediction = { prompt: generation.prompt, n: generation.n, ...generation.imageConfig };
  // The pictures come whole once all are drawn: the call waits answerTimeoutMs, not the header timeout, and the
  // retry deadline does not cut it once the upstream has it (as for a whole answer passed through).
  const { account, value } = await withRetries(retryTargetFor(context, target, request, exchange), (_account, credentials, signal, answering, abort) => {
    answering();
    return provider.predictImages!(prediction, { model: target.model, account: credentials, signal, abort, unstreamed: true });
  });
  exchange.log.accountId = account.id;
  exchange.headers["x-account-email"] = account.id;
  return value;
}

/** One picture per attempt, `n` side by side; each answer must hold an image. `start` holds the pictures an edit starts from. */
async function generate(
  { context, generation, target, provider, request, exchange }: Drawing,
  start: ImagePart[] = [],
): Promise<Array<{ response: ChatResponse; images: ImagePart[] }>> {
  const chat: ChatRequest = {
    model: generation.model,
    messages: [{ role: "user", content: [...start, { type: "text", text: generation.prompt }] }],
    stream: false,
    outputModalities: ["image"],
    ...(Object.keys(generation.imageConfig).length > 0 ? { imageConfig: generation.imageConfig } : {}),
  };
  const retry = retryTargetFor(context, target, request, exchange);
  const answers = await Promise.all(
    Array.from({ length: generation.n }, async () => {
      const success = await sendWithRetries({ ...retry, request: chat, provider, warnings: exchange.warnings, whole: true });
      const collector = new ResponseCollector();
      for (let event = await success.events.next(); event !== undefined; event = await success.events.next()) collector.add(event);
      const response = collector.result();
      exchange.log.accountId = success.account.id;
      exchange.headers["x-account-email"] = success.account.id;
      return { response, images: imagesOf(response) };
    }),
  );
  for (const answer of answers) if (answer.images.length === 0) throw noImage(answer.response);
  return answers;
}

function imagesOf(response: ChatResponse): ImagePart[] {
  return (response.choices[0]?.content ?? []).filter((part): part is ImagePart => part.type === "image" && part.data !== undefined);
}

/** An answer without a picture: the model's refusal (a 400, as OpenAI's content policy answers), or text alone (502). */
function noImage(response: ChatResponse): GatewayError {
  const choice = response.choices[0];
  const text = (choice?.content ?? []).flatMap((part) => (part.type === "text" ? [part.text] : [])).join("").trim();
  const said = text === "" ? "" : `: ${text.slice(0, 300)}`;
  if (choice?.finishReason.unified === "content-filter") {
    return new GatewayError("invalid_request", `the image model refused the prompt${said}`, { code: "content_policy_violation" });
  }
  return new GatewayError("upstream", `the image model answered without an image${said}`, { code: "no_image" });
}

function sumUsage(usages: Array<Usage | undefined>): Usage | undefined {
  const known = usages.filter((usage): usage is Usage => usage !== undefined);
  if (known.length === 0) return undefined;
  return {
    input: { total: known.reduce((sum, usage) => sum + usage.input.total, 0) },
    output: { total: known.reduce((sum, usage) => sum + usage.output.total, 0) },
  };
}

/**
 * Images through agw: the OpenAI SDK's `images.generate` on Gemini image
 * models (translated: one streamed chat per picture, n side by side) and on
 * an OpenAI-compatible upstream (relayed), and a chat with an image model
 * showing its picture in every protocol: OpenAI Chat `message.images` (JSON
 * and streamed), Responses `image_generation_call`, Anthropic a Markdown
 * image, Gemini's own `inlineData` untouched.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { GoogleGenAI } from "@google/genai";
import OpenAI from "openai";
import { fakeImage, type FakeGemini } from "../harness/fake-gemini.ts";
import type { FakeOpenAI } from "../harness/fake-openai.ts";
import { startTestGateway, type TestGateway } from "../harness/gateway.ts";
import { startMediaGateway, type MediaGateway } from "../harness/media-gateway.ts";

let gemini: FakeGemini;
let upstreamOpenAI: FakeOpenAI;
let agw: TestGateway;
let client: OpenAI;
let media: MediaGateway;

beforeAll(() => {
  media = startMediaGateway({
    "gemini-image": "gemini/gemini-2.5-flash-image",
    "gemini-3-image": "gemini/gemini-3-pro-image-preview",
    "gemini-flash": "gemini/gemini-2.5-flash",
    "gpt-image-1": "oai/gpt-image-1",
    "claude-image": "claude/claude-sonnet-4-5",
    imagen: "gemini/imagen-4.0-generate-001",
  });
  ({ gemini, upstreamOpenAI, agw, client } = media);
});

afterAll(async () => {
  await media?.stop();
});

const lastRow = () => {
  agw.gateway.store.flush();
  return agw.gateway.store.requestLogs.query({}).at(-1)!;
};

describe("images.generate on a Gemini image model", () => {
  test("b64_json: the picture the model drew, asked for as a streamed chat with responseModalities IMAGE and the aspect ratio of the size", async () => {
    const before = gemini.requests.length;
    const result = await client.images.generate({ model: "gemini-image", prompt: "a red bicycle", size: "1536x1024" });
    expect(result.data).toEqual([{ b64_json: fakeImage("a red bicycle", { aspectRatio: "3:2" }) }]);
    expect(result.created).toBeGreaterThan(1_700_000_000);
    expect(result.usage as unknown).toEqual({ total_tokens: expect.any(Number), input_tokens: expect.any(Number), output_tokens: expect.any(Number) });
    const upstream = gemini.requests.slice(before);
    expect(upstream.map((request) => [request.action, request.model, request.body])).toEqual([
      [
        "streamGenerateContent",
        "gemini-2.5-flash-image",
        { contents: [{ role: "user", parts: [{ text: "a red bicycle" }] }], generationConfig: { responseModalities: ["IMAGE"], imageConfig: { aspectRatio: "3:2" } } },
      ],
    ]);
    const row = lastRow();
    expect(row).toMatchObject({ route: "/v1/images/generations", status: 200, mappedModel: "gemini-2.5-flash-image", images: 1 });
    // gemini-2.5-flash-image at the built-in prices: tokens plus $0.039 an image.
    expect(row.costUsd).toBeCloseTo((row.inputTokens! * 0.3 + row.outputTokens! * 2.5) / 1e6 + 0.039, 12);
  });

  test("url: a data: URL; n = 3: three pictures, each its own upstream call", async () => {
    const before = gemini.requests.length;
    const result = await client.images.generate({ model: "gemini-image", prompt: "three cats", n: 3, response_format: "url" });
    const url = `data:image/png;base64,${fakeImage("three cats")}`;
    expect(result.data).toEqual([{ url }, { url }, { url }]);
    expect(gemini.requests.slice(before).length).toBe(3);
    expect(lastRow()).toMatchObject({ status: 200, images: 3, attempts: 3 });
  });

  test("quality: a resolution on Gemini 3 image models; elsewhere left out with a warning", async () => {
    const before = gemini.requests.length;
    const sharp = await client.images.generate({ model: "gemini-3-image", prompt: "a map", quality: "high", size: "1792x1024" });
    expect(sharp.data![0]!.b64_json).toBe(fakeImage("a map", { aspectRatio: "16:9", imageSize: "2K" }));
    expect(gemini.requests[before]!.body.generationConfig).toEqual({ responseModalities: ["IMAGE"], imageConfig: { aspectRatio: "16:9", imageSize: "2K" } });
    const response = await fetch(`${agw.url}/v1/images/generations`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "gemini-image", prompt: "a map", quality: "hd" }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-agw-warnings")).toBe("image_size_ignored");
    expect(gemini.requests.at(-1)!.body.generationConfig).toEqual({ responseModalities: ["IMAGE"] });
  });

  test("a 429 on one account: the picture comes from the next", async () => {
    const fresh = startTestGateway({
      auth: { mode: "off" },
      scheduling: { mode: "priority" },
      providers: {
        gemini: { type: "gemini", baseUrl: gemini.url, accounts: [{ id: "limited", apiKey: "key-429", priority: 0 }, { id: "spare", apiKey: "key-spare", priority: 1 }] },
      },
      models: { "*": "gemini/gemini-2.5-flash-image" },
    });
    try {
      const result = await new OpenAI({ baseURL: `${fresh.url}/v1`, apiKey: "x", maxRetries: 0 }).images.generate({ model: "img", prompt: "failover" });
      expect(result.data).toEqual([{ b64_json: fakeImage("failover") }]);
      fresh.gateway.store.flush();
      const row = fresh.gateway.store.requestLogs.query({}).at(-1)!;
      expect((row.attemptDetails as Array<{ accountId: string; status: number }>).map((attempt) => [attempt.accountId, attempt.status])).toEqual([
        ["limited", 429],
        ["spare", 200],
      ]);
    } finally {
      await fresh.stop();
    }
  });
});

describe("images.generate elsewhere", () => {
  test("an OpenAI-compatible upstream gets the client's body with its model, and its answer comes back as it is", async () => {
    const before = upstreamOpenAI.requests.length;
    const result = await client.images.generate({ model: "gpt-image-1", prompt: "a lighthouse", n: 2, size: "1024x1536", quality: "low", background: "transparent" });
    expect(upstreamOpenAI.requests.slice(before).map((request) => [request.path, request.body])).toEqual([
      ["/v1/images/generations", { model: "gpt-image-1", prompt: "a lighthouse", n: 2, size: "1024x1536", quality: "low", background: "transparent" }],
    ]);
    const picture = (index: number) => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from(`openai image ${index}: a lighthouse`)]).toString("base64");
    expect(result as unknown).toEqual({
      created: 1_700_000_000,
      data: [{ b64_json: picture(0) }, { b64_json: picture(1) }],
      usage: { total_tokens: 3 + 544, input_tokens: 3, output_tokens: 544, input_tokens_details: { text_tokens: 3, image_tokens: 0 } },
    });
  });

  test("a provider without images, a chat model, a bad request: clear errors in OpenAI's shape", async () => {
    const post = (body: unknown) => fetch(`${agw.url}/v1/images/generations`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const none = await post({ model: "claude-image", prompt: "x" });
    expect([none.status, await none.json()]).toEqual([
      400,
      {
        error: {
          message: "the model 'claude-image' is mapped to the provider 'claude' (type anthropic), which has no image generation: map it to a Gemini image model or an openai provider",
          type: "invalid_request_error",
          param: "model",
          code: "images_unsupported",
        },
      },
    ]);
    const chatModel = await post({ model: "gemini-flash", prompt: "x" });
    expect(chatModel.status).toBe(400);
    expect(((await chatModel.json()) as { error: { message: string } }).error.message).toContain("Model does not support the requested response modalities: image");
    const bad = await post({ model: "gemini-image", prompt: "x", n: 11 });
    expect([bad.status, await bad.json()]).toEqual([
      400,
      { error: { message: "invalid images request: n: Too big: expected number to be <=10", type: "invalid_request_error", param: "n", code: null } },
    ]);
  });
});

test("/v1/models says what each model serves", async () => {
  const models = (await client.models.list()).data as unknown as Array<{ id: string; owned_by: string; agw: { serves: string[] } }>;
  expect(Object.fromEntries(models.map((model) => [model.id, model.agw.serves]))).toEqual({
    "gemini-image": ["chat", "images"],
    "gemini-3-image": ["chat", "images"],
    "gemini-flash": ["chat"],
    "gpt-image-1": ["images"],
    "claude-image": ["chat"],
    imagen: ["images"],
  });
});

describe("Imagen (:predict)", () => {
  test("the OpenAI SDK: n pictures in one :predict call, 3:2 drawn as Imagen's nearest shape", async () => {
    const before = gemini.requests.length;
    const result = await client.images.generate({ model: "imagen", prompt: "a harbour", n: 2, size: "1536x1024" });
    expect(result.data).toEqual([
      { b64_json: fakeImage("a harbour #0", { aspectRatio: "4:3" }) },
      { b64_json: fakeImage("a harbour #1", { aspectRatio: "4:3" }) },
    ]);
    expect(gemini.requests.slice(before).map((request) => [request.action, request.model, request.body])).toEqual([
      ["predict", "imagen-4.0-generate-001", { instances: [{ prompt: "a harbour" }], parameters: { sampleCount: 2, aspectRatio: "4:3" } }],
    ]);
    expect(lastRow()).toMatchObject({ status: 200, images: 2, mappedModel: "imagen-4.0-generate-001", accountId: "main" });
  });

  test("Gemini's REST :predict goes through untouched (Google's JS SDK calls generateImages on Vertex only)", async () => {
    const body = { instances: [{ prompt: "a lantern" }], parameters: { sampleCount: 1, aspectRatio: "16:9" } };
    const response = await fetch(`${agw.url}/v1beta/models/imagen:predict`, { method: "POST", headers: { "content-type": "application/json", "x-goog-api-key": "unused" }, body: JSON.stringify(body) });
    expect([response.status, await response.json()]).toEqual([200, { predictions: [{ mimeType: "image/png", bytesBase64Encoded: fakeImage("a lantern #0", { aspectRatio: "16:9" }) }] }]);
    expect(gemini.requests.at(-1)!.body).toEqual(body);
    expect(lastRow()).toMatchObject({ route: "/v1beta/models", status: 200, images: 1 });
  });
});

describe("images.edit (multipart)", () => {
  const photo = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from("a photo of a room")]);
  const sketch = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from("a sketch")]);

  test("on a Gemini image model the pictures go before the prompt; a mask is left out with a warning", async () => {
    const before = gemini.requests.length;
    const result = await client.images.edit({
      model: "gemini-image",
      image: [await OpenAI.toFile(photo, "room.png", { type: "image/png" }), await OpenAI.toFile(sketch, "sketch.png", { type: "image/png" })],
      mask: await OpenAI.toFile(sketch, "mask.png", { type: "image/png" }),
      prompt: "paint the walls blue",
      size: "1024x1024",
    });
    expect(result.data).toEqual([{ b64_json: fakeImage("paint the walls blue", { aspectRatio: "1:1" }) }]);
    expect(gemini.requests.slice(before).map((request) => request.body)).toEqual([
      {
        contents: [
          {
            role: "user",
            parts: [
              { inlineData: { mimeType: "image/png", data: photo.toString("base64") } },
              { inlineData: { mimeType: "image/png", data: sketch.toString("base64") } },
              { text: "paint the walls blue" },
            ],
          },
        ],
        generationConfig: { responseModalities: ["IMAGE"], imageConfig: { aspectRatio: "1:1" } },
      },
    ]);
    agw.gateway.store.flush();
    const row = agw.gateway.store.requestLogs.query({}).at(-1)!;
    expect([row.route, row.status, row.images, row.warnings?.map((warning) => warning.code)]).toEqual(["/v1/images/edits", 200, 1, ["mask_ignored"]]);
  });

  test("on an OpenAI-compatible upstream the form goes through with the model replaced, files and all", async () => {
    const before = upstreamOpenAI.requests.length;
    const result = await client.images.edit({
      model: "gpt-image-1",
      image: await OpenAI.toFile(photo, "room.png", { type: "image/png" }),
      prompt: "add a plant",
      quality: "medium",
    });
    expect(result.data!.map((item) => Buffer.from(item.b64_json!, "base64").toString("latin1"))).toEqual([`\x89PNG\r\n\x1a\nopenai image 0: add a plant`]);
    expect(upstreamOpenAI.requests.slice(before).map((request) => [request.path, request.body])).toEqual([
      ["/v1/images/edits", { model: "gpt-image-1", prompt: "add a plant", quality: "medium", files: [{ field: "image", type: "image/png", size: photo.length, data: photo.toString("base64") }] }],
    ]);
  });

  test("an edit without an image, or with a text where a file belongs: a 400 naming the field", async () => {
    const form = new FormData();
    form.append("prompt", "x");
    form.append("model", "gemini-image");
    const missing = await fetch(`${agw.url}/v1/images/edits`, { method: "POST", body: form });
    expect([missing.status, await missing.json()]).toEqual([
      400,
      { error: { message: "invalid image edit: image is required (a file field)", type: "invalid_request_error", param: "image", code: null } },
    ]);
    form.append("image", "not a file");
    const text = await fetch(`${agw.url}/v1/images/edits`, { method: "POST", body: form });
    expect(((await text.json()) as { error: { message: string } }).error.message).toBe("invalid image edit: image must be a file, not text");
  });
});

describe("a chat with an image model shows the picture in every protocol", () => {
  const ask = { model: "gemini-image", modalities: ["text", "image"] as Array<"text" | "image">, messages: [{ role: "user" as const, content: "draw a kite" }] };
  const kite = fakeImage("draw a kite");

  test("OpenAI Chat: message.images beside the text; streamed as delta.images", async () => {
    const before = gemini.requests.length;
    const answer = (await client.chat.completions.create(ask as never)) as any;
    expect(answer.choices[0].message).toEqual({
      role: "assistant",
      content: "Here is your picture.",
      refusal: null,
      images: [{ type: "image_url", image_url: { url: `data:image/png;base64,${kite}` } }],
    });
    expect(gemini.requests[before]!.body.generationConfig).toEqual({ responseModalities: ["TEXT", "IMAGE"] });
    const stream = await client.chat.completions.create({ ...ask, stream: true } as never);
    const deltas: any[] = [];
    for await (const chunk of stream as any) deltas.push(chunk.choices[0]?.delta);
    expect(deltas.flatMap((delta) => delta?.images ?? [])).toEqual([{ type: "image_url", image_url: { url: `data:image/png;base64,${kite}` } }]);
    expect(deltas.map((delta) => delta?.content ?? "").join("")).toBe("Here is your picture.");
  });

  test("Responses: an image_generation_call item with the picture in result (image models draw by default)", async () => {
    const response = await fetch(`${agw.url}/v1/responses`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "gemini-image", input: "draw a kite", store: false }),
    });
    const body = (await response.json()) as any;
    expect(response.status).toBe(200);
    expect(body.output.map((item: any) => (item.type === "message" ? [item.type, item.content[0].text] : [item.type, item.status, item.result, item.output_format]))).toEqual([
      ["message", "Here is your picture."],
      ["image_generation_call", "completed", kite, "png"],
    ]);
    expect(body.output[1].id).toMatch(/^ig_/);
  });

  test("Anthropic: the picture as a Markdown image in a text block (assistant turns hold no image blocks), JSON and streamed", async () => {
    const request = (stream: boolean) =>
      fetch(`${agw.url}/v1/messages`, {
        method: "POST",
        headers: { "content-type": "application/json", "anthropic-version": "2023-06-01" },
        body: JSON.stringify({ model: "gemini-3-image", max_tokens: 1000, stream, messages: [{ role: "user", content: "draw a kite" }] }),
      });
    const response = await request(false);
    const body = (await response.json()) as any;
    expect(response.status).toBe(200);
    expect(body.content).toEqual([
      { type: "text", text: "Here is your picture." },
      { type: "text", text: `![image](data:image/png;base64,${kite})` },
    ]);
    const streamed = await (await request(true)).text();
    const texts = streamed
      .split("\n")
      .filter((line) => line.startsWith("data: "))
      .map((line) => JSON.parse(line.slice(6)))
      .filter((event) => event.type === "content_block_delta")
      .map((event) => [event.index, event.delta.text]);
    expect(texts).toEqual([
      [0, "Here is your picture."],
      [1, `![image](data:image/png;base64,${kite})`],
    ]);
  });

  test("Gemini's own API: inlineData comes back untouched (Google's SDK)", async () => {
    const ai = new GoogleGenAI({ apiKey: "unused", httpOptions: { baseUrl: agw.url } });
    const answer = await ai.models.generateContent({ model: "gemini-image", contents: "draw a kite", config: { responseModalities: ["IMAGE"] } });
    expect(answer.candidates![0]!.content!.parts).toEqual([{ inlineData: { mimeType: "image/png", data: kite } }]);
  });
});

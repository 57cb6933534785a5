/**
 * The real opencode CLI (`opencode-ai`) against the real gateway
 * (in-process, port 0), backed by the fake Gemini upstream: proves opencode
 * works through agw's OpenAI Chat Completions endpoint,
 * `POST /v1/chat/completions` (streaming), as a custom OpenAI-compatible
 * provider.
 *
 *   opencode run --format json --title "agw e2e" -- "<prompt>"
 *
 * with a provider `agw` (`@ai-sdk/openai-compatible`, baseURL = agw +
 * "/v1") in a throw-away ~/.config/opencode/opencode.json (see
 * run-opencode.ts). Everything listens on 127.0.0.1; the CLI reaches
 * nothing else.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFakeGemini, type FakeGemini, type FakeGeminiReply, type FakeGeminiRequest } from "../../harness/fake-gemini.ts";
import { startTestGateway, type TestGateway } from "../../harness/gateway.ts";
import { runOpencode, type RunOpencodeResult } from "./run-opencode.ts";

const AGW_KEY = "agw-opencode-key";

/** An answer the fake streams in six chunks: opencode must show all of it, in order, as one text. */
const pieces = ["The answer ", "comes in ", "six chunks, ", "and every ", "one of them ", "must arrive."];
const whole = pieces.join("");

let cwd: string;

beforeAll(() => {
  cwd = mkdtempSync(join(tmpdir(), "agw-opencode-e2e-"));
});

afterAll(() => {
  if (cwd) rmSync(cwd, { recursive: true, force: true });
});

/** Generation calls only (agw may also call `:countTokens`). */
const generations = (gemini: FakeGemini): FakeGeminiRequest[] => gemini.requests.filter((request) => request.action !== "countTokens");
const contents = (request: FakeGeminiRequest): any[] => request.body?.contents ?? [];
const allParts = (request: FakeGeminiRequest): any[] => contents(request).flatMap((content: any) => content.parts ?? []);
const userTexts = (request: FakeGeminiRequest): string[] =>
  contents(request)
    .filter((content: any) => content.role !== "model")
    .flatMap((content: any) => content.parts ?? [])
    .filter((part: any) => typeof part.text === "string")
    .map((part: any) => part.text as string);
/** `opencode run` quotes a message argument that has spaces: look for the prompt inside the user's text. */
const asks = (request: FakeGeminiRequest, prompt: string): boolean => userTexts(request).some((text) => text.includes(prompt));
const declaredTools = (request: FakeGeminiRequest): any[] => request.body?.tools?.flatMap((tool: any) => tool.functionDeclarations ?? []) ?? [];
const lastFunctionResponse = (request: FakeGeminiRequest): any =>
  (contents(request).at(-1)?.parts ?? []).findLast((part: any) => part.functionResponse)?.functionResponse;

/** A stream of one part per chunk, cumulative usage on each, finishReason on the last. */
function stream(request: FakeGeminiRequest, parts: unknown[], responseId: string): FakeGeminiReply {
  return {
    type: "stream",
    chunks: parts.map((part, index) => ({
      candidates: [{ content: { role: "model", parts: [part] }, index: 0, ...(index === parts.length - 1 ? { finishReason: "STOP" } : {}) }],
      usageMetadata: { promptTokenCount: 300, candidatesTokenCount: index + 1, totalTokenCount: 301 + index },
      modelVersion: request.model,
      responseId,
    })),
  };
}

/** The CLI's output, for assertion failures. */
function describeRun(run: RunOpencodeResult): string {
  return JSON.stringify(
    { exitCode: run.exitCode, signal: run.signal, timedOut: run.timedOut, durationMs: run.durationMs, texts: run.texts, stdout: run.stdout.slice(0, 4000), stderr: run.stderr.slice(0, 4000) },
    null,
    2,
  );
}

/** The run succeeded and its answer is `expected`, whole, as one text. */
function expectAnswer(run: RunOpencodeResult, expected: string): void {
  const errors = run.events.filter((event) => event.type === "error");
  if (run.exitCode !== 0 || errors.length > 0 || run.texts.at(-1) !== expected) console.error(`opencode run failed:\n${describeRun(run)}`);
  expect(run.timedOut).toBe(false);
  expect(run.exitCode).toBe(0);
  expect(errors).toEqual([]);
  // One text per answer: an answer split into several texts is one the user sees torn.
  expect(run.texts).toEqual([expected]);
  expect(run.events.at(-1)).toMatchObject({ type: "step_finish", part: { reason: "stop" } });
}

function writeNotes(name: string, text: string): string {
  const path = join(cwd, name);
  writeFileSync(path, text);
  return path;
}

describe("opencode → agw /v1/chat/completions → Gemini 2.5", () => {
  let gemini: FakeGemini;
  let agw: TestGateway;

  beforeAll(() => {
    gemini = startFakeGemini();
    agw = startTestGateway({
      auth: { mode: "strict", apiKey: AGW_KEY },
      providers: {
        gemini: { type: "gemini", baseUrl: gemini.url, accounts: [{ id: "alice@example.com", apiKey: "good-key" }], models: ["gemini-2.5-flash"] },
      },
    });
  });

  afterAll(async () => {
    await agw?.stop();
    await gemini?.stop();
  });

  afterEach(() => gemini.setScript(undefined));

  test(
    "plain prompt: a six-chunk answer is the whole text",
    async () => {
      const prompt = "Say hello to agw-opencode";
      gemini.setScript((request) => {
        if (request.action === "countTokens") return undefined;
        if (!asks(request, prompt)) return undefined;
        return stream(request, pieces.map((text) => ({ text })), "opencode-plain");
      });

      const run = await runOpencode({ baseUrl: agw.url, apiKey: AGW_KEY, prompt, cwd });
      expectAnswer(run, whole);

      const upstream = generations(gemini).filter((request) => asks(request, prompt));
      expect(upstream).toHaveLength(1);
      const request = upstream[0]!;
      expect(request.model).toBe("gemini-2.5-flash");
      expect(request.path).toBe("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
      expect(request.apiKey).toBe("good-key");
      // opencode's system prompt and its tools were translated, not dropped.
      expect(JSON.stringify(request.body.systemInstruction)).toContain("opencode");
      expect(declaredTools(request).map((declaration) => declaration.name)).toEqual(expect.arrayContaining(["read", "bash", "edit"]));
    },
    120_000,
  );

  test(
    "tool round trip: the model calls read, opencode reads the file, the upstream sees its content",
    async () => {
      const marker = "agw-opencode-notes-5d21";
      const file = writeNotes("notes.txt", `The secret word is ${marker}.\n`);
      const prompt = "What does notes.txt say?";
      const answerPieces = ["The file ", "says the secret ", "word is ", `${marker}.`];
      gemini.setScript((request) => {
        if (request.action === "countTokens") return undefined;
        if (!asks(request, prompt)) return undefined;
        const functionResponse = lastFunctionResponse(request);
        if (functionResponse) {
          const result = JSON.stringify(functionResponse.response ?? null);
          if (!result.includes(marker)) return stream(request, [{ text: `unexpected tool result ${result.slice(0, 500)}` }], "opencode-tool-2");
          return stream(request, answerPieces.map((text) => ({ text })), "opencode-tool-2");
        }
        if (!declaredTools(request).some((declaration) => declaration.name === "read")) {
          return stream(request, [{ text: `no read tool among ${declaredTools(request).map((d) => d.name).join(", ")}` }], "opencode-tool-1");
        }
        // opencode's read schema: { filePath: string (absolute, required), offset?, limit? }.
        return stream(request, [{ functionCall: { name: "read", args: { filePath: file } } }], "opencode-tool-1");
      });

      const run = await runOpencode({ baseUrl: agw.url, apiKey: AGW_KEY, prompt, cwd });
      expectAnswer(run, answerPieces.join(""));
      // opencode really read the file.
      const toolUse = run.events.find((event) => event.type === "tool_use")?.part;
      expect(toolUse).toMatchObject({ tool: "read", state: { status: "completed", input: { filePath: file } } });
      expect(toolUse.state.output).toContain(`The secret word is ${marker}.`);

      // Upstream: the call that got the functionCall back, then one that carried the call and its result.
      const upstream = generations(gemini).filter((request) => asks(request, prompt));
      expect(upstream).toHaveLength(2);
      const withResult = upstream[1]!;
      expect(allParts(withResult).find((part) => part.functionCall)?.functionCall).toMatchObject({ name: "read", args: { filePath: file } });
      const response = lastFunctionResponse(withResult);
      expect(response.name).toBe("read");
      expect(JSON.stringify(response.response)).toContain(`The secret word is ${marker}.`);
    },
    120_000,
  );
});

/**
 * Gemini 3 behind an OpenAI-compatible client: a text answer streamed over
 * several chunks with its signature on a final empty part, thoughts as a
 * run of unsigned parts, a function call signed on its part; the fake
 * refuses a replayed call without its signature (400), as Gemini 3 does.
 * opencode knows nothing of signatures: agw must keep them for it.
 */
describe("opencode → agw /v1/chat/completions → Gemini 3", () => {
  let gemini3: FakeGemini;
  let agw3: TestGateway;

  beforeAll(() => {
    gemini3 = startFakeGemini();
    agw3 = startTestGateway({
      auth: { mode: "strict", apiKey: AGW_KEY },
      providers: {
        gemini: { type: "gemini", baseUrl: gemini3.url, accounts: [{ id: "carol@example.com", apiKey: "good-key" }], models: ["gemini-3-pro-preview"] },
      },
    });
  });

  afterAll(async () => {
    await agw3?.stop();
    await gemini3?.stop();
  });

  afterEach(() => gemini3.setScript(undefined));

  function gemini3Stream(request: FakeGeminiRequest, parts: unknown[], thoughts: string[], responseId: string): FakeGeminiReply {
    const textAnswer = !parts.some((part: any) => part.functionCall);
    return stream(
      request,
      [
        ...thoughts.map((text) => ({ text, thought: true })),
        ...parts,
        ...(textAnswer ? [{ text: "", thoughtSignature: gemini3.issue(`sig-text-${responseId}`) }] : []),
      ],
      responseId,
    );
  }

  test(
    "a six-chunk answer with its signature on an empty last part is the whole text",
    async () => {
      const prompt = "Tell me something in six chunks";
      gemini3.setScript((request) => {
        if (request.action === "countTokens") return undefined;
        if (!asks(request, prompt)) return undefined;
        return gemini3Stream(request, pieces.map((text) => ({ text })), ["Planning ", "the answer."], "gemini3-opencode-plain");
      });
      const run = await runOpencode({ baseUrl: agw3.url, apiKey: AGW_KEY, prompt, cwd, model: "gemini-3-pro-preview" });
      expectAnswer(run, whole);
      expect(generations(gemini3).filter((request) => asks(request, prompt)).map((request) => request.model)).toEqual(["gemini-3-pro-preview"]);
    },
    120_000,
  );

  /** Scripts a signed read call, then a six-chunk answer once the file's content comes back. */
  function scriptSignedRead(prompt: string, file: string, marker: string, callSignature: string): void {
    gemini3.setScript((request) => {
      if (request.action === "countTokens") return undefined;
      if (!asks(request, prompt)) return undefined;
      const functionResponse = lastFunctionResponse(request);
      if (functionResponse) {
        const result = JSON.stringify(functionResponse.response ?? null);
        if (!result.includes(marker)) return stream(request, [{ text: `unexpected tool result ${result.slice(0, 500)}` }], "gemini3-opencode-tool-2");
        return gemini3Stream(request, pieces.map((text) => ({ text })), [], "gemini3-opencode-tool-2");
      }
      return gemini3Stream(
        request,
        [{ functionCall: { name: "read", args: { filePath: file } }, thoughtSignature: callSignature }],
        ["I will read it."],
        "gemini3-opencode-tool-1",
      );
    });
  }

  /** The replayed call of the request that carried the read's result, which must hold the file's content. */
  function replayedCall(prompt: string, expectedContent: string): unknown {
    const withResult = generations(gemini3).findLast((request) => asks(request, prompt) && lastFunctionResponse(request));
    expect(withResult).toBeDefined();
    expect(JSON.stringify(lastFunctionResponse(withResult!).response)).toContain(expectedContent);
    return allParts(withResult!).find((part) => part.functionCall);
  }

  test(
    "a signed read call round trip: opencode drops the signature, agw sends Google's placeholder, the final answer is whole",
    async () => {
      const marker = "agw-gemini3-opencode-notes-90be";
      const file = writeNotes("gemini3-notes.txt", `Remember ${marker}.\n`);
      const prompt = "Read gemini3-notes.txt and tell me what to remember";
      scriptSignedRead(prompt, file, marker, gemini3.issue("sig-call-opencode-read"));
      const run = await runOpencode({ baseUrl: agw3.url, apiKey: AGW_KEY, prompt, cwd, model: "gemini-3-pro-preview" });
      expectAnswer(run, whole);
      // agw handed the signature over (tool_calls[].extra_content.google.thought_signature) and opencode kept it…
      expect(run.events.find((event) => event.type === "tool_use")?.part?.metadata).toEqual({ agw: { thoughtSignature: "sig-call-opencode-read" } });
      // …but its OpenAI-compatible provider sends back only what it keeps under "google": the call returns unsigned,
      // and agw signs it with the placeholder Gemini documents for calls whose signature was lost.
      expect(replayedCall(prompt, `Remember ${marker}.`)).toEqual({
        functionCall: { name: "read", args: { filePath: file } },
        thoughtSignature: "skip_thought_signature_validator",
      });
    },
    120_000,
  );

  test(
    'a signed read call round trip with the provider named "google": the call goes back with its own signature',
    async () => {
      const marker = "agw-gemini3-opencode-named-3e07";
      const file = writeNotes("gemini3-named-notes.txt", `Remember ${marker}.\n`);
      const prompt = "Read gemini3-named-notes.txt and tell me what to remember";
      const callSignature = gemini3.issue("sig-call-opencode-read-named");
      scriptSignedRead(prompt, file, marker, callSignature);
      const run = await runOpencode({
        baseUrl: agw3.url,
        apiKey: AGW_KEY,
        prompt,
        cwd,
        model: "gemini-3-pro-preview",
        providerOptions: { name: "google" },
      });
      expectAnswer(run, whole);
      // Its own signature, not Google's skip placeholder.
      expect(replayedCall(prompt, `Remember ${marker}.`)).toEqual({
        functionCall: { name: "read", args: { filePath: file } },
        thoughtSignature: callSignature,
      });
    },
    120_000,
  );
});

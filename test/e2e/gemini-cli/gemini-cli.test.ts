/**
 * The real Gemini CLI (`@google/gemini-cli`) against the real gateway
 * (in-process, port 0), backed by the fake Gemini upstream: proves the CLI
 * works through agw's Gemini endpoint, `POST /v1beta/models/{model}:streamGenerateContent`.
 *
 *   gemini -p "<prompt>" --output-format json --approval-mode yolo -m <model>
 *
 * with GOOGLE_GEMINI_BASE_URL = agw (no `/v1beta`), GEMINI_API_KEY = agw's
 * key and API-key auth selected in a throw-away ~/.gemini/settings.json (see
 * run-gemini.ts). Everything listens on 127.0.0.1; the CLI reaches nothing else.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFakeGemini, type FakeGemini, type FakeGeminiReply, type FakeGeminiRequest } from "../../harness/fake-gemini.ts";
import { startTestGateway, type TestGateway } from "../../harness/gateway.ts";
import { runGemini, type RunGeminiResult } from "./run-gemini.ts";

const AGW_KEY = "agw-gemini-cli-key";

/** An answer the fake streams in six chunks: the CLI must show all of it, in order. */
const pieces = ["The answer ", "comes in ", "six chunks, ", "and every ", "one of them ", "must arrive."];
const whole = pieces.join("");

let cwd: string;

beforeAll(() => {
  cwd = mkdtempSync(join(tmpdir(), "agw-gemini-cli-e2e-"));
});

afterAll(() => {
  if (cwd) rmSync(cwd, { recursive: true, force: true });
});

/** Generation calls only (the CLI may also call `:countTokens`). */
const generations = (gemini: FakeGemini): FakeGeminiRequest[] => gemini.requests.filter((request) => request.action !== "countTokens");
const contents = (request: FakeGeminiRequest): any[] => request.body?.contents ?? [];
const allParts = (request: FakeGeminiRequest): any[] => contents(request).flatMap((content: any) => content.parts ?? []);
const userTexts = (request: FakeGeminiRequest): string[] =>
  contents(request)
    .filter((content: any) => content.role !== "model")
    .flatMap((content: any) => content.parts ?? [])
    .filter((part: any) => typeof part.text === "string")
    .map((part: any) => part.text as string);
const declaredTools = (request: FakeGeminiRequest): any[] => request.body?.tools?.flatMap((tool: any) => tool.functionDeclarations ?? []) ?? [];
const lastFunctionResponse = (request: FakeGeminiRequest): any =>
  (contents(request).at(-1)?.parts ?? []).findLast((part: any) => part.functionResponse)?.functionResponse;

/** A stream of one part per chunk, cumulative usage on each, finishReason on the last. */
function stream(request: FakeGeminiRequest, parts: unknown[], responseId: string): FakeGeminiReply {
  return {
    type: "stream",
    chunks: parts.map((part, index) => ({
      candidates: [{ content: { role: "model", parts: [part] }, index: 0, ...(index === parts.length - 1 ? { finishReason: "STOP" } : {}) }],
      usageMetadata: { promptTokenCount: 200, candidatesTokenCount: index + 1, totalTokenCount: 201 + index },
      modelVersion: request.model,
      responseId,
    })),
  };
}

/** The CLI's output, for assertion failures. */
function describeRun(run: RunGeminiResult): string {
  return JSON.stringify(
    { exitCode: run.exitCode, signal: run.signal, timedOut: run.timedOut, durationMs: run.durationMs, stdout: run.stdout.slice(0, 4000), stderr: run.stderr.slice(0, 4000) },
    null,
    2,
  );
}

function expectSuccess(run: RunGeminiResult, expected: string): void {
  if (run.exitCode !== 0 || run.json?.response !== expected) console.error(`Gemini CLI run failed:\n${describeRun(run)}`);
  expect(run.timedOut).toBe(false);
  expect(run.exitCode).toBe(0);
  expect(run.json).toBeDefined();
  expect(run.json.error).toBeUndefined();
  expect(run.json.response).toBe(expected);
}

/** A file in the CLI's working directory, for its read_file tool. */
function writeNotes(name: string, text: string): string {
  const path = join(cwd, name);
  writeFileSync(path, text);
  return path;
}

describe("Gemini CLI → agw /v1beta → Gemini 2.5", () => {
  let gemini: FakeGemini;
  let agw: TestGateway;

  beforeAll(() => {
    gemini = startFakeGemini();
    agw = startTestGateway({
      // The CLI sends its key as x-goog-api-key: prove agw takes it there.
      auth: { mode: "strict", apiKey: AGW_KEY },
      providers: {
        gemini: {
          type: "gemini",
          baseUrl: gemini.url,
          accounts: [{ id: "alice@example.com", apiKey: "good-key" }],
          models: ["gemini-2.5-flash", "gemini-2.5-pro"],
        },
      },
    });
  });

  afterAll(async () => {
    await agw?.stop();
    await gemini?.stop();
  });

  afterEach(() => gemini.setScript(undefined));

  test(
    "plain prompt: a six-chunk answer is the whole response",
    async () => {
      const prompt = "Say hello to agw-gemini-cli";
      gemini.setScript((request) => {
        if (request.action === "countTokens") return undefined;
        // Whatever the CLI puts around it (<session_context>, its system instruction), the prompt must arrive.
        if (!userTexts(request).includes(prompt)) return undefined;
        return stream(request, pieces.map((text) => ({ text })), "gemini-cli-plain");
      });

      const run = await runGemini({ baseUrl: agw.url, apiKey: AGW_KEY, prompt, cwd, model: "gemini-2.5-flash" });
      expectSuccess(run, whole);

      const upstream = generations(gemini).filter((request) => userTexts(request).includes(prompt));
      expect(upstream).toHaveLength(1);
      const request = upstream[0]!;
      expect(request.model).toBe("gemini-2.5-flash");
      expect(request.path).toBe("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
      // agw's own account key went upstream, not the client's.
      expect(request.apiKey).toBe("good-key");
      // The CLI's system instruction and tool declarations came through the pass-through untouched.
      expect(JSON.stringify(request.body.systemInstruction)).toContain("You are a non-interactive CLI agent");
      expect(declaredTools(request).map((declaration) => declaration.name)).toContain("read_file");
      expect(run.json.stats.models["gemini-2.5-flash"].api).toMatchObject({ totalRequests: 1, totalErrors: 0 });
    },
    120_000,
  );

  test(
    "tool round trip: the model calls read_file, the CLI reads the file, the upstream sees its content",
    async () => {
      const marker = "agw-gemini-cli-notes-7f3a";
      const file = writeNotes("notes.txt", `The secret word is ${marker}.\n`);
      const prompt = "What does notes.txt say?";
      const answerPieces = ["The file ", "says the secret ", "word is ", `${marker}.`];
      gemini.setScript((request) => {
        if (request.action === "countTokens") return undefined;
        if (!userTexts(request).includes(prompt)) return undefined;
        const functionResponse = lastFunctionResponse(request);
        if (functionResponse) {
          const result = JSON.stringify(functionResponse.response ?? null);
          if (!result.includes(marker)) return stream(request, [{ text: `unexpected tool result ${result.slice(0, 500)}` }], "gemini-cli-tool-2");
          return stream(request, answerPieces.map((text) => ({ text })), "gemini-cli-tool-2");
        }
        if (!declaredTools(request).some((declaration) => declaration.name === "read_file")) {
          return stream(request, [{ text: `no read_file among ${declaredTools(request).map((d) => d.name).join(", ")}` }], "gemini-cli-tool-1");
        }
        // The CLI's read_file schema: { file_path: string (required), start_line?, end_line? }.
        return stream(request, [{ functionCall: { name: "read_file", args: { file_path: file } } }], "gemini-cli-tool-1");
      });

      const run = await runGemini({ baseUrl: agw.url, apiKey: AGW_KEY, prompt, cwd, model: "gemini-2.5-flash" });
      expectSuccess(run, answerPieces.join(""));
      expect(run.json.stats.tools.byName.read_file).toMatchObject({ count: 1, success: 1, fail: 0 });

      // Upstream: the call that got the functionCall back, then one that carried the call and its response.
      const upstream = generations(gemini).filter((request) => userTexts(request).includes(prompt));
      expect(upstream).toHaveLength(2);
      const withResult = upstream[1]!;
      // The CLI gives each call an id of its own when it sends the history back (an optional FunctionCall field).
      expect(allParts(withResult).find((part) => part.functionCall)?.functionCall).toMatchObject({ name: "read_file", args: { file_path: file } });
      const response = lastFunctionResponse(withResult);
      expect(response.name).toBe("read_file");
      expect(JSON.stringify(response.response)).toContain(`The secret word is ${marker}.`);
    },
    120_000,
  );
});

/**
 * Gemini 3 as real users meet it: a text answer streamed over several
 * chunks with its signature on a final empty part, thoughts as a run of
 * unsigned parts, a function call signed on its part; the fake refuses a
 * replayed call without its signature (400), as Gemini 3 does. The CLI
 * must show every answer whole and send the call's signature back.
 */
describe("Gemini CLI → agw /v1beta → Gemini 3", () => {
  let gemini3: FakeGemini;
  let agw3: TestGateway;

  beforeAll(() => {
    gemini3 = startFakeGemini();
    agw3 = startTestGateway({
      auth: { mode: "strict", apiKey: AGW_KEY },
      providers: {
        gemini: { type: "gemini", baseUrl: gemini3.url, accounts: [{ id: "carol@example.com", apiKey: "good-key" }], models: ["gemini-3-pro-preview"] },
      },
      // With API-key auth the CLI turns `-m gemini-3-pro-preview` into gemini-3.1-pro-preview: map the family.
      models: { "gemini-3*": "gemini/gemini-3-pro-preview" },
    });
  });

  afterAll(async () => {
    await agw3?.stop();
    await gemini3?.stop();
  });

  afterEach(() => gemini3.setScript(undefined));

  /** Thoughts, the parts, and for a text answer its signature on an empty last chunk. */
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
    "a six-chunk answer with its signature on an empty last part is the whole response",
    async () => {
      const prompt = "Tell me something in six chunks";
      gemini3.setScript((request) => {
        if (request.action === "countTokens") return undefined;
        if (!userTexts(request).includes(prompt)) return undefined;
        return gemini3Stream(request, pieces.map((text) => ({ text })), ["Planning ", "the answer."], "gemini3-cli-plain");
      });
      const run = await runGemini({ baseUrl: agw3.url, apiKey: AGW_KEY, prompt, cwd, model: "gemini-3-pro-preview" });
      expectSuccess(run, whole);
      const upstream = generations(gemini3).filter((request) => userTexts(request).includes(prompt));
      expect(upstream.map((request) => request.model)).toEqual(["gemini-3-pro-preview"]);
    },
    120_000,
  );

  test(
    "a signed read_file call round trip: the call goes back with its own signature, the final answer is whole",
    async () => {
      const marker = "agw-gemini3-cli-notes-41c9";
      const file = writeNotes("gemini3-notes.txt", `Remember ${marker}.\n`);
      const prompt = "Read gemini3-notes.txt and tell me what to remember";
      const callSignature = gemini3.issue("sig-call-gemini-cli-read");
      gemini3.setScript((request) => {
        if (request.action === "countTokens") return undefined;
        if (!userTexts(request).includes(prompt)) return undefined;
        const functionResponse = lastFunctionResponse(request);
        if (functionResponse) {
          const result = JSON.stringify(functionResponse.response ?? null);
          if (!result.includes(marker)) return stream(request, [{ text: `unexpected tool result ${result.slice(0, 500)}` }], "gemini3-cli-tool-2");
          return gemini3Stream(request, pieces.map((text) => ({ text })), [], "gemini3-cli-tool-2");
        }
        return gemini3Stream(
          request,
          [{ functionCall: { name: "read_file", args: { file_path: file } }, thoughtSignature: callSignature }],
          ["I will read it."],
          "gemini3-cli-tool-1",
        );
      });
      const run = await runGemini({ baseUrl: agw3.url, apiKey: AGW_KEY, prompt, cwd, model: "gemini-3-pro-preview" });
      expectSuccess(run, whole);
      const withResult = generations(gemini3).findLast((request) => userTexts(request).includes(prompt) && lastFunctionResponse(request));
      expect(withResult).toBeDefined();
      // Its own signature, not Google's skip placeholder.
      const call = allParts(withResult!).find((part) => part.functionCall);
      expect(call).toMatchObject({ functionCall: { name: "read_file", args: { file_path: file } }, thoughtSignature: callSignature });
      expect(Object.keys(call).sort()).toEqual(["functionCall", "thoughtSignature"]);
      expect(JSON.stringify(lastFunctionResponse(withResult!).response)).toContain(`Remember ${marker}.`);
    },
    120_000,
  );
});

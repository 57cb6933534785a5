/**
 * The real Claude Code CLI (`@anthropic-ai/claude-code`) against the real
 * gateway (in-process, port 0), backed by the fake Gemini upstream: proves
 * Claude Code works through agw's Anthropic `/v1/messages` endpoint.
 *
 *   claude -p "<prompt>" --output-format json --dangerously-skip-permissions
 *
 * with ANTHROPIC_BASE_URL = agw, in a throw-away HOME (see run-claude.ts).
 * Everything listens on 127.0.0.1; the CLI reaches nothing else.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFakeGemini, type FakeGemini, type FakeGeminiReply, type FakeGeminiRequest } from "../../harness/fake-gemini.ts";
import { startTestGateway, type TestGateway } from "../../harness/gateway.ts";
import { runClaude, type RunClaudeResult } from "./run-claude.ts";

let gemini: FakeGemini;
let agw: TestGateway;
let cwd: string;

beforeAll(() => {
  gemini = startFakeGemini();
  agw = startTestGateway({
    providers: {
      gemini: {
        type: "gemini",
        baseUrl: gemini.url,
        accounts: [{ id: "alice@example.com", apiKey: "good-key" }],
        models: ["gemini-2.5-flash", "gemini-2.5-pro"],
      },
    },
    // Claude Code asks for claude-opus-*, claude-sonnet-* or claude-haiku-* depending on version and flags.
    models: { "claude-*": "gemini/gemini-2.5-pro" },
  });
  cwd = mkdtempSync(join(tmpdir(), "agw-claude-e2e-"));
});

afterAll(async () => {
  await agw?.stop();
  await gemini?.stop();
  if (cwd) rmSync(cwd, { recursive: true, force: true });
});

afterEach(() => gemini.setScript(undefined));

/** A Gemini answer of one candidate with these parts, in one chunk. */
function answer(parts: unknown[], request: FakeGeminiRequest): FakeGeminiReply {
  return {
    type: "stream",
    chunks: [
      {
        candidates: [{ content: { role: "model", parts }, index: 0, finishReason: "STOP" }],
        usageMetadata: { promptTokenCount: 100, candidatesTokenCount: 10, totalTokenCount: 110 },
        modelVersion: request.model,
        responseId: `claude-code-e2e-${gemini.requests.length}`,
      },
    ],
  };
}

/** Generation calls only (agw may also call `:countTokens`). */
const generations = (): FakeGeminiRequest[] => gemini.requests.filter((request) => (request.action as string) !== "countTokens");
const allParts = (request: FakeGeminiRequest): any[] => (request.body?.contents ?? []).flatMap((content: any) => content.parts ?? []);
const userTexts = (request: FakeGeminiRequest): string[] =>
  (request.body?.contents ?? [])
    .filter((content: any) => content.role !== "model")
    .flatMap((content: any) => content.parts ?? [])
    .filter((part: any) => typeof part.text === "string")
    .map((part: any) => part.text as string);
const declaredTools = (request: FakeGeminiRequest): any[] => request.body?.tools?.flatMap((tool: any) => tool.functionDeclarations ?? []) ?? [];

/** The CLI's output, for assertion failures. */
function describeRun(run: RunClaudeResult): string {
  return JSON.stringify(
    { exitCode: run.exitCode, signal: run.signal, timedOut: run.timedOut, durationMs: run.durationMs, stdout: run.stdout.slice(0, 4000), stderr: run.stderr.slice(0, 4000) },
    null,
    2,
  );
}

function expectSuccess(run: RunClaudeResult, expected: string): void {
  if (run.exitCode !== 0 || run.json?.is_error !== false) console.error(`Claude Code run failed:\n${describeRun(run)}`);
  expect(run.timedOut).toBe(false);
  expect(run.exitCode).toBe(0);
  expect(run.json).toBeDefined();
  expect(run.json.type).toBe("result");
  expect(run.json.is_error).toBe(false);
  expect(run.json.result).toBe(expected);
}

describe("Claude Code CLI → agw /v1/messages → Gemini", () => {
  test(
    "plain prompt: the answer text comes back as the result",
    async () => {
      const prompt = "Say hello to agw-e2e";
      gemini.setScript((request) => {
        if ((request.action as string) === "countTokens") return undefined;
        // Whatever agw does with Claude Code's system blocks and <system-reminder> text, the prompt must arrive.
        const seen = userTexts(request).some((text) => text.includes(prompt));
        return answer([{ text: seen ? "Hello from agw-e2e!" : `prompt not found in ${JSON.stringify(userTexts(request)).slice(0, 500)}` }], request);
      });

      const run = await runClaude({ baseUrl: agw.url, prompt, cwd, timeoutMs: 90_000 });
      expectSuccess(run, "Hello from agw-e2e!");

      const upstream = generations().filter((request) => userTexts(request).some((text) => text.includes(prompt)));
      expect(upstream.length).toBeGreaterThanOrEqual(1);
      expect(upstream.at(-1)!.model).toBe("gemini-2.5-pro");
      expect(upstream.at(-1)!.apiKey).toBe("good-key");
    },
    120_000,
  );

  test(
    "tool round trip: the model calls Bash, Claude Code runs it, the model answers from the result",
    async () => {
      const prompt = "Run `echo agw-tool-ok` and tell me what it printed";
      gemini.setScript((request) => {
        if ((request.action as string) === "countTokens") return undefined;
        if (!userTexts(request).some((text) => text.includes(prompt))) return undefined;
        const functionResponse = allParts(request).findLast((part) => part.functionResponse)?.functionResponse;
        if (functionResponse) {
          // agw may wrap the tool_result text in any object shape: look for the marker anywhere in it.
          const result = JSON.stringify(functionResponse.response ?? null);
          const text = result.includes("agw-tool-ok") ? "The command printed: agw-tool-ok" : `unexpected tool result ${result.slice(0, 500)}`;
          return answer([{ text }], request);
        }
        const bash = declaredTools(request).find((declaration) => declaration.name === "Bash");
        if (!bash) return answer([{ text: `no Bash tool among ${declaredTools(request).map((d) => d.name).join(", ")}` }], request);
        // Claude Code's Bash input schema: { command: string (required), description?, timeout?, run_in_background?, ... }.
        return answer([{ functionCall: { name: "Bash", args: { command: "echo agw-tool-ok", description: "Print a marker" } } }], request);
      });

      const run = await runClaude({ baseUrl: agw.url, prompt, cwd, timeoutMs: 90_000 });
      expectSuccess(run, "The command printed: agw-tool-ok");
      expect(run.json.num_turns).toBeGreaterThanOrEqual(2);

      // Upstream: one call that declared Bash and got a functionCall back, then one that carried the result.
      const upstream = generations().filter((request) => userTexts(request).some((text) => text.includes(prompt)));
      expect(upstream.some((request) => declaredTools(request).some((declaration) => declaration.name === "Bash"))).toBe(true);
      const withResult = upstream.find((request) => allParts(request).some((part) => part.functionResponse));
      expect(withResult).toBeDefined();
      const call = allParts(withResult!).find((part) => part.functionCall)?.functionCall;
      expect(call?.name).toBe("Bash");
      expect(call?.args).toMatchObject({ command: "echo agw-tool-ok" });
      const response = allParts(withResult!).find((part) => part.functionResponse)?.functionResponse;
      expect(response?.name).toBe("Bash");
      expect(JSON.stringify(response?.response)).toContain("agw-tool-ok");
    },
    120_000,
  );
});

/**
 * Gemini 3 as real users meet it: a text answer streamed over several
 * chunks with its signature on a final empty part, thoughts as a run of
 * unsigned parts, a function call signed on its part. Claude Code must show
 * every answer whole and replay the call's signature.
 */
describe("Claude Code CLI → agw → Gemini 3", () => {
  let gemini3: FakeGemini;
  let agw3: TestGateway;

  beforeAll(() => {
    gemini3 = startFakeGemini();
    agw3 = startTestGateway({
      providers: {
        gemini: { type: "gemini", baseUrl: gemini3.url, accounts: [{ id: "carol@example.com", apiKey: "good-key" }] },
      },
      models: { "claude-*": "gemini/gemini-3-pro-preview" },
    });
  });

  afterAll(async () => {
    await agw3?.stop();
    await gemini3?.stop();
  });

  /** A Gemini 3 stream: optional thoughts, the parts one chunk each, the text's signature on an empty last chunk. */
  function gemini3Stream(request: FakeGeminiRequest, parts: unknown[], thoughts: string[] = []): FakeGeminiReply {
    const textAnswer = !parts.some((part: any) => part.functionCall);
    const sequence = [
      ...thoughts.map((text) => ({ text, thought: true })),
      ...parts,
      ...(textAnswer ? [{ text: "", thoughtSignature: gemini3.issue(`sig-text-e2e-${gemini3.requests.length}`) }] : []),
    ];
    return {
      type: "stream",
      chunks: sequence.map((part, index) => ({
        candidates: [
          { content: { role: "model", parts: [part] }, index: 0, ...(index === sequence.length - 1 ? { finishReason: "STOP" } : {}) },
        ],
        usageMetadata: { promptTokenCount: 120, candidatesTokenCount: index + 1, totalTokenCount: 121 + index },
        modelVersion: request.model,
        responseId: `gemini3-e2e-${gemini3.requests.length}`,
      })),
    };
  }
  const pieces = ["The answer ", "comes in ", "six chunks, ", "and every ", "one of them ", "must arrive."];
  const whole = pieces.join("");

  test(
    "a six-chunk answer with its signature on an empty last part is the whole result",
    async () => {
      const prompt = "Tell me something in six chunks";
      gemini3.setScript((request) => {
        if ((request.action as string) === "countTokens") return undefined;
        if (!userTexts(request).some((text) => text.includes(prompt))) return undefined;
        return gemini3Stream(request, pieces.map((text) => ({ text })), ["Planning ", "the answer."]);
      });
      const run = await runClaude({ baseUrl: agw3.url, prompt, cwd, timeoutMs: 90_000 });
      expectSuccess(run, whole);
    },
    120_000,
  );

  test(
    "a signed Bash call round trip: the call goes back with its own signature, the final answer is whole",
    async () => {
      const prompt = "Run `echo agw-gemini3-ok` and report";
      const callSignature = gemini3.issue("sig-call-e2e-bash");
      gemini3.setScript((request) => {
        if ((request.action as string) === "countTokens") return undefined;
        if (!userTexts(request).some((text) => text.includes(prompt))) return undefined;
        if (allParts(request).some((part) => part.functionResponse)) {
          return gemini3Stream(request, pieces.map((text) => ({ text })));
        }
        return gemini3Stream(
          request,
          [{ functionCall: { name: "Bash", args: { command: "echo agw-gemini3-ok", description: "Print a marker" } }, thoughtSignature: callSignature }],
          ["I will run it."],
        );
      });
      const run = await runClaude({ baseUrl: agw3.url, prompt, cwd, timeoutMs: 90_000 });
      expectSuccess(run, whole);
      const withResult = gemini3.requests.findLast((request) => allParts(request).some((part) => part.functionResponse));
      const call = allParts(withResult!).find((part) => part.functionCall);
      // Its own signature, not Google's skip placeholder.
      expect(call).toEqual({
        functionCall: { name: "Bash", args: { command: "echo agw-gemini3-ok", description: "Print a marker" } },
        thoughtSignature: callSignature,
      });
      expect(JSON.stringify(allParts(withResult!).find((part) => part.functionResponse)?.functionResponse)).toContain("agw-gemini3-ok");
    },
    120_000,
  );
});

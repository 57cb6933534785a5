/**
 * The real Codex CLI (`@openai/codex`) against the real gateway (in-process,
 * port 0), backed by the fake Gemini upstream: proves Codex works through
 * agw's OpenAI Responses endpoint, `POST /v1/responses` (streaming).
 *
 *   codex exec --skip-git-repo-check --ephemeral --dangerously-bypass-approvals-and-sandbox -o <file> -- "<prompt>"
 *
 * with a custom model provider `agw` (base_url = agw + "/v1", wire_api =
 * "responses") in a throw-away CODEX_HOME (see run-codex.ts). Everything
 * listens on 127.0.0.1; the CLI reaches nothing else.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFakeGemini, type FakeGemini, type FakeGeminiReply, type FakeGeminiRequest } from "../../harness/fake-gemini.ts";
import { startTestGateway, type TestGateway } from "../../harness/gateway.ts";
import { runCodex, type RunCodexResult } from "./run-codex.ts";

/** The model Codex asks for: one of its bundled catalog (full tool set: exec_command, apply_patch as a custom tool, tool_search, web_search). */
const CODEX_MODEL = "gpt-5.5";

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
    // Codex sends the `model` of its config.toml as is (gpt-5.5 here; users may pick any gpt-* name).
    models: { "gpt-*": "gemini/gemini-2.5-flash" },
  });
  cwd = mkdtempSync(join(tmpdir(), "agw-codex-e2e-"));
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
        responseId: `codex-e2e-${gemini.requests.length}`,
      },
    ],
  };
}

/** Generation calls only (agw may also call `:countTokens`). */
const generations = (): FakeGeminiRequest[] => gemini.requests.filter((request) => (request.action as string) !== "countTokens");
const contents = (request: FakeGeminiRequest): any[] => request.body?.contents ?? [];
const allParts = (request: FakeGeminiRequest): any[] => contents(request).flatMap((content: any) => content.parts ?? []);
const userTexts = (request: FakeGeminiRequest): string[] =>
  contents(request)
    .filter((content: any) => content.role !== "model")
    .flatMap((content: any) => content.parts ?? [])
    .filter((part: any) => typeof part.text === "string")
    .map((part: any) => part.text as string);
const declaredTools = (request: FakeGeminiRequest): any[] => request.body?.tools?.flatMap((tool: any) => tool.functionDeclarations ?? []) ?? [];

/** The CLI's output, for assertion failures. */
function describeRun(run: RunCodexResult): string {
  return JSON.stringify(
    {
      exitCode: run.exitCode,
      signal: run.signal,
      timedOut: run.timedOut,
      durationMs: run.durationMs,
      lastMessage: run.lastMessage,
      stdout: run.stdout.slice(0, 4000),
      stderr: run.stderr.slice(0, 4000),
    },
    null,
    2,
  );
}

function expectSuccess(run: RunCodexResult, expected: string): void {
  if (run.exitCode !== 0 || run.lastMessage?.trim() !== expected) console.error(`Codex run failed:\n${describeRun(run)}`);
  expect(run.timedOut).toBe(false);
  expect(run.exitCode).toBe(0);
  expect(run.lastMessage?.trim()).toBe(expected);
}

describe("Codex CLI → agw /v1/responses → Gemini", () => {
  test(
    "plain prompt: the answer text comes back as the last message",
    async () => {
      const prompt = "Say hello to agw-e2e";
      gemini.setScript((request) => {
        if ((request.action as string) === "countTokens") return undefined;
        // Whatever agw does with Codex's developer messages and <environment_context>, the prompt must arrive as user text.
        const seen = userTexts(request).some((text) => text.includes(prompt));
        return answer([{ text: seen ? "Hello from agw-e2e!" : `prompt not found in ${JSON.stringify(userTexts(request)).slice(0, 500)}` }], request);
      });

      const run = await runCodex({ baseUrl: agw.url, apiKey: "test-key", prompt, cwd, model: CODEX_MODEL, timeoutMs: 90_000 });
      expectSuccess(run, "Hello from agw-e2e!");
      expect(run.stdout).toContain("Hello from agw-e2e!");

      const upstream = generations().filter((request) => userTexts(request).some((text) => text.includes(prompt)));
      expect(upstream.length).toBeGreaterThanOrEqual(1);
      const last = upstream.at(-1)!;
      expect(last.model).toBe("gemini-2.5-flash");
      expect(last.apiKey).toBe("good-key");
      // Codex's base instructions travel as a developer message; agw must not drop them (systemInstruction or contents).
      // They start "You are Codex, …" for catalog models, "You are a coding agent running in the Codex CLI, …" otherwise.
      expect(JSON.stringify(last.body)).toMatch(/You are Codex|You are a coding agent running in the Codex CLI/);
    },
    120_000,
  );

  test(
    "tool round trip: the model calls exec_command, Codex runs it, the model answers from the output",
    async () => {
      const prompt = "Run `echo agw-tool-ok` and tell me what it printed";
      gemini.setScript((request) => {
        if ((request.action as string) === "countTokens") return undefined;
        if (!userTexts(request).some((text) => text.includes(prompt))) return undefined;
        const lastContent = contents(request).at(-1);
        const functionResponse = (lastContent?.parts ?? []).findLast((part: any) => part.functionResponse)?.functionResponse;
        if (functionResponse) {
          // agw may wrap the function_call_output text in any object shape: look for the marker anywhere in it.
          const result = JSON.stringify(functionResponse.response ?? null);
          const text = result.includes("agw-tool-ok") ? "The command printed: agw-tool-ok" : `unexpected tool result ${result.slice(0, 500)}`;
          return answer([{ text }], request);
        }
        const exec = declaredTools(request).find((declaration) => declaration.name === "exec_command");
        if (!exec) return answer([{ text: `no exec_command tool among ${declaredTools(request).map((d) => d.name).join(", ")}` }], request);
        // Codex's exec_command schema: { cmd: string (required), workdir?, shell?, login?, tty?, yield_time_ms?, max_output_tokens?, sandbox_permissions?, justification?, prefix_rule? }.
        return answer([{ functionCall: { name: "exec_command", args: { cmd: "echo agw-tool-ok" } } }], request);
      });

      const run = await runCodex({ baseUrl: agw.url, apiKey: "test-key", prompt, cwd, model: CODEX_MODEL, json: true, timeoutMs: 90_000 });
      expectSuccess(run, "The command printed: agw-tool-ok");
      // Codex really ran the command.
      const execution = run.events?.find((event) => event.type === "item.completed" && event.item?.type === "command_execution")?.item;
      expect(execution).toMatchObject({ aggregated_output: "agw-tool-ok\n", exit_code: 0, status: "completed" });
      expect(execution.command).toContain("echo agw-tool-ok");

      // Upstream: one call that declared exec_command and got a functionCall back, then one that carried the result.
      const upstream = generations().filter((request) => userTexts(request).some((text) => text.includes(prompt)));
      expect(upstream.some((request) => declaredTools(request).some((declaration) => declaration.name === "exec_command"))).toBe(true);
      const withResult = upstream.find((request) => allParts(request).some((part) => part.functionResponse));
      expect(withResult).toBeDefined();
      const call = allParts(withResult!).find((part) => part.functionCall)?.functionCall;
      expect(call?.name).toBe("exec_command");
      expect(call?.args).toMatchObject({ cmd: "echo agw-tool-ok" });
      const response = allParts(withResult!).find((part) => part.functionResponse)?.functionResponse;
      expect(response?.name).toBe("exec_command");
      expect(JSON.stringify(response?.response)).toContain("agw-tool-ok");
    },
    120_000,
  );
});

/**
 * Gemini 3 as Codex users meet it: a text answer over several chunks with its
 * signature on a final empty part, thoughts as unsigned parts, a signed
 * function call. `codex exec` must print the whole answer and send the call
 * back with its own signature.
 */
describe("Codex CLI → agw → Gemini 3", () => {
  let gemini3: FakeGemini;
  let agw3: TestGateway;

  beforeAll(() => {
    gemini3 = startFakeGemini();
    agw3 = startTestGateway({
      providers: {
        gemini: { type: "gemini", baseUrl: gemini3.url, accounts: [{ id: "carol@example.com", apiKey: "good-key" }] },
      },
      models: { "gpt-*": "gemini/gemini-3-pro-preview" },
    });
  });

  afterAll(async () => {
    await agw3?.stop();
    await gemini3?.stop();
  });

  /**
   * A Gemini 3 stream: thoughts, then the parts one chunk each; a text
   * answer's signature on its last part, which still has text (the other
   * form Gemini 3 streams; the Claude Code test covers the empty last part).
   */
  function gemini3Stream(request: FakeGeminiRequest, parts: any[], thoughts: string[]): FakeGeminiReply {
    const textAnswer = !parts.some((part) => part.functionCall);
    const signed = textAnswer
      ? parts.map((part, index) => (index === parts.length - 1 ? { ...part, thoughtSignature: gemini3.issue(`sig-text-codex-${gemini3.requests.length}`) } : part))
      : parts;
    const sequence = [...thoughts.map((text) => ({ text, thought: true })), ...signed];
    return {
      type: "stream",
      chunks: sequence.map((part, index) => ({
        candidates: [
          { content: { role: "model", parts: [part] }, index: 0, ...(index === sequence.length - 1 ? { finishReason: "STOP" } : {}) },
        ],
        usageMetadata: { promptTokenCount: 120, candidatesTokenCount: index + 1, totalTokenCount: 121 + index },
        modelVersion: request.model,
        responseId: `gemini3-codex-${gemini3.requests.length}`,
      })),
    };
  }
  const pieces = ["The answer ", "comes in ", "six chunks, ", "and every ", "one of them ", "must arrive."];
  const whole = pieces.join("");
  const mentions = (request: FakeGeminiRequest, prompt: string) =>
    (request.body?.contents ?? []).some((content: any) =>
      content.role !== "model" && (content.parts ?? []).some((part: any) => typeof part.text === "string" && part.text.includes(prompt)),
    );

  test(
    "a six-chunk answer with its signature on the last part is the whole last message",
    async () => {
      const prompt = "Tell me something in six chunks";
      gemini3.setScript((request) => {
        if ((request.action as string) === "countTokens" || !mentions(request, prompt)) return undefined;
        return gemini3Stream(request, pieces.map((text) => ({ text })), ["Planning ", "the answer."]);
      });
      const run = await runCodex({ baseUrl: agw3.url, apiKey: "test-key", prompt, cwd, model: CODEX_MODEL, timeoutMs: 90_000 });
      expectSuccess(run, whole);
    },
    120_000,
  );

  test(
    "a signed exec_command round trip: the call goes back with its own signature, the final answer is whole",
    async () => {
      const prompt = "Run `echo agw-gemini3-ok` and report";
      const callSignature = gemini3.issue("sig-call-codex-exec");
      gemini3.setScript((request) => {
        if ((request.action as string) === "countTokens" || !mentions(request, prompt)) return undefined;
        const parts: any[] = (request.body?.contents ?? []).flatMap((content: any) => content.parts ?? []);
        if (parts.some((part) => part.functionResponse)) return gemini3Stream(request, pieces.map((text) => ({ text })), ["Reading the output."]);
        return gemini3Stream(request, [{ functionCall: { name: "exec_command", args: { cmd: "echo agw-gemini3-ok" } }, thoughtSignature: callSignature }], [
          "I will run it.",
        ]);
      });
      const run = await runCodex({ baseUrl: agw3.url, apiKey: "test-key", prompt, cwd, model: CODEX_MODEL, json: true, timeoutMs: 90_000 });
      expectSuccess(run, whole);
      const withResult = gemini3.requests.findLast((request) =>
        (request.body?.contents ?? []).some((content: any) => (content.parts ?? []).some((part: any) => part.functionResponse)),
      );
      const call = (withResult!.body.contents as any[]).flatMap((content) => content.parts).find((part: any) => part.functionCall);
      // Its own signature, not Google's skip placeholder.
      expect(call).toEqual({ functionCall: { name: "exec_command", args: { cmd: "echo agw-gemini3-ok" } }, thoughtSignature: callSignature });
    },
    120_000,
  );
});

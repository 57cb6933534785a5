import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { getTokenizer } from "@anthropic-ai/tokenizer";
import type { ChatRequest, Message, ToolDefinition } from "../ir/request.ts";
import { estimateRequestTokens } from "./estimate-request-tokens.ts";
import { estimateTextTokens } from "./estimate-tokens.ts";

const tokenizer = getTokenizer();
afterAll(() => tokenizer.free());
const realTokens = (text: string) => tokenizer.encode(text.normalize("NFKC"), "all").length;
const fixture = (name: string) => readFileSync(join(import.meta.dir, "fixtures", name), "utf8");

const request = (messages: Message[], extra: Partial<ChatRequest> = {}): ChatRequest => ({ model: "m", stream: false, messages, ...extra });
const user = (text: string): Message => ({ role: "user", content: [{ type: "text", text }] });

function png(width: number, height: number): string {
  const bytes = new Uint8Array(64);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  new DataView(bytes.buffer).setUint32(16, width);
  new DataView(bytes.buffer).setUint32(20, height);
  return Buffer.from(bytes).toString("base64");
}

const tools: ToolDefinition[] = [
  {
    name: "Read",
    description: "Reads a file from the local filesystem. The file_path parameter must be an absolute path.",
    parameters: {
      type: "object",
      properties: { file_path: { type: "string", description: "The absolute path to the file to read" }, limit: { type: "number" } },
      required: ["file_path"],
    },
  },
  {
    name: "Bash",
    description: "Executes a given bash command in a persistent shell session with optional timeout.",
    parameters: { type: "object", properties: { command: { type: "string", description: "The command to execute" } }, required: ["command"] },
  },
];

describe("estimateRequestTokens", () => {
  test("a request without content is 0; any content makes it positive", () => {
    expect(estimateRequestTokens(request([]))).toBe(0);
    expect(estimateRequestTokens(request([user("hi")]))).toBeGreaterThan(0);
    expect(estimateRequestTokens(request([user("")]))).toBeGreaterThan(0);
    expect(estimateRequestTokens(request([], { tools: tools.slice(0, 1) }))).toBeGreaterThan(0);
  });

  test("text plus a small overhead per message", () => {
    const one = estimateRequestTokens(request([user("What is the capital of France?")]));
    expect(one).toBe(estimateTextTokens("What is the capital of France?") + 4 + 3);
    const two = estimateRequestTokens(request([user("What is the capital of France?"), { role: "assistant", content: [{ type: "text", text: "Paris." }] }]));
    expect(two).toBe(one + 4 + estimateTextTokens("Paris."));
  });

  test("a Claude Code-like request is within ±15 percent of the tokenizer's count of its parts", () => {
    const system = fixture("system-prompt.txt");
    const code = fixture("typescript.txt");
    const question = "Why does withRetry not retry on a 408? Please fix it and add a test.";
    const thought = "The retryable getter only checks 429 and 5xx, so a 408 is thrown at once.";
    const call = { name: "Read", arguments: '{"file_path":"/home/user/projects/webapp/src/retry.ts"}' };
    const chat = request(
      [
        { role: "system", content: [{ type: "text", text: system }] },
        user(question),
        {
          role: "assistant",
          content: [
            { type: "reasoning", text: thought, signature: { family: "anthropic", value: "c2lnbmF0dXJl" } },
            { type: "tool-call", id: "toolu_1", name: call.name, arguments: call.arguments },
          ],
        },
        { role: "tool", content: [{ type: "tool-result", toolCallId: "toolu_1", name: "Read", content: [{ type: "text", text: code }] }] },
      ],
      { tools },
    );
    const texts = [system, question, thought, call.name, call.arguments, "Read", code];
    for (const tool of tools) texts.push(tool.name, tool.description ?? "", JSON.stringify(tool.parameters));
    const real = texts.reduce((sum, text) => sum + realTokens(text), 0);
    // The fixed overheads (4 messages, 2 tools, 1 call, 1 result, the answer's start) are on top.
    const overhead = 4 * 4 + 2 * 8 + 2 * 6 + 3;
    const estimate = estimateRequestTokens(chat);
    expect(Math.abs(estimate - overhead - real) / real).toBeLessThanOrEqual(0.15);
  });

  test("images count by size (width × height / 750, long edge scaled to 1568), or 1600 when unknown", () => {
    const image = (data?: string, url?: string) => request([{ role: "user", content: [{ type: "image", mediaType: "image/png", data, url }] }]);
    const base = estimateRequestTokens(request([{ role: "user", content: [] }]));
    expect(estimateRequestTokens(image(png(200, 200))) - base).toBe(54);
    expect(estimateRequestTokens(image(`data:image/png;base64,${png(1000, 750)}`)) - base).toBe(1000);
    // 3136 × 1568 is scaled to 1568 × 784: 1640, capped at 1600.
    expect(estimateRequestTokens(image(png(3136, 1568))) - base).toBe(1600);
    expect(estimateRequestTokens(image(png(4000, 100))) - base).toBe(Math.ceil((1568 * 39.2) / 750));
    expect(estimateRequestTokens(image(undefined, "https://example.com/cat.png")) - base).toBe(1600);
    expect(estimateRequestTokens(image(Buffer.from("not an image").toString("base64"))) - base).toBe(1600);
  });

  test("images inside tool results count too", () => {
    const result = (withImage: boolean) =>
      request([
        {
          role: "tool",
          content: [
            {
              type: "tool-result",
              toolCallId: "c1",
              content: withImage ? [{ type: "text", text: "screenshot" }, { type: "image", data: png(750, 100) }] : [{ type: "text", text: "screenshot" }],
            },
          ],
        },
      ]);
    expect(estimateRequestTokens(result(true)) - estimateRequestTokens(result(false))).toBe(100);
  });

  test("documents: text by its text, PDFs by page, anything else by a flat guess", () => {
    const file = (mediaType: string, data?: string, filename?: string) =>
      request([{ role: "user", content: [{ type: "file", mediaType, data, url: data ? undefined : "https://example.com/f", filename }] }]);
    const base = estimateRequestTokens(request([{ role: "user", content: [] }]));
    const prose = fixture("prose.txt");
    expect(estimateRequestTokens(file("text/plain", Buffer.from(prose).toString("base64"))) - base).toBe(estimateTextTokens(prose));
    expect(estimateRequestTokens(file("text/markdown", `data:text/markdown;base64,${Buffer.from("# Title").toString("base64")}`)) - base).toBe(
      estimateTextTokens("# Title"),
    );
    const pdf = "%PDF-1.4\n<< /Type /Pages >>\n<< /Type /Page >>\n<< /Type /Page >>\n<< /Type /Page >>\n%%EOF";
    expect(estimateRequestTokens(file("application/pdf", Buffer.from(pdf, "latin1").toString("base64"))) - base).toBe(3 * 1500);
    expect(estimateRequestTokens(file("audio/mpeg", Buffer.from("ID3").toString("base64"))) - base).toBe(1500);
    expect(estimateRequestTokens(file("application/pdf", undefined, "report.pdf")) - base).toBe(1500 + estimateTextTokens("report.pdf"));
  });

  test("a JSON response schema counts", () => {
    const schema = { type: "object", properties: { answer: { type: "string" } } };
    const plain = estimateRequestTokens(request([user("rate it")]));
    const json = estimateRequestTokens(request([user("rate it")], { responseFormat: { type: "json", schema } }));
    expect(json - plain).toBe(estimateTextTokens(JSON.stringify(schema)));
  });
});

/**
 * `bun run bench --quick` runs end to end and prints every row of the table
 * for every lane, with numbers that make sense (no timing thresholds: the
 * figures themselves are for people to read, not for a test to judge).
 */
import { expect, test } from "bun:test";
import { join } from "node:path";

test("the bench's quick mode measures every row for the bare proxy and the four lanes, and the reading and translating floors", async () => {
  const child = Bun.spawn([process.execPath, join(import.meta.dir, "run.ts"), "--quick"], { stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  expect({ code, stderr: stderr.trim() }).toEqual({ code: 0, stderr: "" });
  const table = stdout.split("\n").filter((line) => line.startsWith("| "));
  expect(table[0]).toMatch(/^\|  \| bare proxy \| agw: Chat → Gemini \| agw: Chat → OpenAI pass-through \| agw: Anthropic → Gemini \| agw: Anthropic → Gemini, a \d+ KB conversation \|$/);
  const rows = Object.fromEntries(table.slice(2).map((line) => {
    const cells = line.split("|").slice(1, -1).map((cell) => cell.trim());
    return [cells[0]!.replace(/\d+-request/, "N-request"), cells.slice(1)];
  }));
  expect(Object.keys(rows)).toEqual([
    "added p50 over direct at c=1",
    "added p99 over direct at c=1",
    "c=64 throughput (× bare)",
    "c=64 requests/s",
    "stream TTFB added p99",
    "CPU s per 1k requests",
    "JS heap allocated per request",
    "GC pauses per 1k requests",
    "RSS idle / peak at c=64",
    "RSS idle: anonymous / the executable's pages",
    "RSS before / peak / after a N-request soak",
    "start-up to first /healthz (median)",
    "agw --version (median)",
  ]);
  const micro = /^[+−]\d+ µs$/;
  for (const cell of [...rows["added p50 over direct at c=1"]!, ...rows["added p99 over direct at c=1"]!]) expect(cell).toMatch(micro);
  expect(rows["c=64 throughput (× bare)"]![0]).toBe("1.00×");
  for (const cell of rows["c=64 throughput (× bare)"]!.slice(1)) expect(Number(cell.replace("×", ""))).toBeGreaterThan(0);
  for (const cell of rows["c=64 requests/s"]!) expect(Number(cell)).toBeGreaterThan(0);
  for (const cell of rows["CPU s per 1k requests"]!) expect(Number(cell)).toBeGreaterThan(0);
  // agw allocates on every request; how much a short quick run sees depends on when collections fall.
  for (const cell of rows["JS heap allocated per request"]!) expect(cell).toMatch(/^\d+\.\d KB$/);
  for (const cell of rows["GC pauses per 1k requests"]!) expect(cell).toMatch(/^\d+\.\d ms$/);
  expect(rows["RSS idle / peak at c=64"]!.slice(0, 2).every((cell) => /^\d+ MB \/ \d+ MB$/.test(cell))).toBe(true);
  expect(rows["RSS idle / peak at c=64"]![4]).toMatch(/^peak \d+ MB$/);
  expect(rows["RSS idle: anonymous / the executable's pages"]!.slice(0, 2).every((cell) => /^\d+ MB \/ \d+ MB$/.test(cell))).toBe(true);
  expect(rows["RSS before / peak / after a N-request soak"]![1]).toMatch(/^\d+ MB \/ \d+ MB \/ \d+ MB$/);
  expect(rows["start-up to first /healthz (median)"]![0]).toMatch(/^\d+ ms$/);
  expect(rows["start-up to first /healthz (median)"]![1]).toMatch(/^\d+ ms \(RSS \d+ MB\)$/);
  expect(rows["agw --version (median)"]![0]).toMatch(/^\d+ ms \(hello-world\)$/);
  expect(rows["agw --version (median)"]![1]).toMatch(/^\d+ ms, \d+ MB$/);
  // The reading floor, on a line of its own under the table.
  expect(stdout).toMatch(
    /\nA reading proxy \(bench\/bare-proxy\.ts --reading: parses each request, re-sends it, reads the answer whole\) on the pass-through lane: \d+\.\d\d× bare, \d\.\d{3} CPU s per 1k requests, \d+\.\d KB allocated per request, GC pauses \d+\.\d ms per 1k\.\n/,
  );
  expect(stdout).toMatch(
    /\nA translating proxy \(bench\/bare-proxy\.ts --translating: Chat → Gemini's SSE read whole → one Chat completion, without validation, keys, log, metrics or retries\) on the translated lane: \d+\.\d\d× bare, \d\.\d{3} CPU s per 1k requests, \d+\.\d KB allocated per request, GC pauses \d+\.\d ms per 1k\.\n/,
  );
}, 120_000);

test("the translating floor answers what agw answers on the translated lane: the whole text, its usage and finish reason", async () => {
  const spawn = (argv: string[]) => Bun.spawn([process.execPath, ...argv], { stdout: "pipe", stderr: "inherit" });
  const port = async (child: Bun.Subprocess<"ignore", "pipe", "inherit">) => {
    const reader = child.stdout.getReader();
    const { value } = await reader.read();
    reader.releaseLock();
    return Number(new TextDecoder().decode(value).trim());
  };
  const upstream = spawn([join(import.meta.dir, "upstream.ts")]);
  try {
    const translator = spawn([join(import.meta.dir, "bare-proxy.ts"), `http://127.0.0.1:${await port(upstream)}`, "--translating"]);
    try {
      const response = await fetch(`http://127.0.0.1:${await port(translator)}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "Say hello" }] }),
      });
      const answer = (await response.json()) as Record<string, unknown>;
      expect(response.status).toBe(200);
      const seen: Record<string, unknown> = { ...answer, id: "", created: 0 };
      expect(seen).toEqual({
        id: "",
        object: "chat.completion",
        created: 0,
        model: "gpt-4o",
        choices: [{ index: 0, message: { role: "assistant", content: "Hello from the bench upstream." }, finish_reason: "stop" }],
        usage: { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 },
      });
    } finally {
      translator.kill();
    }
  } finally {
    upstream.kill();
  }
});

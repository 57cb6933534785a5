/**
 * `bun run bench`: agw's overhead against a bare Bun.serve pass-through
 * proxy, both in front of the same local Gemini-wire upstream, plus agw on
 * its mock provider (no upstream at all). Reports requests per second,
 * latency percentiles and the resident memory of each server process.
 *
 *   bun run bench [--requests N] [--concurrency C]
 *
 * Everything runs on 127.0.0.1; request loops are bounded.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const argument = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(process.argv[index + 1]);
};
const REQUESTS = argument("requests", 4000);
const CONCURRENCY = argument("concurrency", 32);
const root = join(import.meta.dir, "..");
const dir = mkdtempSync(join(tmpdir(), "agw-bench-"));
const children: Bun.Subprocess[] = [];

async function spawnServer(args: string[], portPattern: RegExp): Promise<{ port: number; pid: number }> {
  const child = Bun.spawn([process.execPath, ...args], { cwd: dir, stdout: "pipe", stderr: "inherit" });
  children.push(child);
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of child.stdout as unknown as AsyncIterable<Uint8Array>) {
    text += decoder.decode(chunk, { stream: true });
    const match = text.match(portPattern);
    if (match) return { port: Number(match[1]), pid: child.pid };
  }
  throw new Error(`server exited: ${args.join(" ")}\n${text}`);
}

function rssMiB(pid: number): number {
  try {
    const status = require("node:fs").readFileSync(`/proc/${pid}/status`, "utf8") as string;
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return Math.round((kb / 1024) * 10) / 10;
  } catch {
    return NaN;
  }
}

/** User plus system CPU time of a process so far, in milliseconds (Linux). */
function cpuMs(pid: number): number {
  try {
    const stat = require("node:fs").readFileSync(`/proc/${pid}/stat`, "utf8") as string;
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / 100;
  } catch {
    return NaN;
  }
}

interface Scenario {
  name: string;
  url: string;
  body: string;
  headers: Record<string, string>;
}

async function measure(scenario: Scenario & { pid: number }): Promise<{ rps: number; p50: number; p99: number; cpuUs: number }> {
  const latencies: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < REQUESTS) {
      next++;
      const started = performance.now();
      const response = await fetch(scenario.url, { method: "POST", headers: scenario.headers, body: scenario.body });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`${scenario.name}: HTTP ${response.status}`);
      latencies.push(performance.now() - started);
    }
  };
  // Warm up connections and JIT, then measure.
  for (let i = 0; i < 200; i++) await (await fetch(scenario.url, { method: "POST", headers: scenario.headers, body: scenario.body })).arrayBuffer();
  const started = performance.now();
  const cpuBefore = cpuMs(scenario.pid);
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const cpuUs = Math.round(((cpuMs(scenario.pid) - cpuBefore) * 1000) / REQUESTS);
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pick = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]! * 100) / 100;
  return { rps: Math.round(REQUESTS / seconds), p50: pick(0.5), p99: pick(0.99), cpuUs };
}

try {
  const upstream = await spawnServer([join(import.meta.dir, "upstream.ts")], /^(\d+)$/m);
  const upstreamUrl = `http://127.0.0.1:${upstream.port}`;
  const bare = await spawnServer([join(import.meta.dir, "bare-proxy.ts"), upstreamUrl], /^(\d+)$/m);
  const config = join(dir, "agw.json");
  writeFileSync(
    config,
    JSON.stringify({
      database: join(dir, "agw.db"),
      providers: {
        gemini: { type: "gemini", baseUrl: upstreamUrl, accounts: [{ id: "bench", apiKey: "bench-key" }] },
        demo: { type: "mock" },
      },
      models: { "gpt-4o": "gemini/gemini-2.5-flash", demo: "demo/echo" },
    }),
  );
  const agw = await spawnServer([join(root, "src/main.ts"), "--config", config, "--port", "0"], /listening on http:\/\/127\.0\.0\.1:(\d+)/);

  const geminiBody = JSON.stringify({ contents: [{ role: "user", parts: [{ text: "Say hello" }] }] });
  const chatBody = (model: string, stream: boolean) =>
    JSON.stringify({ model, stream, messages: [{ role: "user", content: "Say hello" }] });
  const json = { "content-type": "application/json" };
  const scenarios: Array<Scenario & { pid: number }> = [
    {
      name: "bare Bun.serve pass-through (Gemini SSE)",
      url: `http://127.0.0.1:${bare.port}/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse`,
      body: geminiBody,
      headers: { ...json, "x-goog-api-key": "bench-key" },
      pid: bare.pid,
    },
    { name: "agw chat → gemini, streaming", url: `http://127.0.0.1:${agw.port}/v1/chat/completions`, body: chatBody("gpt-4o", true), headers: json, pid: agw.pid },
    { name: "agw chat → gemini, JSON", url: `http://127.0.0.1:${agw.port}/v1/chat/completions`, body: chatBody("gpt-4o", false), headers: json, pid: agw.pid },
    { name: "agw chat → mock, streaming", url: `http://127.0.0.1:${agw.port}/v1/chat/completions`, body: chatBody("demo", true), headers: json, pid: agw.pid },
  ];
  console.log(`${REQUESTS} requests per scenario, ${CONCURRENCY} concurrent, on ${navigator.hardwareConcurrency} cores\n`);
  console.log(
    "scenario".padEnd(44),
    "req/s".padStart(8),
    "p50 ms".padStart(8),
    "p99 ms".padStart(8),
    "CPU µs/req".padStart(11),
    "server RSS MiB".padStart(15),
  );
  const results: Record<string, number> = {};
  const cpu: Record<string, number> = {};
  for (const scenario of scenarios) {
    const result = await measure(scenario);
    results[scenario.name] = result.rps;
    cpu[scenario.name] = result.cpuUs;
    console.log(
      scenario.name.padEnd(44),
      String(result.rps).padStart(8),
      String(result.p50).padStart(8),
      String(result.p99).padStart(8),
      String(result.cpuUs).padStart(11),
      String(rssMiB(scenario.pid)).padStart(15),
    );
  }
  const floor = results[scenarios[0]!.name]!;
  const translated = results[scenarios[1]!.name]!;
  console.log(`\nagw streaming with translation runs at ${Math.round((translated / floor) * 100)}% of the bare pass-through's throughput,`);
  console.log(`spending ${cpu[scenarios[1]!.name]} µs of CPU per request against the pass-through's ${cpu[scenarios[0]!.name]} µs.`);
  console.log("(The CPU column counts only the server process; the load generator and the upstream share the same cores.)");
} finally {
  for (const child of children) child.kill();
  rmSync(dir, { recursive: true, force: true });
}

/**
 * `bun run bench`: what agw costs next to the floor — a bare `Bun.serve`
 * pass-through proxy — both in front of the same local upstream (bench/
 * upstream.ts), with agw's features on (request log, metrics, a client key
 * with limits, strict auth). Four lanes: OpenAI Chat → Gemini (translated),
 * OpenAI Chat → OpenAI (same-protocol pass-through), Anthropic → Gemini, all
 * with a one-line question, and Anthropic → Gemini with a coding agent's
 * whole session (about 110 KB: system prompt, tools, 60 tool results), which
 * the bare proxy relays as the Gemini body it becomes. Measured, the three
 * small lanes interleaved so drift hits all alike, the long conversation on a
 * gateway of its own and after them (what a load of its bodies leaves to free
 * would otherwise slow the lane measured next):
 *
 * - added p50/p99 latency at c=1 over calling the upstream directly, for agw
 *   and for the bare proxy;
 * - throughput at c=64 as a ratio of the bare proxy's (`wrk`; with `taskset`
 *   the measured server has core 0 to itself, and the load, the upstream and
 *   this process's own requests share core 1), after a
 *   warm-up at c=64 of every lane so the JIT's compiling is not counted; the
 *   median of three interleaved rounds (five for the long conversation), as are the CPU and garbage figures;
 * - stream time-to-first-byte, added p99 over direct, at c=1;
 * - server CPU seconds per 1,000 requests (/proc), the JavaScript heap it
 *   allocates per request and the collector's pauses per 1,000 requests (from
 *   JavaScriptCore's own log, BUN_JSC_logGC), RSS idle (with its anonymous
 *   and file-backed parts), peak at c=64, and before, at its peak during and
 *   after a soak;
 * - start-up to the first `/healthz` 200 (median of 10, agw's and the bare
 *   proxy's start-ups alternating), and `agw --version` beside a hello-world
 *   (median of 10, alternating); with agw's binary, both floors are compiled
 *   binaries too;
 * - the floor of a gateway that reads what it relays (bench/bare-proxy.ts
 *   --reading) on the pass-through lane, and of one that translates
 *   (--translating: Chat → Gemini and back, with nothing else) on the
 *   translated lane: throughput, CPU and garbage.
 *
 *   bun run bench [--quick] [--out FILE.md]
 *
 * `--quick` runs small counts (under a minute; what the test runs). `--out`
 * writes the markdown table the README's Performance section quotes.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";

const QUICK = process.argv.includes("--quick");
const OUT = (() => {
  const index = process.argv.indexOf("--out");
  return index === -1 ? undefined : process.argv[index + 1];
})();
const COUNTS = QUICK
  ? { c1Rounds: 4, c1PerRound: 50, warmSeconds: 1, c64Rounds: 1, conversationRounds: 1, c64Seconds: 2, ttfb: 100, soakSeconds: 3, startups: 3 }
  : { c1Rounds: 10, c1PerRound: 300, warmSeconds: 6, c64Rounds: 3, conversationRounds: 5, c64Seconds: 4, ttfb: 1000, soakSeconds: 30, startups: 10 };
const CLIENT_KEY = "bench-client-key-0123456789";
const root = join(import.meta.dir, "..");
const dir = mkdtempSync(join(tmpdir(), "agw-bench-"));
const children: Bun.Subprocess[] = [];
const taskset = ["/usr/bin/taskset", "/bin/taskset"].find(existsSync);
const wrk = ["/usr/bin/wrk", "/usr/local/bin/wrk"].find(existsSync);
// This process makes the c=1 and stream requests: on the load's core (every thread of it), off the measured server's.
if (taskset) Bun.spawnSync([taskset, "-a", "-p", "-c", "1", String(process.pid)], { stdout: "ignore" });
/** Runs a command on every core, as a service starts (what this process starts would inherit core 1). */
const onEveryCore = (argv: string[]) => (taskset ? [taskset, "-c", `0-${navigator.hardwareConcurrency - 1}`, ...argv] : argv);

/** A server process the bench started. */
interface Server {
  port: number;
  pid: number;
  /** Where JavaScriptCore logs its collections (BUN_JSC_logGC), for the garbage per request. */
  gcLog?: string;
}

/**
 * Starts a server: the one measured on core 0 (`"measured"`), the upstream on
 * core 1 with the load and this process (`"load"`), so nothing of the bench's
 * own shares the measured server's core.
 */
async function spawnServer(argv: string[], portPattern: RegExp, core: "measured" | "load", gcLog?: string): Promise<Server> {
  const command = taskset ? [taskset, "-c", core === "measured" ? "0" : "1", ...argv] : argv;
  // The collector's log (a line or two per collection) goes to a file; the process's own stderr with it.
  const child = Bun.spawn(command, {
    cwd: dir,
    stdout: "pipe",
    stderr: gcLog ? Bun.file(gcLog) : "inherit",
    env: gcLog ? { ...process.env, BUN_JSC_logGC: "1" } : process.env,
  });
  children.push(child);
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of child.stdout as unknown as AsyncIterable<Uint8Array>) {
    text += decoder.decode(chunk, { stream: true });
    const match = text.match(portPattern);
    if (match) return { port: Number(match[1]), pid: child.pid, ...(gcLog ? { gcLog } : {}) };
  }
  throw new Error(`server exited: ${argv.join(" ")}\n${text}${gcLog ? `\n${readFileSync(gcLog, "utf8").slice(-2000)}` : ""}`);
}

function procStatus(pid: number, field: "VmRSS" | "VmHWM" | "RssAnon" | "RssFile"): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024;
}

/** User plus system CPU seconds of a process so far (Linux, 100 ticks a second). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

interface Target {
  url: string;
  body: string;
  headers: Record<string, string>;
}

/** One sequential request: its latency in ms, and (streams) the time to its first body byte. */
async function timed(target: Target): Promise<{ total: number; first: number }> {
  const started = performance.now();
  const response = await fetch(target.url, { method: "POST", headers: target.headers, body: target.body });
  const reader = response.body!.getReader();
  const firstRead = await reader.read();
  const first = performance.now() - started;
  let done = firstRead.done;
  while (!done) done = (await reader.read()).done;
  if (!response.ok) throw new Error(`${target.url}: HTTP ${response.status}`);
  return { total: performance.now() - started, first };
}

const percentile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

/** c=1 latencies of several targets, interleaved round by round; each warmed up first. */
async function interleaved(targets: Record<string, Target>, rounds: number, perRound: number, measure: "total" | "first") {
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(targets).map((name) => [name, []]));
  for (const target of Object.values(targets)) for (let i = 0; i < 100; i++) await timed(target);
  for (let round = 0; round < rounds; round++) {
    for (const [name, target] of Object.entries(targets)) {
      for (let i = 0; i < perRound; i++) samples[name]!.push((await timed(target))[measure]);
    }
  }
  return Object.fromEntries(
    Object.entries(samples).map(([name, values]) => {
      values.sort((a, b) => a - b);
      return [name, { p50: percentile(values, 0.5), p99: percentile(values, 0.99) }];
    }),
  ) as Record<string, { p50: number; p99: number }>;
}

interface Load {
  rps: number;
  cpuPer1k: number;
  peakMiB: number;
  /** JavaScript heap allocated per request, in KB, and the collector's pauses per 1k requests, in ms (from its log). */
  kbPerRequest?: number;
  gcMsPer1k?: number;
}

/** Each figure's median over the rounds (the peak RSS: the highest). */
function medianLoad(loads: Load[]): Load {
  const median = (values: Array<number | undefined>): number | undefined => {
    const known = values.filter((value): value is number => value !== undefined).sort((a, b) => a - b);
    return known.length === 0 ? undefined : known[Math.floor((known.length - 1) / 2)];
  };
  const load: Load = {
    rps: median(loads.map((one) => one.rps))!,
    cpuPer1k: median(loads.map((one) => one.cpuPer1k))!,
    peakMiB: Math.max(...loads.map((one) => one.peakMiB)),
  };
  const kb = median(loads.map((one) => one.kbPerRequest));
  const gc = median(loads.map((one) => one.gcMsPer1k));
  if (kb !== undefined) load.kbPerRequest = kb;
  if (gc !== undefined) load.gcMsPer1k = gc;
  return load;
}

/**
 * What the collector logged between two offsets of its log: the bytes
 * allocated (each allocation-triggered collection states the bytes allocated
 * since the last one) and the pause time of each collection (`p=` ms).
 */
function collected(log: string): { bytes: number; pauseMs: number } {
  let bytes = 0;
  let pauseMs = 0;
  for (const match of log.matchAll(/bytes allocated this cycle: (\d+)/g)) bytes += Number(match[1]);
  for (const match of log.matchAll(/p=([\d.]+)ms \(max [\d.]+\), cycle/g)) pauseMs += Number(match[1]);
  return { bytes, pauseMs };
}

/** Requests per second at 64 connections for `seconds`, the server's CPU per 1k requests and its peak RSS meanwhile, and its garbage when it logs collections. */
async function loaded(target: Target, server: Server, seconds: number): Promise<Load> {
  const logFrom = server.gcLog ? Bun.file(server.gcLog).size : 0;
  const before = cpuSeconds(server.pid);
  let peak = procStatus(server.pid, "VmRSS");
  const sampler = setInterval(() => (peak = Math.max(peak, procStatus(server.pid, "VmRSS"))), 100);
  let requests: number;
  let elapsed: number;
  try {
    ({ requests, elapsed } = wrk ? await wrkRun(target, seconds) : await fetchLoad(target, seconds));
  } finally {
    clearInterval(sampler);
  }
  const cpu = cpuSeconds(server.pid) - before;
  const load: Load = { rps: requests / elapsed, cpuPer1k: cpu / (requests / 1000), peakMiB: Math.max(peak, procStatus(server.pid, "VmRSS")) };
  if (server.gcLog) {
    const { bytes, pauseMs } = collected(readFileSync(server.gcLog, "utf8").slice(logFrom));
    load.kbPerRequest = bytes / 1024 / requests;
    load.gcMsPer1k = pauseMs / (requests / 1000);
  }
  return load;
}

async function wrkRun(target: Target, seconds: number): Promise<{ requests: number; elapsed: number }> {
  const script = join(dir, `wrk-${Bun.hash(target.url + target.body)}.lua`);
  const headers = Object.entries(target.headers).map(([name, value]) => `wrk.headers[${JSON.stringify(name)}] = ${JSON.stringify(value)}`);
  writeFileSync(script, [`wrk.method = "POST"`, `wrk.body = ${JSON.stringify(target.body)}`, ...headers].join("\n"));
  const argv = [wrk!, "-t1", "-c64", `-d${seconds}s`, "-s", script, target.url];
  const child = Bun.spawn(taskset ? [taskset, "-c", "1", ...argv] : argv, { stdout: "pipe", stderr: "pipe" });
  const output = await new Response(child.stdout).text();
  await child.exited;
  const match = /(\d+) requests in ([\d.]+)(ms|s|m)/.exec(output);
  if (!match) throw new Error(`wrk: unexpected output\n${output}`);
  const requests = Number(match[1]);
  if (/Non-2xx/.test(output)) throw new Error(`wrk: the server answered errors\n${output}`);
  const elapsed = Number(match[2]) * ({ ms: 0.001, s: 1, m: 60 } as Record<string, number>)[match[3]!]!;
  return { requests, elapsed };
}

/** The load without wrk: 64 fetch loops in this process (noted in the output: the client then shares the cores). */
async function fetchLoad(target: Target, seconds: number): Promise<{ requests: number; elapsed: number }> {
  const until = performance.now() + seconds * 1000;
  let requests = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (performance.now() < until) {
        await (await fetch(target.url, { method: "POST", headers: target.headers, body: target.body })).arrayBuffer();
        requests++;
      }
    }),
  );
  return { requests, elapsed: (performance.now() - started) / 1000 };
}

interface StartUp {
  ms: number;
  rssMiB: number;
}

const medianStartUp = (runs: StartUp[]) => runs.sort((a, b) => a.ms - b.ms)[Math.floor(runs.length / 2)]!;

/**
 * Median time from spawn to the first answer on /healthz, and the RSS then,
 * for each of two servers: their start-ups alternate, so that the machine's
 * drift (10–20 % over minutes here) slows both alike.
 */
async function startups(argvs: [string[], string[]], times: number): Promise<[StartUp, StartUp]> {
  const samples: [StartUp[], StartUp[]] = [[], []];
  for (let i = 0; i < times; i++) for (const index of [0, 1] as const) samples[index].push(await startup(argvs[index]));
  return [medianStartUp(samples[0]), medianStartUp(samples[1])];
}

/**
 * Median time from spawn to exit, and the peak RSS, of commands that print
 * and exit (`agw --version`, a hello-world), alternating like start-ups.
 */
function runsToExit(argvs: [string[], string[]], times: number): [StartUp, StartUp] {
  const samples: [StartUp[], StartUp[]] = [[], []];
  for (let i = 0; i < times; i++) {
    for (const index of [0, 1] as const) {
      const started = performance.now();
      const run = Bun.spawnSync(onEveryCore(argvs[index]), { stdout: "ignore", stderr: "pipe" });
      if (!run.success) throw new Error(`${argvs[index].join(" ")} failed: ${run.stderr.toString()}`);
      samples[index].push({ ms: performance.now() - started, rssMiB: (run.resourceUsage?.maxRSS ?? 0) / 1048576 });
    }
  }
  return [medianStartUp(samples[0]), medianStartUp(samples[1])];
}

/** A script compiled into a binary of its own in the bench's folder (written there first when `source` is given). */
function compiled(script: string, name: string, source?: string): string {
  if (source !== undefined) writeFileSync(script, source);
  const outfile = join(dir, name);
  const build = Bun.spawnSync([process.execPath, "build", "--compile", script, "--outfile", outfile], { stdout: "ignore", stderr: "pipe" });
  if (!build.success) throw new Error(`bun build --compile ${script} failed: ${build.stderr.toString()}`);
  return outfile;
}

/** One start-up: time from spawn to the first answer on /healthz, and the RSS then. */
async function startup(argv: string[]): Promise<StartUp> {
  for (let failures = 0; ; ) {
    const port = 18_700 + Math.floor(Math.random() * 1000);
    const started = performance.now();
    const child = Bun.spawn([...onEveryCore(argv), "--port", String(port)], { cwd: dir, stdout: "ignore", stderr: "pipe" });
    let exited = false;
    for (;;) {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/healthz`);
        await response.arrayBuffer();
        break;
      } catch {
        // A server that exited (the random port taken by another process) is not waited for forever.
        if (child.exitCode !== null) {
          exited = true;
          break;
        }
        await Bun.sleep(1);
      }
    }
    if (exited) {
      const stderr = await new Response(child.stderr).text();
      if (++failures > 3) throw new Error(`start-up: ${argv.join(" ")} exited: ${stderr}`);
      continue;
    }
    const sample = { ms: performance.now() - started, rssMiB: procStatus(child.pid, "VmRSS") };
    child.kill();
    await child.exited;
    return sample;
  }
}

const us = (ms: number) => `${Math.round(ms * 1000)} µs`;
const signed = (ms: number) => `${ms >= 0 ? "+" : "−"}${us(Math.abs(ms))}`;
const mib = (value: number) => `${value.toFixed(0)} MB`;

function laneNamesOf<Lanes extends object>(lanes: Lanes): Array<keyof Lanes & string> {
  return Object.keys(lanes) as Array<keyof Lanes & string>;
}

/**
 * A coding agent's session as its client sends it each turn (the shape of
 * Claude Code's requests): a long system prompt, 16 tools, 60 rounds of a tool
 * call and its result (source files); and the same conversation as Gemini
 * gets it, which the bare proxy relays.
 */
function conversation(): { anthropic: string; gemini: string } {
  const system = "You are an agent for software engineering tasks. Read files before editing them. ".repeat(150);
  const file = (i: number) => `export function step${i}(input: string): string {\n  return input.trim();\n}\n`.repeat(16);
  const tools = Array.from({ length: 16 }, (_, i) => ({
    name: `tool_${i}`,
    description: "Reads, searches or edits files in the working directory, and says what it did. ".repeat(6),
    input_schema: { type: "object", properties: { path: { type: "string", description: "The file's path" }, limit: { type: "integer" } }, required: ["path"] },
  }));
  const messages: unknown[] = [{ role: "user", content: "Refactor the parser module and keep the tests passing." }];
  const contents: unknown[] = [{ role: "user", parts: [{ text: "Refactor the parser module and keep the tests passing." }] }];
  for (let i = 0; i < 60; i++) {
    const path = `src/parser/step${i}.ts`;
    messages.push({ role: "assistant", content: [{ type: "text", text: `Reading ${path}.` }, { type: "tool_use", id: `toolu_${i}`, name: "tool_1", input: { path } }] });
    messages.push({ role: "user", content: [{ type: "tool_result", tool_use_id: `toolu_${i}`, content: file(i) }] });
    contents.push({ role: "model", parts: [{ text: `Reading ${path}.` }, { functionCall: { name: "tool_1", args: { path } } }] });
    contents.push({ role: "user", parts: [{ functionResponse: { name: "tool_1", response: { result: file(i) } } }] });
  }
  return {
    anthropic: JSON.stringify({ model: "claude-sonnet-4-5", max_tokens: 8192, system, tools, messages }),
    gemini: JSON.stringify({
      systemInstruction: { parts: [{ text: system }] },
      contents,
      tools: [{ functionDeclarations: tools.map((tool) => ({ name: tool.name, description: tool.description, parameters: tool.input_schema })) }],
      generationConfig: { maxOutputTokens: 8192 },
    }),
  };
}

try {
  const upstream = await spawnServer([process.execPath, join(import.meta.dir, "upstream.ts")], /^(\d+)$/m, "load");
  const upstreamUrl = `http://127.0.0.1:${upstream.port}`;
  const bare = await spawnServer([process.execPath, join(import.meta.dir, "bare-proxy.ts"), upstreamUrl], /^(\d+)$/m, "measured", join(dir, "bare-gc.log"));
  const reader = await spawnServer([process.execPath, join(import.meta.dir, "bare-proxy.ts"), upstreamUrl, "--reading"], /^(\d+)$/m, "measured", join(dir, "reader-gc.log"));
  const translator = await spawnServer(
    [process.execPath, join(import.meta.dir, "bare-proxy.ts"), upstreamUrl, "--translating"],
    /^(\d+)$/m,
    "measured",
    join(dir, "translator-gc.log"),
  );
  // Two gateways of one config: the long conversation's lane has its own, so what its bodies do to the
  // heap and the RSS does not show in the small lanes' figures (each has its own database).
  const configOf = (name: string) => {
    const file = join(dir, `${name}.json`);
    writeFileSync(file, agwConfig(join(dir, `${name}.db`)));
    return file;
  };
  const agwConfig = (database: string) =>
    JSON.stringify({
      database,
      auth: { mode: "strict", adminKey: "bench-admin-key", keys: [{ id: "bench", key: CLIENT_KEY, rpm: 100_000_000, tpm: 1_000_000_000 }] },
      metrics: { public: true },
      providers: {
        gemini: { type: "gemini", baseUrl: upstreamUrl, accounts: [{ id: "bench", apiKey: "bench-key" }] },
        oai: { type: "openai", baseUrl: `${upstreamUrl}/v1`, accounts: [{ id: "bench", apiKey: "bench-key" }] },
      },
      models: { "gpt-4o": "gemini/gemini-2.5-flash", "pt-4o": "oai/gpt-4o", "claude-sonnet-4-5": "gemini/gemini-2.5-flash" },
    });
  const binary = join(root, "dist", "agw");
  const agwArgv = existsSync(binary) ? [binary] : [process.execPath, join(root, "src/main.ts")];
  const listening = /listening on http:\/\/127\.0\.0\.1:(\d+)/;
  const agw = await spawnServer([...agwArgv, "--config", configOf("agw"), "--port", "0"], listening, "measured", join(dir, "agw-gc.log"));
  const agwLong = await spawnServer([...agwArgv, "--config", configOf("agw-long"), "--port", "0"], listening, "measured", join(dir, "agw-long-gc.log"));
  // Idle: listening, nothing served yet (each protocol's schemas load and compile at its first request).
  await Bun.sleep(1500);
  const idle = (pid: number) => ({ rss: procStatus(pid, "VmRSS"), anon: procStatus(pid, "RssAnon"), file: procStatus(pid, "RssFile") });
  const agwIdle = idle(agw.pid);
  const bareIdle = idle(bare.pid);

  const json = { "content-type": "application/json" };
  const keyed = { ...json, authorization: `Bearer ${CLIENT_KEY}` };
  // agw asks Gemini for a stream whether its client wants one or not (a JSON answer is read to its end).
  const geminiPath = "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse";
  const geminiBody = JSON.stringify({ contents: [{ role: "user", parts: [{ text: "Say hello" }] }] });
  const chat = (model: string, stream: boolean) => JSON.stringify({ model, stream, messages: [{ role: "user", content: "Say hello" }] });
  const gem = { "x-goog-api-key": "bench-key", ...json };
  const session = conversation();
  // Each lane: what agw is sent, and what agw sends upstream (called directly and through the bare proxy).
  const lanes = {
    translated: {
      agw: { url: `http://127.0.0.1:${agw.port}/v1/chat/completions`, body: chat("gpt-4o", false), headers: keyed },
      upstream: { path: geminiPath, body: geminiBody, headers: gem },
    },
    "pass-through": {
      agw: { url: `http://127.0.0.1:${agw.port}/v1/chat/completions`, body: chat("pt-4o", false), headers: keyed },
      upstream: { path: "/v1/chat/completions", body: chat("gpt-4o", false), headers: { ...json, authorization: "Bearer bench-key" } },
    },
    anthropic: {
      agw: {
        url: `http://127.0.0.1:${agw.port}/v1/messages`,
        body: JSON.stringify({ model: "claude-sonnet-4-5", max_tokens: 256, messages: [{ role: "user", content: "Say hello" }] }),
        headers: { ...json, "x-api-key": CLIENT_KEY, "anthropic-version": "2023-06-01" },
      },
      upstream: { path: geminiPath, body: geminiBody, headers: gem },
    },
    // A coding agent's request as it is sent many times an hour: the whole session so far.
    conversation: {
      agw: { url: `http://127.0.0.1:${agwLong.port}/v1/messages`, body: session.anthropic, headers: { ...json, "x-api-key": CLIENT_KEY, "anthropic-version": "2023-06-01" } },
      upstream: { path: geminiPath, body: session.gemini, headers: gem },
    },
  };
  const serverOf = (lane: keyof typeof lanes) => (lane === "conversation" ? agwLong : agw);
  // The small lanes, which the peak RSS and the soak are about, measured at c=64 apart from the long conversation.
  const smallLanes = laneNamesOf(lanes).filter((lane) => lane !== "conversation");
  type LaneName = keyof typeof lanes;
  const laneNames = laneNamesOf(lanes);
  const direct = (lane: LaneName): Target => ({ url: upstreamUrl + lanes[lane].upstream.path, body: lanes[lane].upstream.body, headers: lanes[lane].upstream.headers });
  const viaBare = (lane: LaneName): Target => ({ url: `http://127.0.0.1:${bare.port}${lanes[lane].upstream.path}`, body: lanes[lane].upstream.body, headers: lanes[lane].upstream.headers });

  console.log(`agw ${agwArgv.length === 1 ? "binary (dist/agw)" : "from source"}; ${navigator.hardwareConcurrency} cores; load: ${wrk ? "wrk" : "fetch loops (no wrk found)"}${taskset ? ", measured servers on core 0; load, upstream and this process on core 1" : ""}${QUICK ? "; --quick counts" : ""}\n`);

  // c=1 latency, every target interleaved.
  const c1TargetsOf = (names: LaneName[]) => {
    const targets: Record<string, Target> = {};
    for (const lane of names) {
      targets[`${lane}/direct`] = direct(lane);
      targets[`${lane}/bare`] = viaBare(lane);
      targets[`${lane}/agw`] = lanes[lane].agw;
    }
    return targets;
  };
  const c1 = await interleaved(c1TargetsOf(smallLanes), COUNTS.c1Rounds, COUNTS.c1PerRound, "total");

  // Stream TTFB: the translated lane's streaming request against the upstream's own stream.
  const streamTargets: Record<string, Target> = {
    direct: { ...direct("translated"), url: upstreamUrl + geminiPath },
    bare: { ...viaBare("translated"), url: `http://127.0.0.1:${bare.port}${geminiPath}` },
    agw: { ...lanes.translated.agw, body: chat("gpt-4o", true) },
  };
  const ttfb = await interleaved(streamTargets, 5, Math.ceil(COUNTS.ttfb / 5), "first");
  // The long conversation apart, after the others: its gateway's collector works on for a while after a run of
  // such bodies, on the core the others are measured on (so too at c=64 below).
  Object.assign(c1, await interleaved(c1TargetsOf(["conversation"]), COUNTS.c1Rounds, COUNTS.c1PerRound, "total"));

  // c=64, warmed first: JavaScriptCore keeps compiling hot code on a thread of its own for
  // seconds after the c=1 runs (measured: ~14 % of the process's CPU two seconds into load,
  // ~1 % after ten), and what is measured is the steady cost per request, not the JIT's.
  const viaReader = (lane: LaneName): Target => ({ ...viaBare(lane), url: `http://127.0.0.1:${reader.port}${lanes[lane].upstream.path}` });
  const warm = async (lane: LaneName) => {
    await loaded(viaBare(lane), bare, COUNTS.warmSeconds);
    await loaded(lanes[lane].agw, serverOf(lane), COUNTS.warmSeconds);
  };
  for (const lane of smallLanes) await warm(lane);
  await loaded(viaReader("pass-through"), reader, COUNTS.warmSeconds);
  const viaTranslator: Target = { ...lanes.translated.agw, url: `http://127.0.0.1:${translator.port}/v1/chat/completions`, headers: json };
  await loaded(viaTranslator, translator, COUNTS.warmSeconds);
  // Then bare and each lane, alternating bare and agw so drift hits both, in rounds: on a shared
  // machine one run can be 20-30 % off, and the median of the rounds is what is reported.
  const runs: Record<string, Load[]> = {};
  const run = async (name: string, target: Target, server: Server) => (runs[name] ??= []).push(await loaded(target, server, COUNTS.c64Seconds));
  const round = async (lane: LaneName) => {
    await run(`${lane}/bare`, viaBare(lane), bare);
    await run(`${lane}/agw`, lanes[lane].agw, serverOf(lane));
  };
  for (let rounds = 0; rounds < COUNTS.c64Rounds; rounds++) {
    for (const lane of smallLanes) await round(lane);
    // The reading floor, on the pass-through lane (JSON in, JSON out): between bare and agw, so drift hits all three.
    await run("pass-through/reader", viaReader("pass-through"), reader);
    // The translating floor, on the translated lane.
    await run("translated/translator", viaTranslator, translator);
  }
  // The long conversation after the small lanes, not between them: its gateway frees the hundreds of
  // megabytes a load of such bodies leaves behind for seconds afterwards.
  await warm("conversation");
  // More rounds than the small lanes: a load of such bodies swings by half from one round to the next with
  // the collector's phase (0.9 to 1.7 ms of CPU a request for the same binary in consecutive rounds).
  for (let rounds = 0; rounds < COUNTS.conversationRounds; rounds++) await round("conversation");
  const load: Record<string, Load> = Object.fromEntries(Object.entries(runs).map(([name, loads]) => [name, medianLoad(loads)]));
  const peakMiB = Math.max(...smallLanes.map((lane) => load[`${lane}/agw`]!.peakMiB));

  // Soak: the translated lane at c=64, RSS before and after.
  const soakBefore = procStatus(agw.pid, "VmRSS");
  const soak = await loaded(lanes.translated.agw, agw, COUNTS.soakSeconds);
  const soakAfter = procStatus(agw.pid, "VmRSS");
  const soakRequests = Math.round(soak.rps * COUNTS.soakSeconds);

  for (const child of children.splice(0)) child.kill();

  // The floors of a start-up are built the way agw is: a binary's start is compared with binaries'.
  const binaryFloors = agwArgv.length === 1;
  const bareArgv = binaryFloors ? [compiled(join(import.meta.dir, "bare-proxy.ts"), "bare-proxy")] : [process.execPath, join(import.meta.dir, "bare-proxy.ts")];
  const [agwStart, bareStart] = await startups([[...agwArgv], [...bareArgv, upstreamUrl]], COUNTS.startups);
  const helloArgv = binaryFloors ? [compiled(join(dir, "hello.ts"), "hello", 'console.log("hello");\n')] : [process.execPath, "-e", 'console.log("hello")'];
  const [version, hello] = runsToExit([[...agwArgv, "--version"], helloArgv], COUNTS.startups);

  const added = (lane: LaneName, server: "bare" | "agw", q: "p50" | "p99") => c1[`${lane}/${server}`]![q] - c1[`${lane}/direct`]![q];
  const rows: Array<[string, ...string[]]> = [
    ["added p50 over direct at c=1", signed(added("translated", "bare", "p50")), ...laneNames.map((lane) => signed(added(lane, "agw", "p50")))],
    ["added p99 over direct at c=1", signed(added("translated", "bare", "p99")), ...laneNames.map((lane) => signed(added(lane, "agw", "p99")))],
    ["c=64 throughput (× bare)", "1.00×", ...laneNames.map((lane) => `${(load[`${lane}/agw`]!.rps / load[`${lane}/bare`]!.rps).toFixed(2)}×`)],
    ["c=64 requests/s", String(Math.round(load["translated/bare"]!.rps)), ...laneNames.map((lane) => String(Math.round(load[`${lane}/agw`]!.rps)))],
    ["stream TTFB added p99", signed(ttfb.bare!.p99 - ttfb.direct!.p99), signed(ttfb.agw!.p99 - ttfb.direct!.p99), "", "", ""],
    ["CPU s per 1k requests", load["translated/bare"]!.cpuPer1k.toFixed(3), ...laneNames.map((lane) => load[`${lane}/agw`]!.cpuPer1k.toFixed(3))],
    ["JS heap allocated per request", ...["translated/bare", ...laneNames.map((lane) => `${lane}/agw`)].map((name) => `${load[name]!.kbPerRequest!.toFixed(1)} KB`)],
    ["GC pauses per 1k requests", ...["translated/bare", ...laneNames.map((lane) => `${lane}/agw`)].map((name) => `${load[name]!.gcMsPer1k!.toFixed(1)} ms`)],
    ["RSS idle / peak at c=64", `${mib(bareIdle.rss)} / ${mib(load["translated/bare"]!.peakMiB)}`, `${mib(agwIdle.rss)} / ${mib(peakMiB)}`, "", "", `peak ${mib(load["conversation/agw"]!.peakMiB)}`],
    // What the idle RSS is: the process's own memory, and the pages of the executable (the runtime's code that ran; shared, clean).
    ["RSS idle: anonymous / the executable's pages", `${mib(bareIdle.anon)} / ${mib(bareIdle.file)}`, `${mib(agwIdle.anon)} / ${mib(agwIdle.file)}`, "", "", ""],
    // The peak as well as the end: under load the heap rises and falls with the collector's full
    // collections, so a reading at one moment (the end) can land anywhere between the two.
    [`RSS before / peak / after a ${soakRequests}-request soak`, "", `${mib(soakBefore)} / ${mib(soak.peakMiB)} / ${mib(soakAfter)}`, "", "", ""],
    ["start-up to first /healthz (median)", `${bareStart.ms.toFixed(0)} ms`, `${agwStart.ms.toFixed(0)} ms (RSS ${mib(agwStart.rssMiB)})`, "", "", ""],
    ["agw --version (median)", `${hello.ms.toFixed(0)} ms (hello-world)`, `${version.ms.toFixed(0)} ms, ${mib(version.rssMiB)}`, "", "", ""],
  ];
  const header = [
    "",
    "bare proxy",
    "agw: Chat → Gemini",
    "agw: Chat → OpenAI pass-through",
    "agw: Anthropic → Gemini",
    `agw: Anthropic → Gemini, a ${Math.round(session.anthropic.length / 1024)} KB conversation`,
  ];
  const floor = load["pass-through/reader"]!;
  const translation = load["translated/translator"]!;
  const markdown = [
    `| ${header.join(" | ")} |`,
    `| ${header.map(() => "---").join(" | ")} |`,
    ...rows.map((row) => `| ${row.join(" | ")} |`),
    "",
    `A reading proxy (bench/bare-proxy.ts --reading: parses each request, re-sends it, reads the answer whole) on the pass-through lane: ` +
      `${(floor.rps / load["pass-through/bare"]!.rps).toFixed(2)}× bare, ${floor.cpuPer1k.toFixed(3)} CPU s per 1k requests, ` +
      `${floor.kbPerRequest!.toFixed(1)} KB allocated per request, GC pauses ${floor.gcMsPer1k!.toFixed(1)} ms per 1k.`,
    "",
    `A translating proxy (bench/bare-proxy.ts --translating: Chat → Gemini's SSE read whole → one Chat completion, without validation, keys, log, metrics or retries) on the translated lane: ` +
      `${(translation.rps / load["translated/bare"]!.rps).toFixed(2)}× bare, ${translation.cpuPer1k.toFixed(3)} CPU s per 1k requests, ` +
      `${translation.kbPerRequest!.toFixed(1)} KB allocated per request, GC pauses ${translation.gcMsPer1k!.toFixed(1)} ms per 1k.`,
  ].join("\n");
  console.log(markdown);
  if (OUT) {
    const commit = Bun.spawnSync(["git", "rev-parse", "--short", "HEAD"], { cwd: root }).stdout.toString().trim() || "unknown";
    const machine = `${cpus()[0]?.model ?? "unknown CPU"}, ${navigator.hardwareConcurrency} cores`;
    writeFileSync(
      OUT,
      `Measured ${new Date().toISOString().slice(0, 10)} on ${machine}, Bun ${Bun.version}, agw ${commit}` +
        ` (${agwArgv.length === 1 ? "binary" : "source"}; ${wrk ? "wrk" : "fetch"} load${taskset ? ", the measured server on a core of its own" : ""}):\n\n${markdown}\n`,
    );
    console.log(`\nwrote ${OUT}`);
  }
} finally {
  for (const child of children) child.kill();
  rmSync(dir, { recursive: true, force: true });
}

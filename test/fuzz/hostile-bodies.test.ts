/**
 * A seeded fuzz run over every POST route: real client bodies, mutated the
 * ways hostile or broken clients send them (fields removed, values of the
 * wrong type, deep nesting, huge strings, invalid UTF-8, wrong content
 * types, truncated JSON). Behind agw is the mock upstream, which never
 * fails: any 5xx is agw's own fault, and every error must come in the
 * route's own shape. /healthz must keep answering throughout, and memory
 * must come back down afterwards. Bounded: a fixed number of requests.
 *
 * AGW_FUZZ_SEED and AGW_FUZZ_COUNT change the run (the seed is printed).
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { startTestGateway, type TestGateway } from "../harness/gateway.ts";

const SEED = Number(process.env.AGW_FUZZ_SEED ?? 20261203);
const COUNT = Number(process.env.AGW_FUZZ_COUNT ?? 1200);

/** mulberry32: a small, fast, seeded generator, so a failing run can be replayed. */
function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!, int: (n: number) => Math.floor(next() * n) };
}

type Shape = "openai" | "anthropic" | "gemini";
interface Route {
  path: string;
  shape: Shape;
  body: Record<string, unknown>;
}

const routes: Route[] = [
  {
    path: "/v1/chat/completions",
    shape: "openai",
    body: {
      model: "demo",
      stream: false,
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: [{ type: "text", text: "What is in this image?" }, { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } }] },
        { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }] },
        { role: "tool", tool_call_id: "call_1", content: "sunny" },
      ],
      tools: [{ type: "function", function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } } }],
      temperature: 0.2,
      max_tokens: 50,
    },
  },
  {
    path: "/v1/messages",
    shape: "anthropic",
    body: {
      model: "demo",
      max_tokens: 100,
      system: [{ type: "text", text: "Be brief.", cache_control: { type: "ephemeral" } }],
      thinking: { type: "enabled", budget_tokens: 1024 },
      messages: [
        { role: "user", content: "Read a file" },
        { role: "assistant", content: [{ type: "thinking", thinking: "ok", signature: "sig" }, { type: "tool_use", id: "toolu_1", name: "Read", input: { path: "/a" } }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "file text" }] },
      ],
      tools: [{ name: "Read", input_schema: { type: "object", properties: { path: { type: "string" } } } }],
      stream: false,
    },
  },
  {
    path: "/v1/messages/count_tokens",
    shape: "anthropic",
    body: { model: "demo", messages: [{ role: "user", content: "count me" }] },
  },
  {
    path: "/v1/responses",
    shape: "openai",
    body: {
      model: "demo",
      instructions: "Be brief.",
      input: [
        { role: "user", content: [{ type: "input_text", text: "List files" }] },
        { type: "function_call", call_id: "call_1", name: "exec_command", arguments: '{"cmd":"ls"}' },
        { type: "function_call_output", call_id: "call_1", output: "a.txt" },
      ],
      tools: [{ type: "function", name: "exec_command", parameters: { type: "object", properties: { cmd: { type: "string" } } } }],
      metadata: { user: "fuzz" },
      store: false,
      stream: false,
    },
  },
  { path: "/v1/completions", shape: "openai", body: { model: "demo", prompt: "Once upon a time", max_tokens: 20 } },
  // The mock has neither embeddings nor images: these reach their decoders and end in a 400 in the route's shape.
  { path: "/v1/embeddings", shape: "openai", body: { model: "demo", input: ["a", "b"], dimensions: 8, encoding_format: "float" } },
  { path: "/v1/images/generations", shape: "openai", body: { model: "demo", prompt: "a cat", n: 2, size: "1024x1024", response_format: "b64_json" } },
  {
    path: "/v1beta/models/demo:batchEmbedContents",
    shape: "gemini",
    body: { requests: [{ model: "models/demo", content: { parts: [{ text: "x" }] }, outputDimensionality: 8 }] },
  },
  {
    path: "/v1beta/models/demo:generateContent",
    shape: "gemini",
    body: {
      contents: [{ role: "user", parts: [{ text: "hello" }] }],
      systemInstruction: { parts: [{ text: "Be brief." }] },
      generationConfig: { temperature: 0.3, maxOutputTokens: 40, thinkingConfig: { includeThoughts: true } },
      tools: [{ functionDeclarations: [{ name: "f", parameters: { type: "OBJECT", properties: { a: { type: "STRING" } } } }] }],
    },
  },
];

const oddValues = (rng: ReturnType<typeof generator>): unknown[] => [
  null,
  true,
  -1,
  0,
  1e308,
  Number.MAX_SAFE_INTEGER,
  "",
  "x".repeat(rng.int(5) === 0 ? 2_000_000 : 50),
  [],
  [null],
  {},
  { type: "unknown_kind" },
  "\u0000\ud800",
  [[[[[]]]]],
];

/** Every path to a value inside the body. */
function paths(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (value === null || typeof value !== "object") return [prefix];
  const entries = Array.isArray(value) ? value.map((item, index) => [index, item] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([key, item]) => paths(item, [...prefix, key]))];
}

function setAt(root: any, path: Array<string | number>, value: unknown, remove = false): any {
  if (path.length === 0) return value;
  const copy = structuredClone(root);
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key];
  const last = path.at(-1)!;
  if (remove) {
    if (Array.isArray(node)) node.splice(Number(last), 1);
    else delete node[last];
  } else node[last] = value;
  return copy;
}

interface Attack {
  route: Route;
  body: string | Uint8Array;
  contentType: string;
  kind: string;
}

function mutate(rng: ReturnType<typeof generator>, route: Route): Attack {
  const base = structuredClone(route.body);
  if (rng.int(4) === 0) (base as any).stream = true;
  const all = paths(base);
  const at = rng.pick(all);
  const json = (value: unknown, kind: string): Attack => ({ route, body: JSON.stringify(value), contentType: "application/json", kind });
  switch (rng.int(9)) {
    case 0:
      return json(setAt(base, at, undefined, true), `remove ${at.join(".")}`);
    case 1:
    case 2:
      return json(setAt(base, at, rng.pick(oddValues(rng))), `replace ${at.join(".")}`);
    case 3: {
      const depth = rng.pick([200, 5_000, 50_000]);
      return { route, body: JSON.stringify(setAt(base, at, 0)).replace(/0(?=[,}\]])/, "[".repeat(depth) + "]".repeat(depth)), contentType: "application/json", kind: `nest ${depth} at ${at.join(".")}` };
    }
    case 4: {
      const text = JSON.stringify(base);
      return { route, body: text.slice(0, rng.int(text.length)), contentType: "application/json", kind: "truncated" };
    }
    case 5: {
      const bytes = new TextEncoder().encode(JSON.stringify(base));
      const spoiled = new Uint8Array(bytes);
      for (let index = 0; index < 3; index++) spoiled[rng.int(spoiled.length)] = rng.pick([0xff, 0xc3, 0x80, 0xed, 0x00]);
      return { route, body: spoiled, contentType: "application/json", kind: "invalid utf-8" };
    }
    case 6:
      return { route, body: JSON.stringify(base), contentType: rng.pick(["text/plain", "application/x-www-form-urlencoded", "", "multipart/form-data"]), kind: "content type" };
    case 7:
      return json(rng.pick([[], "string", 42, null, [base]]), "not an object");
    default:
      return json(setAt(base, at, { ...(typeof base === "object" ? {} : {}), extra: rng.pick(oddValues(rng)) }), `object at ${at.join(".")}`);
  }
}

function inShape(shape: Shape, body: any): boolean {
  switch (shape) {
    case "openai":
      return typeof body?.error?.message === "string" && typeof body.error.type === "string" && "param" in body.error && "code" in body.error;
    case "anthropic":
      return body?.type === "error" && typeof body.error?.type === "string" && typeof body.error.message === "string";
    case "gemini":
      return typeof body?.error?.code === "number" && typeof body.error.message === "string" && typeof body.error.status === "string";
  }
}

let agw: TestGateway;
beforeAll(() => {
  agw = startTestGateway({ providers: { demo: { type: "mock" } }, models: { "*": "demo/echo" }, limits: { maxBodyBytes: 4 * 1024 * 1024 } });
});
afterAll(() => agw.stop());

test(
  `seed ${SEED}: ${COUNT} hostile bodies over every POST route — no 5xx of agw's own, every error in the route's shape`,
  async () => {
    const rng = generator(SEED);
    const problems: string[] = [];
    const healthLatencies: number[] = [];
    let healthFailures = 0;
    let stop = false;
    const watcher = (async () => {
      while (!stop) {
        const started = performance.now();
        const response = await fetch(`${agw.url}/healthz`).catch(() => undefined);
        healthLatencies.push(performance.now() - started);
        if (response?.status !== 200) healthFailures++;
        await response?.arrayBuffer();
        await Bun.sleep(20);
      }
    })();
    const statuses = new Map<number, number>();
    const rssBefore = process.memoryUsage().rss;
    const concurrency = 8;
    let next = 0;
    const worker = async () => {
      while (next < COUNT) {
        const index = next++;
        const attack = mutate(rng, rng.pick(routes));
        const response = await fetch(`${agw.url}${attack.route.path}`, {
          method: "POST",
          headers: attack.contentType ? { "content-type": attack.contentType } : {},
          body: attack.body,
        });
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        const text = await response.text();
        const where = `#${index} ${attack.route.path} (${attack.kind})`;
        if (response.status >= 500) problems.push(`${where}: ${response.status} ${text.slice(0, 300)}`);
        if (response.status >= 400) {
          let body: unknown;
          try {
            body = JSON.parse(text);
          } catch {
            body = undefined;
          }
          if (!inShape(attack.route.shape, body)) problems.push(`${where}: ${response.status} not in ${attack.route.shape}'s shape: ${text.slice(0, 300)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    stop = true;
    await watcher;
    Bun.gc(true);
    const rssAfter = process.memoryUsage().rss;
    const sorted = [...healthLatencies].sort((a, b) => a - b);
    console.log(
      `fuzz seed ${SEED}: ${COUNT} requests, statuses ${JSON.stringify(Object.fromEntries(statuses))}; /healthz p50 ${sorted[Math.floor(sorted.length / 2)]?.toFixed(1)} ms, max ${sorted.at(-1)?.toFixed(1)} ms over ${sorted.length} probes; RSS ${(rssBefore / 2 ** 20).toFixed(0)} → ${(rssAfter / 2 ** 20).toFixed(0)} MiB`,
    );
    expect(problems).toEqual([]);
    expect(healthFailures).toBe(0);
    // The gateway runs in this process: what a run leaves behind must not be the size of what it was sent.
    expect(rssAfter - rssBefore).toBeLessThan(256 * 2 ** 20);
    // The server still serves a plain request afterwards.
    const after = await fetch(`${agw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "demo", messages: [{ role: "user", content: "still here?" }] }),
    });
    expect(((await after.json()) as any).choices[0].message.content).toBe("still here?");
  },
  240_000,
);

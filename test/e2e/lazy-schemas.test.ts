/**
 * A gateway compiles no protocol's request schemas until that protocol's
 * first request, and nothing compiles them in the background: all five
 * compiled took 12 MB of an idle gateway's memory. Nor does it load the
 * admin API's, the dashboard's and the images handlers' modules before
 * their first request. Run in processes of their own, since the test
 * runner's other files compile schemas and load modules in this one.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(import.meta.dir, "../..");
const dir = mkdtempSync(join(tmpdir(), "agw-lazy-schemas-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Prints how many schemas have compiled: after start, after a quiet second, then after each protocol's
// first request (and a second Anthropic request, which compiles nothing more).
const script = `
import { parseConfig } from ${JSON.stringify(join(root, "src/config/load.ts"))};
import { openGateway } from ${JSON.stringify(join(root, "src/server/gateway.ts"))};
import { schemasCompiled } from ${JSON.stringify(join(root, "src/protocols/shared/lazy-compile.ts"))};
const config = parseConfig({ database: ":memory:", providers: { demo: { type: "mock" } }, models: { "*": "demo/mock-model" } }, "test.json");
const gateway = await openGateway(config, { host: "127.0.0.1", port: 0 });
const seen = { started: schemasCompiled() };
await Bun.sleep(1000);
seen.quiet = schemasCompiled();
const post = async (path, body, headers = {}) => {
  const response = await fetch(gateway.url + path, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  return [response.status, (await response.text()).length > 0];
};
const anthropic = { "anthropic-version": "2023-06-01" };
seen.answers = [await post("/v1/messages", { model: "claude-x", max_tokens: 20, messages: [{ role: "user", content: "hi" }] }, anthropic)];
seen.anthropic = schemasCompiled();
seen.answers.push(await post("/v1/messages", { model: "claude-x", max_tokens: 20, messages: [{ role: "user", content: "again" }] }, anthropic));
seen.again = schemasCompiled();
seen.answers.push(await post("/v1/chat/completions", { model: "gpt-x", messages: [{ role: "user", content: "hi" }] }));
seen.chat = schemasCompiled();
console.log(JSON.stringify(seen));
process.exit(0);
`;

/** Runs a probe script in a process of its own; what its last line of output says, once it exited cleanly. */
async function probe(name: string, source: string): Promise<Record<string, unknown>> {
  const file = join(dir, `${name}.ts`);
  writeFileSync(file, source);
  const child = Bun.spawn([process.execPath, file], { cwd: dir, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  expect({ code, stderr: stderr.split("\n").filter((line) => /error/i.test(line)) }).toEqual({ code: 0, stderr: [] });
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as Record<string, unknown>;
}

test("schemas compile at their protocol's first request only, never in the background", async () => {
  const seen = await probe("schemas", script);
  expect(seen.answers).toEqual([
    [200, true],
    [200, true],
    [200, true],
  ]);
  // None at start, none after a quiet second; the Anthropic request compiles the Messages schema alone (not
  // count_tokens'), a second compiles nothing, the first Chat request compiles Chat's.
  expect({ started: seen.started, quiet: seen.quiet, anthropic: seen.anthropic, again: seen.again, chat: seen.chat }).toEqual({
    started: 0,
    quiet: 0,
    anthropic: 1,
    again: 1,
    chat: 2,
  });
}, 30_000);

// Which of the admin API's, the dashboard's and the images handlers' modules are loaded: after start, then after
// each's first request.
const modulesScript = `
import { parseConfig } from ${JSON.stringify(join(root, "src/config/load.ts"))};
import { openGateway } from ${JSON.stringify(join(root, "src/server/gateway.ts"))};
const config = parseConfig({ database: ":memory:", auth: { adminKey: "admin-key-0123456789" }, providers: { demo: { type: "mock" } }, models: { "*": "demo/mock-model" } }, "test.json");
const gateway = await openGateway(config, { host: "127.0.0.1", port: 0 });
const loaded = () => Object.keys(require.cache).filter((path) => path.includes("/src/server/handlers/")).map((path) => path.split("/").pop()).filter((name) => ["admin.ts", "admin-keys.ts", "dashboard.ts", "images.ts"].includes(name)).sort();
const seen = { started: loaded() };
const admin = await fetch(gateway.url + "admin/keys", { headers: { authorization: "Bearer admin-key-0123456789" } });
seen.admin = [admin.status, await admin.json(), loaded()];
const signIn = await fetch(gateway.url + "ui/sign-in");
seen.dashboard = [signIn.status, (await signIn.text()).includes('name="key"'), loaded()];
const image = await fetch(gateway.url + "v1/images/generations", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ prompt: "" }) });
seen.images = [image.status, (await image.json()).error.message, loaded()];
console.log(JSON.stringify(seen));
process.exit(0);
`;

test("the admin API, the dashboard and the images handlers load at their first request, not at start-up", async () => {
  expect(await probe("modules", modulesScript)).toEqual({
    started: [],
    admin: [200, { keys: [] }, ["admin-keys.ts", "admin.ts"]],
    dashboard: [200, true, ["admin-keys.ts", "admin.ts", "dashboard.ts"]],
    images: [400, "invalid images request: prompt: Too small: expected string to have >=1 characters", ["admin-keys.ts", "admin.ts", "dashboard.ts", "images.ts"]],
  });
}, 30_000);

import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FAKE_MODELS, startFakeOpenAI } from "../../test/harness/fake-openai.ts";

const upstream = startFakeOpenAI();
afterAll(() => upstream.stop());

/** Runs the real CLI; asynchronously, because the fake upstream answers from this same process. */
async function agw(...args: string[]) {
  const child = Bun.spawn([process.execPath, join(import.meta.dir, "../main.ts"), ...args], { stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  return { code, out, err };
}

test("agw models lists the mapped names; --refresh asks each upstream for its own", async () => {
  const dir = mkdtempSync(join(tmpdir(), "agw-models-"));
  const config = join(dir, "agw.json");
  writeFileSync(
    config,
    JSON.stringify({
      providers: {
        openai: { type: "openai", baseUrl: upstream.url, accounts: [{ id: "me", apiKey: "sk-secret-upstream" }], models: ["gpt-4o"] },
        demo: { type: "mock" },
      },
      models: { "my-model": "openai/gpt-4o-mini", "claude-*": "demo/echo" },
    }),
  );
  const plain = await agw("models", "--config", config);
  expect(plain.code).toBe(0);
  expect(plain.out).toContain("my-model");
  expect(plain.out).toContain("claude-*");
  expect(plain.out).not.toContain("openai/o4-mini");

  const refreshed = await agw("models", "--config", config, "--refresh");
  expect(refreshed.code).toBe(0);
  for (const model of FAKE_MODELS) expect(refreshed.out).toContain(`openai/${model}`);
  expect(refreshed.out + refreshed.err).not.toContain("sk-secret-upstream");
}, 20_000);

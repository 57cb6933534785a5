/**
 * A real browser for tests: Debian's Chromium driven by puppeteer-core.
 *
 *   const browser = await launchBrowser();
 *   const app = testOrigin("app", pages.url.port); // "http://app.test:PORT", served by 127.0.0.1
 *   await withPage(browser, "allowed-origin", async (page) => {
 *     await page.goto(`${app}/`);
 *     const answer = await page.evaluate(async (url) => (await fetch(url)).status, `${agw.url}/healthz`);
 *   });
 *   await browser.close();
 *
 * `bundleForBrowser("openai")` turns a package into a module a page can load.
 *
 * Every name under `.test` (reserved for testing, RFC 6761) resolves to
 * 127.0.0.1, so a test can put pages on as many origins as it needs with one
 * local server; `localhost` and `127.0.0.1` work as usual and every other
 * name fails to resolve, so a page can never reach the network beyond
 * loopback. A missing Chromium is an error, never a skip: CI installs it
 * (`.ci/run`), and a developer gets the command to run.
 */
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import puppeteer, { type Browser, type Page } from "puppeteer-core";

/** Debian's Chromium (`apt-get install chromium`); AGW_TEST_CHROMIUM points elsewhere on other systems. */
export const CHROMIUM_PATH = process.env.AGW_TEST_CHROMIUM || "/usr/bin/chromium";

/** Where screenshots and page logs of failed browser tests go; CI keeps this folder. */
export const ARTIFACTS_DIR = join(import.meta.dir, "..", "..", "test-artifacts");

/**
 * Host-resolver rules: exclusions are checked before any mapping, so IP
 * literals stay themselves; `*.test` and localhost reach this machine and
 * everything else is NOTFOUND.
 */
const HOST_RULES = "MAP *.test 127.0.0.1, MAP localhost 127.0.0.1, EXCLUDE 127.0.0.1, MAP * ~NOTFOUND";

/** A page origin of its own that the browser resolves to 127.0.0.1: `testOrigin("app", 4000)` is `http://app.test:4000`. */
export function testOrigin(name: string, port: number | string): string {
  return `http://${name}.test:${port}`;
}

/**
 * A package (or file) bundled into one ES module for the browser, to serve to
 * a page: `<script type="module">import OpenAI from "/openai.js"</script>`.
 * Resolved from the project, so a page runs the same version the tests pin.
 */
export async function bundleForBrowser(specifier: string): Promise<string> {
  const result = await Bun.build({ entrypoints: [Bun.resolveSync(specifier, import.meta.dir)], target: "browser", format: "esm" });
  const [output] = result.outputs;
  if (!result.success || output === undefined || result.outputs.length !== 1) {
    throw new AggregateError(result.logs, `bundling ${specifier} for the browser did not give one module`);
  }
  return output.text();
}

/** Headless Chromium with only loopback to talk to. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}, and the browser tests need it: ` +
        "run `apt-get install -y --no-install-recommends chromium` (Debian; .ci/run does this on CI), " +
        "or set AGW_TEST_CHROMIUM to a Chromium or Chrome binary.",
    );
  }
  return puppeteer.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      // Tests run as root on CI, where Chromium's sandbox cannot start; the pages are the tests' own.
      "--no-sandbox",
      "--no-proxy-server",
      `--host-resolver-rules=${HOST_RULES}`,
    ],
  });
}

/**
 * Runs `run` on a fresh page in its own browser context (no cookies, cache or
 * CORS preflight cache shared with other tests). On failure it saves a
 * screenshot and the page's console, errors and failed requests as
 * `test-artifacts/<name>.png` and `.log`, then rethrows.
 */
export async function withPage<T>(browser: Browser, name: string, run: (page: Page) => Promise<T>): Promise<T> {
  const context = await browser.createBrowserContext();
  try {
    const page = await context.newPage();
    // Fail within a test's time rather than puppeteer's 30 s.
    page.setDefaultTimeout(4_000);
    const log: string[] = [];
    page.on("console", (message) => log.push(`console.${message.type()}: ${message.text()}`));
    page.on("pageerror", (error) => log.push(`page error: ${error instanceof Error ? error.stack : String(error)}`));
    page.on("requestfailed", (request) => log.push(`request failed: ${request.method()} ${request.url()}: ${request.failure()?.errorText}`));
    page.on("response", (response) => log.push(`response: ${response.request().method()} ${response.url()} → ${response.status()}`));
    try {
      return await run(page);
    } catch (error) {
      await saveArtifacts(page, name, log, error);
      throw error;
    }
  } finally {
    await context.close();
  }
}

async function saveArtifacts(page: Page, name: string, log: string[], error: unknown): Promise<void> {
  const base = join(ARTIFACTS_DIR, name.replace(/[^a-zA-Z0-9._-]+/g, "-"));
  try {
    await mkdir(ARTIFACTS_DIR, { recursive: true });
    const lines = [`page: ${page.url()}`, `failure: ${error instanceof Error ? error.message : String(error)}`, ...log];
    await writeFile(`${base}.log`, `${lines.join("\n")}\n`);
    await page.screenshot({ path: `${base}.png`, fullPage: true });
    console.error(`browser test "${name}" failed: screenshot and page log in ${base}.png / .log`);
  } catch (saveError) {
    // The test's own failure matters more than a missing screenshot.
    console.error(`browser test "${name}" failed; saving its artifacts failed too:`, saveError);
  }
}

/**
 * Runs the real opencode CLI (`opencode-ai`, installed as a dev dependency)
 * once, non-interactively (`opencode run`), against a local OpenAI
 * Chat Completions endpoint, in a throw-away HOME so it never reads or
 * writes real config, sessions or credentials.
 *
 *   const run = await runOpencode({ baseUrl: agw.url, apiKey: "agw-key", prompt: "Say hello" });
 *   run.exitCode  // 0
 *   run.events    // the `--format json` events: step_start, text, tool_use, step_finish, …
 *   run.texts     // the text of every `text` event, in order
 *
 * The CLI gets `~/.config/opencode/opencode.json` with one custom provider,
 * `agw` (`npm: "@ai-sdk/openai-compatible"`, `options.baseURL = "<baseUrl>/v1"`,
 * `options.apiKey = "{env:AGW_API_KEY}"`), the only provider enabled. That
 * provider package is bundled in the opencode binary: nothing is installed
 * for it. Two things would still reach the network, and are switched off:
 * - the model catalog (models.dev, fetched from models.opencode.ai at
 *   start-up and hourly): OPENCODE_DISABLE_MODELS_FETCH=1;
 * - a background `npm install @opencode-ai/plugin` (from registry.npmjs.org)
 *   into every config directory that has no `node_modules` yet, so that
 *   local plugins can import it. opencode skips it when the directory has a
 *   `node_modules` folder and a package-lock.json that lists every
 *   dependency of its package.json plus `@opencode-ai/plugin`; we write
 *   those three. Nothing in these runs loads a plugin.
 * With them, strace shows no DNS lookup and no connection except to
 * 127.0.0.1 (see README.md). Variables of the parent process that could
 * point it elsewhere (OPENAI_*, OPENCODE_*, proxies, cloud providers) are
 * not passed on.
 *
 * The npm package's `bin/opencode.exe` is a native (Bun-compiled)
 * executable that its postinstall links from the platform package
 * (`opencode-linux-x64/bin/opencode`, or `-baseline` for CPUs without AVX2).
 * We run the platform binary directly when it can be found, so the harness
 * also works when install scripts were skipped.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { arch, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { runProcess } from "../../harness/run-process.ts";

export interface RunOpencodeOptions {
  /** The gateway's root URL, e.g. "http://127.0.0.1:8045"; `/v1` is appended unless it already ends with it. Must be local. */
  baseUrl: string;
  /** Put into AGW_API_KEY, which the provider's `apiKey` names; sent as "Authorization: Bearer …". Default "test-key". */
  apiKey?: string;
  prompt: string;
  /** Working directory of the CLI (its project, where its tools read and write). Default: a fresh temp dir. */
  cwd?: string;
  /** The model id under the `agw` provider, sent as is as `model`. Default "gemini-2.5-flash". */
  model?: string;
  /** `--title`: with it opencode asks no model for a session title (one upstream call fewer). Default "agw e2e". Pass null to let it ask. */
  title?: string | null;
  /** More `provider.agw.options` (e.g. `name`), applied over baseURL and apiKey. */
  providerOptions?: Record<string, unknown>;
  /** More top-level keys for opencode.json (e.g. `permission`), applied over the defaults. */
  config?: Record<string, unknown>;
  /** More CLI arguments, after the defaults and before the prompt. */
  extraArgs?: string[];
  /** More environment variables, applied last. */
  env?: Record<string, string>;
  /** Hard limit; the process group is killed after it. Default 90 s. */
  timeoutMs?: number;
  /** The command that starts the CLI, before its arguments (default: `opencodeCommand()`), e.g. to wrap it in strace. */
  executable?: string[];
  /** Keep the temp HOME (its path is in the result) for debugging. */
  keepHome?: boolean;
}

export interface RunOpencodeResult {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** Every JSON line of stdout (`--format json`), in order. */
  events: any[];
  /** The `part.text` of every `text` event, in order. */
  texts: string[];
  durationMs: number;
  home: string;
  command: string[];
}

const require = createRequire(import.meta.url);

/** The platform packages opencode-ai's postinstall chooses from, best first. */
function platformPackages(): string[] {
  const platform = process.platform === "win32" ? "windows" : process.platform;
  const cpu = arch();
  const names = [`opencode-${platform}-${cpu}`];
  if (cpu === "x64") names.push(`opencode-${platform}-x64-baseline`);
  if (platform === "linux") names.push(...names.map((name) => `${name}-musl`));
  return names;
}

/** The command that starts the installed CLI: [executable]. */
export function opencodeCommand(): string[] {
  const packageJsonPath = require.resolve("opencode-ai/package.json");
  const packageDir = dirname(packageJsonPath);
  const file = process.platform === "win32" ? "opencode.exe" : "opencode";
  // 1. The native binary of this platform's optional package (what the postinstall links into bin/opencode.exe).
  for (const name of platformPackages()) {
    try {
      const binary = join(dirname(require.resolve(`${name}/package.json`, { paths: [packageDir] })), "bin", file);
      if (existsSync(binary)) return [binary];
    } catch {
      // not installed for this platform
    }
  }
  // 2. The package's bin, once its postinstall has put the binary there.
  const bin = join(packageDir, "bin", "opencode.exe");
  if (existsSync(bin)) return [bin];
  throw new Error(`cannot find a runnable opencode binary in ${packageDir} or its platform packages (${platformPackages().join(", ")})`);
}

/** The version the installed package declares, e.g. "1.18.33". */
export function opencodeVersion(): string {
  return JSON.parse(readFileSync(require.resolve("opencode-ai/package.json"), "utf8")).version;
}

/** The opencode.json runOpencode writes (exported for the README). */
export function opencodeConfig(options: {
  baseUrl: string;
  model?: string;
  providerOptions?: Record<string, unknown>;
  config?: Record<string, unknown>;
}): Record<string, unknown> {
  const apiBase = options.baseUrl.replace(/\/+$/, "").replace(/(\/v1)?$/, "/v1");
  const model = options.model ?? "gemini-2.5-flash";
  return {
    $schema: "https://opencode.ai/config.json",
    model: `agw/${model}`,
    // Titles and summaries go to the same model: else opencode looks for a small model of another provider.
    small_model: `agw/${model}`,
    enabled_providers: ["agw"],
    autoupdate: false,
    share: "disabled",
    provider: {
      agw: {
        npm: "@ai-sdk/openai-compatible",
        name: "agw",
        options: { baseURL: apiBase, apiKey: "{env:AGW_API_KEY}", ...options.providerOptions },
        models: { [model]: { name: `${model} via agw`, tool_call: true, limit: { context: 1_000_000, output: 8192 } } },
      },
    },
    ...options.config,
  };
}

/** Environment variables that keep the CLI quiet, local and non-interactive. */
export const quietEnv: Record<string, string> = {
  // Else the model catalog is fetched from models.opencode.ai at start-up.
  OPENCODE_DISABLE_MODELS_FETCH: "1",
  OPENCODE_DISABLE_AUTOUPDATE: "1",
  OPENCODE_DISABLE_LSP_DOWNLOAD: "1",
  OPENCODE_DISABLE_SHARE: "1",
  OPENCODE_DISABLE_TERMINAL_TITLE: "1",
  // No ~/.claude or ~/.agents skills and prompts: the home is empty anyway, but say so.
  OPENCODE_DISABLE_CLAUDE_CODE: "1",
  OPENCODE_DISABLE_EXTERNAL_SKILLS: "1",
  NO_COLOR: "1",
  TERM: "dumb",
  NO_PROXY: "127.0.0.1,localhost,::1",
  no_proxy: "127.0.0.1,localhost,::1",
};

/** Parent variables that must not reach the CLI: they would send it elsewhere or change its auth or config. */
function inheritedEnv(): Record<string, string> {
  const dropped =
    /^(OPENCODE|OPENAI_|AZURE_|ANTHROPIC_|CLAUDE|GEMINI_|GOOGLE_|GCLOUD|VERTEX|CLOUD_ML|AWS_|OPENROUTER|GROQ|XAI_|DEEPSEEK|MISTRAL|OLLAMA|LMSTUDIO|GITHUB_|GH_|COPILOT|OTEL_|HTTPS?_PROXY|ALL_PROXY|NO_PROXY|SSL_CERT|NODE_OPTIONS|NODE_EXTRA_CA|BUN_|NPM_CONFIG_)/i;
  const keep: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !dropped.test(name)) keep[name] = value;
  }
  return keep;
}

function assertLocal(baseUrl: string): void {
  const host = new URL(baseUrl).hostname;
  if (!["127.0.0.1", "localhost", "[::1]", "::1"].includes(host)) {
    throw new Error(`runOpencode only talks to local servers, not ${host}`);
  }
}

/**
 * Marks a config directory as having its dependencies installed, so opencode
 * does not `npm install @opencode-ai/plugin` into it in the background.
 */
function markDependenciesInstalled(configDir: string): void {
  mkdirSync(join(configDir, "node_modules"), { recursive: true });
  const dependencies = { "@opencode-ai/plugin": opencodeVersion() };
  writeFileSync(join(configDir, "package.json"), JSON.stringify({ dependencies }, null, 2));
  writeFileSync(join(configDir, "package-lock.json"), JSON.stringify({ lockfileVersion: 3, packages: { "": { dependencies } } }, null, 2));
}

export async function runOpencode(options: RunOpencodeOptions): Promise<RunOpencodeResult> {
  assertLocal(options.baseUrl);
  const home = mkdtempSync(join(tmpdir(), "agw-opencode-home-"));
  const cwd = options.cwd ?? mkdtempSync(join(tmpdir(), "agw-opencode-cwd-"));
  const configDir = join(home, ".config", "opencode");
  mkdirSync(configDir, { recursive: true });
  mkdirSync(join(home, "tmp"));
  writeFileSync(join(configDir, "opencode.json"), JSON.stringify(opencodeConfig(options), null, 2));
  markDependenciesInstalled(configDir);

  const env: Record<string, string> = {
    ...inheritedEnv(),
    // opencode takes its project directory from PWD before the process's own working directory:
    // the parent's PWD would make it work in (and let its tools loose on) the parent's folder.
    PWD: cwd,
    HOME: home,
    USERPROFILE: home,
    XDG_CONFIG_HOME: join(home, ".config"),
    XDG_CACHE_HOME: join(home, ".cache"),
    XDG_DATA_HOME: join(home, ".local", "share"),
    XDG_STATE_HOME: join(home, ".local", "state"),
    // Its scratch folder (`<tmp>/opencode`, offered to the bash tool) stays in the throw-away home.
    TMPDIR: join(home, "tmp"),
    ...quietEnv,
    AGW_API_KEY: options.apiKey ?? "test-key",
    ...options.env,
  };

  const title = options.title === undefined ? "agw e2e" : options.title;
  const command = [
    ...(options.executable ?? opencodeCommand()),
    "run",
    "--format",
    "json",
    ...(title !== null ? ["--title", title] : []),
    ...(options.extraArgs ?? []),
    // One argument: `opencode run` joins its message arguments and quotes those with spaces.
    "--",
    options.prompt,
  ];

  const started = performance.now();
  const result = await runProcess(command, { cwd, env, timeoutMs: options.timeoutMs ?? 90_000 });

  const events = result.stdout.split("\n").flatMap((line) => {
    if (!line.trim()) return [];
    try {
      return [JSON.parse(line)];
    } catch {
      return [];
    }
  });
  const texts = events.filter((event) => event.type === "text").map((event) => String(event.part?.text ?? ""));
  if (!options.keepHome) rmSync(home, { recursive: true, force: true });
  if (!options.cwd) rmSync(cwd, { recursive: true, force: true });
  return { ...result, events, texts, durationMs: Math.round(performance.now() - started), home, command };
}

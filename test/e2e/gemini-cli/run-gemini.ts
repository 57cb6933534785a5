/**
 * Runs the real Gemini CLI (`@google/gemini-cli`, installed as a dev
 * dependency) once, non-interactively (`-p`), against a local Gemini-API
 * endpoint, in a throw-away HOME so it never reads or writes real config,
 * sessions or credentials.
 *
 *   const run = await runGemini({ baseUrl: agw.url, apiKey: "agw-key", prompt: "Say hello", model: "gemini-2.5-flash" });
 *   run.exitCode  // 0
 *   run.json      // the parsed `--output-format json` result: { session_id, response, stats }
 *
 * The CLI reads its endpoint from GOOGLE_GEMINI_BASE_URL (the root URL: the
 * SDK inside adds `/v1beta` itself) and its key from GEMINI_API_KEY, with
 * API-key auth chosen in `~/.gemini/settings.json`
 * (`security.auth.selectedType: "gemini-api-key"`). The same settings file
 * turns off what would reach the network: usage statistics (without that
 * one the CLI resolves play.googleapis.com at start-up), telemetry,
 * auto-update and its notice, IDE integration. With them, strace shows no
 * DNS lookup and no connection except to 127.0.0.1 (see README.md).
 * Variables of the parent process that could point it elsewhere (GEMINI_*,
 * GOOGLE_*, proxies, cloud providers) are not passed on.
 *
 * The package's bin is `bundle/gemini.js`, plain JavaScript for Node; there
 * is no native binary and no install script that matters (node-pty and
 * keytar are optional, and unused with `-p`).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { runProcess } from "../../harness/run-process.ts";

export interface RunGeminiOptions {
  /** GOOGLE_GEMINI_BASE_URL: the gateway's root URL, e.g. "http://127.0.0.1:8045" (no `/v1beta`). Must be local. */
  baseUrl: string;
  /** GEMINI_API_KEY, sent as `x-goog-api-key`. Default "test-key". */
  apiKey?: string;
  prompt: string;
  /** Working directory of the CLI (and of the files its tools read). Default: a fresh temp dir. */
  cwd?: string;
  /** `-m <model>`. Without it the CLI picks its default (`auto`, which asks a router model first). */
  model?: string;
  /** `--approval-mode` (default "yolo": every tool call runs without asking, as a script needs). */
  approvalMode?: "default" | "auto_edit" | "yolo" | "plan";
  /** More keys for ~/.gemini/settings.json, merged over the defaults one level deep. */
  settings?: Record<string, Record<string, unknown>>;
  /** More CLI arguments, after the defaults. */
  extraArgs?: string[];
  /** More environment variables, applied last. */
  env?: Record<string, string>;
  /** Hard limit; the process group is killed after it. Default 90 s. */
  timeoutMs?: number;
  /** The command that starts the CLI, before its arguments (default: `geminiCommand()`), e.g. to wrap it in strace. */
  executable?: string[];
  /** Keep the temp HOME (its path is in the result) for debugging. */
  keepHome?: boolean;
}

export interface RunGeminiResult {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON when it is JSON (the `--output-format json` result object). */
  json?: any;
  durationMs: number;
  home: string;
  command: string[];
}

const require = createRequire(import.meta.url);

/** The command that starts the installed CLI: Node and the package's bin script. */
export function geminiCommand(): string[] {
  const packageJsonPath = require.resolve("@google/gemini-cli/package.json");
  const manifest = JSON.parse(readFileSync(packageJsonPath, "utf8"));
  const bin = typeof manifest.bin === "string" ? manifest.bin : manifest.bin?.gemini;
  if (!bin) throw new Error(`@google/gemini-cli declares no "gemini" bin in ${packageJsonPath}`);
  // Under `bun test` process.execPath is Bun; the CLI is written for Node (engines: node >= 20).
  return ["node", join(dirname(packageJsonPath), bin)];
}

/** The version the installed package declares, e.g. "0.61.0". */
export function geminiVersion(): string {
  return JSON.parse(readFileSync(require.resolve("@google/gemini-cli/package.json"), "utf8")).version;
}

/** ~/.gemini/settings.json: API-key auth, nothing that reaches the network on its own. */
export function geminiSettings(extra: RunGeminiOptions["settings"] = {}): Record<string, unknown> {
  const defaults: Record<string, Record<string, unknown>> = {
    security: { auth: { selectedType: "gemini-api-key" } },
    // Else every run resolves play.googleapis.com to send usage statistics.
    privacy: { usageStatisticsEnabled: false },
    telemetry: { enabled: false },
    general: { enableAutoUpdate: false, enableAutoUpdateNotification: false },
    ide: { enabled: false, hasSeenNudge: true },
  };
  const merged: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(extra)) merged[key] = { ...(defaults[key] ?? {}), ...value };
  return merged;
}

/** Environment variables that keep the CLI quiet, local and non-interactive. */
export const quietEnv: Record<string, string> = {
  // A script runs in folders nobody trusted interactively; without this `-p` exits 55.
  GEMINI_CLI_TRUST_WORKSPACE: "true",
  // Run in this process instead of relaunching Node with a bigger heap: one process fewer to start and to kill.
  GEMINI_CLI_NO_RELAUNCH: "true",
  NO_COLOR: "1",
  TERM: "dumb",
  NO_PROXY: "127.0.0.1,localhost,::1",
  no_proxy: "127.0.0.1,localhost,::1",
};

/** Parent variables that must not reach the CLI: they would send it elsewhere or change its auth or config. */
function inheritedEnv(): Record<string, string> {
  const dropped =
    /^(GEMINI_|GOOGLE_|GCLOUD|CLOUDSDK_|CLOUD_SHELL|VERTEX|CLOUD_ML|OPENAI_|ANTHROPIC_|CLAUDE|OTEL_|AWS_|HTTPS?_PROXY|ALL_PROXY|NO_PROXY|SSL_CERT|NODE_OPTIONS|NODE_EXTRA_CA|BUN_|SANDBOX|SEATBELT|DEBUG)/i;
  const keep: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !dropped.test(name)) keep[name] = value;
  }
  return keep;
}

function assertLocal(baseUrl: string): void {
  const host = new URL(baseUrl).hostname;
  if (!["127.0.0.1", "localhost", "[::1]", "::1"].includes(host)) {
    throw new Error(`runGemini only talks to local servers, not ${host}`);
  }
}

export async function runGemini(options: RunGeminiOptions): Promise<RunGeminiResult> {
  assertLocal(options.baseUrl);
  const home = mkdtempSync(join(tmpdir(), "agw-gemini-home-"));
  const cwd = options.cwd ?? mkdtempSync(join(tmpdir(), "agw-gemini-cwd-"));
  mkdirSync(join(home, ".gemini"), { recursive: true });
  mkdirSync(join(home, "tmp"));
  writeFileSync(join(home, ".gemini", "settings.json"), JSON.stringify(geminiSettings(options.settings), null, 2));

  const env: Record<string, string> = {
    ...inheritedEnv(),
    // The parent's PWD would name another folder than the one the CLI runs in.
    PWD: cwd,
    HOME: home,
    USERPROFILE: home,
    XDG_CONFIG_HOME: join(home, ".config"),
    XDG_CACHE_HOME: join(home, ".cache"),
    XDG_DATA_HOME: join(home, ".local", "share"),
    XDG_STATE_HOME: join(home, ".local", "state"),
    // The CLI writes its error reports (gemini-client-error-*.json) to the temp dir: keep them in the throw-away home.
    TMPDIR: join(home, "tmp"),
    // The machine's /etc/gemini-cli settings (admin overrides) would apply to every run: point both at nothing.
    GEMINI_CLI_SYSTEM_SETTINGS_PATH: join(home, "system-settings.json"),
    GEMINI_CLI_SYSTEM_DEFAULTS_PATH: join(home, "system-defaults.json"),
    ...quietEnv,
    GOOGLE_GEMINI_BASE_URL: options.baseUrl.replace(/\/+$/, ""),
    GEMINI_API_KEY: options.apiKey ?? "test-key",
    ...options.env,
  };

  const command = [
    ...(options.executable ?? geminiCommand()),
    "-p",
    options.prompt,
    "--output-format",
    "json",
    "--approval-mode",
    options.approvalMode ?? "yolo",
    ...(options.model ? ["-m", options.model] : []),
    ...(options.extraArgs ?? []),
  ];

  const started = performance.now();
  const result = await runProcess(command, { cwd, env, timeoutMs: options.timeoutMs ?? 90_000 });

  let json: any;
  try {
    json = JSON.parse(result.stdout);
  } catch {
    json = undefined;
  }
  if (!options.keepHome) rmSync(home, { recursive: true, force: true });
  if (!options.cwd) rmSync(cwd, { recursive: true, force: true });
  return { ...result, json, durationMs: Math.round(performance.now() - started), home, command };
}

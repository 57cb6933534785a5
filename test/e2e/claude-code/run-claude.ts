/**
 * Runs the real Claude Code CLI (`@anthropic-ai/claude-code`, installed as a
 * dev dependency) once, non-interactively, against a local Anthropic-style
 * endpoint, in a throw-away HOME so it never reads or writes real config.
 *
 *   const run = await runClaude({ baseUrl: agw.url, prompt: "Say hello", cwd });
 *   run.exitCode  // 0
 *   run.json      // the parsed `--output-format json` result: { type: "result", is_error, result, ... }
 *
 * The CLI is started with `-p <prompt> --output-format json`, permissions
 * bypassed, and every environment variable that could make it talk to
 * anything but `baseUrl` (telemetry, error reports, auto-update, feedback,
 * non-essential traffic) switched off. Variables of the parent process that
 * would point it elsewhere (ANTHROPIC_*, CLAUDE_*, proxies, cloud providers)
 * are not passed on.
 *
 * The npm package's `bin/claude.exe` is a native executable once its
 * postinstall has run (it hard-links the platform package's binary over the
 * placeholder). We run the platform binary directly when it can be found, so
 * the harness also works when install scripts were skipped.
 */
import { existsSync, mkdirSync, mkdtempSync, openSync, readSync, closeSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { arch, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { runProcess } from "../../harness/run-process.ts";

export interface RunClaudeOptions {
  /** Where the CLI sends its API calls: ANTHROPIC_BASE_URL, e.g. "http://127.0.0.1:8045". Must be local. */
  baseUrl: string;
  /** Sent as x-api-key (ANTHROPIC_API_KEY). Default "test-key". */
  apiKey?: string;
  /** Sent as "Authorization: Bearer …" (ANTHROPIC_AUTH_TOKEN) instead of, or as well as, the API key. */
  authToken?: string;
  prompt: string;
  /** Working directory of the CLI (and of the tools it runs). Default: a fresh temp dir. */
  cwd?: string;
  /** Passed to ANTHROPIC_MODEL and --model when set. */
  model?: string;
  /** More CLI arguments, after the defaults. */
  extraArgs?: string[];
  /** More environment variables, applied last. */
  env?: Record<string, string>;
  /** Hard limit; the process group is killed after it. Default 90 s. */
  timeoutMs?: number;
  /** The command that starts the CLI, before its arguments (default: `claudeCommand()`), e.g. to wrap it in strace. */
  executable?: string[];
  /** Keep the temp HOME (its path is in the result) for debugging. */
  keepHome?: boolean;
}

export interface RunClaudeResult {
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

/** The command that starts the installed CLI: [executable, ...leading args]. */
export function claudeCommand(): string[] {
  const packageJsonPath = require.resolve("@anthropic-ai/claude-code/package.json");
  const packageDir = dirname(packageJsonPath);
  const manifest = JSON.parse(readFileSync(packageJsonPath, "utf8"));

  // 1. The native binary of this platform's optional package (what the postinstall links into bin/claude.exe).
  for (const name of platformPackages()) {
    try {
      const dir = dirname(require.resolve(`${name}/package.json`, { paths: [packageDir] }));
      for (const file of ["claude", "claude.exe"]) {
        if (existsSync(join(dir, file)) && isNativeExecutable(join(dir, file))) return [join(dir, file)];
      }
    } catch {
      // not installed for this platform
    }
  }

  // 2. The package's bin: native after postinstall, JavaScript in older releases (cli.js).
  const binField = typeof manifest.bin === "string" ? manifest.bin : manifest.bin?.claude;
  if (binField) {
    const bin = join(packageDir, binField);
    if (existsSync(bin)) {
      if (isNativeExecutable(bin)) return [bin];
      if (/\.(c|m)?js$/.test(bin) || startsWith(bin, "#!")) return [process.execPath.includes("bun") ? "node" : process.execPath, bin];
    }
  }

  // 3. The package's own fallback launcher.
  const wrapper = join(packageDir, "cli-wrapper.cjs");
  if (existsSync(wrapper)) return ["node", wrapper];
  throw new Error(`cannot find a runnable Claude Code CLI in ${packageDir}`);
}

function platformPackages(): string[] {
  const base = "@anthropic-ai/claude-code";
  const cpu = arch();
  if (process.platform === "linux") {
    const report = (process as any).report?.getReport?.();
    const musl = report != null && report.header?.glibcVersionRuntime === undefined;
    return musl ? [`${base}-linux-${cpu}-musl`, `${base}-linux-${cpu}`] : [`${base}-linux-${cpu}`, `${base}-linux-${cpu}-musl`];
  }
  return [`${base}-${process.platform}-${cpu}`];
}

function firstBytes(path: string, count: number): Buffer {
  const fd = openSync(path, "r");
  try {
    const buffer = Buffer.alloc(count);
    const read = readSync(fd, buffer, 0, count, 0);
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

function startsWith(path: string, prefix: string): boolean {
  return firstBytes(path, prefix.length).toString("latin1") === prefix;
}

function isNativeExecutable(path: string): boolean {
  const magic = firstBytes(path, 4);
  if (magic.length < 4) return false;
  const hex = magic.toString("hex");
  return (
    hex === "7f454c46" || // ELF
    ["feedface", "feedfacf", "cefaedfe", "cffaedfe", "cafebabe"].includes(hex) || // Mach-O
    hex.startsWith("4d5a") // PE (MZ)
  );
}

/** Environment variables that keep the CLI quiet, local and non-interactive. */
export const quietEnv: Record<string, string> = {
  DISABLE_TELEMETRY: "1",
  DISABLE_ERROR_REPORTING: "1",
  DISABLE_AUTOUPDATER: "1",
  DISABLE_BUG_COMMAND: "1",
  DISABLE_FEEDBACK_COMMAND: "1",
  DISABLE_NON_ESSENTIAL_MODEL_CALLS: "1", // read by older releases; 2.1.197 no longer mentions it
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
  CLAUDE_CODE_DISABLE_FEEDBACK_SURVEY: "1",
  CLAUDE_CODE_DISABLE_TERMINAL_TITLE: "1",
  CLAUDE_CODE_DISABLE_OFFICIAL_MARKETPLACE_AUTOINSTALL: "1",
  CLAUDE_CODE_IDE_SKIP_AUTO_INSTALL: "1",
  CLAUDE_CODE_ENABLE_TELEMETRY: "0",
  // A failing call fails the run at once: the default (10 retries with back-off) outlasts any test timeout.
  CLAUDE_CODE_MAX_RETRIES: "0",
  // As root, --dangerously-skip-permissions is refused unless the CLI is told it runs in a sandbox.
  IS_SANDBOX: "1",
  NO_COLOR: "1",
  TERM: "dumb",
};

/** Parent variables that must not reach the CLI: they would send it elsewhere or change its auth. */
function inheritedEnv(): Record<string, string> {
  const dropped = /^(ANTHROPIC_|CLAUDE_|CLAUDECODE|OTEL_|AWS_|GOOGLE_|GCLOUD|VERTEX|CLOUD_ML|HTTPS?_PROXY|ALL_PROXY|NO_PROXY|NODE_OPTIONS|BUN_)/i;
  const keep: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !dropped.test(name)) keep[name] = value;
  }
  return keep;
}

function assertLocal(baseUrl: string): void {
  const host = new URL(baseUrl).hostname;
  if (!["127.0.0.1", "localhost", "[::1]", "::1"].includes(host)) {
    throw new Error(`runClaude only talks to local servers, not ${host}`);
  }
}

export async function runClaude(options: RunClaudeOptions): Promise<RunClaudeResult> {
  assertLocal(options.baseUrl);
  const home = mkdtempSync(join(tmpdir(), "agw-claude-home-"));
  const cwd = options.cwd ?? mkdtempSync(join(tmpdir(), "agw-claude-cwd-"));
  const configDir = join(home, ".claude");
  mkdirSync(configDir, { recursive: true });
  // Onboarding done, no tips, no update checks: nothing that waits for a human.
  writeFileSync(
    join(home, ".claude.json"),
    JSON.stringify({ hasCompletedOnboarding: true, bypassPermissionsModeAccepted: true, autoUpdates: false, numStartups: 1 }, null, 2),
  );
  writeFileSync(join(configDir, "settings.json"), JSON.stringify({ autoUpdates: false, includeCoAuthoredBy: false }, null, 2));

  const env: Record<string, string> = {
    ...inheritedEnv(),
    HOME: home,
    USERPROFILE: home,
    // Some CLIs take their project folder from PWD, not from their working directory.
    PWD: cwd,
    XDG_CONFIG_HOME: join(home, ".config"),
    XDG_CACHE_HOME: join(home, ".cache"),
    XDG_DATA_HOME: join(home, ".local", "share"),
    XDG_STATE_HOME: join(home, ".local", "state"),
    ...quietEnv,
    ANTHROPIC_BASE_URL: options.baseUrl,
    NO_PROXY: "127.0.0.1,localhost,::1",
    no_proxy: "127.0.0.1,localhost,::1",
    ...(options.authToken ? { ANTHROPIC_AUTH_TOKEN: options.authToken } : {}),
    ...(options.apiKey !== undefined || !options.authToken ? { ANTHROPIC_API_KEY: options.apiKey ?? "test-key" } : {}),
    ...(options.model ? { ANTHROPIC_MODEL: options.model } : {}),
    ...options.env,
  };

  const command = [
    ...(options.executable ?? claudeCommand()),
    "-p",
    options.prompt,
    "--output-format",
    "json",
    "--dangerously-skip-permissions",
    "--no-session-persistence",
    ...(options.model ? ["--model", options.model] : []),
    ...(options.extraArgs ?? []),
  ];

  const started = performance.now();
  const timeoutMs = options.timeoutMs ?? 90_000;
  const result = await runProcess(command, { cwd, env, timeoutMs });

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

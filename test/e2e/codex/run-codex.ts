/**
 * Runs the real Codex CLI (`@openai/codex`, installed as a dev dependency)
 * once, non-interactively (`codex exec`), against a local OpenAI
 * Responses-style endpoint, in a throw-away HOME and CODEX_HOME so it never
 * reads or writes real config, sessions or credentials.
 *
 *   const run = await runCodex({ baseUrl: agw.url, apiKey: "test-key", prompt: "Say hello", cwd });
 *   run.exitCode     // 0
 *   run.lastMessage  // the agent's final message (`-o <file>`), e.g. "Hello!"
 *   run.events       // with `json: true`: the `--json` JSONL events (thread.started, item.completed, …)
 *
 * The CLI gets a `config.toml` with one custom model provider, `agw`
 * (`base_url = "<baseUrl>/v1"`, `wire_api = "responses"`, `env_key =
 * "AGW_API_KEY"`), no retries, analytics off and the plugin feature off —
 * with those, strace shows no DNS lookup and no connection except to
 * 127.0.0.1 (see README.md). Variables of the parent process that could
 * point it elsewhere (OPENAI_*, CODEX_*, proxies, cloud providers) are not
 * passed on.
 *
 * The npm package's `bin/codex.js` is a Node launcher that execs the native
 * binary of the platform package (`@openai/codex-linux-x64/vendor/<triple>/bin/codex`).
 * We run that binary directly when it can be found, else `node bin/codex.js`.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { arch, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { runProcess } from "../../harness/run-process.ts";

export type CodexSandbox = "bypass" | "read-only" | "workspace-write" | "danger-full-access";

export interface RunCodexOptions {
  /** The gateway's root URL, e.g. "http://127.0.0.1:8045"; `/v1` is appended unless it already ends with it. Must be local. */
  baseUrl: string;
  /** Put into AGW_API_KEY, which the provider's `env_key` names; Codex sends it as "Authorization: Bearer …". Default "test-key". */
  apiKey?: string;
  prompt: string;
  /** Working directory of the CLI (and of the commands it runs). Default: a fresh temp dir. */
  cwd?: string;
  /** `model` in config.toml. Default "gpt-5.5", a model of Codex's bundled catalog (full tool set, no "metadata not found" warning). */
  model?: string;
  /**
   * How model-generated commands run. "bypass" (default) passes
   * `--dangerously-bypass-approvals-and-sandbox`: no sandbox, no approvals —
   * works in any container. The others pass `--sandbox <mode>` (approval is
   * already "never" in `codex exec`); they need Codex's bundled bubblewrap to
   * work (it does in the dev container, as root).
   */
  sandbox?: CodexSandbox;
  /** Add `--json`: stdout becomes JSONL events, parsed into `events`. */
  json?: boolean;
  /** More CLI arguments, after the defaults and before the prompt. */
  extraArgs?: string[];
  /** More lines for config.toml, appended at the end (use TOML tables, e.g. "[model_providers.agw.http_headers]\n…"). */
  extraConfig?: string;
  /** More environment variables, applied last. */
  env?: Record<string, string>;
  /** Hard limit; the process group is killed after it. Default 90 s. */
  timeoutMs?: number;
  /** The command that starts the CLI, before its arguments (default: `codexCommand()`), e.g. to wrap it in strace. */
  executable?: string[];
  /** Keep the temp HOME (its path is in the result) for debugging. */
  keepHome?: boolean;
}

export interface RunCodexResult {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** The agent's last message, from `--output-last-message`; undefined when the run produced none. */
  lastMessage?: string;
  /** With `json: true`: every JSONL line of stdout that parsed. */
  events?: any[];
  durationMs: number;
  home: string;
  command: string[];
}

const require = createRequire(import.meta.url);

const targetTriples: Record<string, string> = {
  "linux-x64": "x86_64-unknown-linux-musl",
  "linux-arm64": "aarch64-unknown-linux-musl",
  "darwin-x64": "x86_64-apple-darwin",
  "darwin-arm64": "aarch64-apple-darwin",
  "win32-x64": "x86_64-pc-windows-msvc",
  "win32-arm64": "aarch64-pc-windows-msvc",
};

/** The command that starts the installed CLI: [executable, ...leading args]. */
export function codexCommand(): string[] {
  const packageJsonPath = require.resolve("@openai/codex/package.json");
  const packageDir = dirname(packageJsonPath);
  const platform = process.platform === "android" ? "linux" : process.platform;
  const key = `${platform}-${arch()}`;
  const triple = targetTriples[key];
  if (triple) {
    // 1. The native binary of this platform's optional package (what bin/codex.js execs).
    const candidates: string[] = [];
    try {
      const platformDir = dirname(require.resolve(`@openai/codex-${key}/package.json`, { paths: [packageDir] }));
      candidates.push(join(platformDir, "vendor", triple, "bin", platform === "win32" ? "codex.exe" : "codex"));
    } catch {
      // not installed for this platform
    }
    candidates.push(join(packageDir, "vendor", triple, "bin", platform === "win32" ? "codex.exe" : "codex"));
    for (const candidate of candidates) if (existsSync(candidate)) return [candidate];
  }
  // 2. The package's Node launcher.
  const launcher = join(packageDir, "bin", "codex.js");
  if (existsSync(launcher)) return ["node", launcher];
  throw new Error(`cannot find a runnable Codex CLI in ${packageDir}`);
}

/** The version the installed package declares, e.g. "0.169.0". */
export function codexVersion(): string {
  return JSON.parse(readFileSync(require.resolve("@openai/codex/package.json"), "utf8")).version;
}

/** Environment variables that keep the CLI quiet and non-interactive. */
export const quietEnv: Record<string, string> = {
  NO_COLOR: "1",
  TERM: "dumb",
  RUST_LOG: "error",
  NO_PROXY: "127.0.0.1,localhost,::1",
  no_proxy: "127.0.0.1,localhost,::1",
};

/** Parent variables that must not reach the CLI: they would send it elsewhere or change its auth or config. */
function inheritedEnv(): Record<string, string> {
  const dropped =
    /^(OPENAI_|CODEX_|AZURE_|ANTHROPIC_|CLAUDE|OTEL_|AWS_|GOOGLE_|GCLOUD|GEMINI_|VERTEX|CLOUD_ML|OLLAMA|LMSTUDIO|HTTPS?_PROXY|ALL_PROXY|NO_PROXY|SSL_CERT|CURL_CA|NODE_OPTIONS|NODE_EXTRA_CA|BUN_|RUST_LOG|GH_|GITHUB_)/i;
  const keep: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !dropped.test(name)) keep[name] = value;
  }
  return keep;
}

function assertLocal(baseUrl: string): void {
  const host = new URL(baseUrl).hostname;
  if (!["127.0.0.1", "localhost", "[::1]", "::1"].includes(host)) {
    throw new Error(`runCodex only talks to local servers, not ${host}`);
  }
}

const tomlString = (value: string) => JSON.stringify(value); // a TOML basic string is a JSON string for our inputs

/** The config.toml runCodex writes (exported for the README and the capture script). */
export function codexConfig(options: { baseUrl: string; model?: string; extraConfig?: string }): string {
  const apiBase = options.baseUrl.replace(/\/+$/, "").replace(/(\/v1)?$/, "/v1");
  return [
    `model = ${tomlString(options.model ?? "gpt-5.5")}`,
    `model_provider = "agw"`,
    `approval_policy = "never"`,
    // Off by default in `codex exec`, but say so.
    `check_for_update_on_startup = false`,
    ``,
    // Else the OTLP metrics exporter resolves ab.chatgpt.com.
    `[analytics]`,
    `enabled = false`,
    ``,
    // Else the curated-plugins sync resolves github.com, api.github.com and chatgpt.com at start-up.
    `[features]`,
    `plugins = false`,
    ``,
    `[model_providers.agw]`,
    `name = "agw"`,
    `base_url = ${tomlString(apiBase)}`,
    `wire_api = "responses"`,
    `env_key = "AGW_API_KEY"`,
    // A failed call fails the run at once: by default a 404 or 5xx is retried 5 times with back-off (~6 s).
    `request_max_retries = 0`,
    `stream_max_retries = 0`,
    ``,
    options.extraConfig ?? "",
  ].join("\n");
}

export async function runCodex(options: RunCodexOptions): Promise<RunCodexResult> {
  assertLocal(options.baseUrl);
  const home = mkdtempSync(join(tmpdir(), "agw-codex-home-"));
  const codexHome = join(home, ".codex");
  const cwd = options.cwd ?? mkdtempSync(join(tmpdir(), "agw-codex-cwd-"));
  mkdirSync(codexHome, { recursive: true });
  writeFileSync(join(codexHome, "config.toml"), codexConfig(options));
  const lastMessageFile = join(home, "last-message.txt");

  const env: Record<string, string> = {
    ...inheritedEnv(),
    HOME: home,
    USERPROFILE: home,
    // Some CLIs take their project folder from PWD, not from their working directory.
    PWD: cwd,
    CODEX_HOME: codexHome,
    XDG_CONFIG_HOME: join(home, ".config"),
    XDG_CACHE_HOME: join(home, ".cache"),
    XDG_DATA_HOME: join(home, ".local", "share"),
    XDG_STATE_HOME: join(home, ".local", "state"),
    ...quietEnv,
    AGW_API_KEY: options.apiKey ?? "test-key",
    ...options.env,
  };

  const sandbox = options.sandbox ?? "bypass";
  const command = [
    ...(options.executable ?? codexCommand()),
    "exec",
    "--skip-git-repo-check",
    "--ephemeral",
    "--color",
    "never",
    ...(sandbox === "bypass" ? ["--dangerously-bypass-approvals-and-sandbox"] : ["--sandbox", sandbox]),
    "--output-last-message",
    lastMessageFile,
    ...(options.json ? ["--json"] : []),
    ...(options.extraArgs ?? []),
    "--",
    options.prompt,
  ];

  const started = performance.now();
  const timeoutMs = options.timeoutMs ?? 90_000;
  const result = await runProcess(command, { cwd, env, timeoutMs });

  const lastMessage = existsSync(lastMessageFile) ? readFileSync(lastMessageFile, "utf8") : undefined;
  let events: any[] | undefined;
  if (options.json) {
    events = result.stdout.split("\n").flatMap((line) => {
      if (!line.trim()) return [];
      try {
        return [JSON.parse(line)];
      } catch {
        return [];
      }
    });
  }
  if (!options.keepHome) rmSync(home, { recursive: true, force: true });
  if (!options.cwd) rmSync(cwd, { recursive: true, force: true });
  return {
    ...result,
    ...(lastMessage !== undefined && lastMessage !== "" ? { lastMessage } : {}),
    ...(events ? { events } : {}),
    durationMs: Math.round(performance.now() - started),
    home,
    command,
  };
}

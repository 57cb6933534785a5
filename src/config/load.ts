import { readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { configSchema, type Config } from "./schema.ts";
import { substituteEnv, type EnvProblem } from "./env.ts";
import { formatIssue } from "./format-issues.ts";
import { isPostgresUrl } from "../util/postgres-url.ts";

/** A config that cannot be used; `problems` are `path: what was expected` lines. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}:\n  ${problems.join("\n  ")}`);
    this.name = "ConfigError";
  }
}

/** The config with paths and the listen address resolved. */
export interface LoadedConfig extends Config {
  /** The file it came from, or undefined when started on defaults. */
  file?: string;
  listen: { host: string; port: number; allowedHosts: string[] };
}

export function parseConfig(
  raw: unknown,
  file: string,
  env: Record<string, string | undefined> = process.env,
): LoadedConfig {
  const envProblems: EnvProblem[] = [];
  const substituted = substituteEnv(raw, env, envProblems);
  // jitless: zod would generate and compile a fast parser for each object of
  // the schema (~3 ms at start-up) to parse one small document once.
  const result = configSchema.safeParse(substituted, { reportInput: true, jitless: true });
  const problems = envProblems.map((p) => `${p.path}: ${p.message}`);
  if (!result.success) problems.push(...result.error.issues.flatMap((issue) => formatIssue(issue).split("\n")));
  if (problems.length > 0 || !result.success) throw new ConfigError(file, problems);
  return finish(result.data, file);
}

export function loadConfigFile(file: string, env: Record<string, string | undefined> = process.env): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(file, [code === "ENOENT" ? "file not found" : `cannot read the file (${code ?? "error"})`]);
  }
  let raw: unknown;
  try {
    raw = Bun.JSONC.parse(text);
  } catch (error) {
    throw new ConfigError(file, [`not valid JSON (comments allowed): ${(error as Error).message.replace(/^JSONC Parse error: /, "")}`]);
  }
  return parseConfig(raw, resolve(file), env);
}

/** The built-in defaults, used when no config file exists. */
export function defaultConfig(): LoadedConfig {
  return finish(configSchema.parse({}, { jitless: true }), undefined);
}

function finish(config: Config, file: string | undefined): LoadedConfig {
  const base = file === undefined ? process.cwd() : dirname(file);
  const database =
    config.database === ":memory:" || isAbsolute(config.database) || isPostgresUrl(config.database) ? config.database : resolve(base, config.database);
  const host = config.listen.host ?? (config.allowLanAccess ? "0.0.0.0" : "127.0.0.1");
  return { ...config, file, database, listen: { ...config.listen, host } };
}

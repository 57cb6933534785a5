#!/usr/bin/env bun
import { existsSync } from "node:fs";
import { ACCOUNTS_USAGE, KEYS_USAGE, parseArgs, USAGE, UsageError, type Command } from "./cli/args.ts";
import type { LoadedConfig } from "./config/load.ts";
import { commit, VERSION } from "./version.ts";
import { log, setLogFormat } from "./util/logger.ts";
// Everything else is imported when a command needs it: `agw --version` or
// `agw accounts list` should not pay for loading the gateway (every protocol's
// schemas, every provider) before doing anything, nor `--version` for zod and
// the config schema.

const EXIT_USAGE = 2;

function fail(message: string): never {
  log.error(`agw: ${message}`);
  process.exit(EXIT_USAGE);
}

const configModule = () => import("./config/load.ts");

async function loadOrExit(file: string): Promise<LoadedConfig> {
  const { ConfigError, loadConfigFile } = await configModule();
  try {
    return loadConfigFile(file);
  } catch (error) {
    if (error instanceof ConfigError) fail(`invalid config ${error.message}`);
    throw error;
  }
}

async function serve(command: Extract<Command, { kind: "serve" }>): Promise<void> {
  let config: LoadedConfig;
  if (command.config !== undefined) config = await loadOrExit(command.config);
  else if (existsSync("agw.json")) config = await loadOrExit("agw.json");
  else {
    config = (await configModule()).defaultConfig();
    log.info("agw: no ./agw.json found; starting with built-in defaults. Pass --config FILE (see examples/agw.json).");
  }
  setLogFormat(config.logging.format);
  const [{ openGateway }, { startBanner }] = await Promise.all([import("./server/gateway.ts"), import("./cli/banner.ts")]);
  let gateway;
  try {
    gateway = await openGateway(config, { host: command.host, port: command.port });
  } catch (error) {
    const message = (error as Error).message;
    if (/EADDRINUSE|address already in use|Failed to start server/i.test(message)) {
      fail(`cannot listen on ${command.host ?? config.listen.host}:${command.port ?? config.listen.port}: ${message}`);
    }
    fail(message);
  }
  for (const line of startBanner(config, gateway.url, gateway.authMode, VERSION, gateway.keys.size)) log.info(line);
  // The binary starts with the JIT held back (build.ts): from here on, code that runs often is worth compiling.
  Bun.unsafe.setJITPolicy(1);
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    log.info(`agw: ${signal} received, finishing open requests (up to ${config.shutdown.drainMs} ms) and flushing logs…`);
    await gateway.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  // The gateway logs the one line saying what the reload applied, or why it refused it.
  process.on("SIGHUP", () => void gateway.reload());
}

async function main(argv: string[]): Promise<void> {
  let command: Command;
  try {
    command = parseArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) fail(error.message);
    throw error;
  }
  switch (command.kind) {
    case "help":
      console.log(command.text ?? USAGE);
      return;
    case "version":
      console.log(`agw ${VERSION} (commit ${commit()})`);
      return;
    case "check-config": {
      const config = await loadOrExit(command.file);
      const providers = Object.keys(config.providers).length;
      console.log(`${config.file}: valid (${providers} provider(s), ${Object.keys(config.models).length} model mapping(s))`);
      return;
    }
    case "models": {
      const config =
        command.config !== undefined ? await loadOrExit(command.config) : existsSync("agw.json") ? await loadOrExit("agw.json") : (await configModule()).defaultConfig();
      const { runModels } = await import("./cli/models.ts");
      process.exit(await runModels(config, command.refresh));
    }
    case "accounts":
      if (command.command.action === "help") {
        console.log(ACCOUNTS_USAGE);
        return;
      }
      process.exit(await (await import("./cli/accounts.ts")).runAccounts(command.database, command.command));
    case "keys":
      if (command.command.action === "help") {
        console.log(KEYS_USAGE);
        return;
      }
      process.exit(await (await import("./cli/keys.ts")).runKeys(command.database, command.command, { stdout: (text) => console.log(text), stderr: (text) => console.error(text), env: process.env }));
    case "logs":
      process.exit(await (await import("./cli/logs.ts")).runLogs(command.database, command.options, { stdout: (text) => console.log(text), stderr: (text) => console.error(text), env: process.env }));
    case "stats":
      process.exit(await (await import("./cli/stats.ts")).runStats(command.database, command.options, { stdout: (text) => console.log(text), stderr: (text) => console.error(text), env: process.env }));
    case "service":
      process.exit((await import("./cli/service.ts")).runService(command.command));
    case "serve":
      await serve(command);
  }
}

void main(process.argv.slice(2)).catch((error: unknown) => fail((error as Error)?.message ?? String(error)));

import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import type { ServiceCommand } from "./args.ts";
import { resolveTarget, TargetError } from "./accounts-target.ts";
import { LAUNCHD_LABEL, launchdPlist } from "./service-plist.ts";
import { systemdUnit, type ServiceSpec } from "./service-unit.ts";

/** Everything about the machine `agw service` looks at, so tests can pick it. */
export interface ServiceHost {
  platform: NodeJS.Platform;
  /** Effective user id; 0 is root. */
  uid: number;
  home: string;
  cwd: string;
  env: Record<string, string | undefined>;
  /** The program to run: the compiled binary, or bun and the script when run from source. */
  program: readonly string[];
  stdout(text: string): void;
  stderr(text: string): void;
  /** Runs a command with the terminal attached; returns its exit status. */
  run(command: readonly string[]): number;
}

export function processHost(): ServiceHost {
  const script = Bun.main;
  return {
    platform: process.platform,
    uid: process.getuid?.() ?? -1,
    home: homedir(),
    cwd: process.cwd(),
    env: process.env,
    // A compiled agw is its own program; from source it is `bun src/main.ts`.
    program: /\.[cm]?[jt]s$/.test(script) ? [process.execPath, resolve(script)] : [process.execPath],
    stdout: (text) => console.log(text),
    stderr: (text) => console.error(text),
    run: (command) => Bun.spawnSync([...command], { stdio: ["inherit", "inherit", "inherit"] }).exitCode,
  };
}

/** What installing means here: the file, its text, and the commands that load and start it. */
export interface ServicePlan {
  /** The system's service manager (root's), not the user's own. */
  system: boolean;
  path: string;
  text: string;
  /** Run after writing the file. */
  start: string[][];
  /** Run before removing the file. */
  stop: string[][];
  reload: string[][];
  status: string[];
}

/** Builds the service definition for this machine; throws TargetError when the config cannot be found or read. */
export function planService(command: ServiceCommand, host: ServiceHost): ServicePlan {
  const system = !command.user && (host.platform !== "darwin" || host.uid === 0);
  const spec = (): ServiceSpec => {
    const config = resolve(host.cwd, command.config ?? "agw.json");
    if (!existsSync(config)) throw new TargetError(`${config}: file not found; pass --config PATH (the service needs a config)`);
    const target = resolveTarget({ config }, host.env, host.cwd);
    return {
      command: [...host.program, "--config", config],
      databaseDirectory: dirname(target.database),
      user: !system,
      readPaths: [config, ...host.program],
    };
  };
  const needsSpec = command.action === "install";
  if (host.platform === "darwin") {
    const path = system ? `/Library/LaunchDaemons/${LAUNCHD_LABEL}.plist` : join(host.home, "Library/LaunchAgents", `${LAUNCHD_LABEL}.plist`);
    const domain = system ? "system" : `gui/${host.uid}`;
    const log = system ? "/var/log/agw.log" : join(host.home, "Library/Logs/agw.log");
    return {
      system,
      path,
      text: needsSpec ? launchdPlist(spec(), log) : "",
      start: [["launchctl", "bootstrap", domain, path]],
      stop: [["launchctl", "bootout", `${domain}/${LAUNCHD_LABEL}`]],
      reload: [],
      status: ["launchctl", "print", `${domain}/${LAUNCHD_LABEL}`],
    };
  }
  if (host.platform !== "linux") throw new TargetError(`agw service supports Linux (systemd) and macOS (launchd), not ${host.platform}`);
  const systemctl = system ? ["systemctl"] : ["systemctl", "--user"];
  return {
    system,
    path: system ? "/etc/systemd/system/agw.service" : join(host.env.XDG_CONFIG_HOME ?? join(host.home, ".config"), "systemd/user/agw.service"),
    text: needsSpec ? systemdUnit(spec()) : "",
    start: [[...systemctl, "daemon-reload"], [...systemctl, "enable", "--now", "agw"]],
    stop: [[...systemctl, "disable", "--now", "agw"]],
    reload: [[...systemctl, "daemon-reload"]],
    status: [...systemctl, "status", "agw"],
  };
}

const shell = (command: readonly string[]) => command.map((word) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`)).join(" ");

/** `agw service install|uninstall|status`. Returns the exit status. */
export function runService(command: ServiceCommand, host: ServiceHost = processHost()): number {
  let plan: ServicePlan;
  try {
    plan = planService(command, host);
  } catch (error) {
    if (error instanceof TargetError) {
      host.stderr(`agw: ${error.message}`);
      return 2;
    }
    throw error;
  }
  if (command.action === "status") return host.run(plan.status);
  const system = plan.system;
  // Only root can write a system service; anyone else (or --print) gets what to run.
  const printOnly = command.print || (system && host.uid !== 0);
  const sudo = system && host.uid !== 0 ? "sudo " : "";
  if (command.action === "install") {
    if (printOnly) {
      host.stdout(`# ${plan.path}\n${plan.text}`);
      host.stdout(
        [`# Save the above as ${plan.path}, then run:`, ...plan.start.map((step) => `${sudo}${shell(step)}`)].join("\n"),
      );
      return 0;
    }
    mkdirSync(dirname(plan.path), { recursive: true });
    writeFileSync(plan.path, plan.text, { mode: 0o644 });
    host.stdout(`agw: wrote ${plan.path}`);
    for (const step of plan.start) {
      const status = host.run(step);
      if (status !== 0) {
        host.stderr(`agw: '${shell(step)}' failed (exit ${status})`);
        return 1;
      }
    }
    host.stdout(`agw: service installed and started; see it with 'agw service status${command.user ? " --user" : ""}'`);
    return 0;
  }
  if (printOnly) {
    host.stdout([...plan.stop, ["rm", plan.path], ...plan.reload].map((step) => `${sudo}${shell(step)}`).join("\n"));
    return 0;
  }
  if (!existsSync(plan.path)) {
    host.stderr(`agw: no service at ${plan.path}`);
    return 1;
  }
  for (const step of plan.stop) host.run(step);
  rmSync(plan.path);
  for (const step of plan.reload) host.run(step);
  host.stdout(`agw: removed ${plan.path}`);
  return 0;
}

/** The command line, parsed. */
export type Command =
  | { kind: "serve"; config?: string; host?: string; port?: number }
  | { kind: "check-config"; file: string }
  | { kind: "help" }
  | { kind: "version" };

export class UsageError extends Error {}

export const USAGE = `agw — an AI API gateway: every client protocol, every upstream, one binary.

Usage:
  agw [--config FILE] [--host HOST] [--port PORT]   start the gateway (default config: ./agw.json)
  agw check-config FILE                             validate a config file; exit 0 if valid, 2 if not
  agw --help                                        this text
  agw --version                                     version and git commit

Docs: README.md — config reference, client recipes, troubleshooting.`;

export function parseArgs(argv: readonly string[]): Command {
  const args = [...argv];
  if (args[0] === "check-config") {
    if (args.length !== 2 || args[1]!.startsWith("-")) throw new UsageError("usage: agw check-config FILE");
    return { kind: "check-config", file: args[1]! };
  }
  const command: Extract<Command, { kind: "serve" }> = { kind: "serve" };
  while (args.length > 0) {
    const arg = args.shift()!;
    const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const value = () => {
      const next = inline ?? args.shift();
      if (next === undefined || next === "") throw new UsageError(`${flag} needs a value`);
      return next;
    };
    switch (flag) {
      case "-h":
      case "--help":
        return { kind: "help" };
      case "-v":
      case "--version":
        return { kind: "version" };
      case "-c":
      case "--config":
        command.config = value();
        break;
      case "--host":
        command.host = value();
        break;
      case "-p":
      case "--port": {
        const text = value();
        const port = Number(text);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port: expected a number from 0 to 65535, got '${text}'`);
        command.port = port;
        break;
      }
      default:
        throw new UsageError(`unknown argument '${arg}' (see agw --help)`);
    }
  }
  return command;
}

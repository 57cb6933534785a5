import { log, logFormat } from "../util/logger.ts";

/**
 * Writes a gateway bug to stderr readably: one line saying what failed, then
 * the stack's frames. Never the source code frame Bun prints for a thrown
 * error (kilobytes of minified source per error in the compiled binary).
 */
export function logInternalError(what: string, error: unknown): void {
  const described = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const frames = error instanceof Error && error.stack ? error.stack.split("\n").filter((line) => /^\s+at /.test(line)) : [];
  const stack = frames.slice(0, 12);
  // Text: the frames on their own lines; JSON: one line, the frames in a field.
  if (logFormat() === "json") log.error(`${what}: ${described}`, { stack: stack.map((frame) => frame.trim()) });
  else log.error([`agw: ${what}: ${described}`, ...stack].join("\n"));
}

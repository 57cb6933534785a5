import packageJson from "../package.json" with { type: "json" };

// Replaced by build.ts (`define`) in compiled binaries.
declare const __AGW_VERSION__: string | undefined;
declare const __AGW_COMMIT__: string | undefined;

export const VERSION: string = typeof __AGW_VERSION__ === "string" ? __AGW_VERSION__ : packageJson.version;

/** The git commit the binary was built from; from source, the checkout's HEAD when git can tell. */
export function commit(): string {
  if (typeof __AGW_COMMIT__ === "string") return __AGW_COMMIT__;
  try {
    const result = Bun.spawnSync(["git", "rev-parse", "--short=12", "HEAD"], { cwd: import.meta.dir, stderr: "ignore" });
    const text = result.stdout.toString().trim();
    return result.success && text !== "" ? `${text} (source)` : "source";
  } catch {
    return "source";
  }
}

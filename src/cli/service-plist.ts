import type { ServiceSpec } from "./service-unit.ts";

/** launchd's name for the job, and the plist's file name. */
export const LAUNCHD_LABEL = "dev.agw";

function xml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/**
 * The launchd property list: started at load, restarted when it exits on an
 * error (not after a clean stop), its output in a log file.
 */
export function launchdPlist(spec: ServiceSpec, logFile: string): string {
  const program = spec.command.map((word) => `    <string>${xml(word)}</string>`);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<plist version="1.0">',
    "<dict>",
    "  <key>Label</key>",
    `  <string>${LAUNCHD_LABEL}</string>`,
    "  <key>ProgramArguments</key>",
    "  <array>",
    ...program,
    "  </array>",
    "  <key>RunAtLoad</key>",
    "  <true/>",
    "  <key>KeepAlive</key>",
    "  <dict>",
    "    <key>SuccessfulExit</key>",
    "    <false/>",
    "  </dict>",
    "  <key>ThrottleInterval</key>",
    "  <integer>2</integer>",
    "  <key>ExitTimeOut</key>",
    "  <integer>30</integer>",
    "  <key>ProcessType</key>",
    "  <string>Background</string>",
    "  <key>StandardOutPath</key>",
    `  <string>${xml(logFile)}</string>`,
    "  <key>StandardErrorPath</key>",
    `  <string>${xml(logFile)}</string>`,
    "</dict>",
    "</plist>",
    "",
  ].join("\n");
}

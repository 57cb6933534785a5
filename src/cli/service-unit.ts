/** What a service definition needs: the command to run and where it keeps its data. */
export interface ServiceSpec {
  /** The program and its arguments, absolute paths: `agw --config …` (or `bun …/main.ts --config …` from source). */
  command: readonly string[];
  /** The directory of the database (and its -wal/-shm files), absolute. */
  databaseDirectory: string;
  /** True for the user's own service manager (`systemctl --user`, a LaunchAgent). */
  user: boolean;
  /** Paths the service reads (the config, the program): decides whether the home directories stay visible. */
  readPaths: readonly string[];
}

/** Where a system unit keeps its database: systemd's StateDirectory=agw. */
export const STATE_DIRECTORY = "/var/lib/agw";

/** Quotes one ExecStart word the way systemd reads it (spaces, quotes, backslashes; `%` is a specifier). */
function unitWord(word: string): string {
  const escaped = word.replace(/%/g, "%%");
  return /[\s"'\\]/.test(escaped) ? `"${escaped.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"` : escaped;
}

const underHome = (path: string) => /^\/(home|root|run\/user)(\/|$)/.test(path);

/**
 * The systemd unit. A system unit runs as a throw-away user (DynamicUser) in
 * a read-only file system except its state directory and the database's
 * directory; home directories are hidden unless the config or the program
 * lives there (then read-only). A user unit cannot use most sandboxing
 * options without unprivileged user namespaces, so it keeps only the ones
 * that always work.
 */
export function systemdUnit(spec: ServiceSpec): string {
  const lines = [
    "[Unit]",
    "Description=agw AI API gateway",
    "After=network-online.target",
    "Wants=network-online.target",
    "",
    "[Service]",
    `ExecStart=${spec.command.map(unitWord).join(" ")}`,
  ];
  if (spec.user) {
    lines.push("EnvironmentFile=-%h/.config/agw/agw.env", "NoNewPrivileges=yes");
  } else {
    const homeNeeded = [...spec.readPaths, spec.databaseDirectory].some(underHome);
    lines.push(
      "EnvironmentFile=-/etc/agw/agw.env",
      "DynamicUser=yes",
      "StateDirectory=agw",
      "StateDirectoryMode=0700",
      "NoNewPrivileges=yes",
      "ProtectSystem=strict",
      `ProtectHome=${homeNeeded ? "read-only" : "yes"}`,
      "PrivateTmp=yes",
      "PrivateDevices=yes",
      "ProtectKernelTunables=yes",
      "ProtectKernelModules=yes",
      "ProtectControlGroups=yes",
      "RestrictSUIDSGID=yes",
      "LockPersonality=yes",
      "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX",
    );
    // The database lives in the state directory by default; anywhere else it needs write access there.
    if (spec.databaseDirectory !== STATE_DIRECTORY) lines.push(`ReadWritePaths=${unitWord(spec.databaseDirectory)}`);
  }
  lines.push(
    "Restart=on-failure",
    "RestartSec=2",
    // SIGTERM lets open requests finish for shutdown.drainMs (10 s by default) and flushes the request log.
    "KillSignal=SIGTERM",
    "TimeoutStopSec=30",
    "",
    "[Install]",
    `WantedBy=${spec.user ? "default.target" : "multi-user.target"}`,
    "",
  );
  return lines.join("\n");
}

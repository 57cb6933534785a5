import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs, UsageError } from "./args.ts";
import { launchdPlist } from "./service-plist.ts";
import { planService, runService, type ServiceHost } from "./service.ts";
import { systemdUnit } from "./service-unit.ts";

const dir = mkdtempSync(join(tmpdir(), "agw-service-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const systemSpec = {
  command: ["/usr/local/bin/agw", "--config", "/etc/agw/agw.json"],
  databaseDirectory: "/var/lib/agw",
  user: false,
  readPaths: ["/etc/agw/agw.json", "/usr/local/bin/agw"],
};

test("the system unit: hardened, state directory for the database, restarted on failure", () => {
  expect(systemdUnit(systemSpec)).toBe(`[Unit]
Description=agw AI API gateway
After=network-online.target
Wants=network-online.target

[Service]
ExecStart=/usr/local/bin/agw --config /etc/agw/agw.json
EnvironmentFile=-/etc/agw/agw.env
DynamicUser=yes
StateDirectory=agw
StateDirectoryMode=0700
NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes
PrivateDevices=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectControlGroups=yes
RestrictSUIDSGID=yes
LockPersonality=yes
RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX
Restart=on-failure
RestartSec=2
KillSignal=SIGTERM
TimeoutStopSec=30

[Install]
WantedBy=multi-user.target
`);
});

test("a database elsewhere gets ReadWritePaths; a config under /home keeps home read-only; odd paths are quoted", () => {
  const unit = systemdUnit({
    command: ["/opt/my tools/agw", "--config", "/home/ann/agw 100%.json"],
    databaseDirectory: "/srv/agw data",
    user: false,
    readPaths: ["/home/ann/agw 100%.json", "/opt/my tools/agw"],
  });
  expect(unit.split("\n").filter((line) => /^(ExecStart|ProtectHome|ReadWritePaths)=/.test(line))).toEqual([
    'ExecStart="/opt/my tools/agw" --config "/home/ann/agw 100%%.json"',
    "ProtectHome=read-only",
    'ReadWritePaths="/srv/agw data"',
  ]);
});

test("the user unit keeps what works without privileges", () => {
  expect(systemdUnit({ ...systemSpec, user: true, command: ["/home/ann/bin/agw", "--config", "/home/ann/.config/agw/agw.json"] })).toBe(`[Unit]
Description=agw AI API gateway
After=network-online.target
Wants=network-online.target

[Service]
ExecStart=/home/ann/bin/agw --config /home/ann/.config/agw/agw.json
EnvironmentFile=-%h/.config/agw/agw.env
NoNewPrivileges=yes
Restart=on-failure
RestartSec=2
KillSignal=SIGTERM
TimeoutStopSec=30

[Install]
WantedBy=default.target
`);
});

const plist = launchdPlist(
  { command: ["/usr/local/bin/agw", "--config", "/Users/ann/.config/agw/a&b.json"], databaseDirectory: "/Users/ann", user: true, readPaths: [] },
  "/Users/ann/Library/Logs/agw.log",
);

test("the launchd plist", () => {
  expect(plist).toBe(`<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>Label</key>
  <string>dev.agw</string>
  <key>ProgramArguments</key>
  <array>
    <string>/usr/local/bin/agw</string>
    <string>--config</string>
    <string>/Users/ann/.config/agw/a&amp;b.json</string>
  </array>
  <key>RunAtLoad</key>
  <true/>
  <key>KeepAlive</key>
  <dict>
    <key>SuccessfulExit</key>
    <false/>
  </dict>
  <key>ThrottleInterval</key>
  <integer>2</integer>
  <key>ExitTimeOut</key>
  <integer>30</integer>
  <key>ProcessType</key>
  <string>Background</string>
  <key>StandardOutPath</key>
  <string>/Users/ann/Library/Logs/agw.log</string>
  <key>StandardErrorPath</key>
  <string>/Users/ann/Library/Logs/agw.log</string>
</dict>
</plist>
`);
});

/**
 * plutil is macOS-only: here a structural check stands in for `plutil -lint`.
 * The plist must be well-formed XML (every element closed, in order) whose
 * dict alternates <key> and one value, as Apple's plist DTD requires.
 */
test("the plist is well-formed and every dict alternates key and value (structural stand-in for plutil -lint)", () => {
  const body = plist.replace(/^<\?xml[^>]*\?>\n<!DOCTYPE[^>]*>\n/, "");
  const stack: Array<{ name: string; children: string[] }> = [{ name: "(root)", children: [] }];
  for (const match of body.matchAll(/<(\/?)([a-z]+)(\s[^>]*)?(\/?)>|([^<]+)/g)) {
    const [, closing, name, , selfClosing, text] = match;
    if (text !== undefined) {
      expect(text.trim() === "" || ["key", "string", "integer"].includes(stack.at(-1)!.name)).toBe(true);
      continue;
    }
    if (closing) {
      const open = stack.pop()!;
      expect(open.name).toBe(name!);
      if (name === "dict") {
        expect(open.children.length % 2).toBe(0);
        open.children.forEach((child, index) => expect(child === "key").toBe(index % 2 === 0));
      }
    } else {
      stack.at(-1)!.children.push(name!);
      if (!selfClosing) stack.push({ name: name!, children: [] });
    }
  }
  expect(stack.map((entry) => [entry.name, entry.children])).toEqual([["(root)", ["plist"]]]);
});

test("systemd-analyze verify accepts the generated units", () => {
  const analyze = Bun.which("systemd-analyze");
  if (analyze === null) {
    console.warn("systemd-analyze not installed: unit verification skipped");
    return;
  }
  const agw = join(dir, "agw");
  writeFileSync(agw, "#!/bin/sh\n", { mode: 0o755 });
  for (const user of [false, true]) {
    const unit = join(dir, "agw.service");
    writeFileSync(unit, systemdUnit({ ...systemSpec, user, command: [agw, "--config", "/etc/agw/agw.json"], databaseDirectory: "/srv/agw" }));
    // Both are checked by the system manager: `--user` needs a user session (XDG_RUNTIME_DIR), which CI has not.
    const result = Bun.spawnSync([analyze, "verify", unit], { env: { ...process.env, SYSTEMD_LOG_LEVEL: "notice" } });
    // verify prints nothing for a clean unit (warnings about the host's own units are not ours: only lines naming agw count).
    const ours = result.stderr.toString().split("\n").filter((line) => line.includes("agw"));
    expect({ user, exitCode: result.exitCode, ours }).toEqual({ user, exitCode: 0, ours: [] });
  }
});

test.each([
  [["service", "install"], { action: "install", user: false, print: false }],
  [["service", "install", "--user", "--config", "a.json", "--print"], { action: "install", user: true, print: true, config: "a.json" }],
  [["service", "uninstall", "--print"], { action: "uninstall", user: false, print: true }],
  [["service", "status", "--user"], { action: "status", user: true, print: false }],
])("%j parses", (argv, command) => {
  expect(parseArgs(argv)).toEqual({ kind: "service", command: command as never });
});

test.each([[["service"]], [["service", "start"]], [["service", "status", "--print"]], [["service", "uninstall", "--config", "a.json"]]])(
  "%j is a usage error",
  (argv) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
  },
);

function host(platform: NodeJS.Platform, uid: number): ServiceHost & { out: string[]; ran: string[][] } {
  const out: string[] = [];
  const ran: string[][] = [];
  return {
    platform,
    uid,
    home: "/home/ann",
    cwd: dir,
    env: {},
    program: ["/usr/local/bin/agw"],
    stdout: (text) => out.push(text),
    stderr: (text) => out.push(`stderr: ${text}`),
    run: (command) => (ran.push([...command]), 0),
    out,
    ran,
  };
}

test("install as a user on Linux prints the unit and the sudo commands; nothing is run", () => {
  writeFileSync(join(dir, "agw.json"), JSON.stringify({ database: "/var/lib/agw/agw.db" }));
  const linux = host("linux", 1000);
  expect(runService({ action: "install", user: false, print: false }, linux)).toBe(0);
  expect(linux.ran).toEqual([]);
  expect(linux.out).toEqual([
    `# /etc/systemd/system/agw.service\n${systemdUnit({ ...systemSpec, command: ["/usr/local/bin/agw", "--config", join(dir, "agw.json")], readPaths: [join(dir, "agw.json"), "/usr/local/bin/agw"] })}`,
    "# Save the above as /etc/systemd/system/agw.service, then run:\nsudo systemctl daemon-reload\nsudo systemctl enable --now agw",
  ]);
});

test("macOS: a LaunchAgent for a user, a LaunchDaemon for root; a missing config is a clear error", () => {
  writeFileSync(join(dir, "agw.json"), JSON.stringify({ database: "./agw.db" }));
  const agent = planService({ action: "install", user: false, print: true }, host("darwin", 501));
  expect([agent.path, agent.start, agent.status]).toEqual([
    "/home/ann/Library/LaunchAgents/dev.agw.plist",
    [["launchctl", "bootstrap", "gui/501", "/home/ann/Library/LaunchAgents/dev.agw.plist"]],
    ["launchctl", "print", "gui/501/dev.agw"],
  ]);
  const daemon = planService({ action: "install", user: false, print: true }, host("darwin", 0));
  expect([daemon.path, daemon.start]).toEqual(["/Library/LaunchDaemons/dev.agw.plist", [["launchctl", "bootstrap", "system", "/Library/LaunchDaemons/dev.agw.plist"]]]);
  const missing = host("linux", 0);
  expect(runService({ action: "install", user: false, print: false, config: "nope.json" }, missing)).toBe(2);
  expect(missing.out).toEqual([`stderr: agw: ${join(dir, "nope.json")}: file not found; pass --config PATH (the service needs a config)`]);
});

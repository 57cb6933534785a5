/** `agw service install --print` as a user runs it: the real CLI, from source. */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { systemdUnit } from "../../src/cli/service-unit.ts";

const dir = mkdtempSync(join(tmpdir(), "agw-service-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const main = join(import.meta.dir, "../../src/main.ts");

test.skipIf(process.platform !== "linux")("service install --print writes nothing and prints the unit for this config and program, then what to run", async () => {
  const config = join(dir, "agw.json");
  writeFileSync(config, JSON.stringify({ database: "./data/agw.db" }));
  const child = Bun.spawn([process.execPath, main, "service", "install", "--print"], { cwd: dir, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, exitCode] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  const unit = systemdUnit({
    command: [process.execPath, main, "--config", config],
    databaseDirectory: join(dir, "data"),
    user: false,
    readPaths: [config, process.execPath, main],
  });
  const sudo = process.getuid?.() === 0 ? "" : "sudo ";
  expect({ exitCode, stderr, stdout }).toEqual({
    exitCode: 0,
    stderr: "",
    stdout: `# /etc/systemd/system/agw.service\n${unit}\n# Save the above as /etc/systemd/system/agw.service, then run:\n${sudo}systemctl daemon-reload\n${sudo}systemctl enable --now agw\n`,
  });
  expect(unit).toContain(`ReadWritePaths=${join(dir, "data")}\n`);
});

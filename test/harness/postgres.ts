/**
 * A real PostgreSQL server for tests, from Debian's `postgresql` package:
 * a fresh cluster in a temporary folder (initdb with trust auth for one
 * user), listening on 127.0.0.1 on a free port, stopped and deleted after.
 *
 *   const pg = await startPostgres();
 *   pg.url          // "postgres://agw@127.0.0.1:PORT/agw"
 *   await pg.stop() // immediate shutdown, folder removed
 *   await pg.pause() / pg.resume()  // the server goes away and comes back, same data
 *
 * PostgreSQL refuses to run as root: when the tests do (CI), the server runs
 * as the `postgres` user the package creates. A missing server is an error,
 * never a skip: `.ci/run` installs it, and a developer gets the command to run.
 */
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { SQL } from "bun";

export interface TestPostgres {
  url: string;
  port: number;
  /** Stops the server (fast shutdown); the data stays for `resume`. */
  pause(): Promise<void>;
  resume(): Promise<void>;
  stop(): Promise<void>;
}

/** The newest installed server's bin folder (`/usr/lib/postgresql/<version>/bin`), or AGW_TEST_PG_BIN. */
export function postgresBin(): string {
  if (process.env.AGW_TEST_PG_BIN) return process.env.AGW_TEST_PG_BIN;
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).filter((name) => existsSync(join(root, name, "bin", "pg_ctl"))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (newest === undefined) {
    throw new Error(
      "PostgreSQL's server is not installed, and the Postgres tests need it: " +
        "run `apt-get install -y --no-install-recommends postgresql` (Debian; .ci/run does this on CI), " +
        "or set AGW_TEST_PG_BIN to the folder holding initdb and pg_ctl.",
    );
  }
  return join(root, newest, "bin");
}

async function freePort(): Promise<number> {
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = server.port!;
  server.stop(true);
  return port;
}

async function run(command: string[], asPostgres: boolean): Promise<void> {
  const argv = asPostgres ? ["runuser", "-u", "postgres", "--", ...command] : command;
  const child = Bun.spawn(argv, { stdout: "pipe", stderr: "pipe" });
  const [code, out, err] = await Promise.all([child.exited, new Response(child.stdout).text(), new Response(child.stderr).text()]);
  if (code !== 0) throw new Error(`${command.join(" ")} exited ${code}:\n${out}${err}`);
}

export async function startPostgres(): Promise<TestPostgres> {
  const bin = postgresBin();
  const asPostgres = userInfo().uid === 0;
  const dir = mkdtempSync(join(tmpdir(), "agw-pg-"));
  if (asPostgres) {
    const { uid, gid } = postgresUser();
    chownSync(dir, uid, gid);
  }
  const data = join(dir, "data");
  const port = await freePort();
  await run([join(bin, "initdb"), "-D", data, "--auth=trust", "--username=agw", "-E", "UTF8", "--no-sync"], asPostgres);
  const start = () =>
    run(
      [join(bin, "pg_ctl"), "-D", data, "-l", join(dir, "server.log"), "-w", "-o", `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`, "start"],
      asPostgres,
    );
  const stopServer = (mode: "fast" | "immediate") => run([join(bin, "pg_ctl"), "-D", data, "-m", mode, "-w", "stop"], asPostgres);
  await start();
  const admin = new SQL(`postgres://agw@127.0.0.1:${port}/postgres`);
  await admin`CREATE DATABASE agw`;
  await admin.close();
  let running = true;
  return {
    url: `postgres://agw@127.0.0.1:${port}/agw`,
    port,
    async pause() {
      if (running) await stopServer("fast");
      running = false;
    },
    async resume() {
      if (!running) await start();
      running = true;
    },
    async stop() {
      if (running) await stopServer("immediate").catch(() => {});
      running = false;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgresUser(): { uid: number; gid: number } {
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((entry) => entry.startsWith("postgres:"));
  if (line === undefined) throw new Error("no 'postgres' user: install Debian's postgresql package, which creates it");
  const [, , uid, gid] = line.split(":");
  return { uid: Number(uid), gid: Number(gid) };
}

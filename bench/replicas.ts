/**
 * `bun bench/replicas.ts`: what sharing one Postgres costs. Starts a real
 * PostgreSQL (Debian's server, as the tests do) and measures:
 *
 * - one agw on Postgres beside one on SQLite: requests per second at 64
 *   connections (`wrk`) against the mock provider, with the request log,
 *   metrics and a client key with limits on;
 * - the store's work per request: Postgres transactions and rows written per
 *   1,000 requests;
 * - eight replicas on one Postgres, idle and under a spread load: Postgres
 *   transactions per second and its CPU, from pg_stat_database and /proc.
 *
 *   bun bench/replicas.ts [--quick]
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SQL } from "bun";
import { startPostgres } from "../test/harness/postgres.ts";

const QUICK = process.argv.includes("--quick");
const SECONDS = QUICK ? 2 : 8;
/** Postgres publishes a backend's counters when it goes idle, at the latest 10 s later: wait that long before reading them. */
const SETTLE_MS = QUICK ? 1_500 : 11_000;
const CLIENT_KEY = "bench-client-key-0123456789";
const root = join(import.meta.dir, "..");
const dir = mkdtempSync(join(tmpdir(), "agw-bench-replicas-"));
const taskset = ["/usr/bin/taskset", "/bin/taskset"].find(existsSync);
const wrk = ["/usr/bin/wrk", "/usr/local/bin/wrk"].find(existsSync);
const agwArgv = existsSync(join(root, "dist/agw")) ? [join(root, "dist/agw")] : [process.execPath, join(root, "src/main.ts")];
const children: Bun.Subprocess[] = [];

if (!wrk) throw new Error("wrk is needed: apt-get install wrk");

function config(name: string, database: string): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      listen: { host: "127.0.0.1", port: 0 },
      database,
      auth: { mode: "strict", keys: [{ id: "bench", key: CLIENT_KEY, rpm: 10_000_000, dailyRequests: 100_000_000 }] },
      providers: { demo: { type: "mock" } },
      models: { "*": "demo/echo" },
      logging: { requests: true },
    }),
  );
  return file;
}

async function startAgw(file: string, core?: number): Promise<{ url: string; pid: number }> {
  const argv = [...agwArgv, "--config", file, "--port", "0"];
  const child = Bun.spawn(core !== undefined && taskset ? [taskset, "-c", String(core), ...argv] : argv, { cwd: dir, stdout: "pipe", stderr: "inherit" });
  children.push(child);
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of child.stdout as unknown as AsyncIterable<Uint8Array>) {
    text += decoder.decode(chunk, { stream: true });
    const match = text.match(/listening on (http:\/\/[^\s]+)/);
    if (match) return { url: match[1]!, pid: child.pid };
  }
  throw new Error(`agw exited:\n${text}`);
}

const body = JSON.stringify({ model: "fast", messages: [{ role: "user", content: "Say hello in five words." }] });

async function wrkRun(url: string, seconds: number, connections = 64): Promise<number> {
  const script = join(dir, "post.lua");
  writeFileSync(
    script,
    `wrk.method = "POST"\nwrk.body = ${JSON.stringify(body)}\nwrk.headers["content-type"] = "application/json"\nwrk.headers["authorization"] = "Bearer ${CLIENT_KEY}"\n`,
  );
  const argv = [wrk!, "-t1", `-c${connections}`, `-d${seconds}s`, "-s", script, `${url}/v1/chat/completions`];
  const child = Bun.spawn(taskset ? [taskset, "-c", "1", ...argv] : argv, { stdout: "pipe", stderr: "pipe" });
  const out = await new Response(child.stdout).text();
  await child.exited;
  const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  if (non2xx > 0) throw new Error(`${non2xx} failed requests:\n${out}`);
  return requests / seconds;
}

/** CPU seconds of every process of the Postgres server (the postmaster and its backends). */
function postgresCpu(): number {
  let total = 0;
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
      if (!cmdline.includes("postgres")) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      total += (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

async function dbCounters(sql: SQL): Promise<{ commits: number; inserted: number; updated: number; logRows: number }> {
  const [row] = await sql`SELECT xact_commit, tup_inserted, tup_updated, (SELECT count(*) FROM request_logs) AS log_rows FROM pg_stat_database WHERE datname = current_database()`;
  return { commits: Number(row.xact_commit), inserted: Number(row.tup_inserted), updated: Number(row.tup_updated), logRows: Number(row.log_rows) };
}

const pg = await startPostgres();
try {
  // One replica on each store, the same traffic.
  const sqliteAgw = await startAgw(config("sqlite", join(dir, "agw.db")), 0);
  const postgresAgw = await startAgw(config("postgres", pg.url), 0);
  const stats = new SQL(pg.url);
  await wrkRun(sqliteAgw.url, 1);
  await wrkRun(postgresAgw.url, 1);
  const rounds: Record<string, number[]> = { sqlite: [], postgres: [] };
  let perThousand = { commits: 0, rows: 0, logRows: 0 };
  for (let round = 0; round < (QUICK ? 1 : 3); round++) {
    rounds.sqlite!.push(await wrkRun(sqliteAgw.url, SECONDS));
    const before = await dbCounters(stats);
    const rps = await wrkRun(postgresAgw.url, SECONDS);
    await Bun.sleep(SETTLE_MS); // the last beat writes what the load queued, and the server publishes its counters
    const after = await dbCounters(stats);
    rounds.postgres!.push(rps);
    const thousands = (rps * SECONDS) / 1000;
    perThousand = {
      commits: (after.commits - before.commits) / thousands,
      rows: (after.inserted + after.updated - before.inserted - before.updated) / thousands,
      logRows: (after.logRows - before.logRows) / thousands,
    };
  }
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  for (const child of children.splice(0)) child.kill();

  // Eight replicas on one Postgres.
  const replicas = [];
  for (let index = 0; index < 8; index++) replicas.push(await startAgw(config(`replica-${index}`, pg.url)));
  await Bun.sleep(SETTLE_MS);
  const idleBefore = await dbCounters(stats);
  const idleCpu = postgresCpu();
  await Bun.sleep(SECONDS * 1000);
  const idleAfter = await dbCounters(stats);
  const idle = { commits: (idleAfter.commits - idleBefore.commits) / SECONDS, cpu: (postgresCpu() - idleCpu) / SECONDS };
  const loadBefore = await dbCounters(stats);
  const loadCpu = postgresCpu();
  const loadStarted = performance.now();
  const rates = await Promise.all(replicas.map((replica) => wrkRun(replica.url, SECONDS, 8)));
  await Bun.sleep(SETTLE_MS);
  const loadAfter = await dbCounters(stats);
  const total = rates.reduce((sum, rate) => sum + rate, 0);
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  const load = { rps: total, commits: (loadAfter.commits - loadBefore.commits) / loadSeconds, cpu: (postgresCpu() - loadCpu) / loadSeconds };
  await stats.close();

  console.log(`agw ${agwArgv.length === 1 ? "binary" : "from source"}; ${navigator.hardwareConcurrency} cores; Postgres on the same machine${QUICK ? "; --quick" : ""}\n`);
  console.log("| | SQLite | Postgres |\n| --- | --- | --- |");
  console.log(`| one replica, c=64 requests/s (median) | ${Math.round(median(rounds.sqlite!))} | ${Math.round(median(rounds.postgres!))} |`);
  console.log(`| Postgres transactions per 1k requests | | ${perThousand.commits.toFixed(1)} |`);
  console.log(`| rows written or updated per 1k requests (Postgres's count) | | ${Math.round(perThousand.rows)} |`);
  console.log(`| request-log rows per 1k requests (counted) | | ${Math.round(perThousand.logRows)} |`);
  console.log(`\n| eight replicas on one Postgres | idle | under load |\n| --- | --- | --- |`);
  console.log(`| requests/s, all replicas | 0 | ${Math.round(load.rps)} |`);
  console.log(`| Postgres transactions/s (under load: over the load and the settling after it) | ${idle.commits.toFixed(1)} | ${load.commits.toFixed(1)} |`);
  console.log(`| Postgres CPU (cores) | ${idle.cpu.toFixed(3)} | ${load.cpu.toFixed(3)} |`);
} finally {
  for (const child of children) child.kill();
  await pg.stop();
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Starts the real gateway in-process on port 0 with a config given as an
 * object (validated exactly like a config file), on a fresh SQLite file.
 *
 *   const agw = startTestGateway({ providers: {...}, models: {...} });
 *   agw.url            // "http://127.0.0.1:PORT"
 *   agw.gateway.store  // the real store, to read request logs
 *   await agw.stop()
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseConfig } from "../../src/config/load.ts";
import { startGateway, type Gateway } from "../../src/server/gateway.ts";
import type { SqliteStore } from "../../src/store/index.ts";

export interface TestGateway {
  url: string;
  gateway: Gateway<SqliteStore>;
  database: string;
  stop(): Promise<void>;
}

export function startTestGateway(raw: Record<string, unknown>, env: Record<string, string> = {}): TestGateway {
  const dir = mkdtempSync(join(tmpdir(), "agw-test-"));
  const config = parseConfig({ database: join(dir, "agw.db"), ...raw }, join(dir, "agw.json"), env);
  const gateway = startGateway(config, { host: "127.0.0.1", port: 0 });
  return {
    url: gateway.url.href.replace(/\/$/, ""),
    gateway,
    database: config.database,
    async stop() {
      await gateway.stop(true);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * /readyz says whether this gateway should get traffic: ready while its
 * store takes writes, 503 with the reason when a write batch failed (the
 * liveness probe /healthz stays 200), ready again once a batch is written.
 */
import { afterAll, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { startTestGateway } from "../harness/gateway.ts";

const agw = startTestGateway({ auth: { mode: "all_except_health", apiKey: "key-0123456789abcdef" }, providers: { demo: { type: "mock" } }, models: { "*": "demo/echo" } });
afterAll(() => agw.stop());

const get = async (path: string) => {
  const response = await fetch(`${agw.url}${path}`);
  return [response.status, await response.json()];
};
const chat = () =>
  fetch(`${agw.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: "Bearer key-0123456789abcdef", "content-type": "application/json" },
    body: JSON.stringify({ model: "demo", messages: [{ role: "user", content: "hi" }] }),
  }).then((response) => response.text());

test("ready, then not ready with the reason while writes fail (alive all along), then ready again", async () => {
  expect(await get("/readyz")).toEqual([200, { status: "ready", store: "sqlite" }]);
  // Another connection breaks the table the request log writes to.
  const other = new Database(agw.database);
  const schema = (other.query("SELECT sql FROM sqlite_master WHERE name = 'request_logs'").get() as { sql: string }).sql;
  other.run("ALTER TABLE request_logs RENAME TO request_logs_away");
  await chat();
  agw.gateway.store.flush();
  expect(await get("/readyz")).toEqual([503, { status: "not_ready", store: "sqlite", reason: "the last write to the database failed: no such table: request_logs" }]);
  expect(await get("/healthz")).toEqual([200, { status: "ok" }]);
  other.run(schema);
  other.close();
  await chat();
  agw.gateway.store.flush();
  expect(await get("/readyz")).toEqual([200, { status: "ready", store: "sqlite" }]);
});

/**
 * One table of cases, run for every client protocol against every provider
 * type through the real gateway; a case that cannot apply is skipped by name
 * with its reason. Each outcome carries what the upstream received (read
 * from its fake) so a case can check the whole request crossed the gateway;
 * against the mock, which has no wire, the title says those checks are left
 * out. The table's totals are printed at the end.
 */
import { afterAll, beforeAll, describe, test } from "bun:test";
import { startTestGateway, type TestGateway } from "../harness/gateway.ts";
import { cases, type Case, type Outcome } from "./cases.ts";
import { drivers, type Driver, type FollowUp } from "./clients.ts";
import { skipReason } from "./skips.ts";
import { startUpstreams, type Upstream } from "./upstreams.ts";

const upstreams: Upstream[] = startUpstreams();
let gateway: TestGateway;
const totals = { passed: 0, failed: 0, skipped: 0 };

beforeAll(() => {
  const providers: Record<string, unknown> = {};
  const models: Record<string, string> = {};
  for (const upstream of upstreams) {
    Object.assign(providers, upstream.providers);
    Object.assign(models, upstream.models);
  }
  gateway = startTestGateway({ providers, models, retry: { maxAttempts: 2 } });
});

afterAll(async () => {
  await gateway.stop();
  for (const upstream of upstreams) await upstream.stop();
  console.log(`\nconformance table: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped by name`);
});

/** Sends one request and attaches what the upstream received for it (its last attempt). */
async function exchange(driver: Driver, upstream: Upstream, testCase: Case, extra?: FollowUp): Promise<Outcome> {
  const mark = upstream.recorder?.mark() ?? 0;
  const outcome = await driver.send(gateway.url, upstream.model(testCase.fault ?? "none"), testCase, extra);
  if (upstream.recorder) outcome.received = upstream.recorder.since(mark).at(-1);
  else outcome.noWire = true;
  return outcome;
}

for (const driver of drivers) {
  describe(`client ${driver.name}`, () => {
    for (const upstream of upstreams) {
      describe(`provider ${upstream.name}`, () => {
        for (const testCase of cases) {
          const reason = skipReason(driver.name, upstream.name, testCase);
          if (reason) {
            totals.skipped++;
            test.skip(`${testCase.name} — skipped: ${reason}`, () => {});
            continue;
          }
          const title = upstream.recorder ? testCase.name : `${testCase.name} (answer only: the mock has no wire to inspect)`;
          test(title, async () => {
            try {
              const outcome = await exchange(driver, upstream, testCase);
              const next =
                testCase.followUp !== undefined ? { user: testCase.followUp } : testCase.followUpResult !== undefined ? { toolResult: testCase.followUpResult } : undefined;
              if (next && outcome.status === 200) outcome.next = await exchange(driver, upstream, testCase, { assistant: outcome.assistant, ...next });
              testCase.expect(outcome, driver.name, upstream.name);
              totals.passed++;
            } catch (error) {
              totals.failed++;
              throw error;
            }
          });
        }
      });
    }
  });
}

/**
 * One table of cases, run for every client protocol against every provider
 * type through the real gateway; a case that cannot apply is skipped by name
 * with its reason. The table's totals are printed at the end.
 */
import { afterAll, beforeAll, describe, test } from "bun:test";
import { startTestGateway, type TestGateway } from "../harness/gateway.ts";
import { cases, type Outcome } from "./cases.ts";
import { drivers } from "./clients.ts";
import { skipReason } from "./skips.ts";
import { startUpstreams, UPSTREAM_MODELS, type Upstream } from "./upstreams.ts";

const upstreams: Upstream[] = startUpstreams();
let gateway: TestGateway;
const totals = { passed: 0, failed: 0, skipped: 0 };

beforeAll(() => {
  const providers: Record<string, unknown> = {};
  const models: Record<string, string> = {};
  for (const upstream of upstreams) {
    Object.assign(providers, upstream.providers);
    for (const providerName of Object.keys(upstream.providers)) {
      models[`conf-${providerName}`] = `${providerName}/${UPSTREAM_MODELS[upstream.name]}`;
    }
  }
  gateway = startTestGateway({ providers, models, retry: { maxAttempts: 2 } });
});

afterAll(async () => {
  await gateway.stop();
  for (const upstream of upstreams) await upstream.stop();
  console.log(`\nconformance table: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped by name`);
});

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
          test(testCase.name, async () => {
            try {
              const model = upstream.model(testCase.fault ?? "none");
              const outcome: Outcome = await driver.send(gateway.url, model, testCase);
              if (testCase.followUp && outcome.status === 200) {
                outcome.next = await driver.send(gateway.url, model, { ...testCase, reasoning: testCase.reasoning }, {
                  assistant: outcome.assistant,
                  user: testCase.followUp,
                });
              }
              testCase.expect(outcome, driver.name);
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

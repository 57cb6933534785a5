/**
 * The fault matrix: every client protocol × every upstream fault (in each
 * vendor's words) × JSON and stream × translated and pass-through, through
 * the real gateway. Each cell has a provider of its own, so no cooldown or
 * refused account carries over from one cell to another, and the cells run
 * concurrently.
 *
 * - Two accounts, the faulty one first (priority): a fault before any of the
 *   answer is invisible. The healthy account answers the whole text, names
 *   itself in `x-account-email`, and the request log lists both attempts,
 *   the first with the fault's error class.
 * - The faulty account alone: an error in the client's own shape with the
 *   truthful status (429 with Retry-After, 502, 503/529, 504), never an
 *   upstream 401/403, never the account's key.
 * - A fault after part of the answer: a stream ends with the protocol's
 *   error event after the partial text, from the same account (no
 *   rotation). A JSON client has been sent nothing yet: alone it gets a 502
 *   in its shape (the overload status when the upstream said overloaded),
 *   and with a second account that one answers it whole, as a pass-through
 *   JSON answer cut mid-body already is.
 *
 * Every upstream goes through a raw TCP front (test/harness/fault-upstream.ts)
 * that relays to the vendor's fake, or resets, hangs or cuts the connection.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { expectStreamError } from "../conformance/error-shapes.ts";
import { startFakeAnthropic } from "../harness/fake-anthropic.ts";
import { startFakeGemini } from "../harness/fake-gemini.ts";
import { startFakeOpenAI } from "../harness/fake-openai.ts";
import { startFaultUpstream, type FaultUpstream } from "../harness/fault-upstream.ts";
import { startTestGateway, type TestGateway } from "../harness/gateway.ts";
import { ask, WHOLE_ANSWER, type Answer, type ClientProtocol } from "./client-requests.ts";
import { expectVerdictAnswer, verdictStatus } from "./error-answer.ts";
import { faults, firstPiece, type Fault, type Variant, type Vendor, type Verdict } from "./faults.ts";

const CLIENTS: ClientProtocol[] = ["openai-chat", "openai-responses", "openai-completions", "anthropic", "gemini"];
const VENDORS: Vendor[] = ["gemini", "openai", "anthropic"];
/** The client protocol each vendor speaks: that pair is passed through, every other is translated. */
const NATIVE: Record<Vendor, ClientProtocol> = { gemini: "gemini", openai: "openai-chat", anthropic: "anthropic" };
const UPSTREAM_MODEL: Record<Vendor, string> = { gemini: "gemini-2.5-flash", openai: "gpt-4o", anthropic: "claude-sonnet-4-5" };
const NO_PASSTHROUGH: Partial<Record<ClientProtocol, string>> = {
  "openai-responses": "no provider speaks Responses (the openai provider speaks Chat Completions)",
  "openai-completions": "no provider speaks legacy Completions",
};

const FAULTY = "faulty@example.com";
const HEALTHY = "healthy@example.com";
const HEALTHY_KEY = "key-healthy-account";
/** Short enough for a hanging upstream to cost little, long enough for a healthy one under load. */
const HANG_TIMEOUT_MS = 400;
/** Above two hanging attempts and the backoff between them, so a hang ends by its timeouts. */
const DEADLINE_MS = 3_000;

/**
 * `failover`: two accounts, the healthy one answers whole; `alone`: the
 * faulty account only, an error answer; `no-rotation`: two accounts, a
 * stream that ends with the error event from the faulty one.
 */
type Setup = "failover" | "alone" | "no-rotation";
const SETUP_TITLES: Record<Setup, string> = {
  failover: "two accounts: the healthy one answers whole",
  alone: "the faulty account alone: an error in the client's shape",
  "no-rotation": "two accounts: the partial text, then the protocol's error event (no rotation)",
};

interface Cell {
  client: ClientProtocol;
  vendor: Vendor;
  fault: Fault;
  variant: Variant;
  stream: boolean;
  setup: Setup;
  provider: string;
  /** The faulty account's key: the fault's, tagged with the cell when the front holds the cut for it. */
  key: string;
}

/** A JSON client sees nothing before the end: the cut comes a moment after the first text, as a real one does. */
const JSON_CUT_AFTER_MS = 100;
/** A stream whose first text never reaches the client is cut anyway, so a cell cannot stall. */
const STREAM_CUT_FALLBACK_MS = 1_000;

const cells: Cell[] = [];
const fronts = new Map<Vendor, FaultUpstream>();
const fakes = { gemini: startFakeGemini({ pieceDelayMs: 0 }), openai: startFakeOpenAI({ pieceDelayMs: 0 }), anthropic: startFakeAnthropic({ pieceDelayMs: 0 }) };
let agw: TestGateway;

beforeAll(async () => {
  for (const vendor of VENDORS) fronts.set(vendor, await startFaultUpstream(fakes[vendor].url));
  const providers: Record<string, unknown> = {};
  const models: Record<string, string> = {};
  for (const cell of cells) {
    const front = fronts.get(cell.vendor)!.url;
    const faulty = { id: FAULTY, apiKey: cell.key, priority: 0 };
    const healthy = { id: HEALTHY, apiKey: HEALTHY_KEY, priority: 1 };
    providers[cell.provider] = {
      type: cell.vendor,
      baseUrl: cell.vendor === "openai" ? `${front}/v1` : front,
      accounts: cell.setup === "alone" ? [faulty] : [faulty, healthy],
      // A whole answer (pass-through without streaming) waits answerTimeoutMs for its headers, a stream timeoutMs.
      ...(cell.fault.hangs ? { timeoutMs: HANG_TIMEOUT_MS, answerTimeoutMs: HANG_TIMEOUT_MS } : {}),
    };
    models[cell.provider] = `${cell.provider}/${UPSTREAM_MODEL[cell.vendor]}`;
  }
  agw = startTestGateway({ providers, models, scheduling: { mode: "priority" }, retry: { maxAttempts: 2, deadlineMs: DEADLINE_MS } });
});

afterAll(async () => {
  await agw?.stop();
  for (const front of fronts.values()) await front.stop();
  for (const fake of Object.values(fakes)) await fake.stop();
});

/** The request's row, once the log has it: its error class and every attempt with its account, status and error class. */
async function logRowOf(answer: Answer): Promise<{ errorClass?: string; attempts: Array<Record<string, unknown>> }> {
  const id = answer.headers.get("x-request-id") ?? "";
  for (let tries = 0; tries < 100; tries++) {
    agw.gateway.store.flush();
    const row = agw.gateway.store.requestLogs.get(id);
    if (row) return { errorClass: row.errorClass, attempts: (row.attemptDetails ?? []) as Array<Record<string, unknown>> };
    await Bun.sleep(10);
  }
  throw new Error(`no request-log row for ${id}`);
}

/** Sends the cell's request; a held cut is released once a stream's client has seen the first text (a JSON one's: a moment after the front sent it). */
function send(cell: Cell): Promise<Answer> {
  if (cell.key === cell.variant.key) return ask(agw.url, cell.client, cell.provider, cell.stream);
  const front = fronts.get(cell.vendor)!;
  const cut = () => front.cut(cell.provider);
  void front.held(cell.provider).then(() => Bun.sleep(cell.stream ? STREAM_CUT_FALLBACK_MS : JSON_CUT_AFTER_MS)).then(cut);
  return ask(agw.url, cell.client, cell.provider, cell.stream, cell.stream ? cut : undefined);
}

const classMatcher = (errorClass: string | RegExp) => (typeof errorClass === "string" ? errorClass : expect.stringMatching(errorClass));

async function run(cell: Cell): Promise<void> {
  const { client, fault, variant, setup } = cell;
  const answer = await send(cell);
  const row = await logRowOf(answer);
  const attempts = row.attempts;
  const failed = { accountId: FAULTY, errorClass: classMatcher(fault.errorClass) };
  // What the client got, in one line, so that a failing cell shows it whole.
  const seen = {
    status: answer.status,
    account: answer.headers.get("x-account-email"),
    text: answer.text,
    errorFrames: answer.errorFrames.length,
  };
  // No key of either account, in any answer.
  for (const key of [cell.key, HEALTHY_KEY]) expect(answer.raw).not.toContain(key);

  if (setup === "failover") {
    expect(seen).toEqual({ status: 200, account: HEALTHY, text: WHOLE_ANSWER, errorFrames: 0 });
    expect(attempts).toEqual([expect.objectContaining(failed), expect.objectContaining({ accountId: HEALTHY, status: 200 })]);
    return;
  }
  if (setup === "no-rotation") {
    const partial = fault.id === "error-in-200-stream" ? "Partial answer" : firstPiece(WHOLE_ANSWER);
    expect({ ...seen, errorFrames: answer.errorFrames }).toEqual({ status: 200, account: FAULTY, text: partial, errorFrames: expect.anything() });
    expectStreamError(client, answer.errorFrames);
    expect({ errorClass: row.errorClass, attempts }).toEqual({
      errorClass: classMatcher(fault.errorClass),
      attempts: [expect.objectContaining({ accountId: FAULTY, status: 200 })],
    });
    return;
  }
  const verdict: Verdict = variant.verdict ?? fault.verdict;
  const retryAfter = answer.headers.get("retry-after");
  expect({ status: answer.status, body: answer.errorBody }).toEqual({ status: verdictStatus(verdict, client), body: expect.anything() });
  expect(attempts.length).toBeGreaterThan(0);
  if (fault.phase === "before-output") {
    for (const each of attempts) expect(each).toEqual(expect.objectContaining(failed));
  } else {
    // The attempt had started (status 200) when the fault came: the row's own error class says what ended it.
    for (const each of attempts) expect(each).toEqual(expect.objectContaining({ accountId: FAULTY }));
    expect(row.errorClass).toEqual(classMatcher(fault.errorClass));
  }
  expectVerdictAnswer(client, verdict, answer.errorBody, retryAfter, attempts[0]?.cooldownMs as number | undefined);
}

/** The setups a fault gets in one framing. */
function setupsOf(fault: Fault, stream: boolean): Setup[] {
  if (fault.phase === "before-output") return ["failover", "alone"];
  return stream ? ["no-rotation"] : ["failover", "alone"];
}

/**
 * One flat run of concurrent tests (a describe block would make each group
 * wait for its slowest cell); the skipped cells are listed after them.
 */
const skipped: string[] = [];
for (const client of CLIENTS) {
  if (NO_PASSTHROUGH[client]) skipped.push(`${client} → pass-through — skipped: ${NO_PASSTHROUGH[client]}`);
  for (const vendor of VENDORS) {
    const route = `${client} → ${vendor} (${NATIVE[vendor] === client ? "pass-through" : "translated"})`;
    for (const fault of faults) {
      const variant = fault.vendors[vendor];
      if ("skip" in variant) {
        skipped.push(`${route} · ${fault.title} — skipped: ${variant.skip}`);
        continue;
      }
      for (const stream of [false, true]) {
        const framing = stream ? "stream" : "JSON";
        if (NATIVE[vendor] === client && !stream && fault.id === "error-in-200-stream") {
          skipped.push(`${route} · ${framing} · ${fault.title} — skipped: a pass-through JSON request asks the upstream for JSON, with no stream to fail inside`);
          continue;
        }
        for (const setup of setupsOf(fault, stream)) {
          const provider = `cell-${cells.length}`;
          const key = fault.id === "cut-after-first-byte" ? `${variant.key}/${provider}` : variant.key;
          const cell: Cell = { client, vendor, fault, variant, stream, setup, provider, key };
          cells.push(cell);
          test.concurrent(`${route} · ${framing} · ${fault.title} · ${SETUP_TITLES[setup]}`, () => run(cell));
        }
      }
    }
  }
}
describe("cells that cannot exist", () => {
  for (const title of skipped) test.skip(title, () => {});
});

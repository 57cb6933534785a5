import { isOutputEvent, type StreamEvent } from "../ir/event.ts";
import type { ChatRequest } from "../ir/request.ts";
import { GatewayError, toGatewayError } from "../ir/errors.ts";
import { hasSignatures, stripSignatures } from "../ir/strip-signatures.ts";
import { addWarning } from "../ir/add-warning.ts";
import type { AccountCredentials, Provider, ProviderCall } from "../providers/types.ts";
import { redactError } from "./redact-credentials.ts";
import type { Warning } from "../ir/warning.ts";
import type { AccountPool, PoolAccount } from "./account-pool.ts";

/** One try against one account, for the request log. */
export interface AttemptRecord {
  accountId: string;
  status: number;
  errorClass?: string;
  /** How long the failure rested the account, in milliseconds. */
  cooldownMs?: number;
  /** How long the request waited before this attempt (backoff or a free account soon), in milliseconds. */
  waitedMs?: number;
}

/** Where the attempts go. */
export interface RetryTarget {
  providerName: string;
  model: string;
  pool: AccountPool;
  maxAttempts: number;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
  /** Each try is recorded here, for the request log. */
  attempts: AttemptRecord[];
  /** The conversation, for sticky scheduling. */
  conversation?: string;
  /** When every account rests and one is free within this, wait for it (retry.maxWaitMs). */
  maxWaitMs?: number;
  /** The attempts stop once this much time has gone (retry.deadlineMs). */
  deadlineMs?: number;
}

export interface AttemptOptions extends RetryTarget {
  request: ChatRequest;
  provider: Provider;
  /** Lowering adds what the upstream cannot honour here (each attempt lowers again; duplicates are the collector's to drop). */
  warnings?: Warning[];
  /**
   * The whole answer is part of the attempt (a JSON client, sent nothing
   * until it is complete): a break or an error anywhere in it fails the
   * attempt, so the next account may answer instead.
   */
  whole?: boolean;
}

export interface AttemptSuccess {
  account: PoolAccount;
  /** The upstream's events, starting with those read to confirm it is answering. */
  events: AnswerEvents;
}

const isOutput = isOutputEvent;

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
  });

/**
 * Runs `attempt` on the target's accounts in turn until one succeeds: the
 * scheduling mode picks among healthy accounts, each failure is reported to
 * the pool (which rests the account as the error deserves), the next account
 * is tried when the error is retryable, with a short backoff and jitter only
 * when nothing untried is left. When every account rests, the answer is a
 * 429 naming when the first is free again (or, within maxWaitMs, a wait for
 * it). Attempts stop at maxAttempts or the deadline, which also cuts an
 * attempt still waiting for its upstream (an attempt that reads on past its
 * answer's start calls `answering`, after which the deadline no longer cuts it).
 *
 * Two things are done here once for every kind of call:
 * - an OAuth access token the upstream refuses (401) may be stale (revoked
 *   or expired early): it is refreshed once and the same account tried again
 *   before the refusal counts against the account;
 * - every error is stripped of the call's credentials (API key, access and
 *   refresh tokens, client secret) before it is logged, stored as a reason,
 *   or sent to the client.
 */
export async function withRetries<T>(
  target: RetryTarget,
  attempt: (
    account: PoolAccount,
    credentials: AccountCredentials,
    signal: AbortSignal,
    answering: () => void,
    /** Ends this attempt (its header timeout) without ending the request's next ones. */
    abort: (reason: unknown) => void,
  ) => Promise<T>,
): Promise<{ account: PoolAccount; value: T }> {
  const { pool, providerName, model, attempts } = target;
  const tried = new Set<string>();
  const started = Date.now();
  const deadline = started + (target.deadlineMs ?? Number.POSITIVE_INFINITY);
  const cut = new AttemptCut(target);
  let lastError: GatewayError | undefined;
  try {
    for (let round = 0; round < target.maxAttempts; round++) {
      let pick = pool.pick(providerName, model, { tried, conversation: target.conversation });
      let waitedMs = 0;
      // A fresh signal if the last attempt's was aborted by its header timeout (before any wait, so the
      // client's going away or the deadline still ends the wait).
      cut.renew();
      if (pick.account === undefined && pick.cooldownUntil !== undefined) {
        // Every account rests: when the first is free soon enough, wait for it and go on.
        const wait = pick.cooldownUntil - Date.now();
        if (wait <= (target.maxWaitMs ?? 0) && Date.now() + wait < deadline) {
          await sleep(wait + 1, cut.signal);
          waitedMs = wait;
          pick = pool.pick(providerName, model, { tried: new Set(), conversation: target.conversation });
        }
      }
      if (pick.account === undefined) {
        if (lastError) break;
        throw noAccountError(providerName, model, pick.reason, pick.cooldownUntil);
      }
      if (pick.repeat) {
        const backoff = Math.min(200 * 2 ** round, 2_000) * (0.5 + Math.random() / 2);
        await sleep(backoff, cut.signal);
        waitedMs += backoff;
      }
      if (target.signal.aborted) throw new GatewayError("invalid_request", "the client closed the request", { status: 499 });
      // Past the deadline no attempt starts, though an answer that started earlier cleared its timer.
      if (cut.expired() || (lastError !== undefined && Date.now() >= deadline)) break;
      const account = pick.account;
      tried.add(account.id);
      const record: AttemptRecord = { accountId: account.id, status: 200 };
      if (waitedMs > 0) record.waitedMs = Math.round(waitedMs);
      let credentials: AccountCredentials | undefined;
      try {
        const pending = pool.credentials(account);
        credentials = pending instanceof Promise ? await pending : pending;
        let value: T;
        try {
          value = await attempt(account, credentials, cut.signal, cut.done, cut.abort);
        } catch (first) {
          const refused = toGatewayError(first);
          if (refused.code !== "upstream_unauthorized" || credentials.accessToken === undefined || cut.signal.aborted) throw first;
          if (!pool.refreshToken(account, credentials.accessToken)) throw first;
          // The refused try is in the log as it happened; the retry gets its own record.
          attempts.push({ accountId: account.id, status: refused.upstreamStatus ?? refused.status, errorClass: "stale_access_token" });
          credentials = await pool.credentials(account);
          value = await attempt(account, credentials, cut.signal, cut.done, cut.abort);
        }
        attempts.push(record);
        pool.reportSuccess(account, model);
        return { account, value };
      } catch (thrown) {
        const error = cut.expired() && !target.signal.aborted ? deadlineError(target) : redactError(toGatewayError(thrown), secretsOf(account, credentials));
        record.status = error.upstreamStatus ?? error.status;
        record.errorClass = error.code ?? error.kind;
        attempts.push(record);
        if (target.signal.aborted) throw error;
        const cooldownMs = pool.reportFailure(account, model, error);
        if (cooldownMs > 0) record.cooldownMs = cooldownMs;
        lastError = error;
        if (!error.retryable) throw error;
        if (cut.expired()) break;
      }
    }
    if (cut.expired() && !target.signal.aborted) throw deadlineError(target);
    throw finalError(lastError!, pool, providerName, model, tried);
  } finally {
    cut.done();
  }
}

/** Every secret a call with this account may have used, for redaction. */
function secretsOf(account: PoolAccount, credentials: AccountCredentials | undefined): Array<string | undefined> {
  return [account.apiKey, credentials?.apiKey, credentials?.accessToken, account.oauth?.refreshToken, account.oauth?.clientSecret];
}

/**
 * The signal attempts run under, one AbortController for the request while
 * nothing aborts it: the client's going away aborts it; past
 * retry.deadlineMs the deadline does, so an upstream that hangs cannot hold
 * the request beyond it whatever its own timeout (once an answer has
 * started, done() clears the deadline; the client's abort still applies);
 * and an attempt's header timeout does, through `abort`, after which the
 * next attempt gets a fresh one (`renew`). One controller and one listener
 * instead of one per request plus one per upstream call: the upstream call
 * aborts this one rather than linking its own to it.
 */
class AttemptCut {
  private controller = new AbortController();
  private deadlinePassed = false;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly target: RetryTarget) {
    const client = target.signal;
    if (client.aborted) this.controller.abort(client.reason);
    else client.addEventListener("abort", this.onClientAbort, { once: true });
    if (target.deadlineMs !== undefined && Number.isFinite(target.deadlineMs)) {
      this.timer = setTimeout(this.onDeadline, target.deadlineMs);
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  expired(): boolean {
    return this.deadlinePassed;
  }

  /** The answer has started (or the attempts are over): the deadline no longer applies. */
  readonly done = (): void => {
    clearTimeout(this.timer);
  };

  /** Ends the current attempt only (its header timeout): the next one renews the signal. */
  readonly abort = (reason: unknown): void => {
    this.controller.abort(reason);
  };

  /** A new signal when the last attempt's own timeout aborted it; never once the client or the deadline did. */
  renew(): void {
    if (this.controller.signal.aborted && !this.target.signal.aborted && !this.deadlinePassed) this.controller = new AbortController();
  }

  private readonly onClientAbort = (): void => {
    this.controller.abort(this.target.signal.reason);
  };

  private readonly onDeadline = (): void => {
    this.deadlinePassed = true;
    this.controller.abort(deadlineError(this.target));
  };
}

function deadlineError(target: RetryTarget): GatewayError {
  return new GatewayError("timeout", `no upstream answer for ${target.model} within ${target.deadlineMs} ms (retry.deadlineMs)`, {
    code: "deadline_exceeded",
  });
}

/**
 * Sends the request to the provider, rotating through its accounts. An
 * attempt counts as answered once the first output event arrives; an error
 * before that (a refused request, an empty stream, an error event) moves on
 * to the next account when the error is retryable. After the first output
 * the stream is the client's: later errors travel inside it.
 */
export async function sendWithRetries(options: AttemptOptions): Promise<AttemptSuccess> {
  let request = options.request;
  let signaturesStripped = false;
  const whole = options.whole === true;
  const complete = whole && options.provider.complete !== undefined;
  const send = async (
    account: PoolAccount,
    credentials: AccountCredentials,
    signal: AbortSignal,
    answering: () => void,
    abort: (reason: unknown) => void,
  ): Promise<AnswerEvents> => {
    const call: ProviderCall = { model: options.model, account: credentials, signal, answering, abort };
    if (options.warnings) call.warnings = options.warnings;
    const answer = async () =>
      complete
        ? wholeAnswer(await options.provider.complete!(request, call))
        : await firstOutput(await options.provider.stream(request, call), secretsOf(account, credentials), whole, answering);
    try {
      return await answer();
    } catch (thrown) {
      const error = toGatewayError(thrown);
      if (signaturesStripped || options.signal.aborted || !isSignatureRefusal(error) || !hasSignatures(request)) throw error;
      // The history carries a signature the upstream will not accept (another
      // model's, or one it no longer honours): retry once, on the same account,
      // without them. The account did nothing wrong.
      signaturesStripped = true;
      request = stripSignatures(request);
      // Said to the client (x-agw-warnings), the request log and the metrics: the earlier turns' reasoning was not sent.
      if (options.warnings) {
        addWarning(options.warnings, {
          code: "signatures_stripped_after_refusal",
          message: `the upstream refused a signature in the conversation's history (${error.message}); retried once without the history's signatures and thinking`,
        });
      }
      return await answer();
    }
  };
  const { account, value } = await withRetries(options, send);
  return { account, events: value };
}

/**
 * An upstream answer that has started: the events read to confirm it, then
 * the rest of the stream. Handlers read it directly instead of through
 * another stream layer.
 */
interface EventReader {
  read(): Promise<{ done: boolean; value?: StreamEvent }>;
  cancel(reason?: unknown): Promise<void>;
}

const NOTHING_MORE: EventReader = { read: async () => ({ done: true }), cancel: async () => {} };

export class AnswerEvents {
  private index = 0;

  constructor(
    private readonly buffered: StreamEvent[],
    private readonly reader: EventReader,
    /** The call's credentials, stripped from an error that arrives inside the answer. */
    private readonly secrets: ReadonlyArray<string | undefined> = [],
  ) {}

  /** An answer known whole (made locally, or read to its end): these events and nothing more. */
  static of(events: StreamEvent[]): AnswerEvents {
    const answer = new AnswerEvents(events, NOTHING_MORE);
    answer.complete = true;
    return answer;
  }

  private complete = false;

  /** Every event, when the answer is known whole and none has been read yet; else undefined (read with `next`). */
  whole(): StreamEvent[] | undefined {
    return this.complete && this.index === 0 ? this.buffered : undefined;
  }

  /**
   * An answer still being sought (the attempts go on): its events once one
   * account answers, or the final failure as an `error` event. For streams
   * that must start before the upstream does.
   */
  static later(answer: Promise<AnswerEvents>): AnswerEvents {
    let events: AnswerEvents | undefined;
    let failed = false;
    return new AnswerEvents([], {
      async read() {
        if (failed) return { done: true };
        if (events === undefined) {
          try {
            events = await answer;
          } catch (thrown) {
            failed = true;
            return { done: false, value: { type: "error", error: toGatewayError(thrown) } };
          }
        }
        const value = await events.next();
        return value === undefined ? { done: true } : { done: false, value };
      },
      async cancel() {
        failed = true;
        if (events) events.cancel();
        else answer.then((late) => late.cancel(), () => {});
      },
    });
  }

  /** The next event, or undefined at the end. Rejects if the upstream stream breaks. */
  async next(): Promise<StreamEvent | undefined> {
    if (this.index < this.buffered.length) return this.buffered[this.index++];
    const result = await this.reader.read();
    if (result.done) return undefined;
    const event = result.value!;
    return event.type === "error" ? { type: "error", error: redactError(event.error, this.secrets) } : event;
  }

  cancel(): void {
    this.reader.cancel().catch(() => {});
  }
}

/** A whole answer read by the provider: an error in it, or no output at all, fails the attempt. */
function wholeAnswer(events: StreamEvent[]): AnswerEvents {
  const error = events.find((event) => event.type === "error");
  if (error !== undefined) throw error.error;
  if (!events.some(isOutput)) throw new GatewayError("upstream", "the upstream answered with an empty stream", { retryable: true });
  return AnswerEvents.of(events);
}

/**
 * Reads until the first output event (or, `whole`, to the end); an error,
 * or the end, before that fails the attempt.
 */
async function firstOutput(
  stream: ReadableStream<StreamEvent>,
  secrets: ReadonlyArray<string | undefined>,
  whole: boolean,
  answering: () => void,
): Promise<AnswerEvents> {
  const reader = stream.getReader();
  const buffered: StreamEvent[] = [];
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        if (whole && buffered.some(isOutput)) return AnswerEvents.of(buffered);
        throw new GatewayError("upstream", "the upstream answered with an empty stream", { retryable: true });
      }
      if (value.type === "error") throw value.error;
      buffered.push(value);
      if (whole) {
        // The answer has started: the deadline was for its start, not its length.
        if (isOutput(value)) answering();
        continue;
      }
      if (isOutput(value)) return new AnswerEvents(buffered, reader, secrets);
    }
  } catch (error) {
    reader.cancel().catch(() => {});
    throw error;
  }
}

function isSignatureRefusal(error: GatewayError): boolean {
  return error.kind === "invalid_request" && /signature/i.test(error.message);
}

function noAccountError(provider: string, model: string, reason: string, cooldownUntil?: number): GatewayError {
  if (cooldownUntil === undefined) {
    return new GatewayError("unavailable", `no upstream account can serve ${model}: ${reason}`, { code: "no_account" });
  }
  const retryAfterMs = Math.max(0, cooldownUntil - Date.now());
  return new GatewayError(
    "rate_limit",
    `every account of provider ${provider} is cooling down for ${model} (${reason}); retry in ${Math.ceil(retryAfterMs / 1000)} s`,
    { code: "all_accounts_exhausted", retryAfterMs },
  );
}

function finalError(
  last: GatewayError,
  pool: AccountPool,
  provider: string,
  model: string,
  tried: ReadonlySet<string>,
): GatewayError {
  if (last.kind !== "rate_limit") return last;
  // Say when the earliest account is free again, not just what the last upstream said.
  const pick = pool.pick(provider, model, { tried: new Set() });
  if (pick.account !== undefined || pick.cooldownUntil === undefined) return last;
  const retryAfterMs = Math.max(0, pick.cooldownUntil - Date.now());
  return new GatewayError(
    "rate_limit",
    `all ${tried.size} account(s) tried for ${model} are rate limited (${last.message}); retry in ${Math.ceil(retryAfterMs / 1000)} s`,
    { code: "all_accounts_exhausted", retryAfterMs, upstreamStatus: last.upstreamStatus },
  );
}

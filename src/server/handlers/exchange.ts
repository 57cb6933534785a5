import type { Usage } from "../../ir/usage.ts";
import type { Warning } from "../../ir/warning.ts";
import type { AttemptRecord } from "../../pool/attempt.ts";
import type { RequestLogRow } from "../../store/index.ts";
import type { GatewayContext } from "../context.ts";
import { metricsFor } from "../../metrics/metrics-for.ts";
import { logAccess } from "../../util/logger.ts";
import type { KeyAdmission } from "../../keys/index.ts";
import type { Caller } from "../auth.ts";
import type { ModelTarget } from "../../routing/model-router.ts";

/** Per-request bookkeeping: the id, the response headers, and what ends up as one request-log row. */
export class Exchange {
  /**
   * Time-ordered (UUIDv7), not random: the id is the request log's key, and
   * ids that grow append to its index instead of landing all over it (a row
   * costs ~3 µs to write instead of ~19 µs once the log holds 200k rows).
   */
  readonly id = Bun.randomUUIDv7();
  readonly startedAt = Date.now();
  readonly started = performance.now();
  /** Response headers, as a plain object: cheaper than a Headers instance per request. */
  readonly headers: Record<string, string> = { "x-request-id": this.id };
  readonly attempts: AttemptRecord[] = [];
  /** Settings the upstream could not honour, from decoding and lowering (sent as `x-agw-warnings`, logged). */
  readonly warnings: Warning[] = [];
  readonly log: RequestLogRow;
  private done = false;
  /** Images generated for the answer (the log keeps the count, never the bytes; they are priced per image). */
  images = 0;
  /** Whether the request counts against its account's daily usage (counting tokens does not). */
  countsUsage = true;
  /** What the request's client key had reserved at admission; settled with the real usage at the end. */
  private admission: KeyAdmission | undefined;
  /** What ends this request's answer when the gateway stops before it is done. */
  private stopHandlers: Array<() => void> | undefined;

  constructor(
    route: string,
    protocol: string,
    private readonly context: GatewayContext,
  ) {
    this.log = { id: this.id, startedAt: this.startedAt, route, protocol, stream: false, status: 0, attempts: 0 };
    context.inflight.add(this);
  }

  /**
   * Holds the request to its client key (if it came with one) for a model:
   * the allow-list, rate and daily limits and budget, before any upstream
   * call. Throws the 403 or 429 to answer; sets the key's rate-limit headers.
   */
  admit(caller: Caller | undefined, model: string, estimateTokens: () => number): void {
    const key = caller?.key;
    if (key === undefined) return;
    this.log.keyId = key.record.id;
    this.admission = this.context.keys.admit(key, model, estimateTokens, this.headers);
  }

  /** Records where the mapping sent the request: in the log, and in `x-mapped-model`. */
  mapped(target: ModelTarget): void {
    this.log.provider = target.provider;
    this.log.mappedModel = target.model;
    this.headers["x-mapped-model"] = target.model;
  }

  /** Registers how to end this request's answer if the gateway stops first (see stop()). */
  onStop(handler: () => void): void {
    (this.stopHandlers ??= []).push(handler);
  }

  /**
   * The gateway's drain time (shutdown.drainMs) is over and this request is
   * not done: its answer ends now, with an error the client can see (a 503
   * in its protocol's shape, or the protocol's error event in a stream).
   */
  stop(): void {
    for (const handler of this.stopHandlers ?? []) handler();
  }

  firstByte(): void {
    this.log.ttfbMs ??= Math.round(performance.now() - this.started);
  }

  private lastUsage: Usage | undefined;

  usage(usage: Usage | undefined): void {
    if (!usage) return;
    this.lastUsage = usage;
    this.log.inputTokens = usage.input.total;
    this.log.outputTokens = usage.output.total;
  }

  /**
   * Puts the warnings' codes in the response headers (`x-agw-warnings:
   * max_tokens_clamped,seed_unsupported`). The first lowering has reported
   * them by the time a response starts: a stream calls this before its
   * headers go out, JSON answers and errors through finish().
   */
  announceWarnings(): void {
    if (this.warnings.length === 0) return;
    this.headers["x-agw-warnings"] = this.warnings.map((warning) => warning.code).join(",");
  }

  /** Records the outcome once; later calls (a cancel after the end) are ignored. */
  finish(status: number, errorClass?: string): void {
    if (this.done) return;
    this.done = true;
    this.context.inflight.delete(this);
    this.announceWarnings();
    if (this.warnings.length > 0) this.log.warnings = this.warnings;
    this.log.status = status;
    this.log.latencyMs = Math.round(performance.now() - this.started);
    this.log.attempts = this.attempts.length;
    this.log.attemptDetails = this.attempts;
    if (errorClass !== undefined) this.log.errorClass = errorClass;
    const { provider, accountId, mappedModel } = this.log;
    // A request an account served counts against its daily budget, tokens included.
    if (this.countsUsage && provider !== undefined && accountId !== undefined && mappedModel !== undefined) {
      this.context.pool.recordUsage(provider, accountId, mappedModel, this.lastUsage);
    }
    const priced = this.log.mappedModel ?? this.log.requestedModel;
    if (this.images > 0) this.log.images = this.images;
    if (priced !== undefined && this.countsUsage) {
      const cost = this.context.pricing.cost(priced, this.lastUsage, this.images);
      if (cost !== undefined) this.log.costUsd = cost;
    }
    if (this.admission !== undefined) this.context.keys.settle(this.admission, this.countsUsage ? this.lastUsage : undefined, this.log.costUsd ?? 0);
    metricsFor(this.context).record(this.log, this.lastUsage);
    if (this.context.config.logging.requests) this.context.store.requestLogs.record(this.log);
    this.context.feed.publish(this.log);
    if (this.context.config.logging.access) logAccess(this.log);
  }
}

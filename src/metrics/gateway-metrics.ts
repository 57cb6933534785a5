import { readdirSync } from "node:fs";
import type { Usage } from "../ir/usage.ts";
import type { AttemptRecord } from "../pool/attempt.ts";
import type { AccountPool } from "../pool/account-pool.ts";
import type { RequestLogRow } from "../store/index.ts";
import { VERSION, commit } from "../version.ts";
import { attemptOutcome } from "./attempt-outcome.ts";
import { Collected, Counter, Histogram, Registry, type CounterSeries, type GaugeSample, type HistogramSeries } from "./registry.ts";

/** Suited to LLM calls: a local answer in milliseconds to a long reasoning stream in minutes. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300];

/** What the gauges read at scrape time, from memory only. */
export interface MetricsSources {
  inflight: () => number;
  pool: Pick<AccountPool, "snapshot">;
  logQueueDepth: () => number;
}

/** The counter and histogram series one kind of request adds to, each found at its first use. */
interface RequestSeries {
  requests?: CounterSeries;
  inputTokens?: CounterSeries;
  outputTokens?: CounterSeries;
  spend?: CounterSeries;
  keyRequests?: CounterSeries;
  keyInputTokens?: CounterSeries;
  keyOutputTokens?: CounterSeries;
  keySpend?: CounterSeries;
  duration?: HistogramSeries;
  firstByte?: HistogramSeries;
}

/** More kinds of request than any configuration makes: past this, the cache starts over. */
const MAX_BUNDLES = 10_000;

const ACCOUNT_STATES = ["ready", "cooling", "needs_attention", "disabled"] as const;
// The moment the process started, in seconds since the epoch.
const PROCESS_START_SECONDS = Math.round((Date.now() - performance.now()) / 10) / 100;

/**
 * The gateway's Prometheus series (README, "Metrics"). Counters and
 * histograms are fed from each finished request-log row; gauges are read
 * from memory when scraped.
 */
export class GatewayMetrics {
  private readonly registry = new Registry();
  private readonly requests = this.registry.register(
    new Counter("agw_requests_total", "Requests answered, by route, client protocol, provider, mapped model and HTTP status.", [
      "route",
      "protocol",
      "provider",
      "model",
      "status",
    ]),
  );
  private readonly attempts = this.registry.register(
    new Counter("agw_upstream_attempts_total", "Upstream attempts, by provider, account and outcome.", ["provider", "account", "outcome"]),
  );
  private readonly tokens = this.registry.register(
    new Counter("agw_tokens_total", "Tokens, by provider, mapped model, account and direction (input, output, cached, reasoning).", [
      "provider",
      "model",
      "account",
      "direction",
    ]),
  );
  private readonly intercepted = this.registry.register(
    new Counter("agw_intercepted_total", "Requests answered or rerouted by an interception, by kind.", ["kind"]),
  );
  private readonly signaturesDropped = this.registry.register(
    new Counter(
      "agw_signatures_dropped_total",
      "Requests whose history lacked the signed thinking the upstream requires, so thinking was left out for that turn.",
    ),
  );
  private readonly signaturesRetried = this.registry.register(
    new Counter(
      "agw_signatures_retried_total",
      "Requests the upstream refused for a signature in the history, sent again without the history's signatures.",
    ),
  );
  private readonly keyRequests = this.registry.register(
    new Counter("agw_key_requests_total", "Requests per client key (its id, never the secret) and HTTP status.", ["key", "status"]),
  );
  private readonly keyTokens = this.registry.register(
    new Counter("agw_key_tokens_total", "Tokens per client key and direction (input, output).", ["key", "direction"]),
  );
  private readonly keySpend = this.registry.register(
    new Counter("agw_key_spend_usd_total", "US dollars spent per client key, by the pricing table.", ["key"]),
  );
  private readonly spend = this.registry.register(
    new Counter("agw_spend_usd_total", "US dollars spent, by the pricing table, by provider and mapped model.", ["provider", "model"]),
  );
  private readonly duration = this.registry.register(
    new Histogram("agw_request_duration_seconds", "Time from a request's arrival to the end of its answer.", ["protocol", "provider"], LATENCY_BUCKETS),
  );
  private readonly firstByte = this.registry.register(
    new Histogram("agw_time_to_first_byte_seconds", "Time from a request's arrival to the first byte of its answer.", ["protocol", "provider"], LATENCY_BUCKETS),
  );
  private buildLabels: string[] | undefined;

  constructor(sources: MetricsSources) {
    const registry = this.registry;
    // Shown at 0 from the start, so a rate() over it works before the first one.
    this.signaturesDropped.inc([], 0);
    this.signaturesRetried.inc([], 0);
    registry.register(new Collected("agw_inflight_requests", "Requests (and streams) not finished yet.", [], () => [[[], sources.inflight()]]));
    registry.register(
      new Collected("agw_accounts", "Accounts by provider and state.", ["provider", "state"], () => {
        const counts = new Map<string, number[]>();
        for (const account of sources.pool.snapshot()) {
          let row = counts.get(account.provider);
          if (row === undefined) counts.set(account.provider, (row = ACCOUNT_STATES.map(() => 0)));
          row[ACCOUNT_STATES.indexOf(account.state)]! += 1;
        }
        const samples: GaugeSample[] = [];
        for (const [provider, row] of counts) ACCOUNT_STATES.forEach((state, index) => samples.push([[provider, state], row[index]!]));
        return samples;
      }),
    );
    registry.register(
      new Collected("agw_account_cooldown_seconds", "Seconds until a cooling account is free for a model (\"*\": every model).", ["provider", "account", "model"], () =>
        sources.pool
          .snapshot()
          .flatMap((account) => account.cooldowns.map(({ model, remainingMs }): GaugeSample => [[account.provider, account.id, model], remainingMs / 1000])),
      ),
    );
    registry.register(new Collected("agw_log_queue_depth", "Database writes queued and not written yet.", [], () => [[[], sources.logQueueDepth()]]));
    registry.register(
      new Collected("agw_build_info", "The running build: version and commit.", ["version", "commit"], () => {
        // Asking git (from source) happens once, at the first scrape.
        this.buildLabels ??= [VERSION, commit()];
        return [[this.buildLabels, 1]];
      }),
    );
    registry.register(
      new Collected("process_resident_memory_bytes", "Resident memory size in bytes.", [], () => [[[], process.memoryUsage.rss()]]),
    );
    registry.register(
      new Collected(
        "process_cpu_seconds_total",
        "Total user and system CPU time spent in seconds.",
        [],
        () => {
          const usage = process.cpuUsage();
          return [[[], (usage.user + usage.system) / 1e6]];
        },
        "counter",
      ),
    );
    registry.register(
      new Collected("process_start_time_seconds", "Start time of the process since the epoch in seconds.", [], () => [[[], PROCESS_START_SECONDS]]),
    );
    registry.register(new Collected("process_open_fds", "Number of open file descriptors.", [], openFileDescriptors));
  }

  /**
   * The series one kind of request adds to, by everything its labels are made
   * of: a request finds them with one lookup instead of building a label list
   * and a key per series. Bounded like the series themselves (mapped models,
   * configured keys, statuses); cleared if it ever grows past that.
   */
  private readonly bundles = new Map<string, RequestSeries>();

  /** Counts one finished request from its log row (and its last usage, for cached and reasoning tokens). */
  record(log: RequestLogRow, usage: Usage | undefined): void {
    const provider = log.provider ?? "none";
    // Only a name the router mapped is a label: what clients type is unbounded.
    const model = log.mappedModel ?? "unmapped";
    const protocol = log.protocol ?? "none";
    const account = log.accountId ?? "none";
    const bundleKey = `${log.route}\u0001${protocol}\u0001${provider}\u0001${model}\u0001${log.status}\u0001${account}\u0001${log.keyId ?? "\u0002"}`;
    let series = this.bundles.get(bundleKey);
    if (series === undefined) {
      if (this.bundles.size >= MAX_BUNDLES) this.bundles.clear();
      this.bundles.set(bundleKey, (series = {}));
    }
    (series.requests ??= this.requests.seriesOf([log.route, protocol, provider, model, String(log.status)])).value += 1;
    for (const attempt of (log.attemptDetails ?? []) as AttemptRecord[]) {
      this.attempts.inc([provider, attempt.accountId, attemptOutcome(attempt.status, attempt.errorClass)]);
    }
    // Tokens are what an upstream counted: a request answered locally (a warm-up probe) has none.
    if (usage !== undefined && log.provider !== undefined) {
      (series.inputTokens ??= this.tokens.seriesOf([provider, model, account, "input"])).value += usage.input.total;
      (series.outputTokens ??= this.tokens.seriesOf([provider, model, account, "output"])).value += usage.output.total;
      if (usage.input.cacheRead) this.tokens.inc([provider, model, account, "cached"], usage.input.cacheRead);
      if (usage.output.reasoning) this.tokens.inc([provider, model, account, "reasoning"], usage.output.reasoning);
    }
    if (log.costUsd !== undefined) (series.spend ??= this.spend.seriesOf([provider, model])).value += log.costUsd;
    if (log.keyId !== undefined) {
      (series.keyRequests ??= this.keyRequests.seriesOf([log.keyId, String(log.status)])).value += 1;
      if (usage !== undefined) {
        (series.keyInputTokens ??= this.keyTokens.seriesOf([log.keyId, "input"])).value += usage.input.total;
        (series.keyOutputTokens ??= this.keyTokens.seriesOf([log.keyId, "output"])).value += usage.output.total;
      }
      (series.keySpend ??= this.keySpend.seriesOf([log.keyId])).value += log.costUsd ?? 0;
    }
    if (log.intercepted !== undefined) this.intercepted.inc([log.intercepted]);
    if (log.warnings !== undefined) {
      if (log.warnings.some((warning) => warning.code === "thinking_dropped_unsigned_history")) this.signaturesDropped.inc([]);
      if (log.warnings.some((warning) => warning.code === "signatures_stripped_after_refusal")) this.signaturesRetried.inc([]);
    }
    if (log.latencyMs !== undefined) this.duration.observeIn((series.duration ??= this.duration.seriesOf([protocol, provider])), log.latencyMs / 1000);
    if (log.ttfbMs !== undefined) this.firstByte.observeIn((series.firstByte ??= this.firstByte.seriesOf([protocol, provider])), log.ttfbMs / 1000);
  }

  render(): string {
    return this.registry.render();
  }
}

/** Linux lists a process's descriptors under /proc/self/fd; elsewhere the series is left out. */
function openFileDescriptors(): GaugeSample[] {
  try {
    return [[[], readdirSync("/proc/self/fd").length]];
  } catch {
    return [];
  }
}

import { bucketLatencyMs, type RequestLogStats, type RequestSummaryRow } from "../../store/index.ts";

/** One bar of the overview's charts: the requests that started in [start, start + the bar's width). */
export interface TimelineBucket {
  start: number;
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
}

interface Group {
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  /** Requests per latency bucket. */
  latencies: Map<number, number>;
}

const emptyGroup = (): Group => ({ requests: 0, errors: 0, inputTokens: 0, outputTokens: 0, latencies: new Map() });

/**
 * Adds up the overview of a window from the store's summaries of short
 * slices of it (`RequestLogStore.summarize`): totals, per model, per
 * account, and a chart bar per `bucketMs`, with p50/p95 read from the
 * latency histograms. Slices are read one at a time so that a large log
 * never holds the event loop for long.
 */
export class OverviewSummary {
  private readonly total = emptyGroup();
  private readonly models = new Map<string | null, Group>();
  private readonly accounts = new Map<string | null, Group>();
  private readonly bars: TimelineBucket[] = [];

  /** The window starts at `first` (a multiple of `bucketMs`) and ends before `until`. */
  constructor(
    readonly first: number,
    readonly until: number,
    readonly bucketMs: number,
  ) {
    for (let start = first; start < until; start += bucketMs) this.bars.push({ start, requests: 0, errors: 0, inputTokens: 0, outputTokens: 0 });
  }

  /** The summary of one slice that starts at `sliceStart` and lies within one bar. */
  add(sliceStart: number, rows: readonly RequestSummaryRow[]): void {
    const bar = this.bars[Math.floor((sliceStart - this.first) / this.bucketMs)];
    for (const row of rows) {
      const errors = row.failed ? row.requests : 0;
      for (const group of [this.total, groupOf(this.models, row.model), groupOf(this.accounts, row.account)]) {
        group.requests += row.requests;
        group.errors += errors;
        group.inputTokens += row.inputTokens;
        group.outputTokens += row.outputTokens;
        if (row.bucket !== null) group.latencies.set(row.bucket, (group.latencies.get(row.bucket) ?? 0) + row.requests);
      }
      if (bar) {
        bar.requests += row.requests;
        bar.errors += errors;
        bar.inputTokens += row.inputTokens;
        bar.outputTokens += row.outputTokens;
      }
    }
  }

  result(): { total: RequestLogStats; byModel: RequestLogStats[]; byAccount: RequestLogStats[]; timeline: TimelineBucket[] } {
    return {
      total: stats("all", this.total),
      byModel: ranked(this.models),
      byAccount: ranked(this.accounts),
      timeline: this.bars,
    };
  }
}

function groupOf(groups: Map<string | null, Group>, key: string | null): Group {
  let group = groups.get(key);
  if (group === undefined) groups.set(key, (group = emptyGroup()));
  return group;
}

/** Busiest first, then by name, requests without one (no model, no account) last among equals. */
function ranked(groups: Map<string | null, Group>): RequestLogStats[] {
  const byName = (a: string | null, b: string | null) => (a === null ? (b === null ? 0 : 1) : b === null ? -1 : a.localeCompare(b));
  return [...groups].map(([key, group]) => stats(key, group)).sort((a, b) => b.requests - a.requests || byName(a.group, b.group));
}

function stats(group: string | null, totals: Group): RequestLogStats {
  return {
    group,
    requests: totals.requests,
    errors: totals.errors,
    p50Ms: histogramPercentile(totals.latencies, 0.5),
    p95Ms: histogramPercentile(totals.latencies, 0.95),
    inputTokens: totals.inputTokens,
    outputTokens: totals.outputTokens,
  };
}

/** The nearest-rank percentile of a latency histogram: the middle of the bucket that holds it, in whole ms. */
export function histogramPercentile(histogram: ReadonlyMap<number, number>, fraction: number): number | null {
  let count = 0;
  for (const n of histogram.values()) count += n;
  if (count === 0) return null;
  const rank = Math.max(1, Math.ceil(fraction * count));
  let seen = 0;
  for (const bucket of [...histogram.keys()].sort((a, b) => a - b)) {
    seen += histogram.get(bucket)!;
    if (seen >= rank) return Math.round(bucketLatencyMs(bucket));
  }
  return null;
}

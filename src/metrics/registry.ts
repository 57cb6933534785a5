/**
 * A small Prometheus registry: counters and histograms kept in Maps keyed by
 * their label values, and gauges read only when scraped. Rendering follows
 * the text exposition format 0.0.4 (HELP and TYPE lines, escaped label
 * values, histograms as `_bucket{le=…}`, `_sum`, `_count`). The request path
 * pays one Map lookup and an add per series; text is built only on scrape.
 */

/** A label value as the format needs it: backslash, double quote and newline escaped. */
export function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (character) => (character === "\n" ? "\\n" : `\\${character}`));
}

/** HELP text escapes backslash and newline only. */
function escapeHelp(text: string): string {
  return text.replace(/[\\\n]/g, (character) => (character === "\n" ? "\\n" : "\\\\"));
}

export function formatValue(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (value === Number.NEGATIVE_INFINITY) return "-Inf";
  if (Number.isNaN(value)) return "NaN";
  return String(value);
}

/** `{a="x",b="y"}`, or "" without labels; built once per series. */
export function labelText(names: readonly string[], values: readonly string[], extra = ""): string {
  const parts = names.map((name, index) => `${name}="${escapeLabelValue(values[index] ?? "")}"`);
  if (extra !== "") parts.push(extra);
  return parts.length === 0 ? "" : `{${parts.join(",")}}`;
}

// A separator no label value carries in practice; values are never parsed back from keys.
const SEPARATOR = "\u0001";

interface Family {
  render(lines: string[]): void;
}

abstract class Metric implements Family {
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
    private readonly type: "counter" | "histogram" | "gauge",
  ) {}

  protected header(lines: string[]): void {
    lines.push(`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} ${this.type}`);
  }

  abstract render(lines: string[]): void;
}

export interface CounterSeries {
  readonly labels: string;
  value: number;
}

export class Counter extends Metric {
  private readonly series = new Map<string, CounterSeries>();

  constructor(name: string, help: string, labelNames: readonly string[] = []) {
    super(name, help, labelNames, "counter");
  }

  inc(values: readonly string[], by = 1): void {
    this.seriesOf(values).value += by;
  }

  /** The series of these label values, created at 0: a caller that keeps it adds to `value` without a lookup. */
  seriesOf(values: readonly string[]): CounterSeries {
    const key = values.length === 1 ? values[0]! : values.length === 0 ? "" : values.join(SEPARATOR);
    let found = this.series.get(key);
    if (found === undefined) this.series.set(key, (found = { labels: labelText(this.labelNames, values), value: 0 }));
    return found;
  }

  render(lines: string[]): void {
    this.header(lines);
    for (const series of this.series.values()) lines.push(`${this.name}${series.labels} ${formatValue(series.value)}`);
  }
}

export interface HistogramSeries {
  values: readonly string[];
  /** Observations per bucket (not cumulative: summed on render). */
  counts: Float64Array;
  sum: number;
  count: number;
}

export class Histogram extends Metric {
  private readonly series = new Map<string, HistogramSeries>();
  private readonly bucketLabels: string[];

  constructor(
    name: string,
    help: string,
    labelNames: readonly string[],
    /** Upper bounds, ascending; +Inf is implied. */
    readonly buckets: readonly number[],
  ) {
    super(name, help, labelNames, "histogram");
    this.bucketLabels = [...buckets.map(formatValue), "+Inf"].map((bound) => `le="${bound}"`);
  }

  observe(values: readonly string[], value: number): void {
    this.observeIn(this.seriesOf(values), value);
  }

  /** The series of these label values, for `observeIn` without a lookup. */
  seriesOf(values: readonly string[]): HistogramSeries {
    const key = values.join(SEPARATOR);
    let series = this.series.get(key);
    if (series === undefined) {
      series = { values: [...values], counts: new Float64Array(this.buckets.length + 1), sum: 0, count: 0 };
      this.series.set(key, series);
    }
    return series;
  }

  observeIn(series: HistogramSeries, value: number): void {
    let index = 0;
    while (index < this.buckets.length && value > this.buckets[index]!) index++;
    series.counts[index]! += 1;
    series.sum += value;
    series.count += 1;
  }

  render(lines: string[]): void {
    this.header(lines);
    for (const series of this.series.values()) {
      let cumulative = 0;
      for (let index = 0; index < this.bucketLabels.length; index++) {
        cumulative += series.counts[index]!;
        lines.push(`${this.name}_bucket${labelText(this.labelNames, series.values, this.bucketLabels[index])} ${cumulative}`);
      }
      const labels = labelText(this.labelNames, series.values);
      lines.push(`${this.name}_sum${labels} ${formatValue(series.sum)}`, `${this.name}_count${labels} ${series.count}`);
    }
  }
}

/** One gauge sample: its label values (in the gauge's label order) and its value. */
export type GaugeSample = readonly [values: readonly string[], value: number];

/** A gauge (or a counter kept elsewhere, such as CPU seconds) read when scraped. */
export class Collected extends Metric {
  constructor(
    name: string,
    help: string,
    labelNames: readonly string[],
    private readonly collect: () => Iterable<GaugeSample>,
    type: "gauge" | "counter" = "gauge",
  ) {
    super(name, help, labelNames, type);
  }

  render(lines: string[]): void {
    this.header(lines);
    for (const [values, value] of this.collect()) lines.push(`${this.name}${labelText(this.labelNames, values)} ${formatValue(value)}`);
  }
}

export class Registry {
  private readonly families: Family[] = [];

  register<T extends Family>(family: T): T {
    this.families.push(family);
    return family;
  }

  /** The whole exposition, ending in a newline as the format asks. */
  render(): string {
    const lines: string[] = [];
    for (const family of this.families) family.render(lines);
    return `${lines.join("\n")}\n`;
  }
}

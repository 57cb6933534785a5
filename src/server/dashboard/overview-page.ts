import type { RequestLogStats } from "../../store/index.ts";
import type { TimelineBucket } from "./overview-summary.ts";
import { formatCount, formatDuration, formatPercent, formatTokens, timeElement } from "./format.ts";
import { html, trusted, type Html } from "./html.ts";

export type OverviewWindow = "1h" | "24h";

/** Each window's span and the width of one bar in its charts. */
export const WINDOWS: Record<OverviewWindow, { label: string; spanMs: number; bucketMs: number; bucketLabel: string }> = {
  "1h": { label: "Last hour", spanMs: 3_600_000, bucketMs: 60_000, bucketLabel: "per minute" },
  "24h": { label: "Last day", spanMs: 86_400_000, bucketMs: 30 * 60_000, bucketLabel: "per 30 minutes" },
};

export interface OverviewView {
  window: OverviewWindow;
  total: RequestLogStats | undefined;
  timeline: TimelineBucket[];
  byModel: RequestLogStats[];
  byAccount: RequestLogStats[];
  /** Client model name (or pattern) → provider/model, as the config maps them. */
  modelMap: Array<[string, string]>;
  /** Each provider's own model list (names clients may ask for directly). */
  providerModels: Array<[string, string[]]>;
  inflight: number;
}

export function overviewBody(view: OverviewView): Html {
  const window = WINDOWS[view.window];
  const total = view.total ?? { group: "all", requests: 0, errors: 0, p50Ms: null, p95Ms: null, inputTokens: 0, outputTokens: 0 };
  const ms = (value: number | null) => (value === null ? "—" : formatDuration(value));
  return html`<nav class="windows" aria-label="Time window">${(Object.keys(WINDOWS) as OverviewWindow[]).map((key) =>
    key === view.window
      ? html`<a href="/ui/?window=${key}" aria-current="true">${WINDOWS[key].label}</a>`
      : html`<a href="/ui/?window=${key}">${WINDOWS[key].label}</a>`,
  )}</nav>
<dl class="cards">
<div><dt>Requests</dt><dd data-metric="requests">${formatCount(total.requests)}</dd></div>
<div><dt>Error rate</dt><dd data-metric="error-rate">${formatPercent(total.errors, total.requests)}</dd></div>
<div><dt>p50 latency</dt><dd data-metric="p50">${ms(total.p50Ms)}</dd></div>
<div><dt>p95 latency</dt><dd data-metric="p95">${ms(total.p95Ms)}</dd></div>
<div><dt>Tokens in / out</dt><dd data-metric="tokens">${formatTokens(total.inputTokens)} / ${formatTokens(total.outputTokens)}</dd></div>
<div><dt>In flight now</dt><dd data-metric="inflight">${formatCount(view.inflight)}</dd></div>
</dl>
<section aria-labelledby="chart-requests">
<h2 id="chart-requests">Requests ${window.bucketLabel}</h2>
${barChart(view.timeline, (bucket) => bucket.requests, (bucket) => bucket.errors, "requests", "errors")}
</section>
<section aria-labelledby="chart-tokens">
<h2 id="chart-tokens">Tokens ${window.bucketLabel}</h2>
${barChart(view.timeline, (bucket) => bucket.inputTokens + bucket.outputTokens, (bucket) => bucket.outputTokens, "tokens", "output tokens")}
</section>
<section aria-labelledby="by-model">
<h2 id="by-model">By model</h2>
${statsTable(view.byModel, "Model")}
</section>
<section aria-labelledby="by-account">
<h2 id="by-account">By account</h2>
${statsTable(view.byAccount, "Account")}
</section>
<section aria-labelledby="model-map">
<h2 id="model-map">Model mapping</h2>
${
  view.modelMap.length === 0
    ? html`<p class="muted">No entries in <code>models</code>: clients name a provider's model directly.</p>`
    : html`<div class="table-wrap"><table class="model-map"><thead><tr><th scope="col">Client asks for</th><th scope="col">Served by</th></tr></thead>
<tbody>${view.modelMap.map(([from, to]) => html`<tr><td><code>${from}</code></td><td><code>${to}</code></td></tr>`)}</tbody></table></div>`
}
${
  view.providerModels.length === 0
    ? ""
    : html`<div class="table-wrap"><table class="provider-models"><thead><tr><th scope="col">Provider</th><th scope="col">Its models</th></tr></thead>
<tbody>${view.providerModels.map(([provider, models]) => html`<tr><td>${provider}</td><td>${models.length === 0 ? html`<span class="muted">any</span>` : models.join(", ")}</td></tr>`)}</tbody></table></div>`
}
</section>`;
}

function statsTable(rows: RequestLogStats[], label: string): Html {
  if (rows.length === 0) return html`<p class="muted">No requests in this window.</p>`;
  const busiest = Math.max(...rows.map((row) => row.requests));
  return html`<div class="table-wrap"><table class="stats">
<thead><tr><th scope="col">${label}</th><th scope="col">Requests</th><th scope="col">Errors</th><th scope="col">p50</th><th scope="col">p95</th><th scope="col">Tokens in</th><th scope="col">Tokens out</th></tr></thead>
<tbody>${rows.map(
    (row) =>
      html`<tr><th scope="row">${row.group ?? html`<span class="muted">none</span>`}</th><td class="num">${formatCount(row.requests)} <meter value="${row.requests}" max="${busiest}"></meter></td><td class="num">${formatCount(row.errors)} <small>${formatPercent(row.errors, row.requests)}</small></td><td class="num">${row.p50Ms === null ? "—" : formatDuration(row.p50Ms)}</td><td class="num">${row.p95Ms === null ? "—" : formatDuration(row.p95Ms)}</td><td class="num">${formatTokens(row.inputTokens)}</td><td class="num">${formatTokens(row.outputTokens)}</td></tr>`,
  )}</tbody></table></div>`;
}

/**
 * A bar per time slice, drawn as SVG on the server (no script, no library):
 * the whole bar is the total, its lower part in the alert colour the share
 * given by `part`. Each bar has a title, so hovering or a screen reader tells its numbers.
 */
function barChart(
  buckets: TimelineBucket[],
  value: (bucket: TimelineBucket) => number,
  part: (bucket: TimelineBucket) => number,
  noun: string,
  partNoun: string,
): Html {
  const width = 720;
  const height = 140;
  const top = Math.max(1, ...buckets.map(value));
  const step = width / Math.max(1, buckets.length);
  const bar = Math.max(1, step - 1);
  const bars = buckets.map((bucket, index) => {
    const total = value(bucket);
    const partValue = Math.min(total, part(bucket));
    const x = (index * step).toFixed(1);
    const h = (total / top) * height;
    const ph = (partValue / top) * height;
    const title = `${new Date(bucket.start).toISOString().slice(11, 16)} UTC: ${formatCount(total)} ${noun}, ${formatCount(partValue)} ${partNoun}`;
    return html`<g><title>${title}</title><rect class="bar" x="${x}" y="${(height - h).toFixed(1)}" width="${bar.toFixed(1)}" height="${h.toFixed(1)}"></rect>${
      ph > 0 ? html`<rect class="bar-part" x="${x}" y="${(height - ph).toFixed(1)}" width="${bar.toFixed(1)}" height="${ph.toFixed(1)}"></rect>` : ""
    }</g>`;
  });
  const first = buckets[0];
  const last = buckets.at(-1);
  return html`<figure class="chart">
<svg viewBox="0 0 ${width} ${height}" preserveAspectRatio="none" role="img" aria-label="${noun} over time, highest ${formatCount(top)}">${trusted(
    `<line class="axis" x1="0" y1="${height}" x2="${width}" y2="${height}"></line>`,
  )}${bars}</svg>
<figcaption><span>${first ? timeElement(first.start) : ""}</span><span>highest ${formatCount(top)} ${noun}; <span class="key-part">${partNoun}</span></span><span>${last ? timeElement(last.start) : ""}</span></figcaption>
</figure>`;
}

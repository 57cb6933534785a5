import type { AttemptRecord } from "../../pool/attempt.ts";
import type { RequestLogQuery, RequestLogRow } from "../../store/index.ts";
import { formatDuration, formatTokens, timeElement } from "./format.ts";
import { formatUsd } from "../../pricing/index.ts";
import { html, type Html } from "./html.ts";

/** The request log's filters, as the page's form and its query string carry them. */
export interface RequestFilter {
  status?: string;
  protocol?: string;
  model?: string;
  provider?: string;
  account?: string;
  /** "15m", "1h", "6h", "24h", "7d" or "" for all. */
  since?: string;
}

const SINCE_CHOICES: Array<[string, string, number]> = [
  ["15m", "Last 15 minutes", 15 * 60_000],
  ["1h", "Last hour", 3_600_000],
  ["6h", "Last 6 hours", 6 * 3_600_000],
  ["24h", "Last day", 86_400_000],
  ["7d", "Last 7 days", 7 * 86_400_000],
  ["", "All kept", 0],
];

export function filterFromQuery(params: URLSearchParams): RequestFilter {
  const filter: RequestFilter = {};
  for (const name of ["status", "protocol", "model", "provider", "account", "since"] as const) {
    const value = params.get(name)?.trim();
    if (value) filter[name] = value;
  }
  return filter;
}

/** `5xx`, `4xx`, `2xx` or an exact code; anything else is no status filter. */
function statusFilter(status: string | undefined): RequestLogQuery["status"] {
  if (status === undefined) return undefined;
  const kind = /^([1-5])xx$/i.exec(status);
  if (kind) return { class: Number(kind[1]) };
  return /^\d{3}$/.test(status) ? { exact: Number(status) } : undefined;
}

export function queryFromFilter(filter: RequestFilter, now: number): RequestLogQuery {
  const since = SINCE_CHOICES.find(([value]) => value === filter.since)?.[2];
  const status = statusFilter(filter.status);
  return {
    ...(since ? { since: now - since } : {}),
    ...(status ? { status } : {}),
    ...(filter.model ? { model: filter.model } : {}),
    ...(filter.account ? { account: filter.account } : {}),
    ...(filter.protocol ? { protocol: filter.protocol } : {}),
    ...(filter.provider ? { provider: filter.provider } : {}),
    limit: 200,
  };
}

/** Whether a finished request belongs in a live log with these filters (the time filter always holds for new rows). */
export function rowMatches(row: RequestLogRow, filter: RequestFilter): boolean {
  const status = statusFilter(filter.status);
  if (status && ("exact" in status ? row.status !== status.exact : Math.floor(row.status / 100) !== status.class)) return false;
  if (filter.protocol && row.protocol !== filter.protocol) return false;
  if (filter.provider && row.provider !== filter.provider) return false;
  if (filter.account && row.accountId !== filter.account) return false;
  if (filter.model && row.requestedModel !== filter.model && row.mappedModel !== filter.model) return false;
  return true;
}

function statusClass(status: number): string {
  return status >= 500 ? "status-5xx" : status >= 400 ? "status-4xx" : status === 0 ? "status-none" : "status-2xx";
}

/** One row of the request log; the live log sends the same markup. */
export function requestRow(row: RequestLogRow): Html {
  const tokens = row.inputTokens === undefined && row.outputTokens === undefined ? "" : `${formatTokens(row.inputTokens ?? 0)} / ${formatTokens(row.outputTokens ?? 0)}`;
  const model =
    row.requestedModel === undefined
      ? html`<span class="muted">none</span>`
      : row.mappedModel && row.mappedModel !== row.requestedModel
        ? html`${row.requestedModel} <span class="muted">→ ${row.mappedModel}</span>`
        : html`${row.requestedModel}`;
  return html`<tr data-request-id="${row.id}" data-status="${row.status}"><td><a href="/ui/requests/${encodeURIComponent(row.id)}">${timeElement(row.startedAt)}</a></td><td><span class="status ${statusClass(row.status)}">${row.status}</span></td><td>${row.protocol ?? ""}${row.stream ? html` <small>stream</small>` : ""}</td><td>${model}</td><td>${row.provider ?? ""}${row.accountId ? html`<small>${row.accountId}</small>` : ""}</td><td class="num">${row.latencyMs === undefined ? "" : formatDuration(row.latencyMs)}</td><td class="num">${row.ttfbMs === undefined ? "" : formatDuration(row.ttfbMs)}</td><td class="num">${tokens}</td><td class="num">${row.attempts}</td><td>${row.errorClass ?? (row.intercepted ? html`<span class="muted">${row.intercepted}</span>` : "")}</td></tr>`;
}

const HEADER = html`<thead><tr><th scope="col">Time</th><th scope="col">Status</th><th scope="col">Protocol</th><th scope="col">Model</th><th scope="col">Provider / account</th><th scope="col">Latency</th><th scope="col">First byte</th><th scope="col">Tokens in / out</th><th scope="col">Attempts</th><th scope="col">Error</th></tr></thead>`;

export function requestsBody(options: { filter: RequestFilter; rows: RequestLogRow[]; protocols: string[]; providers: string[] }): Html {
  const { filter } = options;
  const query = new URLSearchParams(Object.entries(filter) as Array<[string, string]>).toString();
  const select = (name: keyof RequestFilter, label: string, choices: Array<[string, string]>) =>
    html`<label>${label} <select name="${name}">${choices.map(
      ([value, text]) => html`<option value="${value}"${(filter[name] ?? "") === value ? html` selected` : ""}>${text}</option>`,
    )}</select></label>`;
  return html`<form method="get" action="/ui/requests" class="filters">
${select("status", "Status", [["", "Any"], ["2xx", "2xx"], ["4xx", "4xx"], ["5xx", "5xx"], ...(["429", "401", "502", "503", "504"].map((code) => [code, code]) as Array<[string, string]>)])}
${select("protocol", "Protocol", [["", "Any"], ...options.protocols.map((name): [string, string] => [name, name])])}
${select("provider", "Provider", [["", "Any"], ...options.providers.map((name): [string, string] => [name, name])])}
<label>Model <input name="model" value="${filter.model ?? ""}" placeholder="requested or mapped"></label>
<label>Account <input name="account" value="${filter.account ?? ""}"></label>
${select("since", "Time", SINCE_CHOICES.map(([value, text]): [string, string] => [value, text]))}
<button type="submit">Filter</button>
</form>
<p id="live-status" class="live" data-state="connecting">Newest first; new requests appear as they finish.</p>
<div class="table-wrap">
<table id="requests" class="requests" data-events="/ui/requests/events${query ? `?${query}` : ""}">
${HEADER}
<tbody>
${options.rows.map(requestRow)}
</tbody>
</table>
</div>
${options.rows.length === 0 ? html`<p class="muted empty">No requests match yet.</p>` : ""}`;
}

/** One request's detail: what happened to it, attempt by attempt. Never its body: agw does not keep bodies. */
export function requestDetailBody(row: RequestLogRow): Html {
  const field = (label: string, value: Html | string | number | undefined) =>
    value === undefined || value === "" ? html`` : html`<dt>${label}</dt><dd>${value}</dd>`;
  const attempts = (row.attemptDetails ?? []) as AttemptRecord[];
  return html`<dl class="detail">
${field("Request id", html`<code>${row.id}</code>`)}
${field("Started", timeElement(row.startedAt, true))}
${field("Route", html`<code>${row.route}</code>`)}
${field("Protocol", row.protocol)}
${field("Streamed", row.stream ? "yes" : "no")}
${field("Status", html`<span class="status ${statusClass(row.status)}">${row.status}</span>`)}
${field("Error", row.errorClass)}
${field("Requested model", row.requestedModel)}
${field("Mapped model", row.mappedModel)}
${field("Provider", row.provider)}
${field("Account", row.accountId)}
${field("Client key", row.keyId)}
${field("Latency", row.latencyMs === undefined ? undefined : formatDuration(row.latencyMs))}
${field("Time to first byte", row.ttfbMs === undefined ? undefined : formatDuration(row.ttfbMs))}
${field("Input tokens", row.inputTokens)}
${field("Output tokens", row.outputTokens)}
${field("Cost", row.costUsd === undefined ? undefined : formatUsd(row.costUsd))}
${field("Answered by interception", row.intercepted)}
</dl>
<h2>Attempts</h2>
${
  attempts.length === 0
    ? html`<p class="muted">No upstream attempt: the gateway answered this request itself.</p>`
    : html`<div class="table-wrap"><table class="attempts">
<thead><tr><th scope="col">#</th><th scope="col">Account</th><th scope="col">Status</th><th scope="col">Error</th><th scope="col">Account rested</th><th scope="col">Waited before</th></tr></thead>
<tbody>${attempts.map(
        (attempt, index) =>
          html`<tr><td class="num">${index + 1}</td><td>${attempt.accountId}</td><td><span class="status ${statusClass(attempt.status)}">${attempt.status === 0 ? "no answer" : attempt.status}</span></td><td>${attempt.errorClass ?? ""}</td><td>${attempt.cooldownMs ? formatDuration(attempt.cooldownMs) : ""}</td><td>${attempt.waitedMs ? formatDuration(attempt.waitedMs) : ""}</td></tr>`,
      )}</tbody></table></div>`
}
${
  row.warnings && row.warnings.length > 0
    ? html`<h2>Warnings</h2><ul class="warnings">${row.warnings.map((warning) => html`<li><code>${warning.code}</code> ${warning.message}</li>`)}</ul>`
    : ""
}
<p><a href="/ui/requests">Back to the request log</a></p>`;
}

import type { LiveKeyView } from "../handlers/admin-keys.ts";
import { formatCount, formatTokens } from "./format.ts";
import { html, type Html } from "./html.ts";
import { formatUsd } from "../../pricing/index.ts";

/** Values the create form keeps after a refusal (a key's settings; there is no secret yet). */
export type KeyDraft = Partial<Record<"name" | "id" | "models" | "rpm" | "tpm" | "dailyRequests" | "dailyTokens" | "monthlyBudgetUsd" | "expiresAt", string>>;

const DRAFT_FIELDS = ["name", "id", "models", "rpm", "tpm", "dailyRequests", "dailyTokens", "monthlyBudgetUsd", "expiresAt"] as const;


/** The keys table: status, usage today and this month against the limits, and the actions a key allows. */
export function keysTable(keys: readonly LiveKeyView[], csrf: string): Html {
  if (keys.length === 0) return html`<p class="muted">No client keys yet: make one below, or with <code>agw keys create</code>.</p>`;
  return html`<div class="table-wrap">
<table class="keys">
<thead><tr><th scope="col">Key</th><th scope="col">Status</th><th scope="col">This minute</th><th scope="col">Today</th><th scope="col">This month</th><th scope="col">Models</th><th scope="col">Actions</th></tr></thead>
<tbody>
${keys.map((key) => keyRow(key, csrf))}
</tbody>
</table>
</div>`;
}

function limitOf(used: string, limit: number | undefined, format: (n: number) => string): Html {
  return limit === undefined ? html`${used}` : html`${used} / ${format(limit)}`;
}

function keyRow(key: LiveKeyView, csrf: string): Html {
  const today = key.usage.today;
  const month = key.usage.month;
  return html`<tr data-key="${key.id}" data-status="${key.status}">
<th scope="row">${key.id}<small>${key.name ?? ""}${key.name ? " · " : ""}${key.source === "config" ? "config file" : "made here or with agw keys"}${key.expiresAt ? ` · expires ${key.expiresAt.slice(0, 10)}` : ""}</small></th>
<td><span class="state state-${key.status === "active" ? "ready" : "disabled"}">${key.status}</span></td>
<td><span class="usage">${limitOf(`${formatCount(key.now.minuteRequests)} requests`, key.rpm, formatCount)}</span><span class="usage">${limitOf(`${formatTokens(key.now.minuteTokens)} tokens`, key.tpm, formatTokens)}</span></td>
<td><span class="usage">${limitOf(`${formatCount(today.requests)} requests`, key.dailyRequests, formatCount)}</span><span class="usage">${limitOf(
    `${formatTokens(today.inputTokens + today.outputTokens)} tokens`,
    key.dailyTokens,
    formatTokens,
  )}</span></td>
<td><span class="usage">${limitOf(formatUsd(month.costUsd), key.monthlyBudgetUsd, formatUsd)}${
    key.monthlyBudgetUsd === undefined ? "" : html` <progress value="${Math.min(month.costUsd, key.monthlyBudgetUsd)}" max="${key.monthlyBudgetUsd}"></progress>`
  }</span><small>${formatCount(month.requests)} requests</small></td>
<td>${key.models === undefined || key.models.length === 0 ? html`<span class="muted">all</span>` : key.models.join(", ")}</td>
<td class="actions">${keyActions(key, csrf)}</td>
</tr>`;
}

function keyActions(key: LiveKeyView, csrf: string): Html {
  if (key.source === "config") return html`<span class="muted">in the config file</span>`;
  if (key.status === "revoked") return html`<span class="muted">revoked</span>`;
  const form = (action: string, label: string, extra: Html = html``) => html`<form method="post" action="/ui/keys/${action}"${extra}>
<input type="hidden" name="csrf" value="${csrf}"><input type="hidden" name="id" value="${key.id}">
<button type="submit" aria-label="${label} ${key.id}">${label}</button></form>`;
  const toggle = key.status === "disabled" ? form("enable", "Enable") : form("disable", "Disable");
  return html`${toggle}${form("revoke", "Revoke", html` data-confirm="Revoke ${key.id} for good? Every client using it is refused from now on."`)}`;
}

/** The secret of a key just made: shown once, on this page only (never in an address or a log). */
export function newSecretBlock(id: string, secret: string): Html {
  return html`<section class="new-secret" aria-labelledby="new-secret"><h2 id="new-secret">The key ${id}</h2>
<p>Copy it now: agw keeps only its SHA-256 and cannot show it again.</p>
<p><code class="secret">${secret}</code></p></section>`;
}

export function createKeyForm(csrf: string, draft: KeyDraft = {}): Html {
  const field = (name: (typeof DRAFT_FIELDS)[number], label: string, extra: string, placeholder = "") =>
    html`<label>${label} <input name="${name}" value="${draft[name] ?? ""}" placeholder="${placeholder}" ${extra === "number" ? html`inputmode="numeric"` : ""}></label>`;
  return html`<form method="post" action="/ui/keys/create" class="create-key" autocomplete="off">
<input type="hidden" name="csrf" value="${csrf}">
<div class="fields">
${field("name", "Name", "text", "who or what uses it")}
${field("id", "Id (optional)", "text", "made from the name")}
${field("models", "Models (comma-separated, * globs)", "text", "all")}
${field("rpm", "Requests / minute", "number")}
${field("tpm", "Tokens / minute", "number")}
${field("dailyRequests", "Requests / day", "number")}
${field("dailyTokens", "Tokens / day", "number")}
${field("monthlyBudgetUsd", "Budget USD / month", "number")}
${field("expiresAt", "Expires (ISO time)", "text", "2027-06-30T00:00:00Z")}
</div>
<button type="submit">Create key</button>
</form>`;
}

/** The create form as the admin API's body (numbers as numbers, empty fields left out) and as a draft to show again. */
export function keyFromForm(form: URLSearchParams): { body: Record<string, unknown>; draft: KeyDraft } {
  const draft: KeyDraft = {};
  const body: Record<string, unknown> = {};
  for (const name of DRAFT_FIELDS) {
    const value = (form.get(name) ?? "").trim();
    if (value === "") continue;
    draft[name] = value;
    if (name === "models") body.models = value.split(",").map((model) => model.trim()).filter((model) => model !== "");
    else if (name === "name" || name === "id" || name === "expiresAt") body[name] = value;
    else body[name] = Number(value);
  }
  return { body, draft };
}

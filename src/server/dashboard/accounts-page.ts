import type { AccountStatus } from "../../pool/account-status.ts";
import type { AccountFailure } from "../../store/index.ts";
import { countdown, formatAgo, formatCount, formatDuration, formatTokens } from "./format.ts";
import { html, type Html } from "./html.ts";

/** What the accounts page shows about the providers: their type, and whether they need accounts at all. */
export interface ProviderInfo {
  name: string;
  type: string;
  /** The mock answers without accounts. */
  accountless: boolean;
}

export interface AccountsView {
  providers: ProviderInfo[];
  accounts: AccountStatus[];
  failures: AccountFailure[];
  /** OAuth access-token expiries by `provider/id`. */
  tokenExpiries: Map<string, number>;
  csrf: string;
  now: number;
}

/** The live part of the accounts page (re-fetched every few seconds by the page's script). */
export function accountsTables(view: AccountsView): Html {
  const failures = new Map(view.failures.map((f) => [`${f.provider}/${f.accountId}`, f]));
  return html`${view.providers.map((provider) => {
    const accounts = view.accounts.filter((account) => account.provider === provider.name);
    const caption = html`<h2 id="provider-${provider.name}">${provider.name} <small>${provider.type}</small></h2>`;
    if (provider.accountless) return html`${caption}<p class="muted">Answers without accounts.</p>`;
    if (accounts.length === 0) return html`${caption}<p class="muted">No accounts yet: add one below.</p>`;
    return html`${caption}
<div class="table-wrap">
<table class="accounts" data-provider="${provider.name}">
<thead><tr><th scope="col">Account</th><th scope="col">State</th><th scope="col">Cooldowns</th><th scope="col">Today</th><th scope="col">Last error</th><th scope="col">Credentials</th><th scope="col">Actions</th></tr></thead>
<tbody>
${accounts.map((account) => accountRow(account, failures.get(`${account.provider}/${account.id}`), view))}
</tbody>
</table>
</div>`;
  })}`;
}

function accountRow(account: AccountStatus, failure: AccountFailure | undefined, view: AccountsView): Html {
  const state = account.state.replace(/ /g, "-");
  return html`<tr data-account="${account.provider}/${account.id}" data-state="${state}">
<th scope="row">${account.id}<small>${account.source === "config" ? "config file" : "added"} · weight ${account.weight} · priority ${account.priority}${
    account.models ? ` · ${account.models.join(", ")}` : ""
  }</small></th>
<td><span class="state state-${state}">${account.state}</span>${
    // A cooling account's reasons are with its cooldowns, next column.
    account.reason && account.state !== "cooling" ? html`<small class="reason">${account.reason}</small>` : ""
  }</td>
<td>${
    account.cooldowns.length === 0
      ? html`<span class="muted">none</span>`
      : html`<ul class="cooldowns">${account.cooldowns.map(
          (cooldown) =>
            html`<li><span class="model">${cooldown.model === "*" ? "every model" : cooldown.model}</span> ${countdown(cooldown.remainingMs)}${
              cooldown.reason ? html`<small>${cooldown.reason}</small>` : ""
            }</li>`,
        )}</ul>`
  }</td>
<td>${usage(account)}</td>
<td>${failure ? html`${failure.status === 0 ? "no answer" : failure.status}${failure.errorClass ? ` ${failure.errorClass}` : ""}<small>${formatAgo(failure.at, view.now)}</small>` : html`<span class="muted">none today</span>`}</td>
<td>${credentials(account, view)}</td>
<td class="actions">${actions(account, view.csrf)}</td>
</tr>`;
}

function usage(account: AccountStatus): Html {
  const { requests, inputTokens, outputTokens } = account.today;
  const tokens = inputTokens + outputTokens;
  const requestLine =
    account.limits.requests === undefined
      ? html`${formatCount(requests)} requests`
      : html`${formatCount(requests)} / ${formatCount(account.limits.requests)} requests <progress value="${Math.min(requests, account.limits.requests)}" max="${account.limits.requests}"></progress>`;
  const tokenLine =
    account.limits.tokens === undefined
      ? html`${formatTokens(tokens)} tokens`
      : html`${formatTokens(tokens)} / ${formatTokens(account.limits.tokens)} tokens <progress value="${Math.min(tokens, account.limits.tokens)}" max="${account.limits.tokens}"></progress>`;
  return html`<span class="usage">${requestLine}</span><span class="usage">${tokenLine}<small>${formatTokens(inputTokens)} in · ${formatTokens(outputTokens)} out</small></span>`;
}

function credentials(account: AccountStatus, view: AccountsView): Html {
  if (account.credentials !== "oauth") return html`${account.credentials === "api key" ? "API key" : "none"}`;
  const expires = view.tokenExpiries.get(`${account.provider}/${account.id}`);
  if (expires === undefined) return html`OAuth<small>no access token yet</small>`;
  return expires > view.now
    ? html`OAuth<small>token expires in ${formatDuration(expires - view.now)}</small>`
    : html`OAuth<small>token expired; refreshed at the next request</small>`;
}

/** One form per action: each works without the page's script, and names its account. */
function actions(account: AccountStatus, csrf: string): Html {
  const form = (action: string, label: string, extra: Html = html``) => html`<form method="post" action="/ui/accounts/${action}"${extra}>
<input type="hidden" name="csrf" value="${csrf}"><input type="hidden" name="provider" value="${account.provider}"><input type="hidden" name="id" value="${account.id}">
<button type="submit" aria-label="${label} ${account.provider}/${account.id}">${label}</button></form>`;
  const toggle = account.enabled ? form("disable", "Disable") : form("enable", "Enable");
  const removeNote =
    account.source === "config"
      ? `Remove ${account.provider}/${account.id}? It comes from the config file, so agw adds it back at its next start unless it is removed there too.`
      : `Remove ${account.provider}/${account.id}? Its credentials are deleted.`;
  return html`${toggle}${form("reset", "Reset")}${form("remove", "Remove", html` data-confirm="${removeNote}"`)}`;
}

/** Values the add-account form keeps after a refusal (never a secret). */
export interface AddAccountDraft {
  provider?: string;
  id?: string;
  kind?: "apiKey" | "oauth";
  clientId?: string;
  tokenUrl?: string;
  models?: string;
  dailyRequestLimit?: string;
  dailyTokenLimit?: string;
  weight?: string;
  priority?: string;
}

/** Google's token endpoint: what Gemini OAuth accounts refresh against. */
const DEFAULT_TOKEN_URL = "https://oauth2.googleapis.com/token";

export function addAccountForm(providers: ProviderInfo[], csrf: string, draft: AddAccountDraft = {}): Html {
  const choices = providers.filter((provider) => !provider.accountless);
  if (choices.length === 0) return html`<p class="muted">No provider in the config takes accounts.</p>`;
  const kind = draft.kind ?? "apiKey";
  return html`<form method="post" action="/ui/accounts/add" class="add-account" autocomplete="off">
<input type="hidden" name="csrf" value="${csrf}">
<div class="fields">
<label>Provider <select name="provider" required>${choices.map(
    (provider) => html`<option value="${provider.name}"${provider.name === draft.provider ? html` selected` : ""}>${provider.name} (${provider.type})</option>`,
  )}</select></label>
<label>Account id <input name="id" required value="${draft.id ?? ""}" placeholder="e.g. work-key-2"></label>
</div>
<fieldset class="kind">
<legend>Credentials</legend>
<label><input type="radio" name="kind" value="apiKey"${kind === "apiKey" ? html` checked` : ""}> API key</label>
<label><input type="radio" name="kind" value="oauth"${kind === "oauth" ? html` checked` : ""}> OAuth refresh token</label>
</fieldset>
<fieldset data-kind="apiKey"><legend>API key</legend>
<label>API key <input type="password" name="apiKey" autocomplete="new-password"></label>
</fieldset>
<fieldset data-kind="oauth"><legend>OAuth refresh token</legend>
<label>Refresh token <input type="password" name="refreshToken" autocomplete="new-password"></label>
<label>Client id <input name="clientId" value="${draft.clientId ?? ""}"></label>
<label>Client secret <input type="password" name="clientSecret" autocomplete="new-password"></label>
<label>Token URL <input name="tokenUrl" type="url" value="${draft.tokenUrl ?? DEFAULT_TOKEN_URL}"></label>
</fieldset>
<details><summary>Limits and routing (optional)</summary>
<div class="fields">
<label>Models (comma-separated) <input name="models" value="${draft.models ?? ""}" placeholder="all models"></label>
<label>Daily request limit <input name="dailyRequestLimit" inputmode="numeric" value="${draft.dailyRequestLimit ?? ""}"></label>
<label>Daily token limit <input name="dailyTokenLimit" inputmode="numeric" value="${draft.dailyTokenLimit ?? ""}"></label>
<label>Weight <input name="weight" inputmode="numeric" value="${draft.weight ?? ""}" placeholder="1"></label>
<label>Priority <input name="priority" inputmode="numeric" value="${draft.priority ?? ""}" placeholder="0"></label>
</div>
</details>
<p><button type="submit">Add account</button> <small class="muted">Secrets are stored and never shown again.</small></p>
</form>`;
}

/**
 * The add-account form as the admin API's body: fields left empty are
 * left out, numbers are numbers (a non-number stays a string, so the
 * account schema names the field), and only the chosen kind of credentials
 * is sent.
 */
export function accountFromForm(form: URLSearchParams): { body: Record<string, unknown>; draft: AddAccountDraft } {
  const text = (name: string) => (form.get(name) ?? "").trim();
  const number = (name: string) => {
    const value = text(name);
    return value === "" ? undefined : /^-?\d+$/.test(value) ? Number(value) : value;
  };
  const kind = text("kind") === "oauth" ? "oauth" : "apiKey";
  const body: Record<string, unknown> = { provider: text("provider"), id: text("id") };
  if (kind === "apiKey") body.apiKey = text("apiKey");
  else {
    body.oauth = {
      tokenUrl: text("tokenUrl"),
      clientId: text("clientId"),
      refreshToken: text("refreshToken"),
      ...(text("clientSecret") === "" ? {} : { clientSecret: text("clientSecret") }),
    };
  }
  const models = text("models")
    .split(",")
    .map((model) => model.trim())
    .filter(Boolean);
  if (models.length > 0) body.models = models;
  for (const name of ["dailyRequestLimit", "dailyTokenLimit", "weight", "priority"]) {
    const value = number(name);
    if (value !== undefined) body[name] = value;
  }
  const draft: AddAccountDraft = { kind };
  for (const name of ["provider", "id", "clientId", "tokenUrl", "models", "dailyRequestLimit", "dailyTokenLimit", "weight", "priority"] as const) {
    draft[name] = text(name);
  }
  return { body, draft };
}

import { html, type Html } from "./html.ts";
import { barePage, noticeBlock } from "./layout.ts";

export function signInPage(options: { next: string; error?: string }): Html {
  return barePage(
    "Sign in",
    html`${noticeBlock(options.error === undefined ? undefined : { kind: "error", text: options.error })}
<form method="post" action="/ui/sign-in" class="sign-in">
<input type="hidden" name="next" value="${options.next}">
<label>Admin key <input type="password" name="key" required autofocus autocomplete="current-password"></label>
<button type="submit">Sign in</button>
</form>
<p class="muted">The key is <code>auth.adminKey</code> from agw's config (or <code>auth.apiKey</code> when no admin key is set).</p>`,
  );
}

/** Shown for every dashboard address while no key is configured: how to set one, and nothing else. */
export function closedPage(): Html {
  return barePage(
    "The dashboard is closed",
    html`<p>No admin key is set, so the dashboard shows nothing. Set one in agw's config file:</p>
<pre><code>"auth": { "adminKey": "\${AGW_ADMIN_KEY}" }</code></pre>
<p>(<code>auth.apiKey</code> works too when there is no admin key.) Then reload the config (<code>kill -HUP</code> agw's process, or restart it) and open this page again.</p>`,
  );
}

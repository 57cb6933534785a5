import { VERSION } from "../../version.ts";
import { html, type Html } from "./html.ts";

export type Section = "overview" | "accounts" | "keys" | "requests";

const NAV: Array<[Section, string, string]> = [
  ["overview", "/ui/", "Overview"],
  ["accounts", "/ui/accounts", "Accounts"],
  ["keys", "/ui/keys", "Keys"],
  ["requests", "/ui/requests", "Requests"],
];

/** A notice at the top of a page: what an action did, or why it was refused. */
export interface Notice {
  kind: "ok" | "error";
  text: string;
}

function head(title: string): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · agw</title>
<link rel="stylesheet" href="/ui/assets/dashboard.css">
<script src="/ui/assets/dashboard.js" defer></script>
</head>`;
}

export function noticeBlock(notice: Notice | undefined): Html {
  if (notice === undefined) return html``;
  return html`<p class="notice notice-${notice.kind}" role="${notice.kind === "error" ? "alert" : "status"}">${notice.text}</p>`;
}

/** A signed-in page: navigation, the sign-out button (a form with the CSRF token), the content. */
export function page(options: { title: string; section: Section; csrf: string; notice?: Notice; body: Html }): Html {
  return html`${head(options.title)}
<body>
<header class="top">
  <a class="brand" href="/ui/">agw</a>
  <nav aria-label="Dashboard">
    ${NAV.map(([section, href, label]) =>
      section === options.section ? html`<a href="${href}" aria-current="page">${label}</a>` : html`<a href="${href}">${label}</a>`,
    )}
  </nav>
  <form method="post" action="/ui/sign-out" class="sign-out">
    <input type="hidden" name="csrf" value="${options.csrf}">
    <button type="submit">Sign out</button>
  </form>
</header>
<main>
<h1>${options.title}</h1>
${noticeBlock(options.notice)}
${options.body}
</main>
<footer>agw ${VERSION}</footer>
</body>
</html>
`;
}

/** A page outside the signed-in area: the sign-in form, or why the dashboard is closed. */
export function barePage(title: string, body: Html): Html {
  return html`${head(title)}
<body class="bare">
<main>
<p class="brand">agw</p>
<h1>${title}</h1>
${body}
</main>
</body>
</html>
`;
}

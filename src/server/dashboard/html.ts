/**
 * HTML built from template literals: every interpolated value is escaped
 * unless it is already `Html` (another template's output), so a model name,
 * an account id or an error message can never become markup.
 *
 *   html`<td>${account.id}</td>`           // escaped
 *   html`<tbody>${rows.map(row)}</tbody>`  // arrays of Html joined
 */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

type Value = Html | string | number | boolean | null | undefined | readonly Value[];

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

function render(value: Value): string {
  if (value instanceof Html) return value.text;
  if (value === null || value === undefined || value === false) return "";
  if (Array.isArray(value)) return value.map(render).join("");
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return new Html(out);
}

/** Markup agw wrote itself (an SVG path computed from numbers); never for anything a client or upstream sent. */
export function trusted(markup: string): Html {
  return new Html(markup);
}

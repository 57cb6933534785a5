import { html, type Html } from "./html.ts";

/** "850 ms", "12.3 s", "4 min 05 s", "2 h 10 min", "3 d 4 h". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.floor(seconds)} s`;
  const total = Math.floor(seconds);
  if (total < 3600) return `${Math.floor(total / 60)} min ${String(total % 60).padStart(2, "0")} s`;
  if (total < 86_400) return `${Math.floor(total / 3600)} h ${String(Math.floor((total % 3600) / 60)).padStart(2, "0")} min`;
  return `${Math.floor(total / 86_400)} d ${Math.floor((total % 86_400) / 3600)} h`;
}

/** 1234567 → "1,234,567". */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/** Token counts compact: 950, 12.3k, 4.56M. */
export function formatTokens(n: number): string {
  if (n < 1000) return String(Math.round(n));
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 2 : 1).replace(/\.?0+$/, "")}k`;
  return `${(n / 1_000_000).toFixed(2).replace(/\.?0+$/, "")}M`;
}

export function formatPercent(part: number, whole: number): string {
  if (whole === 0) return "0%";
  const value = (part / whole) * 100;
  return `${value < 10 && value > 0 ? value.toFixed(1) : Math.round(value)}%`;
}

/** A point in time in UTC, as a `<time>` the page's script shows in the viewer's own time zone. */
export function timeElement(ms: number, withDate = false): Html {
  const iso = new Date(ms).toISOString();
  const text = withDate ? `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC` : `${iso.slice(11, 19)} UTC`;
  return html`<time datetime="${iso}" data-local="${withDate ? "datetime" : "time"}">${text}</time>`;
}

/** "3 min ago", from a time in the past. */
export function formatAgo(ms: number, now: number): string {
  const diff = now - ms;
  return diff < 1000 ? "just now" : `${formatDuration(diff).replace(/ \d+ (?:s|min)$/, "")} ago`;
}

/** A countdown the page's script ticks down every second (from the time left when the page was made, so clocks may differ). */
export function countdown(remainingMs: number): Html {
  return html`<span class="countdown" data-remaining-ms="${Math.max(0, Math.round(remainingMs))}">${formatDuration(remainingMs)}</span>`;
}

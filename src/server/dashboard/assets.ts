import script from "./assets/dashboard.js" with { type: "text" };
import css from "./assets/dashboard.css" with { type: "text" };

/** A file of the dashboard, embedded at build time (no CDN, no disk at run time), with an ETag made once. */
export interface Asset {
  body: string;
  contentType: string;
  etag: string;
}

function asset(body: string, contentType: string): Asset {
  return { body, contentType, etag: `"${new Bun.CryptoHasher("sha256").update(body).digest("base64url").slice(0, 22)}"` };
}

export const DASHBOARD_ASSETS: Record<string, Asset> = {
  "/ui/assets/dashboard.js": asset(script, "text/javascript; charset=utf-8"),
  "/ui/assets/dashboard.css": asset(css, "text/css; charset=utf-8"),
};

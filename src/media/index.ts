import type { MediaOptions } from "./fetch-media.ts";

export { isPublicAddress } from "./is-public-address.ts";
export { sniffMediaType } from "./sniff-media-type.ts";
export { fetchMedia, type FetchedMedia, type MediaFetch, type MediaOptions } from "./fetch-media.ts";
export { resolveMedia } from "./resolve-media.ts";

/** 20 MiB per URL, 10 s per URL, public internet only. */
export const DEFAULT_MEDIA_OPTIONS: Readonly<MediaOptions> = Object.freeze({
  maxBytes: 20 * 1024 * 1024,
  timeoutMs: 10_000,
  allowPrivateNetworks: false,
});

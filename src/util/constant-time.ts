/**
 * Whether two byte arrays are equal, in time that depends only on their
 * length (not on where they first differ): for comparing key digests and
 * session MACs. Written here rather than taken from node:crypto, whose
 * module costs milliseconds of start-up to load.
 */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i]! ^ b[i]!;
  return difference === 0;
}

/** equalBytes for two strings (hex digests), compared code unit by code unit. */
export function equalText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

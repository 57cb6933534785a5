const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/** 62^43 > 2^256: every 32-byte value fits in 43 base62 digits. */
const DIGITS = 43;

/** A new client key: `agw_` and 32 random bytes in base62 (47 characters, no punctuation to quote). */
export function newClientKeySecret(): string {
  let value = 0n;
  for (const byte of crypto.getRandomValues(new Uint8Array(32))) value = (value << 8n) | BigInt(byte);
  let digits = "";
  for (let i = 0; i < DIGITS; i++) {
    digits = BASE62[Number(value % 62n)]! + digits;
    value /= 62n;
  }
  return `agw_${digits}`;
}

/** What the store keeps of a client key: its SHA-256, lowercase hex (auth.keys[].keyHash is the same). */
export function hashClientKey(secret: string): string {
  // One native call and one string: every authenticated request hashes the key it presents.
  return Bun.SHA256.hash(secret, "hex");
}

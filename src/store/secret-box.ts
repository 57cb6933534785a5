// node:crypto is loaded when a secret is first sealed or opened: most gateways never encrypt, and the
// module costs milliseconds of start-up.
const nodeCrypto = (): typeof import("node:crypto") => require("node:crypto");

/** What marks a value sealed by a SecretBox in the database. */
const PREFIX = "agw-enc1:";
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A sealed secret that the configured key cannot open, or no key to open it. */
export class SecretKeyError extends Error {
  override name = "SecretKeyError";
}

export function isSealed(value: string): boolean {
  return value.startsWith(PREFIX);
}

/**
 * Encryption at rest for upstream credentials and OAuth tokens: AES-256-GCM
 * with a fresh 96-bit nonce per value, stored as `agw-enc1:<base64 of
 * nonce | ciphertext | tag>`. The tag makes a wrong key fail loudly instead
 * of yielding garbage to send upstream. node:crypto rather than WebCrypto:
 * the store's API is synchronous and `crypto.subtle` is promise-only; both
 * are built into Bun.
 */
export class SecretBox {
  private constructor(private readonly key: Buffer) {}

  /** From `secrets.key`: 32 random bytes in base64 (`openssl rand -base64 32`). */
  static fromBase64(text: string): SecretBox {
    const key = Buffer.from(text.trim(), "base64");
    if (key.length !== 32) {
      throw new SecretKeyError("secrets.key must be 32 random bytes in base64 (make one with: openssl rand -base64 32)");
    }
    return new SecretBox(key);
  }

  seal(plain: string): string {
    const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(IV_BYTES)));
    const cipher = nodeCrypto().createCipheriv("aes-256-gcm", this.key, nonce);
    const sealed = Buffer.concat([nonce, cipher.update(plain, "utf8"), cipher.final(), cipher.getAuthTag()]);
    return PREFIX + sealed.toString("base64");
  }

  /** The plain text of a sealed value; a value stored before encryption was on comes back as it is. */
  open(stored: string): string {
    if (!isSealed(stored)) return stored;
    const raw = Buffer.from(stored.slice(PREFIX.length), "base64");
    try {
      const decipher = nodeCrypto().createDecipheriv("aes-256-gcm", this.key, raw.subarray(0, IV_BYTES));
      decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]).toString("utf8");
    } catch {
      throw new SecretKeyError("secrets.key does not decrypt the credentials stored in the database (a different key was used to store them)");
    }
  }
}

/**
 * Reads stored secrets with an optional box: without one, a sealed value is
 * an error that says what to do; with one, plain values (stored before
 * encryption was turned on) still read.
 */
export class SecretCodec {
  constructor(private readonly box: SecretBox | undefined) {}

  get encrypting(): boolean {
    return this.box !== undefined;
  }

  seal(plain: string): string {
    return this.box ? this.box.seal(plain) : plain;
  }

  open(stored: string): string {
    if (!isSealed(stored)) return stored;
    if (!this.box) throw new SecretKeyError("the database's credentials are encrypted: set secrets.key in the config to the key they were stored with");
    return this.box.open(stored);
  }
}

/**
 * Encryption of secret values at rest: AES-256-GCM (node:crypto) under a 32-byte key. A sealed
 * value is text, `enc:v1:<key id>:<base64url of IV ‖ tag ‖ ciphertext>`, so it sits in the JSON
 * columns where the plain value was. The key id (a hash of the key, not the key) tells which key
 * sealed it, so a changed or lost key gives a clear message instead of a failed decryption. The
 * caller's context (which object and field) is bound in as associated data: a sealed value copied
 * to another field or DataSource does not open.
 *
 * Keys are held per process: every app registers the key of its database at start
 * (key-store.ts) and releases it on close.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';

export const SEALED_PREFIX = 'enc:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

/** A sealed value cannot be opened: its key is not this process's, or it was altered. */
export class SecretUnavailableError extends Error {
  constructor(
    message: string,
    readonly reason: 'unknown-key' | 'corrupt',
  ) {
    super(message);
  }
}

/**
 * A 32-byte key written as 64 hex digits or as base64 (standard or URL-safe, padding optional):
 * what `openssl rand -hex 32` and `openssl rand -base64 32` print. Throws naming `name`.
 */
export function parseSecretKey(text: string, name = 'HEADROOM_SECRET_KEY'): Buffer {
  const trimmed = text.trim();
  let key: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) key = Buffer.from(trimmed, 'hex');
  else if (/^[A-Za-z0-9+/_-]{43}={0,1}$/.test(trimmed)) key = Buffer.from(trimmed, 'base64');
  if (key?.length !== KEY_BYTES) {
    throw new Error(
      `${name} must be 32 random bytes written as 64 hex digits or in base64 (for example the output of \`openssl rand -base64 32\`)`,
    );
  }
  return key;
}

/** The id of a key: 16 hex digits of a hash, safe to store and show. */
export function keyId(key: Buffer): string {
  return createHash('sha256').update('headroom secret key id\n').update(key).digest('hex').slice(0, 16);
}

const keys = new Map<string, { key: Buffer; users: number }>();

/** Makes a key usable in this process; returns its id. Registered as often as released. */
export function registerKey(key: Buffer): string {
  const id = keyId(key);
  const held = keys.get(id);
  if (held) held.users++;
  else keys.set(id, { key: Buffer.from(key), users: 1 });
  return id;
}

export function releaseKey(id: string): void {
  const held = keys.get(id);
  if (!held) return;
  if (--held.users === 0) {
    held.key.fill(0);
    keys.delete(id);
  }
}

export function hasKey(id: string): boolean {
  return keys.has(id);
}

export function isSealed(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(SEALED_PREFIX);
}

/** The id of the key that sealed a value. */
export function sealedKeyId(sealed: string): string {
  return sealed.slice(SEALED_PREFIX.length).split(':', 1)[0] ?? '';
}

/** Seals any JSON value (its type comes back on opening) under the key `id`, bound to `context`. */
export function seal(value: unknown, id: string, context: string): string {
  const held = keys.get(id);
  if (!held)
    throw new SecretUnavailableError(`the secret key ${id} is not loaded in this process`, 'unknown-key');
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', held.key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  const sealed = Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  return `${SEALED_PREFIX}${id}:${sealed}`;
}

/** The value a sealed text holds; throws SecretUnavailableError when it cannot be opened here. */
export function open(sealed: string, context: string): unknown {
  const id = sealedKeyId(sealed);
  const held = keys.get(id);
  if (!held) {
    throw new SecretUnavailableError(
      `it was encrypted with another key (id ${id}) than this Headroom has`,
      'unknown-key',
    );
  }
  const raw = Buffer.from(sealed.slice(SEALED_PREFIX.length + id.length + 1), 'base64url');
  try {
    const decipher = createDecipheriv('aes-256-gcm', held.key, raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    const text = Buffer.concat([
      decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)),
      decipher.final(),
    ]).toString('utf8');
    return JSON.parse(text);
  } catch {
    throw new SecretUnavailableError('its stored form is damaged or belongs to another field', 'corrupt');
  }
}

/**
 * HMAC-SHA256 of `data` under a key derived from the secret key `id` for `purpose` (so a MAC made
 * for one purpose never verifies for another, and the secret key itself never signs directly).
 */
export function macWith(id: string, purpose: string, data: string): Buffer {
  const held = keys.get(id);
  if (!held)
    throw new SecretUnavailableError(`the secret key ${id} is not loaded in this process`, 'unknown-key');
  const derived = createHmac('sha256', held.key).update(`headroom mac key\n${purpose}`).digest();
  return createHmac('sha256', derived).update(data, 'utf8').digest();
}

/**
 * Which values of a DataSource's free-form `connectionDetails` are credentials, and what happens
 * to them: sealed before they are stored (in the normalized definition and in the document as
 * written), opened only to poll, and shown as `<redacted>` wherever a document leaves Headroom
 * (the OpenSLO export). Applying a document whose secret is `<redacted>` keeps the value held
 * for that field — so export → edit → apply never replaces a credential with the marker.
 *
 * A value is secret when its key names one (password, secret, token, …key, authorization,
 * cookie, credentials …), when it is any header (`headers: {…}`: a custom header such as
 * `X-Api-Key` is as much a credential as `Authorization`), or when it is a URL with a password.
 * A secret's whole value is sealed, whatever its JSON type.
 */
import { isSealed, open, SecretUnavailableError, seal } from './keyring.js';

export const REDACTED = '<redacted>';

const normalise = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '');

const SECRET_WORDS =
  /password|passwd|passphrase|secret|token|credential|authori[sz]ation|cookie|privatekey|signature/;
const URL_KEYS = new Set(['url', 'address', 'endpoint', 'baseurl']);

export function isSecretName(name: string): boolean {
  const n = normalise(name);
  return n === 'pass' || n === 'pwd' || SECRET_WORDS.test(n) || n.endsWith('key') || n.endsWith('keyid');
}

function isHeadersName(name: string): boolean {
  const n = normalise(name);
  return n === 'headers' || n === 'httpheaders';
}

function urlWithPassword(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    return new URL(value).password !== '';
  } catch {
    return false;
  }
}

type Leaf = (value: unknown, path: string) => unknown;

/** A copy of `details` with every secret value replaced by `leaf(value, path)`; the rest as is. */
export function mapSecrets(details: unknown, leaf: Leaf, path = '', inHeaders = false): unknown {
  if (Array.isArray(details))
    return details.map((item, i) => mapSecrets(item, leaf, `${path}/${i}`, inHeaders));
  if (details === null || typeof details !== 'object') return details;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(details)) {
    const at = `${path}/${key}`;
    const secret = inHeaders || isSecretName(key) || (URL_KEYS.has(normalise(key)) && urlWithPassword(value));
    out[key] = secret ? leaf(value, at) : mapSecrets(value, leaf, at, isHeadersName(key));
  }
  return out;
}

/** The secret values of `details` by path (`/0/headers/authorization`). */
export function secretsOf(details: unknown): Map<string, unknown> {
  const found = new Map<string, unknown>();
  mapSecrets(details, (value, path) => {
    found.set(path, value);
    return value;
  });
  return found;
}

/** Associated data of a DataSource's secret: its name and the field, so sealed values stay put. */
const contextOf = (dataSource: string, path: string) => `headroom/datasource/${dataSource}${path}`;

/**
 * Seals every plain secret of `details` under key `keyId`. A `<redacted>` value takes the one
 * held at the same path (`held`, as stored: sealed), or stays `<redacted>` (no value) when there
 * is none; values sealed already are kept as they are.
 */
export function sealDetails(
  details: unknown,
  dataSource: string,
  keyId: string,
  held: ReadonlyMap<string, unknown> = new Map(),
): unknown {
  return mapSecrets(details, (value, path) => {
    if (value === REDACTED) return held.get(path) ?? REDACTED;
    if (isSealed(value)) return value;
    return seal(value, keyId, contextOf(dataSource, path));
  });
}

/** A secret Headroom holds no usable value for; its message says which and what to do. */
export class MissingSecretError extends Error {}

/** `details` with every secret opened, for talking to the data source. */
export function revealDetails(details: unknown, dataSource: string): unknown {
  return mapSecrets(details, (value, path) => {
    const field = `connectionDetails${path.replaceAll('/', '.')}`;
    if (value === REDACTED) {
      throw new MissingSecretError(
        `DataSource ${dataSource}: ${field} has no value (it was applied as '${REDACTED}', as an export shows it); apply the DataSource with the value`,
      );
    }
    if (!isSealed(value)) return value; // stored before encryption; sealed at the next start
    try {
      return open(value, contextOf(dataSource, path));
    } catch (error) {
      if (!(error instanceof SecretUnavailableError)) throw error;
      throw new MissingSecretError(
        `DataSource ${dataSource}: ${field} cannot be decrypted: ${error.message}` +
          ' (HEADROOM_SECRET_KEY changed, or the key file beside the database was lost); apply the DataSource again with its credentials',
      );
    }
  });
}

/** `details` with secrets opened where this process can, and left sealed where not (for comparing). */
export function revealWherePossible(details: unknown, dataSource: string): unknown {
  return mapSecrets(details, (value, path) => {
    if (!isSealed(value)) return value;
    try {
      return open(value, contextOf(dataSource, path));
    } catch {
      return value;
    }
  });
}

/** `details` with every secret shown as `<redacted>`. */
export function redactDetails(details: unknown): unknown {
  return mapSecrets(details, () => REDACTED);
}

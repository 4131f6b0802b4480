import { DEFAULT_NAMESPACE, parseEntityRef, stringifyEntityRef } from '@headroom/core/catalog/entity-ref';
import { InputError } from '@headroom/core/errors';

/** Kind names as they appear in refs: a Headroom service is a Backstage Component, a team a Group. */
export const REF_KIND = { service: 'component', team: 'group', user: 'user' } as const;

export function refOf(kind: string, namespace: string, name: string): string {
  return stringifyEntityRef({ kind, namespace, name });
}

/** `name`, `namespace/name` or a full ref, as the API accepts in paths and fields. */
export function parseRef(
  input: string,
  defaultKind: string,
  defaultNamespace = DEFAULT_NAMESPACE,
  field = 'ref',
): { kind: string; namespace: string; name: string; ref: string } {
  try {
    const r = parseEntityRef(input, { defaultKind, defaultNamespace });
    return { ...r, ref: stringifyEntityRef(r) };
  } catch (e) {
    throw new InputError(`${field}: ${(e as Error).message}`, [
      { path: field, message: (e as Error).message },
    ]);
  }
}

/** Short form for responses: `name` in the default namespace, else `namespace/name`. */
export function shortName(namespace: string, name: string): string {
  return namespace === DEFAULT_NAMESPACE ? name : `${namespace}/${name}`;
}

export const json = {
  parse<T>(text: string): T {
    return JSON.parse(text) as T;
  },
  /** Stable output so that equal values compare equal as text. */
  stringify(value: unknown): string {
    return JSON.stringify(sortKeys(value));
  },
};

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

export const iso = (ms: number) => new Date(ms).toISOString();

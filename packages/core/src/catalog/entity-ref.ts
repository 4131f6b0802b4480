/**
 * Backstage entity references: `[kind:][namespace/]name`. A ref written without kind or
 * namespace takes them from context, as Backstage's `parseEntityRef` defaults do: the
 * namespace defaults to `default`, or to the referring entity's namespace where the
 * descriptor format says so (relations such as `spec.owner`, `spec.dependsOn`).
 */
export interface EntityRef {
  kind: string;
  namespace: string;
  name: string;
}

export const DEFAULT_NAMESPACE = 'default';

export function parseEntityRef(
  ref: string,
  context: { defaultKind?: string; defaultNamespace?: string } = {},
): EntityRef {
  const trimmed = ref.trim();
  const colon = trimmed.indexOf(':');
  const slash = trimmed.indexOf('/');
  let kind: string | undefined;
  let rest = trimmed;
  // A colon after the slash belongs to the name, not the kind.
  if (colon !== -1 && (slash === -1 || colon < slash)) {
    kind = trimmed.slice(0, colon);
    rest = trimmed.slice(colon + 1);
  }
  let namespace: string | undefined;
  let name = rest;
  const s = rest.indexOf('/');
  if (s !== -1) {
    namespace = rest.slice(0, s);
    name = rest.slice(s + 1);
  }
  kind = kind || context.defaultKind;
  if (!kind) throw new Error(`Entity reference '${ref}' has no kind and none is implied here.`);
  if (!name) throw new Error(`Entity reference '${ref}' has no name.`);
  if (namespace === '') throw new Error(`Entity reference '${ref}' has an empty namespace.`);
  return {
    kind: kind.toLocaleLowerCase('en-US'),
    namespace: (namespace ?? context.defaultNamespace ?? DEFAULT_NAMESPACE).toLocaleLowerCase('en-US'),
    name: name.toLocaleLowerCase('en-US'),
  };
}

/** Canonical string form, lower-case as Backstage compares refs: `component:default/checkout`. */
export function stringifyEntityRef(ref: EntityRef): string {
  return `${ref.kind.toLocaleLowerCase('en-US')}:${ref.namespace.toLocaleLowerCase('en-US')}/${ref.name.toLocaleLowerCase('en-US')}`;
}

/** Short display form: drops the namespace when it is `default`. */
export function humanizeEntityRef(ref: EntityRef, opts: { defaultKind?: string } = {}): string {
  const kind = opts.defaultKind && opts.defaultKind.toLowerCase() === ref.kind ? '' : `${ref.kind}:`;
  const ns = ref.namespace === DEFAULT_NAMESPACE ? '' : `${ref.namespace}/`;
  return `${kind}${ns}${ref.name}`;
}

/** RFC 1123 label: what service and team names must be (lower case, digits, inner hyphens). */
export const RFC1123_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Backstage's rule for metadata.name: [a-z0-9A-Z] separated by [-_.], at most 63 characters. */
export const BACKSTAGE_NAME = /^[a-zA-Z0-9]+([-_.][a-zA-Z0-9]+)*$/;

/** Backstage's rule for namespaces: a DNS label. */
export const BACKSTAGE_NAMESPACE = /^[a-z0-9]+(-[a-z0-9]+)*$/;

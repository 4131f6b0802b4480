/**
 * What every Backstage kind shares: the envelope and metadata, validated as the descriptor
 * format says, and entity references resolved with Backstage's defaulting rules.
 */
import type { Link } from '../../api/common.js';
import {
  BACKSTAGE_NAME,
  DEFAULT_NAMESPACE,
  parseEntityRef,
  stringifyEntityRef,
} from '../../catalog/entity-ref.js';
import type { Relation } from '../catalog-objects.js';
import { toPointer } from '../path.js';
import { checkSchema } from '../schema-check.js';
import type { NormalizeContext, ObjectReference, PathSegment } from '../types.js';
import { type BackstageKind, envelopes, type Metadata } from './schema.js';

export interface BackstageEntity {
  kind: BackstageKind;
  /**
   * Backstage names may hold upper case, `_` and `.`, while Headroom's own API asks services and
   * teams for RFC 1123 labels. Descriptors are accepted as Backstage accepts them; services,
   * teams and entities are stored lower-cased, because Backstage compares names and refs
   * case-insensitively and Headroom finds them by lower-case refs. `_` and `.` are kept.
   */
  name: string;
  /** metadata.name as written; users keep it (their lookups ignore case), e.g. `Jane.Doe`. */
  writtenName: string;
  namespace: string;
  /** Canonical ref of this entity, e.g. `component:default/artist-web`. */
  ref: string;
  title: string | null;
  description: string | null;
  tags: string[];
  links: Link[];
  annotations: Record<string, string>;
  labels: Record<string, string>;
  spec: Record<string, unknown>;
  /** References found while reading relation fields (checked later, warnings when unresolved). */
  references: ObjectReference[];
}

const DNS_LABEL = /^[a-z0-9]+(-[a-z0-9]+)*$/;

function isDnsSubdomain(value: string): boolean {
  return value.length <= 253 && value.split('.').every((l) => l.length <= 63 && DNS_LABEL.test(l));
}

/** Label and annotation keys: an optional DNS-subdomain prefix and `/`, then a name part. */
function isValidKey(key: string): boolean {
  const parts = key.split('/');
  if (parts.length > 2) return false;
  const name = parts[parts.length - 1]!;
  const prefixOk = parts.length === 1 || isDnsSubdomain(parts[0]!);
  return prefixOk && name.length <= 63 && BACKSTAGE_NAME.test(name);
}

function checkKeys(ctx: NormalizeContext, field: 'labels' | 'annotations', map: Record<string, string>) {
  for (const [key, value] of Object.entries(map)) {
    const path = ['metadata', field, key];
    if (!isValidKey(key)) {
      ctx.error(
        path,
        'key must be an optional DNS-subdomain prefix and /, then letters and digits separated by - _ .',
      );
    }
    if (field === 'labels' && value !== '' && !(value.length <= 63 && BACKSTAGE_NAME.test(value))) {
      ctx.error(path, 'label values must be letters and digits separated by - _ . (at most 63)');
    }
  }
}

function links(list: Metadata['links']): Link[] {
  return (list ?? []).map((l) => ({
    url: l.url,
    ...(l.title !== undefined && { title: l.title }),
    ...(l.type !== undefined && { type: l.type }),
    ...(l.icon !== undefined && { icon: l.icon }),
  }));
}

/** Validates the document as a Backstage entity of `kind`; undefined when anything is wrong. */
export function readEntity(ctx: NormalizeContext, kind: BackstageKind): BackstageEntity | undefined {
  const value = ctx.doc.value;
  if (!checkSchema(ctx, envelopes[kind], value)) return undefined;
  const doc = value as { metadata: Metadata; spec: Record<string, unknown> };
  const m = doc.metadata;
  checkKeys(ctx, 'labels', m.labels ?? {});
  checkKeys(ctx, 'annotations', m.annotations ?? {});
  const namespace = m.namespace ?? DEFAULT_NAMESPACE;
  const name = m.name.toLowerCase();
  return {
    kind,
    name,
    writtenName: m.name,
    namespace,
    ref: stringifyEntityRef({ kind: kind.toLowerCase(), namespace, name }),
    title: m.title ?? null,
    description: m.description ?? null,
    tags: [...(m.tags ?? [])],
    links: links(m.links),
    annotations: { ...(m.annotations ?? {}) },
    labels: { ...(m.labels ?? {}) },
    spec: JSON.parse(JSON.stringify(doc.spec ?? {})) as Record<string, unknown>,
    references: [],
  };
}

/**
 * Reads one entity reference from a relation field. `defaultKind` is the kind the descriptor
 * format implies for the field (spec.owner → group, spec.system → system …); fields without
 * one (dependsOn, dependencyOf) need the kind written out. The default namespace is the
 * referring entity's own, as Backstage's catalog processor does.
 */
export function readRef(
  ctx: NormalizeContext,
  entity: BackstageEntity,
  path: PathSegment[],
  raw: string,
  defaultKind: string | undefined,
): string | undefined {
  let ref: string;
  try {
    ref = stringifyEntityRef(
      parseEntityRef(raw, { defaultNamespace: entity.namespace, ...(defaultKind && { defaultKind }) }),
    );
  } catch (e) {
    const message = (e as Error).message;
    ctx.error(
      path,
      /no kind/.test(message)
        ? `'${raw}' needs an explicit kind here, e.g. component:${raw} or resource:${raw}`
        : `'${raw}' is not a valid entity reference: ${message}`,
    );
    return undefined;
  }
  entity.references.push({ ref, path: toPointer(path), position: ctx.position(path) });
  return ref;
}

/** Reads a list field of refs into relations of `type`. */
export function readRelations(
  ctx: NormalizeContext,
  entity: BackstageEntity,
  field: string,
  type: string,
  defaultKind: string | undefined,
): Relation[] {
  const list = entity.spec[field];
  if (list === undefined) return [];
  const items = typeof list === 'string' ? [list] : (list as string[]);
  const out: Relation[] = [];
  items.forEach((raw, i) => {
    const target = readRef(
      ctx,
      entity,
      ['spec', field, ...(typeof list === 'string' ? [] : [i])],
      raw,
      defaultKind,
    );
    if (target) out.push({ type, target });
  });
  return out;
}

/** Reads an optional single-ref field into a relation of `type` (and returns the ref). */
export function readRelation(
  ctx: NormalizeContext,
  entity: BackstageEntity,
  field: string,
  type: string,
  defaultKind: string,
): { ref: string | null; relations: Relation[] } {
  const raw = entity.spec[field];
  if (typeof raw !== 'string') return { ref: null, relations: [] };
  const ref = readRef(ctx, entity, ['spec', field], raw, defaultKind);
  return ref ? { ref, relations: [{ type, target: ref }] } : { ref: null, relations: [] };
}

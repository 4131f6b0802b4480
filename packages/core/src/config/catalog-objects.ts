/**
 * The desired state of catalog objects, as Backstage descriptors are mapped onto Headroom's
 * catalog. Every field is the normalized value to store; refs are canonical
 * (`kind:namespace/name`, lower case). A field that is `undefined` is not managed by the
 * config and keeps whatever value it has (a user's role when no annotation sets it).
 */
import type { BusinessValue } from '../api/catalog.js';
import type { Link, Role } from '../api/common.js';

/** Store names: which server-side store keeps an object of this type. */
export const OBJECT_TYPE = { service: 'service', team: 'team', user: 'user', entity: 'entity' } as const;

export interface Relation {
  type: string;
  target: string;
}

/** A Backstage Component: a Headroom service. */
export interface ServiceObject {
  namespace: string;
  name: string;
  title: string | null;
  description: string | null;
  ownerRef: string | null;
  type: string | null;
  tier: number;
  lifecycle: string;
  systemRef: string | null;
  tags: string[];
  links: Link[];
  business: BusinessValue;
  annotations: Record<string, string>;
  labels: Record<string, string>;
  /** dependsOn, dependencyOf, providesApi, consumesApi, partOf (subcomponentOf); sorted. */
  relations: Relation[];
}

/** A Backstage Group: a Headroom team. */
export interface TeamObject {
  namespace: string;
  name: string;
  title: string | null;
  description: string | null;
  type: string | null;
  email: string | null;
  picture: string | null;
  parentRef: string | null;
  tags: string[];
  links: Link[];
  annotations: Record<string, string>;
  labels: Record<string, string>;
  /** childOf (parent) and parentOf (children); sorted. */
  relations: Relation[];
  /** User refs from spec.members; undefined when the field is not written. */
  members?: string[];
}

/** A Backstage User: a Headroom user. Passwords and tokens are never part of config. */
export interface UserObject {
  namespace: string;
  name: string;
  displayName: string | null;
  email: string | null;
  picture: string | null;
  /** From the annotation headroom.dev/role; undefined keeps the stored role (new users: viewer). */
  role?: Role;
  tags: string[];
  links: Link[];
  annotations: Record<string, string>;
  labels: Record<string, string>;
  /** Group refs from spec.memberOf. */
  memberOf: string[];
}

/** System, Domain, API and Resource: kept as written in the generic entities table. */
export interface EntityObject {
  /** Lower case: system, domain, api, resource. */
  kind: string;
  namespace: string;
  name: string;
  title: string | null;
  description: string | null;
  ownerRef: string | null;
  spec: Record<string, unknown>;
  tags: string[];
  links: Link[];
  annotations: Record<string, string>;
  labels: Record<string, string>;
  /** partOf (system, domain, subdomainOf), dependsOn, dependencyOf; sorted. */
  relations: Relation[];
}

/** Sorted and without duplicates, so equal sets compare equal. */
export function normalizeRelations(relations: readonly Relation[]): Relation[] {
  const unique = new Map(relations.map((r) => [`${r.type} ${r.target}`, r]));
  return [...unique.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
}

/**
 * Handlers for the Backstage kinds Headroom imports. Each maps one descriptor onto the catalog:
 * Component → service, Group → team, User → user, and System, Domain, API and Resource → the
 * generic entities table with their spec kept as written. Relation fields take the default
 * kind the descriptor format gives them; the default namespace is the entity's own.
 */
import {
  type EntityObject,
  normalizeRelations,
  OBJECT_TYPE,
  type ServiceObject,
  type TeamObject,
  type UserObject,
} from '../catalog-objects.js';
import type { DesiredObject, KindHandler, NormalizeContext } from '../types.js';
import { readBusinessValue, readRole, readTier } from './annotations.js';
import { type BackstageEntity, readEntity, readRef, readRelation, readRelations } from './entity.js';
import { BACKSTAGE_API_VERSIONS, type BackstageKind } from './schema.js';

type Build = (entity: BackstageEntity, ctx: NormalizeContext) => DesiredObject | undefined;

function handler(kind: BackstageKind, build: Build): KindHandler {
  return {
    apiVersions: BACKSTAGE_API_VERSIONS,
    kind,
    normalize(_doc, ctx) {
      const entity = readEntity(ctx, kind);
      if (!entity) return [];
      const object = build(entity, ctx);
      return object && ctx.errorCount === 0 ? [object] : [];
    },
  };
}

function desired<D>(entity: BackstageEntity, ctx: NormalizeContext, type: string, data: D): DesiredObject<D> {
  return {
    type,
    ref: entity.ref,
    kind: entity.kind,
    data,
    source: ctx.position([]),
    references: entity.references,
  };
}

const profileOf = (spec: Record<string, unknown>) =>
  (spec.profile ?? {}) as Record<string, string | undefined>;

const component = handler('Component', (e, ctx) => {
  const owner = readRef(ctx, e, ['spec', 'owner'], e.spec.owner as string, 'group');
  const system =
    typeof e.spec.system === 'string'
      ? readRef(ctx, e, ['spec', 'system'], e.spec.system, 'system')
      : undefined;
  const relations = [
    ...readRelation(ctx, e, 'subcomponentOf', 'partOf', 'component').relations,
    ...readRelations(ctx, e, 'providesApis', 'providesApi', 'api'),
    ...readRelations(ctx, e, 'consumesApis', 'consumesApi', 'api'),
    ...readRelations(ctx, e, 'dependsOn', 'dependsOn', undefined),
    ...readRelations(ctx, e, 'dependencyOf', 'dependencyOf', undefined),
  ];
  const data: ServiceObject = {
    namespace: e.namespace,
    name: e.name,
    title: e.title,
    description: e.description,
    ownerRef: owner ?? null,
    type: e.spec.type as string,
    tier: readTier(ctx, e.annotations),
    lifecycle: e.spec.lifecycle as string,
    systemRef: system ?? null,
    tags: e.tags,
    links: e.links,
    business: readBusinessValue(ctx, e.annotations),
    annotations: e.annotations,
    labels: e.labels,
    relations: normalizeRelations(relations),
  };
  return desired(e, ctx, OBJECT_TYPE.service, data);
});

const group = handler('Group', (e, ctx) => {
  const parent = readRelation(ctx, e, 'parent', 'childOf', 'group');
  const children = readRelations(ctx, e, 'children', 'parentOf', 'group');
  const members =
    e.spec.members === undefined ? undefined : readRelations(ctx, e, 'members', 'hasMember', 'user');
  const profile = profileOf(e.spec);
  const data: TeamObject = {
    namespace: e.namespace,
    name: e.name,
    title: e.title ?? profile.displayName ?? null,
    description: e.description,
    type: e.spec.type as string,
    email: profile.email ?? null,
    picture: profile.picture ?? null,
    parentRef: parent.ref,
    tags: e.tags,
    links: e.links,
    annotations: e.annotations,
    labels: e.labels,
    relations: normalizeRelations([...parent.relations, ...children]),
    ...(members && { members: [...new Set(members.map((m) => m.target))].sort() }),
  };
  return desired(e, ctx, OBJECT_TYPE.team, data);
});

const user = handler('User', (e, ctx) => {
  const memberOf = readRelations(ctx, e, 'memberOf', 'memberOf', 'group');
  const profile = profileOf(e.spec);
  const role = readRole(ctx, e.annotations);
  const data: UserObject = {
    namespace: e.namespace,
    name: e.writtenName,
    displayName: profile.displayName ?? e.title ?? null,
    email: profile.email ?? null,
    picture: profile.picture ?? null,
    ...(role && { role }),
    tags: e.tags,
    links: e.links,
    annotations: e.annotations,
    labels: e.labels,
    memberOf: [...new Set(memberOf.map((m) => m.target))].sort(),
  };
  return desired(e, ctx, OBJECT_TYPE.user, data);
});

/** System, Domain, API, Resource: owner plus the relation fields of each kind. */
function entityHandler(
  kind: BackstageKind,
  relationsOf: (e: BackstageEntity, ctx: NormalizeContext) => EntityObject['relations'],
) {
  return handler(kind, (e, ctx) => {
    const owner = readRef(ctx, e, ['spec', 'owner'], e.spec.owner as string, 'group');
    const data: EntityObject = {
      kind: kind.toLowerCase(),
      namespace: e.namespace,
      name: e.name,
      title: e.title,
      description: e.description,
      ownerRef: owner ?? null,
      spec: e.spec,
      tags: e.tags,
      links: e.links,
      annotations: e.annotations,
      labels: e.labels,
      relations: normalizeRelations(relationsOf(e, ctx)),
    };
    return desired(e, ctx, OBJECT_TYPE.entity, data);
  });
}

const system = entityHandler(
  'System',
  (e, ctx) => readRelation(ctx, e, 'domain', 'partOf', 'domain').relations,
);
const domain = entityHandler(
  'Domain',
  (e, ctx) => readRelation(ctx, e, 'subdomainOf', 'partOf', 'domain').relations,
);
const api = entityHandler('API', (e, ctx) => readRelation(ctx, e, 'system', 'partOf', 'system').relations);
const resource = entityHandler('Resource', (e, ctx) => [
  ...readRelation(ctx, e, 'system', 'partOf', 'system').relations,
  ...readRelations(ctx, e, 'dependsOn', 'dependsOn', undefined),
  ...readRelations(ctx, e, 'dependencyOf', 'dependencyOf', undefined),
]);

/** Location points at more descriptor files; apply reads files itself, so it only warns. */
const location = handler('Location', (_e, ctx) => {
  ctx.warn(['kind'], 'Location entities are not followed; apply the files they point to directly.');
  return undefined;
});

export const backstageKinds: readonly KindHandler[] = [
  component,
  api,
  resource,
  system,
  domain,
  group,
  user,
  location,
];

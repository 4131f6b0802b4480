import Type from 'typebox';
import { Link, Namespace, Rfc1123Name, Role, StringMap, Timestamp } from './common.js';

export const Tier = Type.Integer({ minimum: 1, maximum: 4, description: '1 = most critical' });

export const BusinessValue = Type.Object(
  {
    revenuePerHourAtRisk: Type.Optional(
      Type.Number({ minimum: 0, description: 'Revenue lost per hour of outage' }),
    ),
    currency: Type.Optional(
      Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code, default USD' }),
    ),
    usersServed: Type.Optional(Type.Integer({ minimum: 0 })),
    journeys: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
  },
  { additionalProperties: false },
);
export type BusinessValue = Type.Static<typeof BusinessValue>;

const serviceFields = {
  title: Type.Optional(Type.String()),
  description: Type.Optional(Type.String()),
  owner: Type.Optional(
    Type.String({ minLength: 1, description: 'Owning team: a name or entity ref (group:ns/name)' }),
  ),
  type: Type.Optional(Type.String({ description: 'Backstage component type: service, website, library…' })),
  tier: Type.Optional(Tier),
  lifecycle: Type.Optional(
    Type.String({ minLength: 1, description: 'experimental, production, deprecated…' }),
  ),
  system: Type.Optional(Type.String()),
  tags: Type.Optional(Type.Array(Type.String({ pattern: '^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$', maxLength: 63 }))),
  links: Type.Optional(Type.Array(Link)),
  dependsOn: Type.Optional(
    Type.Array(Type.String({ minLength: 1 }), { description: 'Entity refs; a bare name means a service' }),
  ),
  business: Type.Optional(BusinessValue),
  annotations: Type.Optional(StringMap),
  labels: Type.Optional(StringMap),
};

export const ServiceCreate = Type.Object(
  { name: Rfc1123Name, namespace: Type.Optional(Namespace), ...serviceFields },
  { additionalProperties: false },
);
export type ServiceCreate = Type.Static<typeof ServiceCreate>;

/** In updates, `null` clears an optional text field; leaving the field out keeps it. */
function clearable<T extends Type.TSchema>(schema: T) {
  return Type.Optional(Type.Union([schema, Type.Null()]));
}

export const ServiceUpdate = Type.Object(
  {
    ...serviceFields,
    title: clearable(Type.String()),
    description: clearable(Type.String()),
    owner: clearable(
      Type.String({ minLength: 1, description: 'Owning team; null leaves the service unowned (admin)' }),
    ),
    type: clearable(Type.String()),
    system: clearable(Type.String()),
  },
  { additionalProperties: false },
);
export type ServiceUpdate = Type.Static<typeof ServiceUpdate>;

export const Service = Type.Object(
  {
    id: Type.String(),
    ref: Type.String({ description: 'component:namespace/name' }),
    name: Type.String(),
    namespace: Type.String(),
    title: Type.Union([Type.String(), Type.Null()]),
    description: Type.Union([Type.String(), Type.Null()]),
    owner: Type.Union([Type.String(), Type.Null()], { description: 'Owner ref as written' }),
    ownerTeam: Type.Union([Type.String(), Type.Null()], {
      description: 'Resolved owning team name, null if unresolved',
    }),
    type: Type.Union([Type.String(), Type.Null()]),
    tier: Tier,
    lifecycle: Type.String(),
    system: Type.Union([Type.String(), Type.Null()]),
    tags: Type.Array(Type.String()),
    links: Type.Array(Link),
    dependsOn: Type.Array(Type.String()),
    business: BusinessValue,
    annotations: StringMap,
    labels: StringMap,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  {},
);
export type Service = Type.Static<typeof Service>;

export const DependencyNode = Type.Object({
  ref: Type.String(),
  name: Type.String(),
  kind: Type.String(),
  depth: Type.Integer({ minimum: 1 }),
  resolved: Type.Boolean({ description: 'False when the ref names nothing in the catalog' }),
  via: Type.String({ description: 'The ref this node was reached from' }),
});
export const DependencyGraph = Type.Object({
  root: Type.String({ description: 'The entity ref the walk started from' }),
  direction: Type.Union([Type.Literal('upstream'), Type.Literal('downstream')]),
  nodes: Type.Array(DependencyNode),
});
export type DependencyGraph = Type.Static<typeof DependencyGraph>;

const teamFields = {
  title: Type.Optional(Type.String()),
  description: Type.Optional(Type.String()),
  type: Type.Optional(Type.String({ description: 'Backstage group type: team, business-unit…' })),
  email: Type.Optional(Type.String()),
  parent: Type.Optional(Type.String()),
  picture: Type.Optional(Type.String({ description: 'Profile picture URL' })),
  tags: Type.Optional(Type.Array(Type.String({ pattern: '^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$', maxLength: 63 }))),
  links: Type.Optional(Type.Array(Link)),
  annotations: Type.Optional(StringMap),
  labels: Type.Optional(StringMap),
};
export const TeamCreate = Type.Object(
  { name: Rfc1123Name, namespace: Type.Optional(Namespace), ...teamFields },
  { additionalProperties: false },
);
export type TeamCreate = Type.Static<typeof TeamCreate>;
export const TeamUpdate = Type.Object(
  {
    ...teamFields,
    title: clearable(Type.String()),
    description: clearable(Type.String()),
    type: clearable(Type.String()),
    email: clearable(Type.String()),
    parent: clearable(Type.String()),
    picture: clearable(Type.String()),
  },
  { additionalProperties: false },
);
export type TeamUpdate = Type.Static<typeof TeamUpdate>;

export const Team = Type.Object(
  {
    id: Type.String(),
    ref: Type.String(),
    name: Type.String(),
    namespace: Type.String(),
    title: Type.Union([Type.String(), Type.Null()]),
    description: Type.Union([Type.String(), Type.Null()]),
    type: Type.Union([Type.String(), Type.Null()]),
    email: Type.Union([Type.String(), Type.Null()]),
    parent: Type.Union([Type.String(), Type.Null()]),
    picture: Type.Union([Type.String(), Type.Null()]),
    tags: Type.Array(Type.String()),
    links: Type.Array(Link),
    members: Type.Array(Type.String(), { description: 'User names (namespace-qualified outside default)' }),
    services: Type.Array(Type.String()),
    annotations: StringMap,
    labels: StringMap,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  {},
);
export type Team = Type.Static<typeof Team>;

export const TeamMembership = Type.Object(
  { user: Type.String({ minLength: 1 }) },
  { additionalProperties: false },
);

export const UserCreate = Type.Object(
  {
    name: Type.String({ pattern: '^[a-zA-Z0-9]+([-_.][a-zA-Z0-9]+)*$', maxLength: 63 }),
    namespace: Type.Optional(Namespace),
    displayName: Type.Optional(Type.String()),
    email: Type.Optional(Type.String()),
    role: Type.Optional(Role),
    teams: Type.Optional(Type.Array(Type.String())),
    password: Type.Optional(Type.String({ minLength: 12, maxLength: 1024 })),
  },
  { additionalProperties: false },
);
export type UserCreate = Type.Static<typeof UserCreate>;

export const UserUpdate = Type.Object(
  {
    displayName: clearable(Type.String()),
    email: clearable(Type.String()),
    role: Type.Optional(Role),
    teams: Type.Optional(Type.Array(Type.String())),
    password: Type.Optional(Type.String({ minLength: 12, maxLength: 1024 })),
  },
  { additionalProperties: false },
);
export type UserUpdate = Type.Static<typeof UserUpdate>;

export const User = Type.Object(
  {
    id: Type.String(),
    ref: Type.String(),
    name: Type.String(),
    namespace: Type.String(),
    displayName: Type.Union([Type.String(), Type.Null()]),
    email: Type.Union([Type.String(), Type.Null()]),
    role: Role,
    teams: Type.Array(Type.String()),
    picture: Type.Union([Type.String(), Type.Null()]),
    tags: Type.Array(Type.String()),
    links: Type.Array(Link),
    hasPassword: Type.Boolean(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  {},
);
export type User = Type.Static<typeof User>;

/** System, Domain, API and Resource entities, kept as Backstage wrote them. */
export const CatalogEntity = Type.Object(
  {
    id: Type.String(),
    ref: Type.String(),
    kind: Type.String(),
    name: Type.String(),
    namespace: Type.String(),
    title: Type.Union([Type.String(), Type.Null()]),
    description: Type.Union([Type.String(), Type.Null()]),
    owner: Type.Union([Type.String(), Type.Null()]),
    ownerTeam: Type.Union([Type.String(), Type.Null()]),
    spec: Type.Record(Type.String(), Type.Unknown()),
    tags: Type.Array(Type.String()),
    links: Type.Array(Link),
    annotations: StringMap,
    labels: StringMap,
    relations: Type.Array(Type.Object({ type: Type.String(), target: Type.String() })),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  {},
);
export type CatalogEntity = Type.Static<typeof CatalogEntity>;

/**
 * Backstage's descriptor format ("Descriptor Format of Catalog Entities" and the JSON schemas
 * in @backstage/catalog-model), expressed with TypeBox. Required fields and types follow those
 * schemas; extra fields inside `metadata` and `spec` are allowed, as Backstage allows them.
 */
import Type, { type TSchema } from 'typebox';
import { BACKSTAGE_NAME, BACKSTAGE_NAMESPACE } from '../../catalog/entity-ref.js';
import { describePattern } from '../schema-check.js';

export const BACKSTAGE_API_VERSIONS = ['backstage.io/v1alpha1', 'backstage.io/v1beta1'] as const;

/** Tags: sequences of [a-z0-9:+#] separated by `-`, at most 63 characters. */
export const TAG = /^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$/;

describePattern(
  BACKSTAGE_NAME,
  'must be letters and digits, optionally separated by one of - _ . (at most 63)',
);
describePattern(
  BACKSTAGE_NAMESPACE,
  'must be a DNS label: lower-case letters and digits separated by - (at most 63)',
);
describePattern(TAG, 'must be [a-z0-9:+#] separated by - (at most 63 characters)');

const NonEmpty = Type.String({ minLength: 1 });
const RefList = Type.Array(NonEmpty);

const Link = Type.Object({
  url: NonEmpty,
  title: Type.Optional(NonEmpty),
  icon: Type.Optional(NonEmpty),
  type: Type.Optional(NonEmpty),
});

const StringMap = Type.Record(Type.String(), Type.String());

export const Metadata = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 63, pattern: BACKSTAGE_NAME.source }),
  namespace: Type.Optional(Type.String({ minLength: 1, maxLength: 63, pattern: BACKSTAGE_NAMESPACE.source })),
  title: Type.Optional(Type.String()),
  description: Type.Optional(Type.String()),
  labels: Type.Optional(StringMap),
  annotations: Type.Optional(StringMap),
  tags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 63, pattern: TAG.source }))),
  links: Type.Optional(Type.Array(Link)),
});
export type Metadata = Type.Static<typeof Metadata>;

/** The envelope: only these root fields exist (relations and status are output, tolerated). */
function envelope(spec: TSchema) {
  return Type.Object(
    {
      apiVersion: Type.String(),
      kind: Type.String(),
      metadata: Metadata,
      spec,
      relations: Type.Optional(Type.Array(Type.Unknown())),
      status: Type.Optional(Type.Object({})),
    },
    { additionalProperties: false },
  );
}

const Profile = Type.Object({
  displayName: Type.Optional(NonEmpty),
  email: Type.Optional(NonEmpty),
  picture: Type.Optional(NonEmpty),
});

export const ComponentSpec = Type.Object({
  type: NonEmpty,
  lifecycle: NonEmpty,
  owner: NonEmpty,
  system: Type.Optional(NonEmpty),
  subcomponentOf: Type.Optional(NonEmpty),
  providesApis: Type.Optional(RefList),
  consumesApis: Type.Optional(RefList),
  dependsOn: Type.Optional(RefList),
  dependencyOf: Type.Optional(RefList),
});

export const ApiSpec = Type.Object({
  type: NonEmpty,
  lifecycle: NonEmpty,
  owner: NonEmpty,
  system: Type.Optional(NonEmpty),
  definition: NonEmpty,
});

export const ResourceSpec = Type.Object({
  type: NonEmpty,
  owner: NonEmpty,
  system: Type.Optional(NonEmpty),
  dependsOn: Type.Optional(RefList),
  dependencyOf: Type.Optional(RefList),
});

export const SystemSpec = Type.Object({
  owner: NonEmpty,
  domain: Type.Optional(NonEmpty),
  type: Type.Optional(NonEmpty),
});

export const DomainSpec = Type.Object({
  owner: NonEmpty,
  subdomainOf: Type.Optional(NonEmpty),
  type: Type.Optional(NonEmpty),
});

export const GroupSpec = Type.Object({
  type: NonEmpty,
  profile: Type.Optional(Profile),
  parent: Type.Optional(NonEmpty),
  children: RefList,
  members: Type.Optional(RefList),
});

export const UserSpec = Type.Object({
  profile: Type.Optional(Profile),
  memberOf: RefList,
});

/** Location only points at other files; its spec may be empty. */
export const LocationSpec = Type.Object({
  type: Type.Optional(Type.String()),
  target: Type.Optional(Type.String()),
  targets: Type.Optional(Type.Array(Type.String())),
});

export const envelopes = {
  Component: envelope(ComponentSpec),
  API: envelope(ApiSpec),
  Resource: envelope(ResourceSpec),
  System: envelope(SystemSpec),
  Domain: envelope(DomainSpec),
  Group: envelope(GroupSpec),
  User: envelope(UserSpec),
  Location: envelope(LocationSpec),
};
export type BackstageKind = keyof typeof envelopes;

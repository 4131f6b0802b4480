import { describe, expect, it } from 'vitest';
import { InputError } from '../../errors.js';
import type { EntityObject, ServiceObject, TeamObject, UserObject } from '../catalog-objects.js';
import { compileConfig } from '../compile.js';
import { builtinKindRegistry } from '../index.js';
import type { DesiredObject } from '../types.js';

const registry = builtinKindRegistry();
const compile = (content: string) => compileConfig([{ path: 'catalog-info.yaml', content }], registry);
const only = <D>(content: string) => compile(content).objects[0] as DesiredObject<D>;

function problems(content: string) {
  try {
    compile(content);
  } catch (e) {
    if (e instanceof InputError)
      return e.errors?.map((p) => ({ path: p.path, line: p.line, message: p.message }));
    throw e;
  }
  throw new Error('expected the descriptor to be rejected');
}

// The Component example of the descriptor-format documentation, plus Headroom annotations.
const artistWeb = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: artist-web
  description: The place to be, for great artists
  labels:
    example.com/custom: custom_label_value
  annotations:
    example.com/service-discovery: artistweb
    headroom.dev/tier: "1"
    headroom.dev/revenue-per-hour: "12000.5"
    headroom.dev/currency: EUR
    headroom.dev/users-served: "250000"
    headroom.dev/journeys: " browse , buy tickets,"
  tags: [java]
  links:
    - url: https://admin.example-org.com
      title: Admin Dashboard
      icon: dashboard
      type: admin-dashboard
spec:
  type: website
  lifecycle: production
  owner: artist-relations-team
  system: public-websites
  subcomponentOf: artist-portal
  dependsOn: [resource:default/artists-db, component:search]
  dependencyOf: [component:default/artist-web-lookup]
  providesApis: [artist-api]
  consumesApis: [ops/billing-api]
`;

describe('Backstage Component → service', () => {
  it('maps the documented example, keeping annotations, labels, tags and links', () => {
    const o = only<ServiceObject>(artistWeb);
    expect(o).toMatchObject({ type: 'service', kind: 'Component', ref: 'component:default/artist-web' });
    expect(o.data).toEqual({
      namespace: 'default',
      name: 'artist-web',
      title: null,
      description: 'The place to be, for great artists',
      ownerRef: 'group:default/artist-relations-team',
      type: 'website',
      tier: 1,
      lifecycle: 'production',
      systemRef: 'system:default/public-websites',
      tags: ['java'],
      links: [
        {
          url: 'https://admin.example-org.com',
          title: 'Admin Dashboard',
          icon: 'dashboard',
          type: 'admin-dashboard',
        },
      ],
      business: {
        revenuePerHourAtRisk: 12000.5,
        currency: 'EUR',
        usersServed: 250000,
        journeys: ['browse', 'buy tickets'],
      },
      annotations: {
        'example.com/service-discovery': 'artistweb',
        'headroom.dev/tier': '1',
        'headroom.dev/revenue-per-hour': '12000.5',
        'headroom.dev/currency': 'EUR',
        'headroom.dev/users-served': '250000',
        'headroom.dev/journeys': ' browse , buy tickets,',
      },
      labels: { 'example.com/custom': 'custom_label_value' },
      relations: [
        { type: 'consumesApi', target: 'api:ops/billing-api' },
        { type: 'dependencyOf', target: 'component:default/artist-web-lookup' },
        { type: 'dependsOn', target: 'component:default/search' },
        { type: 'dependsOn', target: 'resource:default/artists-db' },
        { type: 'partOf', target: 'component:default/artist-portal' },
        { type: 'providesApi', target: 'api:default/artist-api' },
      ],
    });
  });

  it('lists every reference with its field and line, for unresolved-reference warnings', () => {
    const o = only<ServiceObject>(artistWeb);
    expect(o.references.map((r) => [r.path, r.ref, r.position.line])).toEqual([
      ['/spec/owner', 'group:default/artist-relations-team', 24],
      ['/spec/system', 'system:default/public-websites', 25],
      ['/spec/subcomponentOf', 'component:default/artist-portal', 26],
      ['/spec/providesApis/0', 'api:default/artist-api', 29],
      ['/spec/consumesApis/0', 'api:ops/billing-api', 30],
      ['/spec/dependsOn/0', 'resource:default/artists-db', 27],
      ['/spec/dependsOn/1', 'component:default/search', 27],
      ['/spec/dependencyOf/0', 'component:default/artist-web-lookup', 28],
    ]);
  });

  it('defaults to tier 3, no business value, and the referring namespace for refs', () => {
    const o = only<ServiceObject>(`apiVersion: backstage.io/v1beta1
kind: Component
metadata: { name: CircleciBuildsDumpV2_avro_gcs, namespace: data }
spec: { type: library, lifecycle: experimental, owner: user:jdoe, system: default/core }
`);
    expect(o.ref).toBe('component:data/circlecibuildsdumpv2_avro_gcs');
    expect(o.data).toMatchObject({
      name: 'circlecibuildsdumpv2_avro_gcs',
      namespace: 'data',
      tier: 3,
      business: {},
      ownerRef: 'user:data/jdoe',
      systemRef: 'system:default/core',
    });
  });

  it('requires type, lifecycle and owner, reporting each at its line', () => {
    expect(
      problems(`apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: x
spec:
  lifecycle: ""
`),
    ).toEqual([
      { path: '/spec/type', line: 5, message: 'is required' },
      { path: '/spec/owner', line: 5, message: 'is required' },
      { path: '/spec/lifecycle', line: 6, message: 'must not be empty' },
    ]);
  });

  it('needs an explicit kind in dependsOn, where the format implies none', () => {
    const p = problems(artistWeb.replace('component:search', 'search'));
    expect(p).toEqual([
      { path: '/spec/dependsOn/1', line: 27, message: expect.stringContaining('needs an explicit kind') },
    ]);
  });

  it('rejects bad Headroom annotation values and unquoted annotation numbers', () => {
    expect(problems(artistWeb.replace('headroom.dev/tier: "1"', 'headroom.dev/tier: "5"'))).toEqual([
      { path: '/metadata/annotations/headroom.dev~1tier', line: 10, message: 'must be "1", "2", "3" or "4"' },
    ]);
    expect(problems(artistWeb.replace('headroom.dev/tier: "1"', 'headroom.dev/tier: 1'))).toEqual([
      {
        path: '/metadata/annotations/headroom.dev~1tier',
        line: 10,
        message: 'must be a string, not a number (quote the value)',
      },
    ]);
    expect(problems(artistWeb.replace('EUR', 'euro'))?.[0]?.path).toBe(
      '/metadata/annotations/headroom.dev~1currency',
    );
  });
});

describe('Backstage metadata rules', () => {
  const withMeta = (meta: string) =>
    `apiVersion: backstage.io/v1alpha1\nkind: Domain\nmetadata:\n${meta}\nspec:\n  owner: team-a\n`;

  it.each([
    ['  name: a--b', '/metadata/name'],
    ['  name: -a', '/metadata/name'],
    [`  name: ${'a'.repeat(64)}`, '/metadata/name'],
    ['  name: a\n  namespace: Partner', '/metadata/namespace'],
    ['  name: a\n  tags: [Java]', '/metadata/tags/0'],
    ['  name: a\n  labels: { "bad key!": x }', '/metadata/labels/bad key!'],
    ['  name: a\n  labels: { ok: "not valid" }', '/metadata/labels/ok'],
    ['  name: a\n  annotations: { "Example.com/x": y }', '/metadata/annotations/Example.com~1x'],
    ['  name: a\n  links: [{ title: no url }]', '/metadata/links/0/url'],
  ])('rejects %j at %s', (meta, path) => {
    expect(problems(withMeta(meta))?.map((p) => p.path)).toEqual([path]);
  });

  it('accepts names Backstage accepts and rejects unknown root fields', () => {
    expect(compile(withMeta('  name: visits-tracking_service.v2')).objects).toHaveLength(1);
    expect(problems(`${withMeta('  name: a')}extra: 1\n`)).toEqual([
      { path: '/extra', line: 7, message: 'is not a known field' },
    ]);
  });
});

describe('Backstage System, Domain, API, Resource → entities', () => {
  it('keeps spec as written with partOf, dependsOn and dependencyOf relations', () => {
    const { objects } = compile(`apiVersion: backstage.io/v1alpha1
kind: System
metadata: { name: artist-engagement-portal }
spec: { owner: artist-relations-team, domain: artists, type: product }
---
apiVersion: backstage.io/v1alpha1
kind: Domain
metadata: { name: artists }
spec: { owner: group:music/artist-relations-team, subdomainOf: audio }
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata: { name: artist-api }
spec: { type: openapi, lifecycle: production, owner: artist-relations-team, system: artist-engagement-portal, definition: "openapi: 3.0.0" }
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata: { name: artists-db }
spec: { type: database, owner: artist-relations-team, system: artist-engagement-portal, dependsOn: [resource:backups], dependencyOf: [component:artist-web] }
`);
    const data = objects.map((o) => o.data as EntityObject);
    expect(objects.map((o) => [o.type, o.ref])).toEqual([
      ['entity', 'system:default/artist-engagement-portal'],
      ['entity', 'domain:default/artists'],
      ['entity', 'api:default/artist-api'],
      ['entity', 'resource:default/artists-db'],
    ]);
    expect(data.map((d) => d.kind)).toEqual(['system', 'domain', 'api', 'resource']);
    expect(data[0]!.spec).toEqual({ owner: 'artist-relations-team', domain: 'artists', type: 'product' });
    expect(data[0]!.relations).toEqual([{ type: 'partOf', target: 'domain:default/artists' }]);
    expect(data[1]).toMatchObject({
      ownerRef: 'group:music/artist-relations-team',
      relations: [{ type: 'partOf', target: 'domain:default/audio' }],
    });
    expect(data[2]!.relations).toEqual([
      { type: 'partOf', target: 'system:default/artist-engagement-portal' },
    ]);
    expect(data[3]!.relations).toEqual([
      { type: 'dependencyOf', target: 'component:default/artist-web' },
      { type: 'dependsOn', target: 'resource:default/backups' },
      { type: 'partOf', target: 'system:default/artist-engagement-portal' },
    ]);
  });

  it('requires an API definition and a System owner', () => {
    expect(
      problems(
        'apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata: { name: a }\nspec: { type: openapi, lifecycle: production, owner: t }\n',
      ),
    ).toEqual([{ path: '/spec/definition', line: 4, message: 'is required' }]);
    expect(problems('apiVersion: backstage.io/v1alpha1\nkind: System\nmetadata: { name: a }\n')).toEqual([
      { path: '/spec', line: 1, message: 'is required' },
    ]);
  });
});

describe('Backstage Group and User → teams and users', () => {
  const org = `apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: infrastructure }
spec:
  type: business-unit
  profile: { displayName: Infrastructure, email: infrastructure@example.com, picture: https://example.com/i.jpeg }
  children: [backstage, other]
  members: [jdoe, partner/jdoe]
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: backstage }
spec: { type: team, children: [] }
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: ops }
spec: { type: team, parent: infrastructure, children: [] }
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata:
  name: jdoe
  annotations: { headroom.dev/role: editor }
spec:
  profile: { displayName: Jenny Doe, email: jenny-doe@example.com }
  memberOf: [backstage, employees]
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: { name: jdoe, namespace: partner }
spec: { memberOf: [default/backstage, guests] }
`;

  it('maps groups with parent/children both ways and members as user refs', () => {
    const { objects } = compile(org);
    const teams = objects.filter((o) => o.type === 'team').map((o) => o.data as TeamObject);
    expect(teams[0]).toMatchObject({
      name: 'infrastructure',
      title: 'Infrastructure',
      type: 'business-unit',
      email: 'infrastructure@example.com',
      picture: 'https://example.com/i.jpeg',
      parentRef: null,
      members: ['user:default/jdoe', 'user:partner/jdoe'],
      relations: [
        { type: 'parentOf', target: 'group:default/backstage' },
        { type: 'parentOf', target: 'group:default/ops' },
        { type: 'parentOf', target: 'group:default/other' },
      ],
    });
    // backstage names no parent; the parent's children give it one.
    expect(teams[1]).toMatchObject({
      parentRef: 'group:default/infrastructure',
      relations: [{ type: 'childOf', target: 'group:default/infrastructure' }],
    });
    expect(teams[1]!.members).toBeUndefined();
    expect(teams[2]!.parentRef).toBe('group:default/infrastructure');
  });

  it('keeps a user name reused in two namespaces as two users, refs defaulting to their own namespace', () => {
    const users = compile(org).objects.filter((o) => o.type === 'user') as DesiredObject<UserObject>[];
    expect(users.map((u) => u.ref)).toEqual(['user:default/jdoe', 'user:partner/jdoe']);
    expect(users[0]!.data).toMatchObject({
      displayName: 'Jenny Doe',
      email: 'jenny-doe@example.com',
      role: 'editor',
      memberOf: ['group:default/backstage', 'group:default/employees'],
    });
    expect(users[1]!.data.memberOf).toEqual(['group:default/backstage', 'group:partner/guests']);
    expect('role' in users[1]!.data).toBe(false);
  });

  it('keeps a user name as written (users are found case-insensitively) but refs lower-cased', () => {
    const o = only<UserObject>(
      'apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata: { name: Jane.Doe }\nspec: { memberOf: [Team-A] }\n',
    );
    expect(o.ref).toBe('user:default/jane.doe');
    expect(o.data).toMatchObject({ name: 'Jane.Doe', memberOf: ['group:default/team-a'] });
  });

  it('warns when a group is listed as child of one group but names another parent', () => {
    const { warnings } = compile(
      org
        .replace('parent: infrastructure', 'parent: backstage')
        .replace('children: [backstage, other]', 'children: [backstage, ops]'),
    );
    expect(warnings).toEqual([expect.objectContaining({ path: '/spec/children', line: 1 })]);
  });

  it('requires spec.children on groups and spec.memberOf on users, as the format does', () => {
    expect(
      problems(
        'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: { name: g }\nspec: { type: team }\n',
      ),
    ).toEqual([{ path: '/spec/children', line: 4, message: 'is required' }]);
    expect(
      problems('apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata: { name: u }\nspec: {}\n'),
    ).toEqual([{ path: '/spec/memberOf', line: 4, message: 'is required' }]);
    expect(
      problems(
        'apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata:\n  name: u\n  annotations: { headroom.dev/role: root }\nspec: { memberOf: [] }\n',
      ),
    ).toEqual([
      {
        path: '/metadata/annotations/headroom.dev~1role',
        line: 5,
        message: 'must be "viewer", "editor" or "admin"',
      },
    ]);
  });

  it('accepts a Location but only warns, since apply reads the files itself', () => {
    const { objects, warnings } = compile(
      'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: { name: org }\nspec: { targets: [./org.yaml] }\n',
    );
    expect(objects).toEqual([]);
    expect(warnings).toEqual([expect.objectContaining({ path: '/kind', line: 2 })]);
  });
});

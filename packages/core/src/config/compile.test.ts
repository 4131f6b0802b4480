import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { compileConfig } from './compile.js';
import { builtinKindRegistry } from './index.js';
import { KindRegistry } from './registry.js';
import type { KindHandler } from './types.js';

const registry = builtinKindRegistry();

function failure(files: { path: string; content: string }[]): InputError {
  try {
    compileConfig(files, registry);
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected the config to be rejected');
}

const component = (name: string, extra = '') =>
  `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${name}
spec:
  type: service
  lifecycle: production
  owner: payments${extra}
`;

describe('compileConfig', () => {
  it('rejects an unknown apiVersion/kind and lists the supported ones', () => {
    const e = failure([
      { path: 'x.yaml', content: 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: a\n' },
    ]);
    expect(e.code).toBe('UNKNOWN_KIND');
    expect(e.status).toBe(400);
    expect(e.errors?.[0]).toMatchObject({ path: '/apiVersion', file: 'x.yaml', line: 1, column: 13 });
    expect(e.errors?.[0]?.message).toContain("'example.com/v1' 'Widget'");
    expect(e.errors?.[0]?.message).toContain(
      'backstage.io/v1alpha1: API, Component, Domain, Group, Location, Resource, System, User',
    );
  });

  it('points at kind when the apiVersion is known but the kind is not (kinds are case-sensitive)', () => {
    const e = failure([{ path: 'x.yaml', content: 'apiVersion: backstage.io/v1alpha1\nkind: component\n' }]);
    expect(e.errors?.[0]).toMatchObject({ path: '/kind', line: 2 });
  });

  it('requires documents to be maps with apiVersion and kind', () => {
    const e = failure([{ path: 'x.yaml', content: '- just a string\n---\nkind: Component\n' }]);
    expect(e.errors?.map((p) => [p.path, p.line])).toEqual([
      ['', 1],
      ['/apiVersion', 3],
    ]);
  });

  it('validates every document of every file and reports all problems at once', () => {
    const e = failure([
      { path: 'a.yaml', content: `${component('ok')}---\n${component('Bad Name')}` },
      { path: 'b.yaml', content: component('also-ok').replace('  type: service\n', '') },
    ]);
    expect(e.code).toBe('INVALID_CONFIG');
    expect(e.errors?.map((p) => `${p.file}:${p.line} ${p.path}`)).toEqual([
      'a.yaml:13 /metadata/name',
      'b.yaml:5 /spec/type',
    ]);
    expect(e.message).toMatch(
      /^a\.yaml:13:9: metadata\.name must be letters and digits.* \(and 1 more problem\)$/,
    );
  });

  it('prefers the YAML code when a config has syntax errors and schema errors', () => {
    const e = failure([
      { path: 'a.yaml', content: component('Bad Name') },
      { path: 'b.yaml', content: 'kind: [' },
    ]);
    expect(e.code).toBe('INVALID_YAML');
    expect(e.errors).toHaveLength(2);
  });

  it('rejects the same object declared twice, naming both places', () => {
    const e = failure([
      { path: 'a.yaml', content: component('checkout') },
      { path: 'b.yaml', content: `# moved here\n${component('Checkout')}` },
    ]);
    expect(e.code).toBe('DUPLICATE_OBJECT');
    expect(e.errors?.[0]).toMatchObject({ file: 'b.yaml', line: 2 });
    expect(e.errors?.[0]?.message).toContain('a.yaml:1:1');
    expect(e.errors?.[0]?.message).toContain('b.yaml:2:1');
  });

  it('returns objects in document order with their source', () => {
    const { objects, warnings } = compileConfig(
      [{ path: 'a.yaml', content: `${component('one')}---\n${component('two')}` }],
      registry,
    );
    expect(objects.map((o) => [o.ref, o.source.line])).toEqual([
      ['component:default/one', 1],
      ['component:default/two', 10],
    ]);
    expect(warnings).toEqual([]);
  });

  it('lets a new family of kinds plug in through the registry', () => {
    const slo: KindHandler = {
      apiVersions: ['openslo/v1'],
      kind: 'SLO',
      normalize: (doc, ctx) => {
        const name = (doc.value as { metadata?: { name?: unknown } }).metadata?.name;
        if (typeof name !== 'string') {
          ctx.error(['metadata', 'name'], 'is required');
          return [];
        }
        return [
          {
            type: 'slo',
            ref: `slo:default/${name}`,
            kind: 'SLO',
            data: {},
            source: ctx.position([]),
            references: [],
          },
        ];
      },
    };
    const custom = new KindRegistry().register(slo);
    expect(() => custom.register(slo)).toThrow(/registered twice/);
    const { objects } = compileConfig(
      [
        {
          path: 's.yaml',
          content: '- apiVersion: openslo/v1\n  kind: SLO\n  metadata:\n    name: latency\n',
        },
      ],
      custom,
    );
    expect(objects.map((o) => o.ref)).toEqual(['slo:default/latency']);
    expect(custom.describeSupported()).toBe('openslo/v1: SLO');
  });
});

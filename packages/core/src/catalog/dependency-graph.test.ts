import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type RelationEdge, walkDependencies } from './dependency-graph.js';

const rel = (source: string, type: string, target: string): RelationEdge => ({ source, type, target });
const known = () => true;

describe('walkDependencies', () => {
  const relations = [
    rel('component:default/checkout', 'dependsOn', 'component:default/payments'),
    rel('component:default/payments', 'dependsOn', 'resource:default/orders-db'),
    rel('component:default/checkout', 'consumesApi', 'api:default/search-api'),
    rel('component:default/search', 'providesApi', 'api:default/search-api'),
    rel('resource:default/cache', 'dependencyOf', 'component:default/search'),
  ];

  it('follows dependsOn, APIs to their providers and dependencyOf upstream', () => {
    const nodes = walkDependencies(relations, 'component:default/checkout', 'upstream', 10, known);
    expect(nodes.map((n) => [n.ref, n.depth])).toEqual([
      ['api:default/search-api', 1],
      ['component:default/payments', 1],
      ['component:default/search', 2],
      ['resource:default/orders-db', 2],
      ['resource:default/cache', 3],
    ]);
    expect(nodes.find((n) => n.ref === 'resource:default/cache')?.via).toBe('component:default/search');
  });

  it('answers who is hurt downstream of a database', () => {
    const nodes = walkDependencies(relations, 'resource:default/orders-db', 'downstream', 10, known);
    expect(nodes.map((n) => n.ref)).toEqual(['component:default/payments', 'component:default/checkout']);
  });

  it('stops at the depth asked for and marks refs that name nothing', () => {
    const nodes = walkDependencies(relations, 'component:default/checkout', 'upstream', 1, (r) =>
      r.includes('payments'),
    );
    expect(nodes.map((n) => [n.ref, n.resolved])).toEqual([
      ['api:default/search-api', false],
      ['component:default/payments', true],
    ]);
  });

  it('visits each node once even in cycles, and every node is reachable from the start', () => {
    const name = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f');
    fc.assert(
      fc.property(fc.array(fc.tuple(name, name), { maxLength: 30 }), (pairs) => {
        const rels = pairs.map(([s, t]) =>
          rel(`component:default/${s}`, 'dependsOn', `component:default/${t}`),
        );
        const nodes = walkDependencies(rels, 'component:default/a', 'upstream', 50, known);
        const refs = nodes.map((n) => n.ref);
        expect(new Set(refs).size).toBe(refs.length);
        expect(refs).not.toContain('component:default/a');
        const reached = new Set(['component:default/a', ...refs]);
        for (const n of nodes) expect(reached.has(n.via)).toBe(true);
        for (const n of nodes) {
          const parent = nodes.find((p) => p.ref === n.via);
          expect(n.depth).toBe(parent ? parent.depth + 1 : 1);
        }
      }),
    );
  });
});

/**
 * Walks the catalog's relations to answer "what does X need" (upstream) and "who is hurt
 * when X fails" (downstream). Edges point from a dependant to what it needs:
 *   X dependsOn T        → X → T
 *   T dependencyOf X     → X → T   (Backstage's inverse spelling)
 *   X consumesApi A      → X → A, and A → P for every P that providesApi A
 */
import { DEFAULT_NAMESPACE, parseEntityRef } from './entity-ref.js';

export interface RelationEdge {
  source: string;
  type: string;
  target: string;
}

export interface DependencyNode {
  ref: string;
  kind: string;
  name: string;
  depth: number;
  resolved: boolean;
  via: string;
}

export const DEPENDENCY_RELATIONS = ['dependsOn', 'dependencyOf', 'consumesApi', 'providesApi'] as const;

function needs(relation: RelationEdge): [from: string, to: string] | null {
  switch (relation.type) {
    case 'dependsOn':
    case 'consumesApi':
      return [relation.source, relation.target];
    case 'dependencyOf':
      return [relation.target, relation.source];
    case 'providesApi':
      return [relation.target, relation.source];
    default:
      return null;
  }
}

/** Breadth-first, each node once at its smallest depth; siblings in ref order for stable output. */
export function walkDependencies(
  relations: Iterable<RelationEdge>,
  start: string,
  direction: 'upstream' | 'downstream',
  maxDepth: number,
  isKnown: (ref: string) => boolean,
): DependencyNode[] {
  const edges = new Map<string, string[]>();
  for (const r of relations) {
    const edge = needs(r);
    if (!edge) continue;
    const [from, to] = direction === 'upstream' ? edge : [edge[1], edge[0]];
    const list = edges.get(from);
    if (list) list.push(to);
    else edges.set(from, [to]);
  }
  const nodes: DependencyNode[] = [];
  const seen = new Set([start]);
  let frontier = [start];
  for (let depth = 1; depth <= maxDepth && frontier.length > 0; depth++) {
    const next: string[] = [];
    for (const from of frontier) {
      for (const to of [...(edges.get(from) ?? [])].sort()) {
        if (seen.has(to)) continue;
        seen.add(to);
        const parsed = parseEntityRef(to);
        nodes.push({
          ref: to,
          kind: parsed.kind,
          name: parsed.namespace === DEFAULT_NAMESPACE ? parsed.name : `${parsed.namespace}/${parsed.name}`,
          depth,
          resolved: isKnown(to),
          via: from,
        });
        next.push(to);
      }
    }
    frontier = next;
  }
  return nodes;
}

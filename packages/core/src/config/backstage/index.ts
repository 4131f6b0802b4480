import { normalizeRelations, OBJECT_TYPE, type TeamObject } from '../catalog-objects.js';
import type { KindRegistry } from '../registry.js';
import type { ConfigPass, DesiredObject } from '../types.js';
import { backstageKinds } from './kinds.js';

export { HEADROOM_ANNOTATION } from './annotations.js';
export { backstageKinds } from './kinds.js';
export { BACKSTAGE_API_VERSIONS } from './schema.js';

/**
 * A group hierarchy may be written from either end (`spec.parent` on the child, `spec.children`
 * on the parent). Backstage turns both into the same pair of relations; here a child group
 * declared in the same config takes its parent from the parent's `children` when it names
 * none, and a parent gains `parentOf` for children that name it.
 */
export const groupHierarchyPass: ConfigPass = (objects, warn) => {
  const teams = new Map(
    objects.filter((o): o is DesiredObject<TeamObject> => o.type === OBJECT_TYPE.team).map((o) => [o.ref, o]),
  );
  for (const parent of teams.values()) {
    for (const rel of parent.data.relations) {
      if (rel.type !== 'parentOf') continue;
      const child = teams.get(rel.target);
      if (!child) continue;
      if (child.data.parentRef === null) {
        child.data.parentRef = parent.ref;
        child.data.relations = normalizeRelations([
          ...child.data.relations,
          { type: 'childOf', target: parent.ref },
        ]);
      } else if (child.data.parentRef !== parent.ref) {
        warn({
          message: `${parent.ref} lists ${child.ref} as a child, but its parent is ${child.data.parentRef}; a group has one parent.`,
          file: parent.source.file,
          line: parent.source.line,
          path: '/spec/children',
        });
      }
    }
  }
  for (const child of teams.values()) {
    const parent = child.data.parentRef ? teams.get(child.data.parentRef) : undefined;
    if (parent && !parent.data.relations.some((r) => r.type === 'parentOf' && r.target === child.ref)) {
      parent.data.relations = normalizeRelations([
        ...parent.data.relations,
        { type: 'parentOf', target: child.ref },
      ]);
    }
  }
};

export function registerBackstageKinds(registry: KindRegistry): KindRegistry {
  for (const handler of backstageKinds) registry.register(handler);
  return registry.addPass(groupHierarchyPass);
}

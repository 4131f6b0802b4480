/**
 * OpenSLO v1 (apiVersion `openslo/v1`): every kind, inline and by reference. Documents are read
 * and checked one by one; a cross-document pass then checks each SLO against the SLIs it names
 * by `indicatorRef` in the same apply. References to objects that are not in the files are left
 * to the server, which resolves them against what is stored (an `indicatorRef` that names
 * nothing there either is an error; other unresolved references are warnings).
 */
import type { Sli } from '../../slo/model.js';
import type { KindRegistry } from '../registry.js';
import type { ConfigPass, DesiredObject } from '../types.js';
import { referencedIndicatorProblems } from './checks.js';
import { openSloKinds } from './kinds.js';
import { OPENSLO_OBJECT_TYPE, type OpenSloObject, type SloObject } from './refs.js';
import type { ReadOptions } from './specs.js';

export { indicatorProblems, referencedIndicatorProblems, targetWarnings, windowWarnings } from './checks.js';
export { EXPORT_KIND_ORDER, toOpenSloYaml } from './export.js';
export { openSloKinds } from './kinds.js';
export { OPENSLO_NAME } from './read.js';
export * from './refs.js';
export * from './resolve.js';
export { isTimeZone } from './slo.js';
export type { MetricSourceCheck, ReadOptions } from './specs.js';

export function isSloObject(o: DesiredObject): o is DesiredObject<SloObject> {
  return o.type === OPENSLO_OBJECT_TYPE.slo;
}

export function isOpenSloObject(o: DesiredObject): o is DesiredObject<OpenSloObject> {
  return o.type === OPENSLO_OBJECT_TYPE.object;
}

/** SLOs against the SLIs of the same apply that they name by indicatorRef. */
export const openSloIndicatorPass: ConfigPass = (objects, _warn, error) => {
  const slis = new Map<string, Sli>();
  for (const o of objects.filter(isOpenSloObject)) {
    if (o.data.kind === 'SLI') slis.set(o.data.name, o.data.definition);
  }
  for (const o of objects.filter(isSloObject)) {
    const { problems } = referencedIndicatorProblems(o.data.slo, (name) => slis.get(name));
    for (const p of problems) {
      const at = o.locate?.(p.path) ?? o.source;
      error({ message: p.message, file: at.file, line: at.line, column: at.column, path: p.path });
    }
  }
};

export function registerOpenSloKinds(registry: KindRegistry, options: ReadOptions = {}): KindRegistry {
  for (const handler of openSloKinds(options)) registry.register(handler);
  return registry.addPass(openSloIndicatorPass);
}

/**
 * Handlers for apiVersion `openslo/v1`, one per kind. An SLO becomes an object of type 'slo';
 * every other kind an object of type 'openslo'. Both keep the document as written for export.
 */
import { type ObjectMeta, OPENSLO_API_VERSION, type OpenSloKind } from '../../slo/model.js';
import type { DesiredObject, KindHandler, NormalizeContext, ObjectReference } from '../types.js';
import { isMap, readMetadata, warnUnknown } from './read.js';
import {
  OPENSLO_OBJECT_TYPE,
  type OpenSloDefinition,
  type OpenSloObject,
  openSloRef,
  type SloObject,
} from './refs.js';
import { readSloSpec } from './slo.js';
import {
  type ReadOptions,
  type ReadScope,
  readAlertConditionSpec,
  readAlertPolicySpec,
  readAlertTargetSpec,
  readDataSourceSpec,
  readServiceSpec,
  readSliSpec,
} from './specs.js';

type ReadDefinition = (scope: ReadScope, meta: ObjectMeta, spec: unknown) => OpenSloDefinition | null;

function desired<D>(
  ctx: NormalizeContext,
  kind: OpenSloKind,
  name: string,
  type: string,
  data: D,
  references: ObjectReference[],
): DesiredObject<D> {
  return {
    type,
    ref: openSloRef(kind, name),
    kind,
    data,
    source: ctx.position([]),
    references,
    locate: (path) => ctx.position(path),
  };
}

/** The envelope every kind shares: apiVersion, kind, metadata and spec. */
function handler(
  kind: OpenSloKind,
  build: (scope: ReadScope, meta: ObjectMeta, doc: Record<string, unknown>) => DesiredObject | null,
  options: ReadOptions,
): KindHandler {
  return {
    apiVersions: [OPENSLO_API_VERSION],
    kind,
    normalize(doc, ctx) {
      const value = doc.value;
      if (!isMap(value)) return [];
      warnUnknown(ctx, [], value, ['apiVersion', 'kind', 'metadata', 'spec'], `an OpenSLO ${kind}`);
      const scope: ReadScope = { ctx, references: [], options };
      const meta = readMetadata(ctx, ['metadata'], value.metadata);
      if (!meta) return [];
      const object = build(scope, meta, value);
      return object && ctx.errorCount === 0 ? [object] : [];
    },
  };
}

function objectHandler(kind: OpenSloKind, read: ReadDefinition, options: ReadOptions): KindHandler {
  return handler(
    kind,
    (scope, meta, doc) => {
      const definition = read(scope, meta, doc.spec);
      if (!definition) return null;
      const data = { ...definition, name: meta.name, document: doc } as OpenSloObject;
      return desired(scope.ctx, kind, meta.name, OPENSLO_OBJECT_TYPE.object, data, scope.references);
    },
    options,
  );
}

const sli: ReadDefinition = (scope, meta, spec) => {
  const read = readSliSpec(scope, ['spec'], spec);
  return read && { kind: 'SLI', definition: { ...meta, ...read } };
};
const dataSource: ReadDefinition = (scope, meta, spec) => {
  const definition = readDataSourceSpec(scope, ['spec'], spec, meta);
  return definition && { kind: 'DataSource', definition };
};
const alertPolicy: ReadDefinition = (scope, meta, spec) => {
  const definition = readAlertPolicySpec(scope, ['spec'], spec, meta);
  return definition && { kind: 'AlertPolicy', definition };
};
const alertCondition: ReadDefinition = (scope, meta, spec) => {
  const definition = readAlertConditionSpec(scope, ['spec'], spec, meta);
  return definition && { kind: 'AlertCondition', definition };
};
const alertTarget: ReadDefinition = (scope, meta, spec) => {
  const definition = readAlertTargetSpec(scope, ['spec'], spec, meta);
  return definition && { kind: 'AlertNotificationTarget', definition };
};
const service: ReadDefinition = (scope, meta, spec) => {
  const definition = readServiceSpec(scope, ['spec'], spec, meta);
  return definition && { kind: 'Service', definition };
};

/** Every OpenSLO v1 kind; `options.checkMetricSource` adds a check of metric source specs. */
export function openSloKinds(options: ReadOptions = {}): KindHandler[] {
  const slo = handler(
    'SLO',
    (scope, meta, doc) => {
      const definition = readSloSpec(scope, meta, doc.spec);
      if (!definition) return null;
      const data: SloObject = { slo: definition, document: doc };
      return desired(scope.ctx, 'SLO', meta.name, OPENSLO_OBJECT_TYPE.slo, data, scope.references);
    },
    options,
  );
  return [
    slo,
    objectHandler('SLI', sli, options),
    objectHandler('DataSource', dataSource, options),
    objectHandler('AlertPolicy', alertPolicy, options),
    objectHandler('AlertCondition', alertCondition, options),
    objectHandler('AlertNotificationTarget', alertTarget, options),
    objectHandler('Service', service, options),
  ];
}

/**
 * `headroom.dev/v1` kinds of capacity planning: `CapacityResource` (what is measured, its limit,
 * the safe threshold, lead time, cost and per-instance size) and `GrowthScenario` (named demand
 * changes laid over the organic forecast). See docs/capacity.md for full examples.
 *
 *     apiVersion: headroom.dev/v1
 *     kind: CapacityResource
 *     metadata: { name: checkout-cpu, title: Checkout CPU }
 *     spec:
 *       service: checkout
 *       measure: cpu-cores            # cpu-cores|memory-bytes|requests-per-second|storage-bytes|connections|custom
 *       limit: 64                     # or { query: 'sum(kube_node_status_allocatable{resource="cpu"})' }
 *       safeUtilisation: 80%          # or 0.8 (default)
 *       leadTime: 30d
 *       costPerUnitMonth: 21.5
 *       perInstance: 8                # capacity of one instance, for N+k sizing
 *       redundancy: 2                 # k of N+k (default 1)
 *       source:
 *         prometheus:
 *           dataSourceRef: prod-prometheus     # an OpenSLO DataSource, or url: http://…
 *           query: sum(rate(container_cpu_usage_seconds_total{service="checkout"}[5m]))
 */
import {
  type Fields,
  isMap,
  type Path,
  readDescription,
  readEnum,
  readList,
  readMap,
  readMetadata,
  readName,
  readNumber,
  readString,
} from '../openslo/read.js';
import { toPointer } from '../path.js';
import type { KindRegistry } from '../registry.js';
import type { DesiredObject, KindHandler, NormalizeContext, ObjectReference } from '../types.js';
import { HEADROOM_API_VERSION } from './budget-correction.js';
import {
  parseChange,
  parseFraction,
  parseScenarioDate,
  readFixedDuration,
  readPositive,
  readQuery,
  readServiceName,
  warnUnknownFields,
} from './capacity-read.js';

export { parseChange, parseFraction, parseScenarioDate } from './capacity-read.js';

export const CAPACITY_RESOURCE_KIND = 'CapacityResource';
export const CAPACITY_RESOURCE_TYPE = 'capacity-resource';
export const CAPACITY_RESOURCE_REF_KIND = 'capacityresource';
export const GROWTH_SCENARIO_KIND = 'GrowthScenario';
export const GROWTH_SCENARIO_TYPE = 'growth-scenario';
export const GROWTH_SCENARIO_REF_KIND = 'growthscenario';

export const CAPACITY_MEASURES = [
  'cpu-cores',
  'memory-bytes',
  'requests-per-second',
  'storage-bytes',
  'connections',
  'custom',
] as const;
export type CapacityMeasure = (typeof CAPACITY_MEASURES)[number];

/** The unit shown when a measure's unit is not written. */
export const DEFAULT_UNITS: Record<Exclude<CapacityMeasure, 'custom'>, string> = {
  'cpu-cores': 'cores',
  'memory-bytes': 'bytes',
  'requests-per-second': 'req/s',
  'storage-bytes': 'bytes',
  connections: 'connections',
};

export const DEFAULT_SAFE_UTILISATION = 0.8;
export const DEFAULT_LEAD_TIME = '30d';

export type CapacityLimit = { value: number } | { query: string };

export type CapacitySource =
  | { type: 'push' }
  | { type: 'prometheus'; dataSourceRef: string | null; url: string | null; query: string };

export interface CapacityResourceDefinition {
  name: string;
  title: string | null;
  /** Catalog service name. */
  service: string;
  measure: CapacityMeasure;
  unit: string;
  limit: CapacityLimit;
  /** Fraction 0–1 of the limit that is safe to use. */
  safeUtilisation: number;
  leadTime: string;
  leadTimeMs: number;
  costPerUnitMonth: number | null;
  /** ISO 4217 code; null takes the server's default. */
  currency: string | null;
  perInstance: number | null;
  /** k of N+k. */
  redundancy: number;
  regions: { name: string; share: number }[] | null;
  source: CapacitySource;
}

export type ScenarioChangeType = 'step' | 'peak' | 'ramp';

export interface ScenarioEventDefinition {
  name: string;
  type: ScenarioChangeType;
  /** Epoch ms. */
  start: number;
  /** Epoch ms; null for a step (it lasts). */
  end: number | null;
  /** Demand multiplier: 1.4 = +40 %, 3 = ×3. */
  factor: number;
  /** The change as written: "+40%", "x3", 1.5. */
  change: string;
}

export interface GrowthScenarioDefinition {
  name: string;
  title: string | null;
  description: string | null;
  /** Empty lists select every resource. */
  selector: { services: string[]; resources: string[] };
  events: ScenarioEventDefinition[];
}

export interface CapacityResourceObject {
  resource: CapacityResourceDefinition;
  document: unknown;
}

export interface GrowthScenarioObject {
  scenario: GrowthScenarioDefinition;
  document: unknown;
}

export const capacityResourceRef = (name: string) => `${CAPACITY_RESOURCE_REF_KIND}:default/${name}`;
export const growthScenarioRef = (name: string) => `${GROWTH_SCENARIO_REF_KIND}:default/${name}`;

function readLimit(ctx: NormalizeContext, value: unknown): CapacityLimit | null {
  const path = ['spec', 'limit'];
  if (value === undefined || value === null) {
    ctx.error(path, 'is required: a number in the unit of the measure, or { query: <PromQL> }');
    return null;
  }
  if (isMap(value)) {
    warnUnknownFields(ctx, path, value, ['query']);
    const query = readQuery(ctx, [...path, 'query'], value.query);
    return query === null ? null : { query };
  }
  const n = readPositive(ctx, path, value, 'the capacity limit in the unit of the measure');
  return n === null ? null : { value: n };
}

function readSource(ctx: NormalizeContext, value: unknown): CapacitySource | null {
  const path = ['spec', 'source'];
  if (value === undefined || value === null || value === 'push') return { type: 'push' };
  const map = readMap(ctx, path, value);
  if (!map) return null;
  warnUnknownFields(ctx, path, map, ['push', 'prometheus']);
  if (map.prometheus === undefined) {
    if (map.push !== undefined) return { type: 'push' };
    ctx.error(path, 'must be push (usage sent to POST /capacity/usage) or { prometheus: { … } }');
    return null;
  }
  const p = readMap(ctx, [...path, 'prometheus'], map.prometheus, true);
  if (!p) return null;
  warnUnknownFields(ctx, [...path, 'prometheus'], p, ['dataSourceRef', 'url', 'query']);
  const dataSourceRef = readName(ctx, [...path, 'prometheus', 'dataSourceRef'], p.dataSourceRef, false);
  const url = readString(ctx, [...path, 'prometheus', 'url'], p.url, { maxLength: 2000 });
  if (url !== null && !/^https?:\/\/\S+$/.test(url))
    ctx.error([...path, 'prometheus', 'url'], 'must be an http:// or https:// URL');
  if ((dataSourceRef === null) === (url === null))
    ctx.error(
      [...path, 'prometheus'],
      'needs exactly one of dataSourceRef (an OpenSLO DataSource of type Prometheus) or url',
    );
  const query = readQuery(ctx, [...path, 'prometheus', 'query'], p.query);
  if (query === null) return null;
  return { type: 'prometheus', dataSourceRef, url, query };
}

function readRegions(ctx: NormalizeContext, value: unknown): { name: string; share: number }[] | null {
  const path = ['spec', 'regions'];
  if (value === undefined || value === null) return null;
  const out: { name: string; share: number }[] = [];
  readList(ctx, path, value).forEach((item, i) => {
    const map = readMap(ctx, [...path, i], item, true);
    if (!map) return;
    const name = readString(ctx, [...path, i, 'name'], map.name, { required: true, maxLength: 63 });
    const share = parseFraction(map.share);
    if (share === null) ctx.error([...path, i, 'share'], 'must be a fraction from 0 to 1 or a percentage');
    if (name !== null && out.some((r) => r.name === name))
      ctx.error([...path, i, 'name'], `region '${name}' is listed twice`);
    if (name !== null && share !== null) out.push({ name, share });
  });
  const sum = out.reduce((s, r) => s + r.share, 0);
  if (out.length > 0 && Math.abs(sum - 1) > 1e-6)
    ctx.error(path, `shares must sum to 1 (100 %), they sum to ${Math.round(sum * 10_000) / 10_000}`);
  return out.length > 0 ? out : null;
}

export function readCapacityResource(ctx: NormalizeContext, value: Fields): CapacityResourceObject | null {
  warnUnknownFields(ctx, [], value, ['apiVersion', 'kind', 'metadata', 'spec']);
  const metaMap = readMap(ctx, ['metadata'], value.metadata, true) ?? {};
  // `title` is Backstage's word, `displayName` OpenSLO's: both are read.
  const title = readString(ctx, ['metadata', 'title'], metaMap.title, { maxLength: 200 });
  const { title: _title, ...metaRest } = metaMap;
  const meta = readMetadata(ctx, ['metadata'], metaRest);
  const spec = readMap(ctx, ['spec'], value.spec, true) ?? {};
  warnUnknownFields(ctx, ['spec'], spec, [
    'service',
    'measure',
    'unit',
    'limit',
    'safeUtilisation',
    'leadTime',
    'costPerUnitMonth',
    'currency',
    'perInstance',
    'redundancy',
    'regions',
    'source',
    'description',
  ]);
  const service = readServiceName(ctx, ['spec', 'service'], spec.service, true);
  const measure = readEnum(ctx, ['spec', 'measure'], spec.measure, CAPACITY_MEASURES, true);
  let unit = readString(ctx, ['spec', 'unit'], spec.unit, { maxLength: 40 });
  if (unit === null && measure !== null) {
    if (measure === 'custom') ctx.error(['spec', 'unit'], 'is required when measure is custom');
    else unit = DEFAULT_UNITS[measure];
  }
  const limit = readLimit(ctx, spec.limit);
  let safe = DEFAULT_SAFE_UTILISATION;
  if (spec.safeUtilisation !== undefined && spec.safeUtilisation !== null) {
    const f = parseFraction(spec.safeUtilisation);
    if (f === null)
      ctx.error(
        ['spec', 'safeUtilisation'],
        `must be a fraction above 0 and at most 1 (0.8) or a percentage (80%), not ${JSON.stringify(spec.safeUtilisation)}`,
      );
    else safe = f;
  }
  const leadTime = readFixedDuration(ctx, ['spec', 'leadTime'], spec.leadTime, DEFAULT_LEAD_TIME);
  const cost = readNumber(ctx, ['spec', 'costPerUnitMonth'], spec.costPerUnitMonth);
  if (cost !== null && cost < 0) ctx.error(['spec', 'costPerUnitMonth'], 'must not be negative');
  const currency = readString(ctx, ['spec', 'currency'], spec.currency, { maxLength: 3 });
  if (currency !== null && !/^[A-Z]{3}$/.test(currency))
    ctx.error(['spec', 'currency'], 'must be an ISO 4217 code such as USD or EUR');
  const perInstance = readPositive(
    ctx,
    ['spec', 'perInstance'],
    spec.perInstance,
    'capacity of one instance',
  );
  let redundancy = 1;
  if (spec.redundancy !== undefined && spec.redundancy !== null) {
    const k = readNumber(ctx, ['spec', 'redundancy'], spec.redundancy);
    if (k !== null && (!Number.isInteger(k) || k < 0 || k > 100))
      ctx.error(
        ['spec', 'redundancy'],
        'must be a whole number of spare instances from 0 to 100 (the k of N+k)',
      );
    else if (k !== null) redundancy = k;
  }
  const regions = readRegions(ctx, spec.regions);
  const source = readSource(ctx, spec.source);
  if (limit && 'query' in limit && source?.type !== 'prometheus')
    ctx.error(['spec', 'limit', 'query'], 'a limit query needs a Prometheus source (spec.source.prometheus)');
  readDescription(ctx, ['spec', 'description'], spec.description);
  if (ctx.errorCount > 0 || !meta || !service || !measure || !unit || !limit || !leadTime || !source)
    return null;
  return {
    resource: {
      name: meta.name,
      title: title ?? meta.displayName,
      service,
      measure,
      unit,
      limit,
      safeUtilisation: safe,
      leadTime: leadTime.text,
      leadTimeMs: leadTime.ms,
      costPerUnitMonth: cost,
      currency,
      perInstance,
      redundancy,
      regions,
      source,
    },
    document: value,
  };
}

const EVENT_TYPES = ['step', 'peak', 'ramp'] as const;

function readEvent(ctx: NormalizeContext, path: Path, item: unknown): ScenarioEventDefinition | null {
  const map = readMap(ctx, path, item, true);
  if (!map) return null;
  warnUnknownFields(ctx, path, map, ['name', 'type', 'start', 'end', 'duration', 'change']);
  const name = readString(ctx, [...path, 'name'], map.name, { required: true, maxLength: 200 });
  const type = readEnum(ctx, [...path, 'type'], map.type ?? 'step', EVENT_TYPES);
  const start = parseScenarioDate(map.start);
  if (start === null)
    ctx.error(
      [...path, 'start'],
      `must be a date (2027-03-01) or a date-time with offset, not ${JSON.stringify(map.start)}`,
    );
  let end: number | null = null;
  if (map.end !== undefined && map.end !== null) {
    end = parseScenarioDate(map.end);
    if (end === null) ctx.error([...path, 'end'], `must be a date or a date-time with offset`);
  } else if (map.duration !== undefined && map.duration !== null) {
    const d = readFixedDuration(ctx, [...path, 'duration'], map.duration, '');
    if (d && start !== null) end = start + d.ms;
  }
  if (type === 'step' && end !== null)
    ctx.error([...path, 'end'], 'a step lasts: give end or duration only for peak or ramp');
  if ((type === 'peak' || type === 'ramp') && end === null && ctx.errorCount === 0)
    ctx.error([...path], `a ${type} needs end (a date) or duration (such as 7d)`);
  if (start !== null && end !== null && end <= start) ctx.error([...path, 'end'], 'must be after start');
  const factor = parseChange(map.change);
  if (factor === null)
    ctx.error(
      [...path, 'change'],
      `must be a percentage (+40%, -10%), a multiple (x3) or a positive factor (1.5), not ${JSON.stringify(map.change)}`,
    );
  if (name === null || type === null || start === null || factor === null) return null;
  return { name, type, start, end: type === 'step' ? null : end, factor, change: String(map.change) };
}

export function readGrowthScenario(ctx: NormalizeContext, value: Fields): GrowthScenarioObject | null {
  warnUnknownFields(ctx, [], value, ['apiVersion', 'kind', 'metadata', 'spec']);
  const metaMap = readMap(ctx, ['metadata'], value.metadata, true) ?? {};
  const title = readString(ctx, ['metadata', 'title'], metaMap.title, { maxLength: 200 });
  const { title: _title, ...metaRest } = metaMap;
  const meta = readMetadata(ctx, ['metadata'], metaRest);
  const spec = readMap(ctx, ['spec'], value.spec, true) ?? {};
  warnUnknownFields(ctx, ['spec'], spec, ['description', 'selector', 'events']);
  const description = readDescription(ctx, ['spec', 'description'], spec.description);
  const selectorMap = readMap(ctx, ['spec', 'selector'], spec.selector) ?? {};
  warnUnknownFields(ctx, ['spec', 'selector'], selectorMap, ['services', 'resources']);
  const services: string[] = [];
  readList(ctx, ['spec', 'selector', 'services'], selectorMap.services).forEach((s, i) => {
    const name = readServiceName(ctx, ['spec', 'selector', 'services', i], s, true);
    if (name !== null && !services.includes(name)) services.push(name);
  });
  const resources: string[] = [];
  readList(ctx, ['spec', 'selector', 'resources'], selectorMap.resources).forEach((s, i) => {
    const name = readName(ctx, ['spec', 'selector', 'resources', i], s);
    if (name !== null && !resources.includes(name)) resources.push(name);
  });
  const events: ScenarioEventDefinition[] = [];
  const list = readList(ctx, ['spec', 'events'], spec.events, true);
  if (Array.isArray(spec.events) && list.length === 0)
    ctx.error(['spec', 'events'], 'must list at least one event');
  list.forEach((item, i) => {
    const e = readEvent(ctx, ['spec', 'events', i], item);
    if (e) events.push(e);
  });
  if (ctx.errorCount > 0 || !meta) return null;
  return {
    scenario: {
      name: meta.name,
      title: title ?? meta.displayName,
      description,
      selector: { services: services.sort(), resources: resources.sort() },
      events,
    },
    document: value,
  };
}

function serviceReference(ctx: NormalizeContext, name: string, path: Path): ObjectReference {
  return { ref: `component:default/${name}`, path: toPointer(path), position: ctx.position(path) };
}

export const capacityResourceHandler: KindHandler = {
  apiVersions: [HEADROOM_API_VERSION],
  kind: CAPACITY_RESOURCE_KIND,
  normalize(doc, ctx) {
    if (!isMap(doc.value)) return [];
    const data = readCapacityResource(ctx, doc.value);
    if (!data || ctx.errorCount > 0) return [];
    const object: DesiredObject<CapacityResourceObject> = {
      type: CAPACITY_RESOURCE_TYPE,
      ref: capacityResourceRef(data.resource.name),
      kind: CAPACITY_RESOURCE_KIND,
      data,
      source: ctx.position([]),
      references: [serviceReference(ctx, data.resource.service, ['spec', 'service'])],
      locate: (path) => ctx.position(path),
    };
    return [object];
  },
};

export const growthScenarioHandler: KindHandler = {
  apiVersions: [HEADROOM_API_VERSION],
  kind: GROWTH_SCENARIO_KIND,
  normalize(doc, ctx) {
    if (!isMap(doc.value)) return [];
    const data = readGrowthScenario(ctx, doc.value);
    if (!data || ctx.errorCount > 0) return [];
    const { selector } = data.scenario;
    const raw = (doc.value.spec as Fields | undefined)?.selector as Fields | undefined;
    const references: ObjectReference[] = [];
    selector.services.forEach((name) => {
      const i = Array.isArray(raw?.services) ? raw.services.findIndex((s) => String(s).endsWith(name)) : 0;
      references.push(serviceReference(ctx, name, ['spec', 'selector', 'services', Math.max(i, 0)]));
    });
    selector.resources.forEach((name) => {
      const i = Array.isArray(raw?.resources) ? raw.resources.indexOf(name) : 0;
      const path = ['spec', 'selector', 'resources', Math.max(i, 0)];
      references.push({
        ref: capacityResourceRef(name),
        path: toPointer(path),
        position: ctx.position(path),
      });
    });
    const object: DesiredObject<GrowthScenarioObject> = {
      type: GROWTH_SCENARIO_TYPE,
      ref: growthScenarioRef(data.scenario.name),
      kind: GROWTH_SCENARIO_KIND,
      data,
      source: ctx.position([]),
      references,
      locate: (path) => ctx.position(path),
    };
    return [object];
  },
};

export const isCapacityResourceObject = (o: DesiredObject): o is DesiredObject<CapacityResourceObject> =>
  o.type === CAPACITY_RESOURCE_TYPE;
export const isGrowthScenarioObject = (o: DesiredObject): o is DesiredObject<GrowthScenarioObject> =>
  o.type === GROWTH_SCENARIO_TYPE;

/** In builtinKindRegistry; the server's stores are in modules/capacity/apply-store.ts. */
export function registerCapacityKinds(registry: KindRegistry): KindRegistry {
  return registry.register(capacityResourceHandler).register(growthScenarioHandler);
}

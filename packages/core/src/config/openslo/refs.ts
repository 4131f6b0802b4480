/**
 * How OpenSLO objects are named inside Headroom: one entity-ref kind per OpenSLO kind (OpenSLO
 * has no namespaces, so all live in `default`), the shapes apply stores, and the references
 * each object makes to others.
 */
import {
  type AlertCondition,
  type AlertNotificationTarget,
  type AlertPolicy,
  type DataSource,
  metricSourcesOf,
  type OpenSloKind,
  type OpenSloService,
  type Sli,
  type Slo,
} from '../../slo/model.js';

/** Store names (DesiredObject.type): SLOs have their own table, the other kinds share one. */
export const OPENSLO_OBJECT_TYPE = { slo: 'slo', object: 'openslo' } as const;

/** Entity-ref kinds; OpenSLO's Service is `openslo-service`, apart from Headroom's catalog services. */
export const OPENSLO_REF_KIND: Record<OpenSloKind, string> = {
  SLO: 'slo',
  SLI: 'sli',
  DataSource: 'datasource',
  AlertPolicy: 'alertpolicy',
  AlertCondition: 'alertcondition',
  AlertNotificationTarget: 'alertnotificationtarget',
  Service: 'openslo-service',
};

const KIND_OF_REF = new Map(
  Object.entries(OPENSLO_REF_KIND).map(([kind, ref]) => [ref, kind as OpenSloKind]),
);

export function openSloRef(kind: OpenSloKind, name: string): string {
  return `${OPENSLO_REF_KIND[kind]}:default/${name}`;
}

/** The OpenSLO kind of a ref kind (`sli` → SLI), or undefined for other refs. */
export function openSloKindOfRef(refKind: string): OpenSloKind | undefined {
  return KIND_OF_REF.get(refKind);
}

/** Every OpenSLO kind but SLO, as apply keeps it: the normalized definition and the document as written. */
export type OpenSloDefinition =
  | { kind: 'SLI'; definition: Sli }
  | { kind: 'DataSource'; definition: DataSource }
  | { kind: 'AlertPolicy'; definition: AlertPolicy }
  | { kind: 'AlertCondition'; definition: AlertCondition }
  | { kind: 'AlertNotificationTarget'; definition: AlertNotificationTarget }
  | { kind: 'Service'; definition: OpenSloService };

export type OpenSloObject = OpenSloDefinition & {
  name: string;
  /** The document as written, for export. */
  document: unknown;
};

/** An SLO as apply keeps it: normalized (references not resolved) and as written. */
export interface SloObject {
  slo: Slo;
  document: unknown;
}

export interface OpenSloReference {
  kind: OpenSloKind;
  name: string;
}

function sliReferences(sli: Sli | null): OpenSloReference[] {
  if (!sli) return [];
  return metricSourcesOf(sli.metric)
    .map((m) => m.source.metricSourceRef)
    .filter((r): r is string => r !== null)
    .map((name) => ({ kind: 'DataSource', name }));
}

function policyReferences(policy: AlertPolicy | null): OpenSloReference[] {
  if (!policy) return [];
  return [
    ...policy.conditions.flatMap((c) => (c.ref ? [{ kind: 'AlertCondition' as const, name: c.ref }] : [])),
    ...policy.notificationTargets.flatMap((t) =>
      t.ref ? [{ kind: 'AlertNotificationTarget' as const, name: t.ref }] : [],
    ),
  ];
}

function unique(refs: OpenSloReference[]): OpenSloReference[] {
  const seen = new Map(refs.map((r) => [`${r.kind}/${r.name}`, r]));
  return [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
}

/** The objects an SLO names directly, including those named by its inline parts; sorted. */
export function sloReferences(slo: Slo): OpenSloReference[] {
  const refs: OpenSloReference[] = [];
  if (slo.indicatorRef) refs.push({ kind: 'SLI', name: slo.indicatorRef });
  else refs.push(...sliReferences(slo.indicator));
  for (const o of slo.objectives) {
    if (o.indicatorRef) refs.push({ kind: 'SLI', name: o.indicatorRef });
    else refs.push(...sliReferences(o.indicator));
  }
  for (const p of slo.alertPolicies) {
    if (p.ref) refs.push({ kind: 'AlertPolicy', name: p.ref });
    else refs.push(...policyReferences(p.value));
  }
  return unique(refs);
}

/** The objects another OpenSLO object names directly; sorted. */
export function objectReferences(object: OpenSloDefinition): OpenSloReference[] {
  switch (object.kind) {
    case 'SLI':
      return unique(sliReferences(object.definition));
    case 'AlertPolicy':
      return unique(policyReferences(object.definition));
    default:
      return [];
  }
}

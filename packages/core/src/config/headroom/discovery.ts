/**
 * `headroom.dev/v1` kinds of Teresa Torres' opportunity-solution tree: an Outcome, the
 * Opportunities (user needs, pains) that would move it — nested through `parent` — the
 * Solutions to an opportunity, scored with RICE (discovery/rice.ts), and the AssumptionTests
 * that check a solution before it is built.
 *
 *     apiVersion: headroom.dev/v1
 *     kind: Outcome
 *     metadata: { name: calmer-on-call }
 *     spec:
 *       title: Calmer on-call
 *       metric:
 *         description: Pages outside working hours per on-call week
 *         target: pages outside working hours per on-call week ≤ 2
 *         measure: offHoursPagesPerOnCallWeek   # optional, computed (see discovery/evidence.ts)
 *         services: [checkout]                  # optional: measure these only
 *     ---
 *     kind: Opportunity
 *     metadata: { name: noisy-checkout-alerts }
 *     spec:
 *       outcome: calmer-on-call
 *       parent: noisy-alerts          # optional, a sub-opportunity
 *       title: Checkout alerts wake people for nothing
 *       services: [checkout]
 *       feedback: [FB-12, FB-15]
 *       interviews: [INT-3]
 *     ---
 *     kind: Solution
 *     metadata: { name: checkout-burn-rate-alerts }
 *     spec:
 *       opportunity: noisy-checkout-alerts
 *       title: Burn-rate alerts instead of static thresholds
 *       status: idea                  # idea | building | shipped | dropped
 *       rice: { impact: 2, confidence: 80, effort: 1.5 }   # reach from the evidence …
 *       # rice: { reach: 12, reachReason: "survey: 12 teams", impact: 2, confidence: 80, effort: 1.5 }
 *     ---
 *     kind: AssumptionTest
 *     metadata: { name: teams-trust-burn-rates }
 *     spec:
 *       solution: checkout-burn-rate-alerts
 *       assumption: On-call engineers trust a burn-rate page
 *       kind: desirability            # desirability | viability | feasibility | usability
 *       method: Shadow the new alerts for two weeks
 *       successCriterion: 8 of 10 pages judged actionable
 *       status: planned               # planned | running | passed | failed
 *
 * References between these objects (outcome, parent, opportunity, solution) and to feedback
 * items and interviews must exist — in the same apply or stored — or the apply is refused with
 * the file, line and field (checked by the server's store, which sees what is stored).
 */
import { OUTCOME_MEASURE_NAMES, type OutcomeMeasure } from '../../discovery/evidence.js';
import { type RiceInputs, validateRice } from '../../discovery/rice.js';
import {
  type Fields,
  isMap,
  OPENSLO_NAME,
  type Path,
  readEnum,
  readList,
  readMap,
  readMetadata,
  readNumber,
  readString,
} from '../openslo/read.js';
import { toPointer } from '../path.js';
import type { KindRegistry } from '../registry.js';
import type { DesiredObject, KindHandler, NormalizeContext, ObjectReference } from '../types.js';
import { HEADROOM_API_VERSION } from './budget-correction.js';

export const SOLUTION_STATUSES = ['idea', 'building', 'shipped', 'dropped'] as const;
export type SolutionStatus = (typeof SOLUTION_STATUSES)[number];
export const ASSUMPTION_KINDS = ['desirability', 'viability', 'feasibility', 'usability'] as const;
export type AssumptionKind = (typeof ASSUMPTION_KINDS)[number];
export const ASSUMPTION_STATUSES = ['planned', 'running', 'passed', 'failed'] as const;
export type AssumptionStatus = (typeof ASSUMPTION_STATUSES)[number];

export const FEEDBACK_ID = /^FB-[1-9][0-9]{0,11}$/;
export const INTERVIEW_ID = /^INT-[1-9][0-9]{0,11}$/;
export const DISCOVERY_NAME = OPENSLO_NAME;
export const TITLE_MAX = 200;
export const TEXT_MAX = 10_000;

/** One entry per kind: the kind as written, the apply store's type, the ref kind. */
export const DISCOVERY_KINDS = {
  outcome: { kind: 'Outcome', type: 'discovery-outcome', refKind: 'outcome' },
  opportunity: { kind: 'Opportunity', type: 'discovery-opportunity', refKind: 'opportunity' },
  solution: { kind: 'Solution', type: 'discovery-solution', refKind: 'solution' },
  assumptionTest: { kind: 'AssumptionTest', type: 'discovery-assumption-test', refKind: 'assumptiontest' },
} as const;
export type DiscoveryKind = keyof typeof DISCOVERY_KINDS;

export const discoveryRef = (kind: DiscoveryKind, name: string) =>
  `${DISCOVERY_KINDS[kind].refKind}:default/${name}`;

export interface OutcomeMetric {
  description: string | null;
  target: string | null;
  measure: OutcomeMeasure | null;
  /** Services the measure counts; empty = all. */
  services: string[];
}

export interface OutcomeRecord {
  name: string;
  title: string;
  description: string | null;
  metric: OutcomeMetric;
}

export interface OpportunityRecord {
  name: string;
  outcome: string;
  parent: string | null;
  title: string;
  description: string | null;
  services: string[];
  /** Linked feedback items; undefined = links are not managed by this document. */
  feedback?: string[];
  interviews?: string[];
}

export interface SolutionRecord {
  name: string;
  opportunity: string;
  title: string;
  description: string | null;
  status: SolutionStatus;
  /** null = not scored yet. */
  rice: RiceInputs | null;
}

export interface AssumptionTestRecord {
  name: string;
  solution: string;
  assumption: string;
  kind: AssumptionKind;
  method: string | null;
  successCriterion: string | null;
  status: AssumptionStatus;
  result: string | null;
}

export interface DiscoveryObject<R> {
  record: R;
  document: unknown;
}

function warnUnknown(
  ctx: NormalizeContext,
  path: Path,
  fields: Fields,
  known: readonly string[],
  what: string,
) {
  for (const key of Object.keys(fields))
    if (!known.includes(key)) ctx.warn([...path, key], `is not a field of ${what}; ignored`);
}

function readRefName(ctx: NormalizeContext, path: Path, value: unknown, required: boolean): string | null {
  const s = readString(ctx, path, value, { required, maxLength: 63 });
  if (s !== null && !DISCOVERY_NAME.test(s)) {
    ctx.error(path, 'must be a name: lower-case letters, digits and inner hyphens, at most 63 characters');
    return null;
  }
  return s;
}

function readNames(
  ctx: NormalizeContext,
  path: Path,
  value: unknown,
  pattern: RegExp,
  what: string,
): string[] {
  const out: string[] = [];
  readList(ctx, path, value).forEach((item, i) => {
    const s = readString(ctx, [...path, i], item, { required: true, maxLength: 63 });
    if (s === null) return;
    if (!pattern.test(s)) ctx.error([...path, i], `must be ${what}, not '${s}'`);
    else if (!out.includes(s)) out.push(s);
  });
  if (out.length > 500) ctx.error(path, 'at most 500 items');
  return out;
}

const readServices = (ctx: NormalizeContext, path: Path, value: unknown) =>
  readNames(ctx, path, value, DISCOVERY_NAME, 'a service name (RFC 1123 label)').sort();

function serviceReferences(
  ctx: NormalizeContext,
  path: Path,
  services: readonly string[],
): ObjectReference[] {
  const spec = isMap(ctx.doc.value) ? ctx.doc.value.spec : undefined;
  let raw: unknown = spec;
  for (const seg of path.slice(1)) raw = isMap(raw) ? raw[seg as string] : undefined;
  const list = Array.isArray(raw) ? raw : [];
  return services.map((s) => {
    const i = Math.max(0, list.indexOf(s));
    return {
      ref: `component:default/${s}`,
      path: toPointer([...path, i]),
      position: ctx.position([...path, i]),
    };
  });
}

interface Read<R> {
  record: R;
  references: ObjectReference[];
}

function readCommon(ctx: NormalizeContext, value: Fields, kind: string, known: readonly string[]) {
  warnUnknown(ctx, [], value, ['apiVersion', 'kind', 'metadata', 'spec'], `a ${kind}`);
  const meta = readMetadata(ctx, ['metadata'], value.metadata);
  const spec = readMap(ctx, ['spec'], value.spec, true) ?? {};
  warnUnknown(ctx, ['spec'], spec, known, `a ${kind}`);
  return { name: meta?.name ?? null, spec };
}

const text = (ctx: NormalizeContext, path: Path, value: unknown, required = false) =>
  readString(ctx, path, value, { required, maxLength: TEXT_MAX });
const title = (ctx: NormalizeContext, path: Path, value: unknown) =>
  readString(ctx, path, value, { required: true, maxLength: TITLE_MAX });

function readOutcome(ctx: NormalizeContext, value: Fields): Read<OutcomeRecord> | null {
  const { name, spec } = readCommon(ctx, value, 'Outcome', ['title', 'description', 'metric']);
  const t = title(ctx, ['spec', 'title'], spec.title);
  const description = text(ctx, ['spec', 'description'], spec.description);
  const m = readMap(ctx, ['spec', 'metric'], spec.metric) ?? {};
  warnUnknown(
    ctx,
    ['spec', 'metric'],
    m,
    ['description', 'target', 'measure', 'services'],
    'an Outcome metric',
  );
  const metric: OutcomeMetric = {
    description: readString(ctx, ['spec', 'metric', 'description'], m.description, { maxLength: 1000 }),
    target: readString(ctx, ['spec', 'metric', 'target'], m.target, { maxLength: 500 }),
    measure: readEnum(ctx, ['spec', 'metric', 'measure'], m.measure, OUTCOME_MEASURE_NAMES),
    services: readServices(ctx, ['spec', 'metric', 'services'], m.services),
  };
  if (name === null || t === null || ctx.errorCount > 0) return null;
  return {
    record: { name, title: t, description, metric },
    references: serviceReferences(ctx, ['spec', 'metric', 'services'], metric.services),
  };
}

function readOpportunity(ctx: NormalizeContext, value: Fields): Read<OpportunityRecord> | null {
  const { name, spec } = readCommon(ctx, value, 'Opportunity', [
    'outcome',
    'parent',
    'title',
    'description',
    'services',
    'feedback',
    'interviews',
  ]);
  const outcome = readRefName(ctx, ['spec', 'outcome'], spec.outcome, true);
  const parent = readRefName(ctx, ['spec', 'parent'], spec.parent, false);
  if (parent !== null && parent === name) ctx.error(['spec', 'parent'], 'must not be the opportunity itself');
  const t = title(ctx, ['spec', 'title'], spec.title);
  const description = text(ctx, ['spec', 'description'], spec.description);
  const services = readServices(ctx, ['spec', 'services'], spec.services);
  const managed = (v: unknown) => v !== undefined;
  const feedback = managed(spec.feedback)
    ? readNames(ctx, ['spec', 'feedback'], spec.feedback, FEEDBACK_ID, 'a feedback item id (FB-<n>)')
    : undefined;
  const interviews = managed(spec.interviews)
    ? readNames(ctx, ['spec', 'interviews'], spec.interviews, INTERVIEW_ID, 'an interview id (INT-<n>)')
    : undefined;
  if (name === null || outcome === null || t === null || ctx.errorCount > 0) return null;
  return {
    record: {
      name,
      outcome,
      parent,
      title: t,
      description,
      services,
      ...(feedback && { feedback: feedback.sort() }),
      ...(interviews && { interviews: interviews.sort() }),
    },
    references: serviceReferences(ctx, ['spec', 'services'], services),
  };
}

function readRice(ctx: NormalizeContext, value: unknown): RiceInputs | null {
  const path = ['spec', 'rice'];
  if (value === undefined || value === null) return null;
  const r = readMap(ctx, path, value);
  if (!r) return null;
  warnUnknown(ctx, path, r, ['reach', 'reachReason', 'impact', 'confidence', 'effort'], 'RICE');
  const inputs = {
    reach: readNumber(ctx, [...path, 'reach'], r.reach),
    reachReason: readString(ctx, [...path, 'reachReason'], r.reachReason, { maxLength: 1000 }),
    impact: readNumber(ctx, [...path, 'impact'], r.impact),
    confidence: readNumber(ctx, [...path, 'confidence'], r.confidence),
    effort: readNumber(ctx, [...path, 'effort'], r.effort),
  };
  if (ctx.errorCount > 0) return null;
  const problems = validateRice(inputs);
  for (const p of problems) ctx.error([...path, p.field], p.message);
  if (problems.length > 0) return null;
  return inputs as RiceInputs;
}

function readSolution(ctx: NormalizeContext, value: Fields): Read<SolutionRecord> | null {
  const { name, spec } = readCommon(ctx, value, 'Solution', [
    'opportunity',
    'title',
    'description',
    'status',
    'rice',
  ]);
  const opportunity = readRefName(ctx, ['spec', 'opportunity'], spec.opportunity, true);
  const t = title(ctx, ['spec', 'title'], spec.title);
  const description = text(ctx, ['spec', 'description'], spec.description);
  const status = readEnum(ctx, ['spec', 'status'], spec.status, SOLUTION_STATUSES) ?? 'idea';
  const rice = readRice(ctx, spec.rice);
  if (name === null || opportunity === null || t === null || ctx.errorCount > 0) return null;
  return { record: { name, opportunity, title: t, description, status, rice }, references: [] };
}

function readAssumptionTest(ctx: NormalizeContext, value: Fields): Read<AssumptionTestRecord> | null {
  const { name, spec } = readCommon(ctx, value, 'AssumptionTest', [
    'solution',
    'assumption',
    'kind',
    'method',
    'successCriterion',
    'status',
    'result',
  ]);
  const solution = readRefName(ctx, ['spec', 'solution'], spec.solution, true);
  const assumption = readString(ctx, ['spec', 'assumption'], spec.assumption, {
    required: true,
    maxLength: 1000,
  });
  const kind = readEnum(ctx, ['spec', 'kind'], spec.kind, ASSUMPTION_KINDS, true);
  const record = {
    method: text(ctx, ['spec', 'method'], spec.method),
    successCriterion: readString(ctx, ['spec', 'successCriterion'], spec.successCriterion, {
      maxLength: 1000,
    }),
    status: readEnum(ctx, ['spec', 'status'], spec.status, ASSUMPTION_STATUSES) ?? 'planned',
    result: text(ctx, ['spec', 'result'], spec.result),
  };
  if (name === null || solution === null || assumption === null || kind === null || ctx.errorCount > 0)
    return null;
  return { record: { name, solution, assumption, kind, ...record }, references: [] };
}

function handler<R>(
  which: DiscoveryKind,
  read: (ctx: NormalizeContext, value: Fields) => Read<R> | null,
): KindHandler {
  const k = DISCOVERY_KINDS[which];
  return {
    apiVersions: [HEADROOM_API_VERSION],
    kind: k.kind,
    normalize(doc, ctx) {
      if (!isMap(doc.value)) return [];
      const data = read(ctx, doc.value);
      if (!data || ctx.errorCount > 0) return [];
      const object: DesiredObject<DiscoveryObject<R>> = {
        type: k.type,
        ref: discoveryRef(which, (data.record as { name: string }).name),
        kind: k.kind,
        data: { record: data.record, document: doc.value },
        source: ctx.position([]),
        references: data.references,
        locate: (path) => ctx.position(path),
      };
      return [object];
    },
  };
}

export const discoveryHandlers: readonly KindHandler[] = [
  handler('outcome', readOutcome),
  handler('opportunity', readOpportunity),
  handler('solution', readSolution),
  handler('assumptionTest', readAssumptionTest),
];

/** In builtinKindRegistry; the server's stores are modules/discovery/apply-store.ts. */
export function registerDiscoveryKinds(registry: KindRegistry): KindRegistry {
  for (const h of discoveryHandlers) registry.register(h);
  return registry;
}

/**
 * `headroom.dev/v1` kind `BudgetCorrection`: intervals (one-off or recurring by an RFC 5545
 * RRULE) in which the selected SLOs' buckets count neither for nor against the error budget.
 *
 * Selection: `spec.slos` (SLO names), `spec.service` (a catalog service: all its SLOs) and
 * `spec.labels` (every key must carry the value among the SLO's labels); at least one, and an SLO
 * is selected when it matches every selector given (they narrow each other, as Kubernetes
 * selectors do). Times: `start` is an RFC 3339 date-time with an offset, or a local
 * `YYYY-MM-DDTHH:MM:SS` with `timeZone`; a recurrence runs in `timeZone` (UTC when absent), so
 * "Sundays 02:00 Europe/Berlin" stays at 02:00 local across DST changes.
 */

import type { Correction } from '../../slo/corrections.js';
import { correctionIntervals } from '../../slo/corrections.js';
import { fixedDurationMs } from '../../slo/duration.js';
import {
  type Fields,
  isMap,
  type Path,
  readDuration,
  readEnum,
  readList,
  readMap,
  readMetadata,
  readName,
  readString,
  warnUnknown,
} from '../openslo/read.js';
import { isTimeZone } from '../openslo/slo.js';
import type { KindRegistry } from '../registry.js';
import type { DesiredObject, KindHandler, NormalizeContext } from '../types.js';

export const HEADROOM_API_VERSION = 'headroom.dev/v1';
export const BUDGET_CORRECTION_KIND = 'BudgetCorrection';
/** DesiredObject.type and the entity-ref kind (`budgetcorrection:default/<name>`). */
export const BUDGET_CORRECTION_TYPE = 'budget-correction';
export const BUDGET_CORRECTION_REF_KIND = 'budgetcorrection';

export const CORRECTION_CATEGORIES = [
  'planned-maintenance',
  'incident-exemption',
  'data-issue',
  'other',
] as const;
export type CorrectionCategory = (typeof CORRECTION_CATEGORIES)[number];

export const REASON_MAX = 1050;
/** How far from `start` a recurrence is expanded to check it (at most 100,000 occurrences in it). */
const CHECK_RANGE_MS = 366 * 86_400_000;

export interface CorrectionSelector {
  /** SLO names (metadata.name); empty = not selected by name. */
  slos: string[];
  /** A catalog service as written (`checkout`, `ns/checkout`, `component:ns/checkout`); null = any. */
  service: string | null;
  /** Label key → value; every pair must be among the SLO's labels. */
  labels: Record<string, string>;
}

/** A BudgetCorrection, normalized. Times are kept as written and as epoch ms. */
export interface BudgetCorrection {
  name: string;
  displayName: string | null;
  selector: CorrectionSelector;
  /** As written: RFC 3339 with offset, or local `YYYY-MM-DDTHH:MM:SS` in `timeZone`. */
  start: string;
  /** Epoch ms of the first (or only) occurrence. */
  startMs: number;
  timeZone: string | null;
  /** OpenSLO duration shorthand as written (`2h`). */
  duration: string;
  durationMs: number;
  /** The RRULE value (`FREQ=WEEKLY;BYDAY=SU`), without an `RRULE:` prefix; null = once. */
  rrule: string | null;
  /** As written; no occurrence starts at or after it. */
  until: string | null;
  untilMs: number | null;
  category: CorrectionCategory;
  reason: string;
}

/** What apply keeps: the normalized correction and the document as written. */
export interface BudgetCorrectionObject {
  correction: BudgetCorrection;
  document: unknown;
}

export function budgetCorrectionRef(name: string): string {
  return `${BUDGET_CORRECTION_REF_KIND}:default/${name}`;
}

/** The shape `correctionIntervals` and `correctionMask` (slo/corrections.ts) read. */
export function toCorrection(c: BudgetCorrection): Correction {
  return {
    start: c.start,
    ...(c.timeZone !== null && { timeZone: c.timeZone }),
    durationMs: c.durationMs,
    rrule: c.rrule,
    until: c.untilMs,
  };
}

/** Does the correction select an SLO? `serviceMatches` compares a selector's service with the SLO's. */
export function selectsSlo(
  selector: CorrectionSelector,
  slo: { name: string; labels: Record<string, readonly string[]> },
  serviceMatches: (service: string) => boolean,
): boolean {
  if (selector.slos.length > 0 && !selector.slos.includes(slo.name)) return false;
  if (selector.service !== null && !serviceMatches(selector.service)) return false;
  for (const [key, value] of Object.entries(selector.labels)) {
    if (!(slo.labels[key] ?? []).includes(value)) return false;
  }
  return true;
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})$/;
const OFFSET = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;

/** A date-time with offset, or local (then `timeZone` is required); null after reporting. */
function readDateTime(
  ctx: NormalizeContext,
  path: Path,
  value: unknown,
  timeZone: string | null,
  required: boolean,
): { text: string; zoned: boolean } | null {
  // A document marked %YAML 1.1 reads timestamps as Dates: they are instants.
  if (value instanceof Date) return { text: value.toISOString(), zoned: true };
  const text = readString(ctx, path, value, { required });
  if (text === null) return null;
  const trimmed = text.trim();
  if (OFFSET.test(trimmed) && !Number.isNaN(Date.parse(trimmed.replace(' ', 'T')))) {
    return { text: trimmed.replace(' ', 'T').toUpperCase(), zoned: true };
  }
  const m = LOCAL.exec(trimmed);
  if (m) {
    if (timeZone === null) {
      ctx.error(
        path,
        `'${text}' has no offset: give one (e.g. ${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z) or spec.timeZone`,
      );
      return null;
    }
    return { text: `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}`, zoned: false };
  }
  ctx.error(
    path,
    `must be an RFC 3339 date-time with offset (2024-03-03T02:00:00+01:00) or a local YYYY-MM-DDTHH:MM:SS with spec.timeZone, not '${text}'`,
  );
  return null;
}

function readSelector(ctx: NormalizeContext, spec: Fields): CorrectionSelector | null {
  const slos: string[] = [];
  readList(ctx, ['spec', 'slos'], spec.slos).forEach((item, i) => {
    const name = readName(ctx, ['spec', 'slos', i], item);
    if (name !== null && !slos.includes(name)) slos.push(name);
  });
  const service = readString(ctx, ['spec', 'service'], spec.service);
  const labels: Record<string, string> = {};
  for (const [key, raw] of Object.entries(readMap(ctx, ['spec', 'labels'], spec.labels) ?? {})) {
    if (typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean')
      labels[key] = String(raw);
    else ctx.error(['spec', 'labels', key], 'must be one value (a string): every label given must match');
  }
  if (slos.length === 0 && service === null && Object.keys(labels).length === 0) {
    if (ctx.errorCount === 0)
      ctx.error(['spec'], 'selects no SLOs: give slos (names), service or labels (at least one)');
    return null;
  }
  return { slos: slos.sort(), service, labels };
}

/** Runs the correction over a year from its start, reporting at the field it blames. */
function checkRecurrence(ctx: NormalizeContext, correction: Correction, startMs: number): void {
  try {
    correctionIntervals(correction, { start: startMs, end: startMs + CHECK_RANGE_MS });
  } catch (error) {
    const field = (error as { errors?: { path: string }[] }).errors?.[0]?.path ?? 'rrule';
    ctx.error(['spec', field], (error as Error).message);
  }
}

export function readBudgetCorrection(ctx: NormalizeContext, value: Fields): BudgetCorrectionObject | null {
  warnUnknown(ctx, [], value, ['apiVersion', 'kind', 'metadata', 'spec'], 'a BudgetCorrection');
  const meta = readMetadata(ctx, ['metadata'], value.metadata);
  const spec = readMap(ctx, ['spec'], value.spec, true);
  if (!meta || !spec) return null;
  const known = [
    'slos',
    'service',
    'labels',
    'start',
    'timeZone',
    'duration',
    'rrule',
    'until',
    'category',
    'reason',
  ];
  for (const key of Object.keys(spec)) {
    if (!known.includes(key)) ctx.warn(['spec', key], 'is not a field of a BudgetCorrection; ignored');
  }
  const selector = readSelector(ctx, spec);

  let timeZone = readString(ctx, ['spec', 'timeZone'], spec.timeZone);
  if (timeZone !== null && !isTimeZone(timeZone)) {
    ctx.error(
      ['spec', 'timeZone'],
      `'${timeZone}' is not a time zone of the IANA database (e.g. Europe/Berlin, America/New_York, UTC)`,
    );
    timeZone = null;
  }
  const start = readDateTime(ctx, ['spec', 'start'], spec.start, timeZone, true);
  const until = readDateTime(ctx, ['spec', 'until'], spec.until, timeZone, false);

  const parsed = readDuration(ctx, ['spec', 'duration'], spec.duration, { required: true });
  const durationMs = parsed ? fixedDurationMs(parsed) : null;
  if (parsed && durationMs === null) {
    ctx.error(
      ['spec', 'duration'],
      `must be a fixed length in m, h, d or w (e.g. 2h), not the calendar unit in '${spec.duration}'`,
    );
  }

  let rrule = readString(ctx, ['spec', 'rrule'], spec.rrule);
  if (rrule !== null) rrule = rrule.trim().replace(/^RRULE:/i, '');
  const category =
    readEnum(ctx, ['spec', 'category'], spec.category, CORRECTION_CATEGORIES) ?? 'planned-maintenance';
  const reason = readString(ctx, ['spec', 'reason'], spec.reason, { required: true, maxLength: REASON_MAX });
  if (reason !== null && reason.trim() === '') ctx.error(['spec', 'reason'], 'is required');

  if (!selector || !start || parsed === null || durationMs === null || reason === null || ctx.errorCount > 0)
    return null;

  const correction: Correction = {
    start: start.text,
    ...(timeZone !== null && { timeZone }),
    durationMs,
    rrule,
  };
  const startMs = correctionIntervals({ ...correction, rrule: null }, { start: -8.64e15, end: 8.64e15 })[0]
    ?.start;
  if (startMs === undefined) {
    ctx.error(['spec', 'start'], `'${start.text}' is not a date-time Headroom can place`);
    return null;
  }
  let untilMs: number | null = null;
  if (until) {
    const at = correctionIntervals(
      { start: until.text, ...(timeZone !== null && { timeZone }), durationMs: 1 },
      { start: -8.64e15, end: 8.64e15 },
    )[0]?.start;
    if (at === undefined || at <= startMs) {
      ctx.error(['spec', 'until'], 'must be after spec.start');
      return null;
    }
    untilMs = at;
  }
  if (rrule !== null) checkRecurrence(ctx, { ...correction, until: untilMs }, startMs);
  if (ctx.errorCount > 0) return null;

  return {
    correction: {
      name: meta.name,
      displayName: meta.displayName,
      selector,
      start: start.text,
      startMs,
      timeZone,
      duration: `${parsed.count}${parsed.unit}`,
      durationMs,
      rrule,
      until: until?.text ?? null,
      untilMs,
      category,
      reason: reason.trim(),
    },
    document: value,
  };
}

export const budgetCorrectionHandler: KindHandler = {
  apiVersions: [HEADROOM_API_VERSION],
  kind: BUDGET_CORRECTION_KIND,
  normalize(doc, ctx) {
    if (!isMap(doc.value)) return [];
    const data = readBudgetCorrection(ctx, doc.value);
    if (!data || ctx.errorCount > 0) return [];
    const object: DesiredObject<BudgetCorrectionObject> = {
      type: BUDGET_CORRECTION_TYPE,
      ref: budgetCorrectionRef(data.correction.name),
      kind: BUDGET_CORRECTION_KIND,
      data,
      source: ctx.position([]),
      references: [],
      locate: (path) => ctx.position(path),
    };
    return [object];
  },
};

export function isBudgetCorrectionObject(o: DesiredObject): o is DesiredObject<BudgetCorrectionObject> {
  return o.type === BUDGET_CORRECTION_TYPE;
}

export function registerHeadroomKinds(registry: KindRegistry): KindRegistry {
  return registry.register(budgetCorrectionHandler);
}

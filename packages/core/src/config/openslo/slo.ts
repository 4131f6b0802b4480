/**
 * An SLO document, read as OpenSLO v1 defines it: exactly one time window (rolling, or
 * calendar-aligned with a start time and an IANA time zone), a budgeting method, objectives with
 * `target` or `targetPercent`, an indicator inline or by reference (or one per objective for a
 * composite SLO), and alert policies inline or by reference.
 */
import {
  type AlertPolicy,
  BUDGETING_METHODS,
  type Linked,
  type Objective,
  type ObjectMeta,
  OPERATORS,
  type Sli,
  type Slo,
  type TimeWindow,
} from '../../slo/model.js';
import { indicatorProblems, targetWarnings, windowWarnings } from './checks.js';
import {
  type Fields,
  type Path,
  readDescription,
  readDuration,
  readEnum,
  readList,
  readMap,
  readMetadata,
  readName,
  readNumber,
  readString,
  warnUnknown,
} from './read.js';
import { type ReadScope, readAlertPolicySpec, readLinked, readSliSpec } from './specs.js';

const present = (fields: Fields, key: string) => fields[key] !== undefined && fields[key] !== null;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/;
const pad = (n: number) => String(n).padStart(2, '0');

/** `2022-01-01 12:00:00` (no zone: it is local time in timeZone); a `T` separator is accepted. */
function readStartTime(scope: ReadScope, path: Path, value: unknown): string | null {
  // A document marked %YAML 1.1 reads timestamps as dates; their fields are the ones written.
  if (value instanceof Date) {
    const d = value;
    return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  }
  const text = readString(scope.ctx, path, value, { required: true });
  if (text === null) return null;
  const m = DATE_TIME.exec(text.trim());
  const [y, mo, d, h, mi, s] = (m ?? []).slice(1).map(Number) as number[];
  const valid =
    m &&
    y !== undefined &&
    mo !== undefined &&
    d !== undefined &&
    h !== undefined &&
    mi !== undefined &&
    s !== undefined &&
    h < 24 &&
    mi < 60 &&
    s < 60 &&
    new Date(Date.UTC(y, mo - 1, d)).getUTCDate() === d &&
    mo >= 1 &&
    mo <= 12;
  if (!valid) {
    scope.ctx.error(
      path,
      `must be a local date and time 'YYYY-MM-DD HH:MM:SS' (no time zone), not '${text}'`,
    );
    return null;
  }
  return `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6]}`;
}

export function isTimeZone(name: string): boolean {
  if (!/^[A-Za-z]/.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

function readTimeWindow(scope: ReadScope, path: Path, value: unknown): TimeWindow | null {
  const { ctx } = scope;
  const list = readList(ctx, path, value, true);
  if (list.length !== 1) {
    if (Array.isArray(value)) {
      ctx.error(path, `must hold exactly one time window (rolling or calendar-aligned), not ${list.length}`);
    }
    return null;
  }
  const at = [...path, 0];
  const item = readMap(ctx, at, list[0], true);
  if (!item) return null;
  warnUnknown(ctx, at, item, ['duration', 'isRolling', 'calendar'], 'a time window');
  const duration = readDuration(ctx, [...at, 'duration'], item.duration, { required: true });
  const isRolling = item.isRolling ?? null;
  if (isRolling !== null && typeof isRolling !== 'boolean') {
    ctx.error([...at, 'isRolling'], 'must be true or false');
    return null;
  }
  const hasCalendar = present(item, 'calendar');
  if (isRolling === true && hasCalendar) {
    ctx.error([...at, 'calendar'], 'cannot be set when isRolling is true');
    return null;
  }
  if (isRolling !== true && !hasCalendar) {
    ctx.error(
      at,
      'needs isRolling: true for a rolling window, or calendar (startTime and timeZone) for a calendar-aligned one',
    );
    return null;
  }
  if (isRolling === true) return duration && { type: 'rolling', duration };
  const calendarPath = [...at, 'calendar'];
  const calendar = readMap(ctx, calendarPath, item.calendar, true);
  if (!calendar) return null;
  warnUnknown(ctx, calendarPath, calendar, ['startTime', 'timeZone'], 'calendar');
  const startTime = readStartTime(scope, [...calendarPath, 'startTime'], calendar.startTime);
  const timeZone = readString(ctx, [...calendarPath, 'timeZone'], calendar.timeZone, { required: true });
  if (timeZone !== null && !isTimeZone(timeZone)) {
    ctx.error(
      [...calendarPath, 'timeZone'],
      `'${timeZone}' is not a time zone of the IANA database (e.g. Europe/Berlin, America/New_York, UTC)`,
    );
    return null;
  }
  if (!duration || startTime === null || timeZone === null) return null;
  return { type: 'calendar', duration, startTime, timeZone };
}

type IndicatorPart = { indicator: Sli | null; indicatorRef: string | null };

/** `indicator` (inline SLI: metadata and spec) or `indicatorRef`, never both; null when neither. */
function readIndicator(scope: ReadScope, path: Path, fields: Fields): IndicatorPart | null {
  const { ctx } = scope;
  if (present(fields, 'indicator') && present(fields, 'indicatorRef')) {
    ctx.error([...path, 'indicatorRef'], 'cannot be used together with indicator: give one of them');
    return null;
  }
  if (present(fields, 'indicatorRef')) {
    const ref = readName(ctx, [...path, 'indicatorRef'], fields.indicatorRef);
    return ref === null ? null : { indicator: null, indicatorRef: ref };
  }
  const at = [...path, 'indicator'];
  const inline = readMap(ctx, at, fields.indicator, true);
  if (!inline) return null;
  warnUnknown(ctx, at, inline, ['apiVersion', 'kind', 'metadata', 'spec'], 'an inline SLI');
  if (present(inline, 'kind')) readEnum(ctx, [...at, 'kind'], inline.kind, ['SLI'] as const);
  const meta = readMetadata(ctx, [...at, 'metadata'], inline.metadata);
  const spec = readSliSpec(scope, [...at, 'spec'], inline.spec);
  return meta && spec ? { indicator: { ...meta, ...spec }, indicatorRef: null } : null;
}

function readTarget(scope: ReadScope, path: Path, o: Fields): number | null {
  const { ctx } = scope;
  if (present(o, 'target') && present(o, 'targetPercent')) {
    ctx.error([...path, 'targetPercent'], 'cannot be used together with target: give one of them');
    return null;
  }
  if (present(o, 'targetPercent')) {
    const pct = readNumber(ctx, [...path, 'targetPercent'], o.targetPercent);
    if (pct === null) return null;
    if (pct < 0 || pct >= 100) {
      ctx.error([...path, 'targetPercent'], `must be at least 0 and below 100, not ${pct}`);
      return null;
    }
    // 99.95 / 100 is 0.9995000000000001 in binary floating point.
    return Number((pct / 100).toPrecision(12));
  }
  if (!present(o, 'target')) {
    ctx.error(path, 'needs target (0 ≤ target < 1) or targetPercent (0 ≤ targetPercent < 100)');
    return null;
  }
  const target = readNumber(ctx, [...path, 'target'], o.target);
  if (target === null) return null;
  if (target < 0 || target >= 1) {
    const hint = target >= 50 && target < 100 ? ` (for ${target} %, write targetPercent: ${target})` : '';
    ctx.error([...path, 'target'], `must be at least 0 and below 1, not ${target}${hint}`);
    return null;
  }
  return target;
}

const OBJECTIVE_FIELDS = [
  'displayName',
  'op',
  'value',
  'target',
  'targetPercent',
  'timeSliceTarget',
  'timeSliceWindow',
  'compositeWeight',
  'indicator',
  'indicatorRef',
];

function readObjective(
  scope: ReadScope,
  path: Path,
  value: unknown,
  method: Slo['budgetingMethod'] | null,
  composite: boolean,
): Objective | null {
  const { ctx } = scope;
  const o = readMap(ctx, path, value, true);
  if (!o) return null;
  warnUnknown(ctx, path, o, OBJECTIVE_FIELDS, 'an objective');
  const displayName = readString(ctx, [...path, 'displayName'], o.displayName);
  const op = readEnum(ctx, [...path, 'op'], o.op, OPERATORS);
  const objectiveValue = readNumber(ctx, [...path, 'value'], o.value);
  const target = readTarget(scope, path, o);
  const timeSliceTarget = readNumber(ctx, [...path, 'timeSliceTarget'], o.timeSliceTarget);
  if (timeSliceTarget !== null && !(timeSliceTarget > 0 && timeSliceTarget <= 1)) {
    ctx.error([...path, 'timeSliceTarget'], `must be above 0 and at most 1, not ${timeSliceTarget}`);
  }
  const timeSliceWindow = readDuration(ctx, [...path, 'timeSliceWindow'], o.timeSliceWindow, {
    minutesIfNumber: true,
  });
  if (method === 'Timeslices' && !present(o, 'timeSliceTarget')) {
    ctx.error([...path, 'timeSliceTarget'], 'is required with budgetingMethod Timeslices (0 < value ≤ 1)');
  }
  if ((method === 'Timeslices' || method === 'RatioTimeslices') && !present(o, 'timeSliceWindow')) {
    ctx.error([...path, 'timeSliceWindow'], `is required with budgetingMethod ${method} (e.g. 1m or 5m)`);
  }
  if (method === 'Occurrences') {
    for (const f of ['timeSliceTarget', 'timeSliceWindow'].filter((k) => present(o, k))) {
      ctx.warn([...path, f], 'is only used by the Timeslices budgeting methods; ignored with Occurrences');
    }
  }
  if (method === 'RatioTimeslices' && present(o, 'timeSliceTarget')) {
    ctx.warn(
      [...path, 'timeSliceTarget'],
      'is not used by RatioTimeslices (the mean of slice ratios); ignored',
    );
  }
  const compositeWeight = readNumber(ctx, [...path, 'compositeWeight'], o.compositeWeight);
  if (compositeWeight !== null && compositeWeight <= 0) {
    ctx.error([...path, 'compositeWeight'], `must be above 0, not ${compositeWeight}`);
  } else if (compositeWeight !== null && !composite) {
    ctx.warn(
      [...path, 'compositeWeight'],
      'is only used by composite SLOs (indicators on objectives); ignored',
    );
  }
  let indicator: IndicatorPart | null = { indicator: null, indicatorRef: null };
  if (composite && (present(o, 'indicator') || present(o, 'indicatorRef'))) {
    indicator = readIndicator(scope, path, o);
  } else if (composite) {
    ctx.error(path, 'needs its own indicator or indicatorRef: this is a composite SLO');
    indicator = null;
  }
  if (target === null || !indicator) return null;
  return {
    displayName,
    op,
    value: objectiveValue,
    target,
    timeSliceTarget,
    timeSliceWindow,
    compositeWeight,
    ...indicator,
  };
}

const SPEC_FIELDS = [
  'description',
  'service',
  'indicator',
  'indicatorRef',
  'timeWindow',
  'budgetingMethod',
  'objectives',
  'alertPolicies',
];

export function readSloSpec(scope: ReadScope, meta: ObjectMeta, value: unknown): Slo | null {
  const { ctx } = scope;
  const path = ['spec'];
  const spec = readMap(ctx, path, value, true);
  if (!spec) return null;
  warnUnknown(ctx, path, spec, SPEC_FIELDS, 'an SLO spec');
  const description = readDescription(ctx, [...path, 'description'], spec.description);
  const service = readString(ctx, [...path, 'service'], spec.service, { required: true });
  const budgetingMethod = readEnum(
    ctx,
    [...path, 'budgetingMethod'],
    spec.budgetingMethod,
    BUDGETING_METHODS,
    true,
  );
  const timeWindow = readTimeWindow(scope, [...path, 'timeWindow'], spec.timeWindow);
  const objectiveList = readList(ctx, [...path, 'objectives'], spec.objectives, true);
  if (Array.isArray(spec.objectives) && objectiveList.length === 0) {
    ctx.error([...path, 'objectives'], 'needs at least one objective');
  }
  const composite = objectiveList.some((o) => isObjectiveWithIndicator(o));
  const onSpec = present(spec, 'indicator') || present(spec, 'indicatorRef');
  let indicator: IndicatorPart | null = { indicator: null, indicatorRef: null };
  if (composite && onSpec) {
    ctx.error(
      path,
      'indicator or indicatorRef goes either on spec (a standard SLO) or on each objective (a composite SLO), not both',
    );
    indicator = null;
  } else if (!composite && !onSpec) {
    ctx.error(path, 'needs an indicator or an indicatorRef (or, for a composite SLO, one on each objective)');
    indicator = null;
  } else if (!composite) {
    indicator = readIndicator(scope, path, spec);
  }
  const objectives = objectiveList.map((o, i) =>
    readObjective(scope, [...path, 'objectives', i], o, budgetingMethod, composite),
  );
  const alertPolicies = readList(ctx, [...path, 'alertPolicies'], spec.alertPolicies).map((p, i) =>
    readLinked(scope, [...path, 'alertPolicies', i], p, 'alertPolicyRef', 'AlertPolicy', readAlertPolicySpec),
  );
  if (
    service === null ||
    budgetingMethod === null ||
    timeWindow === null ||
    indicator === null ||
    objectives.includes(null) ||
    alertPolicies.includes(null) ||
    objectives.length === 0
  ) {
    return null;
  }
  const slo: Slo = {
    ...meta,
    description,
    service,
    ...indicator,
    timeWindow,
    budgetingMethod,
    objectives: objectives as Objective[],
    alertPolicies: alertPolicies as Linked<AlertPolicy>[],
  };
  // Inline indicators can be checked now; referenced ones once resolved (see resolve.ts).
  const problems = [
    ...(slo.indicator ? indicatorProblems(slo, slo.indicator, null) : []),
    ...slo.objectives.flatMap((o, i) => (o.indicator ? indicatorProblems(slo, o.indicator, i) : [])),
  ];
  for (const p of problems) ctx.error(p.path, p.message);
  for (const w of [...windowWarnings(slo.timeWindow), ...targetWarnings(slo, slo.objectives)]) {
    ctx.warn(w.path, w.message);
  }
  return slo;
}

function isObjectiveWithIndicator(o: unknown): boolean {
  return (
    typeof o === 'object' &&
    o !== null &&
    !Array.isArray(o) &&
    (present(o as Fields, 'indicator') || present(o as Fields, 'indicatorRef'))
  );
}

/**
 * Evidence for an opportunity from Headroom's own data, as pure aggregation over plain rows
 * (the server gathers them): incidents and pages of the opportunity's services in the last 30
 * and 90 days, error budget the incidents consumed, teams affected, votes and pain of linked
 * feedback, linked interviews. Also the computed measures an Outcome's metric may name.
 *
 * The services concerned are the opportunity's own services ∪ the services of its linked
 * feedback items. Cancelled and merged incidents are not counted (they are not incidents of
 * their own). A page counts for a service when its alert group's labels or alerts, or its
 * incident, name the service.
 *
 * Pages outside working hours: a page's start is read in the time zone of the on-call schedule
 * its first notification reached when known, else in the configured default zone
 * (HEADROOM_WORKING_HOURS_TZ, UTC by default), against HEADROOM_WORKING_HOURS
 * ("Mon-Fri 09:00-18:00" by default).
 */

export const DAY_MS = 86_400_000;
export const SEVERITIES = ['SEV1', 'SEV2', 'SEV3', 'SEV4'] as const;

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

export interface WorkingHours {
  /** 0 = Sunday … 6 = Saturday. */
  days: number[];
  /** Minutes after local midnight; the range is [start, end). */
  startMinute: number;
  endMinute: number;
  /** As written, normalized: `Mon-Fri 09:00-18:00`. */
  text: string;
}

export const DEFAULT_WORKING_HOURS = 'Mon-Fri 09:00-18:00';

const dayIndex = (s: string) => WEEKDAYS.findIndex((d) => d.toLowerCase() === s.slice(0, 3).toLowerCase());
const pad = (n: number) => String(n).padStart(2, '0');
const hhmm = (m: number) => `${pad(Math.floor(m / 60))}:${pad(m % 60)}`;

/**
 * `Mon-Fri 09:00-18:00`, `Mon,Tue,Thu 08:30-17:00`, `Sun-Thu 08:00-17:00`; throws an Error
 * saying what is wrong. A day range wraps round the week (Fri-Mon = Fri, Sat, Sun, Mon).
 */
export function parseWorkingHours(text: string): WorkingHours {
  const m = /^\s*([A-Za-z,\s-]+?)\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$/.exec(text);
  if (!m) throw new Error(`'${text}' is not working hours: write days and hours, e.g. "Mon-Fri 09:00-18:00"`);
  const days = new Set<number>();
  for (const part of m[1]!.split(',').map((p) => p.trim())) {
    const [from, to, extra] = part.split('-').map((p) => p.trim());
    const a = dayIndex(from ?? '');
    const b = to === undefined ? a : dayIndex(to);
    if (
      a < 0 ||
      b < 0 ||
      extra !== undefined ||
      (from ?? '').length < 3 ||
      (to !== undefined && to.length < 3)
    )
      throw new Error(`'${part}' in '${text}' is not a day or day range (Mon, Tue … Sun; Mon-Fri)`);
    for (let d = a; ; d = (d + 1) % 7) {
      days.add(d);
      if (d === b) break;
    }
  }
  const start = Number(m[2]) * 60 + Number(m[3]);
  const end = Number(m[4]) * 60 + Number(m[5]);
  if (Number(m[2]) > 23 || Number(m[3]) > 59 || Number(m[4]) > 24 || Number(m[5]) > 59 || end > 1440)
    throw new Error(`'${text}': hours must be 00:00 to 24:00`);
  if (end <= start) throw new Error(`'${text}': the working day must end after it starts`);
  const sorted = [...days].sort((x, y) => ((x + 6) % 7) - ((y + 6) % 7));
  return {
    days: [...days].sort(),
    startMinute: start,
    endMinute: end,
    text: `${sorted.map((d) => WEEKDAYS[d]).join(',')} ${hhmm(start)}-${hhmm(end)}`,
  };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** True when `timeZone` is an IANA zone this runtime knows. */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** Weekday (0 = Sunday) and minute of the day of an instant in a time zone (DST-correct, via Intl). */
export function localDayAndMinute(at: number, timeZone: string): { day: number; minute: number } {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  const parts = f.formatToParts(new Date(at));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return { day: dayIndex(get('weekday')), minute: Number(get('hour')) * 60 + Number(get('minute')) };
}

export function isWithinWorkingHours(at: number, hours: WorkingHours, timeZone: string): boolean {
  const { day, minute } = localDayAndMinute(at, timeZone);
  return hours.days.includes(day) && minute >= hours.startMinute && minute < hours.endMinute;
}

// ---- rows the server gathers

export interface IncidentRow {
  id: string;
  severity: string;
  status: string;
  declaredAt: number;
  services: string[];
}

/** What incidents/impact.ts computed for one incident: each objective's share of a four-week budget. */
export interface IncidentBudgetRow {
  incidentId: string;
  objectives: { service: string; slo: string; label: string; fourWeekShare: number | null }[];
}

export interface PageRow {
  id: string;
  startedAt: number;
  services: string[];
  /** Zone of the schedule the page's first notification reached; null when unknown. */
  timeZone: string | null;
}

export interface FeedbackRow {
  id: string;
  services: string[];
  team: string | null;
  author: string;
  /** Teams the author belongs to. */
  authorTeams: string[];
  votes: { voter: string; pain: number | null }[];
}

export interface InterviewRow {
  id: string;
  team: string;
  heldAt: number;
}

export interface EvidenceInput {
  now: number;
  /** The opportunity's own services. */
  services: string[];
  incidents: IncidentRow[];
  /** Budget figures of (some of) the incidents; those of other services are ignored. */
  incidentBudgets: IncidentBudgetRow[];
  pages: PageRow[];
  feedback: FeedbackRow[];
  interviews: InterviewRow[];
  /** Owning team of each service (null when it has none). */
  serviceOwners: Record<string, string | null>;
  workingHours: WorkingHours;
  /** For pages whose schedule is unknown. */
  defaultTimeZone: string;
}

export interface IncidentCounts {
  total: number;
  bySeverity: Record<string, number>;
}

export interface PageCounts {
  total: number;
  outsideWorkingHours: number;
}

export interface Evidence {
  services: string[];
  incidents: { last30Days: IncidentCounts; last90Days: IncidentCounts; ids: string[] };
  incidentBudgetConsumed: {
    objectives: { service: string; slo: string; label: string; incidents: number; fourWeekShare: number }[];
    worstFourWeekShare: number | null;
  };
  pages: {
    last30Days: PageCounts;
    last90Days: PageCounts;
    workingHours: string;
    defaultTimeZone: string;
  };
  teamsAffected: { count: number; teams: string[]; fromFeedback: string[]; fromServiceOwners: string[] };
  feedback: { items: number; ids: string[]; votes: number; meanPain: number | null };
  interviews: { count: number; ids: string[] };
}

const sortedUnique = (xs: Iterable<string>) => [...new Set(xs)].sort();
const uses = (rowServices: readonly string[], services: ReadonlySet<string>) =>
  rowServices.some((s) => services.has(s));
const counted = (status: string) => status !== 'cancelled' && status !== 'merged';

function incidentCounts(rows: readonly IncidentRow[]): IncidentCounts {
  const bySeverity: Record<string, number> = Object.fromEntries(SEVERITIES.map((s) => [s, 0]));
  for (const r of rows) bySeverity[r.severity] = (bySeverity[r.severity] ?? 0) + 1;
  return { total: rows.length, bySeverity };
}

/** Incidents of the services in the last `days` days, cancelled and merged ones left out, newest first. */
export function incidentsWithin(
  rows: readonly IncidentRow[],
  services: ReadonlySet<string>,
  now: number,
  days: number,
): IncidentRow[] {
  return rows
    .filter(
      (r) =>
        counted(r.status) &&
        r.declaredAt > now - days * DAY_MS &&
        r.declaredAt <= now &&
        uses(r.services, services),
    )
    .sort((a, b) => b.declaredAt - a.declaredAt || (a.id < b.id ? 1 : -1));
}

function pageCounts(rows: readonly PageRow[], hours: WorkingHours, defaultZone: string): PageCounts {
  let outside = 0;
  for (const p of rows) if (!isWithinWorkingHours(p.startedAt, hours, p.timeZone ?? defaultZone)) outside++;
  return { total: rows.length, outsideWorkingHours: outside };
}

export function pagesWithin(
  rows: readonly PageRow[],
  services: ReadonlySet<string> | null,
  now: number,
  days: number,
): PageRow[] {
  return rows.filter(
    (p) =>
      p.startedAt > now - days * DAY_MS &&
      p.startedAt <= now &&
      (services === null || uses(p.services, services)),
  );
}

/** The services an opportunity concerns: its own ∪ those of its linked feedback items. */
export function servicesConcerned(own: readonly string[], feedback: readonly FeedbackRow[]): string[] {
  return sortedUnique([...own, ...feedback.flatMap((f) => f.services)]);
}

export function computeEvidence(input: EvidenceInput): Evidence {
  const services = servicesConcerned(input.services, input.feedback);
  const set = new Set(services);
  const inc90 = incidentsWithin(input.incidents, set, input.now, 90);
  const inc30 = incidentsWithin(inc90, set, input.now, 30);

  // Budget: per objective of the services concerned, the shares of the incidents of the last 90 days.
  const in90 = new Set(inc90.map((i) => i.id));
  const byObjective = new Map<
    string,
    { service: string; slo: string; label: string; incidents: number; fourWeekShare: number }
  >();
  for (const b of input.incidentBudgets) {
    if (!in90.has(b.incidentId)) continue;
    for (const o of b.objectives) {
      if (!set.has(o.service) || o.fourWeekShare === null) continue;
      const key = `${o.service}\u0000${o.label}`;
      const acc = byObjective.get(key) ?? {
        service: o.service,
        slo: o.slo,
        label: o.label,
        incidents: 0,
        fourWeekShare: 0,
      };
      acc.incidents++;
      acc.fourWeekShare += o.fourWeekShare;
      byObjective.set(key, acc);
    }
  }
  const objectives = [...byObjective.values()].sort(
    (a, b) => b.fourWeekShare - a.fourWeekShare || (a.label < b.label ? -1 : 1),
  );

  const pages90 = pagesWithin(input.pages, set, input.now, 90);
  const pages30 = pagesWithin(pages90, set, input.now, 30);

  const fromFeedback = sortedUnique(
    input.feedback.flatMap((f) => [...(f.team ? [f.team] : []), ...f.authorTeams]),
  );
  const fromServiceOwners = sortedUnique(
    services.map((s) => input.serviceOwners[s]).filter((t): t is string => !!t),
  );
  const teams = sortedUnique([...fromFeedback, ...fromServiceOwners]);

  const votes = input.feedback.flatMap((f) => f.votes);
  const pains = votes.map((v) => v.pain).filter((p): p is number => p !== null);

  return {
    services,
    incidents: {
      last30Days: incidentCounts(inc30),
      last90Days: incidentCounts(inc90),
      ids: inc90.map((i) => i.id),
    },
    incidentBudgetConsumed: {
      objectives,
      worstFourWeekShare: objectives.length ? objectives[0]!.fourWeekShare : null,
    },
    pages: {
      last30Days: pageCounts(pages30, input.workingHours, input.defaultTimeZone),
      last90Days: pageCounts(pages90, input.workingHours, input.defaultTimeZone),
      workingHours: input.workingHours.text,
      defaultTimeZone: input.defaultTimeZone,
    },
    teamsAffected: { count: teams.length, teams, fromFeedback, fromServiceOwners },
    feedback: {
      items: input.feedback.length,
      ids: input.feedback.map((f) => f.id).sort(byNumber),
      votes: votes.length,
      meanPain: pains.length ? pains.reduce((a, b) => a + b, 0) / pains.length : null,
    },
    interviews: { count: input.interviews.length, ids: input.interviews.map((i) => i.id).sort(byNumber) },
  };
}

/** FB-2 before FB-10. */
export function byNumber(a: string, b: string): number {
  const na = Number(/(\d+)$/.exec(a)?.[1] ?? Number.NaN);
  const nb = Number(/(\d+)$/.exec(b)?.[1] ?? Number.NaN);
  if (a.replace(/\d+$/, '') === b.replace(/\d+$/, '') && !Number.isNaN(na) && !Number.isNaN(nb))
    return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---- an Outcome's computed measures

export const OUTCOME_MEASURES = {
  offHoursPagesPerOnCallWeek:
    'Pages started outside working hours in the last 28 days ÷ 4 (per week of on-call)',
  pagesPerOnCallWeek: 'Pages started in the last 28 days ÷ 4 (per week of on-call)',
  incidentsPerMonth:
    'Incidents declared in the last 90 days ÷ 3 (per 30 days), cancelled and merged ones left out',
  sev1Sev2IncidentsPerMonth: 'SEV1 and SEV2 incidents declared in the last 90 days ÷ 3 (per 30 days)',
} as const;
export type OutcomeMeasure = keyof typeof OUTCOME_MEASURES;
export const OUTCOME_MEASURE_NAMES = Object.keys(OUTCOME_MEASURES) as OutcomeMeasure[];

export interface MeasureInput {
  now: number;
  /** Services to count; empty = every service (and pages or incidents with none). */
  services: string[];
  incidents: IncidentRow[];
  pages: PageRow[];
  workingHours: WorkingHours;
  defaultTimeZone: string;
}

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

export function measureValue(measure: OutcomeMeasure, input: MeasureInput): number {
  const set = input.services.length ? new Set(input.services) : null;
  const pickIncidents = (days: number) =>
    input.incidents.filter(
      (r) =>
        counted(r.status) &&
        r.declaredAt > input.now - days * DAY_MS &&
        r.declaredAt <= input.now &&
        (set === null || uses(r.services, set)),
    );
  switch (measure) {
    case 'offHoursPagesPerOnCallWeek':
      return round(
        pageCounts(pagesWithin(input.pages, set, input.now, 28), input.workingHours, input.defaultTimeZone)
          .outsideWorkingHours / 4,
      );
    case 'pagesPerOnCallWeek':
      return round(pagesWithin(input.pages, set, input.now, 28).length / 4);
    case 'incidentsPerMonth':
      return round(pickIncidents(90).length / 3);
    case 'sev1Sev2IncidentsPerMonth':
      return round(
        pickIncidents(90).filter((r) => r.severity === 'SEV1' || r.severity === 'SEV2').length / 3,
      );
  }
}

/**
 * Whether a value meets a target written as text ending in a comparison: "… ≤ 2", "< 0.5",
 * ">= 99.9"; null when the target has no such comparison.
 */
export function targetMet(target: string, value: number): boolean | null {
  const m = /(≤|<=|<|≥|>=|>|=)\s*(-?\d+(?:\.\d+)?)\s*%?\s*$/.exec(target);
  if (!m) return null;
  const t = Number(m[2]);
  switch (m[1]) {
    case '≤':
    case '<=':
      return value <= t;
    case '<':
      return value < t;
    case '≥':
    case '>=':
      return value >= t;
    case '>':
      return value > t;
    default:
      return value === t;
  }
}

import { describe, expect, it } from 'vitest';
import {
  byNumber,
  computeEvidence,
  DAY_MS,
  type EvidenceInput,
  isWithinWorkingHours,
  measureValue,
  parseWorkingHours,
  targetMet,
} from './evidence.js';

const NOW = Date.parse('2026-06-15T12:00:00Z'); // a Monday
const at = (iso: string) => Date.parse(iso);
const HOURS = parseWorkingHours('Mon-Fri 09:00-18:00');

describe('working hours', () => {
  it('parses day ranges, lists and wrapping ranges', () => {
    expect(HOURS).toEqual({
      days: [1, 2, 3, 4, 5],
      startMinute: 540,
      endMinute: 1080,
      text: 'Mon,Tue,Wed,Thu,Fri 09:00-18:00',
    });
    expect(parseWorkingHours('Fri-Mon 22:00-23:30').days).toEqual([0, 1, 5, 6]);
    expect(parseWorkingHours('mon, wed,Fri 8:30-17:00')).toMatchObject({ days: [1, 3, 5], startMinute: 510 });
  });
  it('says what is wrong', () => {
    expect(() => parseWorkingHours('weekdays')).toThrow(/e.g. "Mon-Fri 09:00-18:00"/);
    expect(() => parseWorkingHours('Mon-Fri 18:00-09:00')).toThrow(/end after it starts/);
    expect(() => parseWorkingHours('Mon-Funday 09:00-10:00')).toThrow(/not a day/);
    expect(() => parseWorkingHours('Mon-Fri 09:00-25:00')).toThrow(/00:00 to 24:00/);
  });
  it('reads an instant in the time zone, DST included', () => {
    // Berlin: UTC+1 in January, UTC+2 in June.
    expect(isWithinWorkingHours(at('2026-01-12T08:30:00Z'), HOURS, 'Europe/Berlin')).toBe(true); // 09:30
    expect(isWithinWorkingHours(at('2026-06-08T06:30:00Z'), HOURS, 'Europe/Berlin')).toBe(false); // 08:30
    expect(isWithinWorkingHours(at('2026-06-08T07:30:00Z'), HOURS, 'Europe/Berlin')).toBe(true); // 09:30
    expect(isWithinWorkingHours(at('2026-06-08T17:59:00Z'), HOURS, 'UTC')).toBe(true);
    expect(isWithinWorkingHours(at('2026-06-08T18:00:00Z'), HOURS, 'UTC')).toBe(false); // [start, end)
    // Saturday noon.
    expect(isWithinWorkingHours(at('2026-06-13T12:00:00Z'), HOURS, 'UTC')).toBe(false);
    // Monday 00:30 in Tokyo is Sunday 15:30 UTC.
    expect(isWithinWorkingHours(at('2026-06-14T15:30:00Z'), HOURS, 'Asia/Tokyo')).toBe(false);
  });
});

/** A hand-computed fixture: every count below is worked out in the comments. */
const input: EvidenceInput = {
  now: NOW,
  services: ['checkout'],
  incidents: [
    {
      id: 'INC-1',
      severity: 'SEV1',
      status: 'resolved',
      declaredAt: NOW - 5 * DAY_MS,
      services: ['checkout'],
    },
    {
      id: 'INC-2',
      severity: 'SEV2',
      status: 'closed',
      declaredAt: NOW - 20 * DAY_MS,
      services: ['payments-api'],
    },
    {
      id: 'INC-3',
      severity: 'SEV2',
      status: 'closed',
      declaredAt: NOW - 45 * DAY_MS,
      services: ['checkout', 'search'],
    },
    // Too old, another service, cancelled: none counts.
    {
      id: 'INC-4',
      severity: 'SEV3',
      status: 'closed',
      declaredAt: NOW - 100 * DAY_MS,
      services: ['checkout'],
    },
    {
      id: 'INC-5',
      severity: 'SEV1',
      status: 'investigating',
      declaredAt: NOW - 3 * DAY_MS,
      services: ['search'],
    },
    {
      id: 'INC-6',
      severity: 'SEV2',
      status: 'cancelled',
      declaredAt: NOW - 10 * DAY_MS,
      services: ['checkout'],
    },
  ],
  incidentBudgets: [
    {
      incidentId: 'INC-1',
      objectives: [
        {
          service: 'checkout',
          slo: 'checkout-availability',
          label: 'checkout-availability',
          fourWeekShare: 0.1,
        },
        { service: 'checkout', slo: 'checkout-latency', label: 'checkout-latency', fourWeekShare: 0.3 },
      ],
    },
    {
      incidentId: 'INC-3',
      objectives: [
        {
          service: 'checkout',
          slo: 'checkout-availability',
          label: 'checkout-availability',
          fourWeekShare: 0.25,
        },
        { service: 'search', slo: 'search-availability', label: 'search-availability', fourWeekShare: 0.9 },
      ],
    },
    {
      incidentId: 'INC-4',
      objectives: [
        {
          service: 'checkout',
          slo: 'checkout-availability',
          label: 'checkout-availability',
          fourWeekShare: 0.5,
        },
      ],
    },
    {
      incidentId: 'INC-2',
      objectives: [{ service: 'payments-api', slo: 'pay', label: 'pay', fourWeekShare: null }],
    },
  ],
  pages: [
    // Saturday noon, zone unknown → UTC: outside.
    { id: 'P1', startedAt: at('2026-06-13T12:00:00Z'), services: ['checkout'], timeZone: null },
    // Monday 10:00 UTC = 06:00 in New York (the schedule's zone): outside.
    {
      id: 'P2',
      startedAt: at('2026-06-08T10:00:00Z'),
      services: ['payments-api'],
      timeZone: 'America/New_York',
    },
    // Tuesday 14:00 UTC = 16:00 in Berlin: inside.
    { id: 'P3', startedAt: at('2026-06-09T14:00:00Z'), services: ['checkout'], timeZone: 'Europe/Berlin' },
    // 45 days ago, Friday 20:00 UTC: outside, in the 90 days only.
    { id: 'P4', startedAt: at('2026-05-01T20:00:00Z'), services: ['checkout'], timeZone: null },
    // Another service.
    { id: 'P5', startedAt: at('2026-06-10T03:00:00Z'), services: ['search'], timeZone: null },
    // Thursday 17:59 UTC: inside.
    { id: 'P6', startedAt: at('2026-06-11T17:59:00Z'), services: ['checkout'], timeZone: null },
  ],
  feedback: [
    {
      id: 'FB-10',
      services: ['payments-api'],
      team: 'shop',
      author: 'ann',
      authorTeams: ['shop', 'web'],
      votes: [
        { voter: 'ann', pain: 4 },
        { voter: 'bob', pain: 2 },
        { voter: 'cy', pain: null },
      ],
    },
    {
      id: 'FB-2',
      services: ['checkout'],
      team: null,
      author: 'dan',
      authorTeams: [],
      votes: [{ voter: 'eve', pain: 5 }],
    },
  ],
  interviews: [
    { id: 'INT-10', team: 'shop', heldAt: NOW - DAY_MS },
    { id: 'INT-2', team: 'web', heldAt: NOW - 2 * DAY_MS },
  ],
  serviceOwners: { checkout: 'payments', 'payments-api': 'payments', search: 'search-team' },
  workingHours: HOURS,
  defaultTimeZone: 'UTC',
};

describe('evidence of an opportunity', () => {
  const e = computeEvidence(input);
  it('concerns its services and those of its feedback', () => {
    expect(e.services).toEqual(['checkout', 'payments-api']);
  });
  it('counts incidents per severity in 30 and 90 days', () => {
    expect(e.incidents.last30Days).toEqual({ total: 2, bySeverity: { SEV1: 1, SEV2: 1, SEV3: 0, SEV4: 0 } });
    expect(e.incidents.last90Days).toEqual({ total: 3, bySeverity: { SEV1: 1, SEV2: 2, SEV3: 0, SEV4: 0 } });
    expect(e.incidents.ids).toEqual(['INC-1', 'INC-2', 'INC-3']);
  });
  it("sums the incidents' four-week budget shares per objective", () => {
    // availability: INC-1 0.1 + INC-3 0.25 = 0.35; latency: INC-1 0.3; search and INC-4 left out.
    expect(e.incidentBudgetConsumed.objectives).toEqual([
      {
        service: 'checkout',
        slo: 'checkout-availability',
        label: 'checkout-availability',
        incidents: 2,
        fourWeekShare: expect.closeTo(0.35, 10),
      },
      {
        service: 'checkout',
        slo: 'checkout-latency',
        label: 'checkout-latency',
        incidents: 1,
        fourWeekShare: 0.3,
      },
    ]);
    expect(e.incidentBudgetConsumed.worstFourWeekShare).toBeCloseTo(0.35, 10);
  });
  it('counts pages and those outside working hours', () => {
    expect(e.pages.last30Days).toEqual({ total: 4, outsideWorkingHours: 2 }); // P1 P2 P3 P6; P1 P2
    expect(e.pages.last90Days).toEqual({ total: 5, outsideWorkingHours: 3 }); // + P4
  });
  it('names the teams affected, votes, mean pain and interviews', () => {
    expect(e.teamsAffected).toEqual({
      count: 3,
      teams: ['payments', 'shop', 'web'],
      fromFeedback: ['shop', 'web'],
      fromServiceOwners: ['payments'],
    });
    expect(e.feedback).toEqual({
      items: 2,
      ids: ['FB-2', 'FB-10'],
      votes: 4,
      meanPain: expect.closeTo(11 / 3, 10),
    });
    expect(e.interviews).toEqual({ count: 2, ids: ['INT-2', 'INT-10'] });
  });
  it('is empty, not missing, without data', () => {
    const none = computeEvidence({ ...input, services: [], feedback: [], interviews: [] });
    expect(none.incidents.last90Days.total).toBe(0);
    expect(none.pages.last90Days).toEqual({ total: 0, outsideWorkingHours: 0 });
    expect(none.feedback.meanPain).toBeNull();
    expect(none.incidentBudgetConsumed.worstFourWeekShare).toBeNull();
  });
});

describe('outcome measures', () => {
  const m = {
    now: NOW,
    incidents: input.incidents,
    pages: input.pages,
    workingHours: HOURS,
    defaultTimeZone: 'UTC',
  };
  it('counts over every service, or the ones named', () => {
    // 28 days: P1 P2 P3 P5 P6; outside: P1, P2, P5 (Wed 03:00) = 3 → 3 / 4.
    expect(measureValue('offHoursPagesPerOnCallWeek', { ...m, services: [] })).toBe(0.75);
    expect(measureValue('pagesPerOnCallWeek', { ...m, services: [] })).toBe(1.25);
    // checkout: P1 P3 P6; outside P1 → 1 / 4.
    expect(measureValue('offHoursPagesPerOnCallWeek', { ...m, services: ['checkout'] })).toBe(0.25);
    // 90 days without the cancelled one: INC-1 2 3 5 → 4 / 3.
    expect(measureValue('incidentsPerMonth', { ...m, services: [] })).toBe(1.33);
    expect(measureValue('sev1Sev2IncidentsPerMonth', { ...m, services: ['checkout'] })).toBe(0.67);
  });
  it('reads a comparison at the end of a target', () => {
    expect(targetMet('pages outside working hours per on-call week ≤ 2', 0.75)).toBe(true);
    expect(targetMet('incidents per month < 1', 1.33)).toBe(false);
    expect(targetMet('availability >= 99.9 %', 99.95)).toBe(true);
    expect(targetMet('fewer night pages', 3)).toBeNull();
  });
  it('orders ids by number', () => {
    expect(['INT-10', 'FB-3', 'INT-9', 'FB-21'].sort(byNumber)).toEqual(['FB-3', 'FB-21', 'INT-9', 'INT-10']);
  });
});

import { describe, expect, it } from 'vitest';
import { type DoraDeployment, type DoraIncident, doraFourKeys, median } from './four-keys.js';
import { doraLevel } from './levels.js';
import { doraReportView, formatSeconds } from './view.js';

const t = (s: string) => Date.parse(s);
const H = 3_600_000;

const dep = (
  id: string,
  service: string,
  team: string,
  started: string,
  minutes: number,
  commitHoursBefore: number | null,
  status: DoraDeployment['status'] = 'succeeded',
  environment = 'production',
): DoraDeployment => {
  const startedAt = t(started);
  const finishedAt = startedAt + minutes * 60_000;
  return {
    id,
    service,
    team,
    environment,
    status,
    startedAt,
    finishedAt,
    commitTime: commitHoursBefore === null ? null : finishedAt - commitHoursBefore * H,
  };
};

// Period: 14 days. Lead times are given from the deployment's end, so they read directly.
const deployments: DoraDeployment[] = [
  dep('D1', 'checkout', 'payments', '2024-06-01T10:00:00Z', 10, 2),
  dep('D2', 'checkout', 'payments', '2024-06-03T12:00:00Z', 30, 24),
  dep('D3', 'checkout', 'payments', '2024-06-05T09:00:00Z', 5, null),
  dep('D4', 'checkout', 'payments', '2024-06-07T15:00:00Z', 20, 1, 'failed'),
  dep('D5', 'checkout', 'payments', '2024-06-10T08:00:00Z', 0, 96, 'rolled-back'),
  dep('D6', 'checkout', 'payments', '2024-06-14T23:00:00Z', 30, 1),
  dep('D7', 'checkout', 'payments', '2024-06-15T00:00:00Z', 5, 1), // at `to`: outside
  dep('D8', 'checkout', 'payments', '2024-06-02T00:00:00Z', 5, 1, 'succeeded', 'staging'),
  dep('S1', 'search', 'discovery', '2024-06-02T10:00:00Z', 5, 72),
  dep('S2', 'search', 'discovery', '2024-06-09T10:00:00Z', 5, 120),
];
const incidents: DoraIncident[] = [
  // A: 2 h from impact start to resolution
  {
    id: 'A',
    impactStartedAt: t('2024-06-03T12:40:00Z'),
    detectedAt: null,
    resolvedAt: t('2024-06-03T14:40:00Z'),
  },
  // B: no impact start: from detection, 24 h
  {
    id: 'B',
    impactStartedAt: null,
    detectedAt: t('2024-06-07T15:30:00Z'),
    resolvedAt: t('2024-06-08T15:30:00Z'),
  },
  // C: not resolved yet: missing
  { id: 'C', impactStartedAt: t('2024-06-02T11:00:00Z'), detectedAt: null, resolvedAt: null },
];
const links = [
  { deploymentId: 'D2', incidentId: 'A' },
  { deploymentId: 'D4', incidentId: 'B' },
  { deploymentId: 'S1', incidentId: 'A' },
  { deploymentId: 'S1', incidentId: 'C' },
  { deploymentId: 'D7', incidentId: 'C' }, // outside the period: not counted
];

const result = doraFourKeys({
  deployments,
  incidents,
  links,
  from: t('2024-06-01T00:00:00Z'),
  to: t('2024-06-15T00:00:00Z'),
  environment: 'production',
  teams: ['quiet-team'],
});

describe('DORA four keys on a hand-computed fixture', () => {
  it('checkout: 6 deployments, 4 succeeded in 14 days', () => {
    const c = result.byService.checkout!;
    expect(c.deployments).toBe(6);
    expect(c.deploymentFrequency).toMatchObject({ value: 4 / 14, level: 'high', counted: 4 });
    // succeeded with commit time: 2 h, 24 h, 1 h → median 2 h; D3 has none
    expect(c.leadTime).toMatchObject({ value: 2 * H, level: 'elite', counted: 3, missing: 1 });
    // D2 and D4 linked: 2 of 6
    expect(c.changeFailureRate).toMatchObject({
      value: 2 / 6,
      level: 'medium',
      numerator: 2,
      denominator: 6,
    });
    // A 2 h, B 24 h (from detection) → median 13 h
    expect(c.recoveryTime).toMatchObject({ value: 13 * H, level: 'high', counted: 2, missing: 0 });
  });

  it('search: exactly one succeeded deployment a week is high; half linked is low', () => {
    const s = result.byService.search!;
    expect(s.deploymentFrequency).toMatchObject({ value: 1 / 7, level: 'high' });
    expect(s.leadTime).toMatchObject({ value: 96 * H, level: 'high', counted: 2, missing: 0 });
    expect(s.changeFailureRate).toMatchObject({ value: 0.5, level: 'low', numerator: 1, denominator: 2 });
    // A once (2 h); C unresolved is missing
    expect(s.recoveryTime).toMatchObject({ value: 2 * H, level: 'high', counted: 1, missing: 1 });
  });

  it('overall and per team', () => {
    const o = result.overall;
    expect(o.deployments).toBe(8);
    expect(o.deploymentFrequency).toMatchObject({ value: 6 / 14, level: 'high', counted: 6 });
    // succeeded with commit time: 1, 2, 24, 72, 120 h (D4 failed) → 24 h, exactly a day: high
    expect(o.leadTime).toMatchObject({ value: 24 * H, level: 'high', counted: 5, missing: 1 });
    expect(o.changeFailureRate).toMatchObject({ value: 3 / 8, level: 'medium' });
    // A (2 h, once though linked twice), B (24 h); C missing
    expect(o.recoveryTime).toMatchObject({ value: 13 * H, level: 'high', counted: 2, missing: 1 });
    expect(Object.keys(result.byTeam)).toEqual(['discovery', 'payments', 'quiet-team']);
    expect(result.byTeam.payments).toEqual(result.byService.checkout);
    const quiet = result.byTeam['quiet-team']!;
    expect(quiet.deploymentFrequency).toMatchObject({ value: 0, level: 'low' });
    expect(quiet.changeFailureRate).toMatchObject({ value: null, level: null });
    expect(quiet.leadTime.value).toBeNull();
  });

  it('the API view shows seconds, display text and the bands', () => {
    const view = doraReportView(result);
    expect(view.period).toEqual({
      from: '2024-06-01T00:00:00.000Z',
      to: '2024-06-15T00:00:00.000Z',
      days: 14,
    });
    const c = view.byService.checkout!;
    expect(c.leadTime).toMatchObject({ value: 7200, unit: 'seconds', display: '2h', level: 'elite' });
    expect(c.changeFailureRate.display).toBe('33.3 % (2 of 6)');
    expect(c.deploymentFrequency.display).toBe('0.286 per day (2 per week)');
    expect(c.recoveryTime.display).toBe('13h');
    const cfr = view.definitions.find((d) => d.key === 'changeFailureRate')!;
    expect(cfr.thresholds.map((b) => [b.level, b.reportValue])).toEqual([
      ['elite', '5%'],
      ['high', '20%'],
      ['medium', '10%'],
      ['low', '40%'],
    ]);
    expect(view.source.notes.some((n) => n.includes('10 %'))).toBe(true);
  });
});

describe('level bands', () => {
  it.each([
    ['deploymentFrequency', 1.01, 'elite'],
    ['deploymentFrequency', 1, 'high'],
    ['deploymentFrequency', 1 / 7, 'high'],
    ['deploymentFrequency', 0.1, 'medium'],
    ['deploymentFrequency', 1 / 30, 'medium'],
    ['deploymentFrequency', 0.01, 'low'],
    ['leadTime', 86_399, 'elite'],
    ['leadTime', 86_400, 'high'],
    ['leadTime', 604_800, 'high'],
    ['leadTime', 604_801, 'medium'],
    ['leadTime', 40 * 86_400, 'low'],
    ['changeFailureRate', 0, 'elite'],
    ['changeFailureRate', 0.05, 'elite'],
    ['changeFailureRate', 0.1, 'high'],
    ['changeFailureRate', 0.2, 'high'],
    ['changeFailureRate', 0.3, 'medium'],
    ['changeFailureRate', 0.4, 'low'],
    ['recoveryTime', 3599, 'elite'],
    ['recoveryTime', 3600, 'high'],
    ['recoveryTime', 86_400, 'medium'],
    ['recoveryTime', 604_800, 'medium'],
    ['recoveryTime', 604_801, 'low'],
  ] as const)('%s %d → %s', (key, value, level) => {
    expect(doraLevel(key, value)).toBe(level);
  });

  it('no value, no level', () => expect(doraLevel('leadTime', null)).toBeNull());
});

describe('helpers', () => {
  it('median of even and odd counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });
  it('formats durations', () => {
    expect(formatSeconds(42)).toBe('42s');
    expect(formatSeconds(90)).toBe('1m 30s');
    expect(formatSeconds(93_784)).toBe('1d 2h 3m');
  });
});

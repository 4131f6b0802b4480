import { describe, expect, it } from 'vitest';
import { InputError } from '../../errors.js';
import { correctionIntervals } from '../../slo/corrections.js';
import { compileConfig } from '../compile.js';
import { builtinKindRegistry } from '../index.js';
import { type BudgetCorrectionObject, selectsSlo, toCorrection } from './budget-correction.js';

const registry = builtinKindRegistry();

const doc = (spec: string, name = 'sunday-maintenance') => `apiVersion: headroom.dev/v1
kind: BudgetCorrection
metadata:
  name: ${name}
spec:
${spec}`;

const compile = (content: string) => compileConfig([{ path: 'c.yaml', content }], registry);

function failure(content: string): InputError {
  try {
    compile(content);
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected the config to be rejected');
}

const weekly = `  service: checkout
  labels: { tier: critical }
  start: 2024-03-03T02:30:00
  timeZone: Europe/Berlin
  duration: 2h
  rrule: RRULE:FREQ=WEEKLY;BYDAY=SU
  reason: Database maintenance window
`;

describe('BudgetCorrection', () => {
  it('normalizes a weekly correction in a time zone, with the default category', () => {
    const { objects, warnings } = compile(doc(weekly));
    expect(warnings).toEqual([]);
    expect(objects).toHaveLength(1);
    const o = objects[0]!;
    expect(o).toMatchObject({
      type: 'budget-correction',
      ref: 'budgetcorrection:default/sunday-maintenance',
    });
    expect(o.kind).toBe('BudgetCorrection');
    const c = (o.data as BudgetCorrectionObject).correction;
    expect(c).toMatchObject({
      name: 'sunday-maintenance',
      selector: { slos: [], service: 'checkout', labels: { tier: 'critical' } },
      start: '2024-03-03T02:30:00',
      startMs: Date.parse('2024-03-03T01:30:00Z'),
      timeZone: 'Europe/Berlin',
      duration: '2h',
      durationMs: 7_200_000,
      rrule: 'FREQ=WEEKLY;BYDAY=SU',
      until: null,
      category: 'planned-maintenance',
      reason: 'Database maintenance window',
    });
    // 02:30 local before and after the switch to summer time (31 March 2024); 03:30 on the day itself.
    const intervals = correctionIntervals(toCorrection(c), {
      start: Date.parse('2024-03-20T00:00:00Z'),
      end: Date.parse('2024-04-08T00:00:00Z'),
    });
    expect(intervals.map((i) => new Date(i.start).toISOString())).toEqual([
      '2024-03-24T01:30:00.000Z',
      '2024-03-31T01:30:00.000Z',
      '2024-04-07T00:30:00.000Z',
    ]);
  });

  it('reads an RFC 3339 start with offset, an until and a category', () => {
    const { objects } = compile(
      doc(`  slos: [checkout-availability, checkout-latency]
  start: 2024-05-01T22:00:00+02:00
  duration: 1d
  rrule: FREQ=DAILY
  until: 2024-05-04T00:00:00Z
  category: data-issue
  reason: Broken exporter
`),
    );
    const c = (objects[0]!.data as BudgetCorrectionObject).correction;
    expect(c).toMatchObject({
      selector: { slos: ['checkout-availability', 'checkout-latency'], service: null, labels: {} },
      startMs: Date.parse('2024-05-01T20:00:00Z'),
      untilMs: Date.parse('2024-05-04T00:00:00Z'),
      category: 'data-issue',
    });
    expect(
      correctionIntervals(toCorrection(c), { start: 0, end: Date.parse('2025-01-01T00:00:00Z') }).map(
        (i) => i.start,
      ),
    ).toEqual([0, 1, 2].map((d) => Date.parse('2024-05-01T20:00:00Z') + d * 86_400_000));
  });

  it('selects SLOs that match every selector given', () => {
    const selector = { slos: [], service: 'checkout', labels: { tier: 'critical' } };
    const svc = (s: string) => s === 'checkout';
    expect(selectsSlo(selector, { name: 'a', labels: { tier: ['critical', 'x'] } }, svc)).toBe(true);
    expect(selectsSlo(selector, { name: 'a', labels: { tier: ['low'] } }, svc)).toBe(false);
    expect(selectsSlo(selector, { name: 'a', labels: { tier: ['critical'] } }, () => false)).toBe(false);
    expect(selectsSlo({ ...selector, slos: ['b'] }, { name: 'a', labels: { tier: ['critical'] } }, svc)).toBe(
      false,
    );
  });

  it('reports every problem with file, line and field', () => {
    const e = failure(
      doc(`  start: 2024-03-03T02:00:00
  duration: 1M
  rrule: FREQ=FORTNIGHTLY
  category: Maintenance
`),
    );
    expect(e.code).toBe('INVALID_CONFIG');
    const byPath = Object.fromEntries((e.errors ?? []).map((p) => [p.path, p]));
    expect(Object.keys(byPath).sort()).toEqual([
      '/spec',
      '/spec/category',
      '/spec/duration',
      '/spec/reason',
      '/spec/start',
    ]);
    expect(byPath['/spec']?.message).toMatch(/selects no SLOs/);
    expect(byPath['/spec/start']).toMatchObject({ file: 'c.yaml', line: 6 });
    expect(byPath['/spec/start']?.message).toMatch(/no offset/);
    expect(byPath['/spec/duration']?.message).toMatch(/fixed length/);
    expect(byPath['/spec/category']?.message).toMatch(/planned-maintenance/);
  });

  it('rejects an invalid RRULE, time zone, until and a bad duration at their fields', () => {
    const rule = failure(doc(weekly.replace('FREQ=WEEKLY;BYDAY=SU', 'FREQ=WEEKLY;BYDAY=XX')));
    expect(rule.errors?.[0]).toMatchObject({ path: '/spec/rrule', file: 'c.yaml', line: 11 });
    const noFreq = failure(doc(weekly.replace('RRULE:FREQ=WEEKLY;BYDAY=SU', 'BYDAY=SU')));
    expect(noFreq.errors?.[0]).toMatchObject({ path: '/spec/rrule' });
    const minutely = failure(doc(weekly.replace('RRULE:FREQ=WEEKLY;BYDAY=SU', 'FREQ=MINUTELY')));
    expect(minutely.errors?.[0]?.message).toMatch(/More than 100000 occurrences/);
    const zone = failure(doc(weekly.replace('Europe/Berlin', 'Mars/Olympus')));
    expect(zone.errors?.map((p) => p.path)).toContain('/spec/timeZone');
    const until = failure(doc(`${weekly}  until: 2024-01-01T00:00:00Z\n`));
    expect(until.errors?.[0]).toMatchObject({ path: '/spec/until' });
    const duration = failure(doc(weekly.replace('2h', '2 hours')));
    expect(duration.errors?.[0]).toMatchObject({ path: '/spec/duration', line: 10 });
  });

  it('warns about unknown fields', () => {
    const { warnings } = compile(doc(`${weekly}  reasn: typo\n`));
    expect(warnings[0]).toMatchObject({ path: '/spec/reasn', line: 13 });
  });
});

import { describe, expect, it } from 'vitest';
import { InputError } from '../../errors.js';
import { onCallAt } from '../../oncall/final-schedule.js';
import { compileConfig } from '../compile.js';
import { builtinKindRegistry } from '../index.js';
import type { ScheduleObject } from './schedule.js';

const registry = builtinKindRegistry();

const doc = (spec: string, name = 'payments-primary') => `apiVersion: headroom.dev/v1
kind: Schedule
metadata:
  name: ${name}
spec:
${spec}`;

const compile = (content: string) => compileConfig([{ path: 'schedules/payments.yaml', content }], registry);

function failure(content: string): InputError {
  try {
    compile(content);
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected the config to be rejected');
}

const VALID = `  owner: payments
  timeZone: Europe/Berlin
  description: Pages for checkout and payments
  layers:
    - name: weekly
      users: [alice, Bob, user:default/carol]
      shiftLength: 1w
      handoffTime: "09:00"
      start: 2024-03-04
    - name: office-hours
      users: [dave, ops/erin]
      shiftLength: 1d
      handoffTime: 09:00
      start: 2024-03-04
      end: 2024-12-31
      timeZone: America/New_York
      restrictions:
        - { type: daily, days: [mon, tue, Wednesday, thu, fri], from: "09:00", to: "17:00" }
        - { type: weekly, from: "fri 18:00", to: "mon 08:00" }
`;

describe('Schedule', () => {
  it('normalizes layers, users, restrictions and zones', () => {
    const { objects, warnings } = compile(doc(VALID));
    expect(warnings).toEqual([]);
    expect(objects).toHaveLength(1);
    const o = objects[0]!;
    expect(o).toMatchObject({
      type: 'oncall-schedule',
      ref: 'schedule:default/payments-primary',
      kind: 'Schedule',
    });
    expect(o.references.map((r) => r.ref)).toEqual(['group:default/payments']);
    const s = (o.data as ScheduleObject).schedule;
    expect(s).toMatchObject({ name: 'payments-primary', owner: 'payments', timeZone: 'Europe/Berlin' });
    expect(s.layers[0]).toEqual({
      name: 'weekly',
      users: ['alice', 'bob', 'carol'],
      shiftLength: { count: 1, unit: 'w' },
      handoffTime: '09:00',
      start: '2024-03-04',
      end: null,
      timeZone: 'Europe/Berlin',
      restrictions: [],
    });
    expect(s.layers[1]).toMatchObject({
      users: ['dave', 'ops/erin'],
      end: '2024-12-31T00:00',
      timeZone: 'America/New_York',
      restrictions: [
        { type: 'daily', days: [1, 2, 3, 4, 5], from: '09:00', to: '17:00' },
        { type: 'weekly', fromDay: 5, from: '18:00', toDay: 1, to: '08:00' },
      ],
    });
    // The normalized schedule is what the maths reads: Wednesday 6 March 2024, 10:00 in New York.
    expect(onCallAt(s, Date.parse('2024-03-06T15:00:00Z')).user).toBe('dave');
    expect(onCallAt(s, Date.parse('2024-03-07T15:00:00Z')).user).toBe('ops/erin');
    expect(onCallAt(s, Date.parse('2024-03-06T23:00:00Z')).user).toBe('alice');
  });

  it('reports every problem with its file, line and field', () => {
    const e = failure(
      doc(`  timeZone: Mars/Olympus
  layers:
    - name: weekly
      users: []
      shiftLength: 1 week
      handoffTime: "25:00"
      start: 2024-02-30
      restrictions:
        - { type: daily, from: "09:00", to: "09:00" }
        - { type: weekly, from: "someday 18:00", to: "mon 08:00" }
        - { type: monthly }
    - name: weekly
      users: [team:payments, group:payments]
      shiftLength: 400d
      start: 2024-03-04
      end: 2024-03-01
`),
    );
    expect(e.code).toBe('INVALID_CONFIG');
    const problems = e.errors!.map((p) => [p.path, p.line]);
    expect(problems).toEqual([
      ['/spec/timeZone', 6],
      ['/spec/layers/0/users', 9],
      ['/spec/layers/0/shiftLength', 10],
      ['/spec/layers/0/handoffTime', 11],
      ['/spec/layers/0/start', 12],
      ['/spec/layers/0/restrictions/0/to', 14],
      ['/spec/layers/0/restrictions/1/from', 15],
      ['/spec/layers/0/restrictions/2/type', 16],
      ['/spec/layers/1/users/0', 18],
      ['/spec/layers/1/users/1', 18],
      ['/spec/layers/1/shiftLength', 19],
    ]);
    for (const p of e.errors!) expect(p.file).toBe('schedules/payments.yaml');
    expect(e.errors!.find((p) => p.path === '/spec/layers/0/shiftLength')!.message).toMatch(/12h, 1d or 1w/);
    expect(e.errors!.find((p) => p.path === '/spec/layers/1/users/1')!.message).toMatch(
      /must name a user, not a group/,
    );
  });

  it('refuses duplicate layer names, an end at or before the first hand-off and a missing zone', () => {
    const e = failure(
      doc(`  timeZone: Europe/Berlin
  layers:
    - { name: a, users: [alice], shiftLength: 1d, handoffTime: "09:00", start: 2024-03-04, end: "2024-03-04T09:00" }
    - { name: b, users: [alice], shiftLength: 1d, start: 2024-03-04 }
    - { name: b, users: [bob], shiftLength: 1d, start: 2024-03-04, timeZone: UTC }
`),
    );
    expect(e.errors!.map((p) => [p.path, p.message])).toEqual([
      ['/spec/layers/0/end', 'must be after the first hand-off (2024-03-04T09:00)'],
      ['/spec/layers/2/name', "'b' names layer 1 already: layer names must differ"],
    ]);
    const zoneless = failure(
      doc('  layers:\n    - { name: a, users: [alice], shiftLength: 1d, start: 2024-03-04 }\n'),
    );
    expect(zoneless.errors!.map((p) => [p.path, p.message])).toEqual([['/spec/timeZone', 'is required']]);
  });

  it('warns about fields it does not know', () => {
    const { warnings } = compile(
      doc(`  timeZone: UTC
  escalation: fast
  layers:
    - { name: a, users: [alice], shiftLength: 12h, start: 2024-03-04, handoff: "08:00" }
`),
    );
    expect(warnings.map((w) => w.path)).toEqual(['/spec/escalation', '/spec/layers/0/handoff']);
  });
});

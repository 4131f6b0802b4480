import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FinalSchedule, OnCallEntry, ScheduleOverride } from '@headroom/core/api/schedule';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliServer, startCliServer } from '../test-support/cli.js';
import { localTime, when } from './schedules.js';

const CONFIG = `apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: payments
spec:
  type: team
  children: []
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata:
  name: alice
spec:
  memberOf: [payments]
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata:
  name: bob
spec:
  memberOf: [payments]
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata:
  name: erin
spec:
  memberOf: [payments]
---
apiVersion: headroom.dev/v1
kind: Schedule
metadata:
  name: payments-primary
spec:
  owner: payments
  timeZone: America/New_York
  layers:
    - name: daily
      users: [alice, bob]
      shiftLength: 1d
      handoffTime: "09:00"
      start: 2024-03-01
`;

let server: CliServer;
let dir: string;

beforeAll(async () => {
  server = await startCliServer();
  dir = await mkdtemp(join(tmpdir(), 'headroom-schedules-'));
  await writeFile(join(dir, 'config.yaml'), CONFIG);
  const r = await server.cli(['apply', '-f', join(dir, 'config.yaml')]);
  expect(r.code, r.stderr).toBe(0);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await server.close();
});

describe('headroom schedules', () => {
  it('reads times as now, relative offsets or date-times with offset, and shows them in the schedule’s zone with the offset', () => {
    const now = Date.parse('2024-03-09T12:00:00Z');
    expect(when('now', now)).toBe('2024-03-09T12:00:00.000Z');
    expect(when('+8h', now)).toBe('2024-03-09T20:00:00.000Z');
    expect(when('-2d', now)).toBe('2024-03-07T12:00:00.000Z');
    expect(when('2024-03-10T09:00:00-04:00', now)).toBe('2024-03-10T09:00:00-04:00');
    expect(() => when('tomorrow', now)).toThrow(/date-time with offset/);
    expect(() => when('2024-03-10T09:00:00', now)).toThrow(/offset/);
    expect(localTime('2024-03-10T13:00:00Z', 'America/New_York')).toBe('2024-03-10 09:00 -04:00');
    expect(localTime('2024-03-09T14:00:00Z', 'America/New_York')).toBe('2024-03-09 09:00 -05:00');
    expect(localTime('2024-03-09T14:00:00Z', 'UTC')).toBe('2024-03-09 14:00 +00:00');
  });

  it('lists schedules and shows who is on call across the spring change', async () => {
    const list = await server.cli(['schedules', 'list']);
    expect(list.code, list.stderr).toBe(0);
    const [head, row] = list.stdout.trimEnd().split('\n');
    expect(head).toMatch(/^NAME\s+ON CALL\s+SINCE\s+NEXT HAND-OFF\s+OWNER\s+ZONE$/);
    expect(row).toMatch(/^payments-primary\s+(alice|bob) \(daily\)\s+.*payments\s+America\/New_York$/);

    const show = await server.cli([
      'schedules',
      'show',
      'payments-primary',
      '--from',
      '2024-03-09T14:00:00Z',
      '--to',
      '2024-03-11T13:00:00Z',
    ]);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/^Time zone:\s+America\/New_York$/m);
    expect(show.stdout).toMatch(
      /^daily\s+alice, bob\s+1d\s+09:00 America\/New_York\s+2024-03-01\s+-\s+always$/m,
    );
    // Hand-offs stay at 09:00 local on both sides of the change.
    expect(show.stdout).toContain('2024-03-09 09:00 -05:00  2024-03-10 09:00 -04:00  alice    layer daily');
    expect(show.stdout).toContain('2024-03-10 09:00 -04:00  2024-03-11 09:00 -04:00  bob      layer daily');

    const json = await server.cli([
      'schedules',
      'show',
      'payments-primary',
      '--from',
      '2024-03-09T14:00:00Z',
      '--to',
      '2024-03-10T13:00:00Z',
      '-o',
      'json',
    ]);
    const final = (JSON.parse(json.stdout) as { final: FinalSchedule }).final;
    expect(final.entries).toEqual([
      {
        start: '2024-03-09T14:00:00.000Z',
        end: '2024-03-10T13:00:00.000Z',
        user: 'alice',
        source: 'layer',
        layer: 'daily',
        overrideId: null,
      },
    ]);

    const oncall = await server.cli(['schedules', 'oncall', '--at', '2024-03-10T12:00:00Z', '-o', 'json']);
    expect(oncall.code, oncall.stderr).toBe(0);
    expect(
      (JSON.parse(oncall.stdout) as OnCallEntry[]).map((o) => [o.schedule, o.user, o.nextHandoff]),
    ).toEqual([['payments-primary', 'alice', { at: '2024-03-10T13:00:00.000Z', user: 'bob' }]]);
  });

  it('adds, lists and removes overrides; refuses overlaps with the server’s message', async () => {
    const add = await server.cli([
      'schedules',
      'override',
      'add',
      'payments-primary',
      '--user',
      'erin',
      '--from',
      '+1d',
      '--to',
      '+2d',
    ]);
    expect(add.code, add.stderr).toBe(0);
    const id = add.stdout.trim();
    expect(add.stderr).toMatch(/erin is on call for payments-primary/);
    const overlap = await server.cli([
      'schedules',
      'override',
      'add',
      'payments-primary',
      '--user',
      'bob',
      '--from',
      '+36h',
      '--to',
      '+3d',
    ]);
    expect(overlap.code).not.toBe(0);
    expect(overlap.stderr).toContain(id);
    const list = await server.cli(['schedules', 'override', 'list', 'payments-primary', '-o', 'json']);
    expect((JSON.parse(list.stdout) as ScheduleOverride[]).map((o) => [o.id, o.user])).toEqual([
      [id, 'erin'],
    ]);
    const at = await server.cli(['schedules', 'oncall', '--at', '+30h', '-o', 'json']);
    expect((JSON.parse(at.stdout) as OnCallEntry[])[0]).toMatchObject({
      user: 'erin',
      source: 'override',
      overrideId: id,
    });
    const rm = await server.cli(['schedules', 'override', 'rm', 'payments-primary', id]);
    expect(rm.code, rm.stderr).toBe(0);
    expect(rm.stdout).toBe(`removed override ${id}\n`);
    expect(
      JSON.parse(
        (await server.cli(['schedules', 'override', 'list', 'payments-primary', '-o', 'json'])).stdout,
      ),
    ).toEqual([]);
  });

  it('prints a secret feed URL that serves the calendar, and revokes it', async () => {
    const feed = await server.cli(['schedules', 'feed', 'payments-primary']);
    expect(feed.code, feed.stderr).toBe(0);
    const url = feed.stdout.trim();
    expect(url).toMatch(new RegExp(`^${server.url}/ical/schedules/hrcal_[A-Za-z0-9_-]+\\.ics$`));
    expect(feed.stderr).toMatch(/shown once/);
    const ics = await fetch(url);
    expect(ics.status).toBe(200);
    expect(ics.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    expect(await ics.text()).toContain('BEGIN:VEVENT');

    const mine = await server.cli(['schedules', 'feed', '--user', 'alice']);
    expect(mine.code, mine.stderr).toBe(0);
    expect(mine.stdout).toMatch(/\/ical\/users\/hrcal_/);

    const revoke = await server.cli(['schedules', 'feed', 'payments-primary', '--revoke']);
    expect(revoke.code, revoke.stderr).toBe(0);
    expect((await fetch(url)).status).toBe(404);
    const usage = await server.cli(['schedules', 'feed']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/give a schedule, or --user/);
  });
});

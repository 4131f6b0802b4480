import type {
  FinalSchedule,
  OnCallEntry,
  ScheduleDetail,
  ScheduleSummary,
} from '@headroom/core/api/schedule';
import type { ScheduleDefinition } from '@headroom/core/config/headroom/schedule';
import { onCallAt } from '@headroom/core/oncall/final-schedule';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test-support/app.js';
import { dropCreatedDatabases, supportedDatabases } from '../../test-support/databases.js';
import { onCallFor } from './service.js';

afterAll(dropCreatedDatabases);

const H = 3_600_000;
const DAY = 24 * H;

const PRIMARY = `apiVersion: headroom.dev/v1
kind: Schedule
metadata:
  name: payments-primary
  displayName: Payments primary
spec:
  owner: payments
  timeZone: Europe/Berlin
  layers:
    - name: daily
      users: [alice, bob, carol]
      shiftLength: 1d
      handoffTime: "09:00"
      start: 2024-03-01
    - name: office-hours
      users: [dave]
      shiftLength: 1w
      handoffTime: "09:00"
      start: 2024-03-04
      restrictions:
        - { type: daily, days: [mon, tue, wed, thu, fri], from: "12:00", to: "13:00" }
`;

const SEARCH = `apiVersion: headroom.dev/v1
kind: Schedule
metadata:
  name: search
spec:
  owner: search
  timeZone: America/New_York
  layers:
    - name: twelve-hours
      users: [bob, carol]
      shiftLength: 12h
      handoffTime: "08:00"
      start: 2024-03-01
`;

describe.each(supportedDatabases())('on-call schedules on $name', ({ name, available }) => {
  let t: TestApp;
  let payEditor: { authorization: string };
  let searchEditor: { authorization: string };
  let viewer: { authorization: string };
  const apply = (files: { path: string; content: string }[], headers = t.admin, extra: object = {}) =>
    t.app.inject({ method: 'POST', url: '/api/v1/apply', headers, payload: { files, ...extra } });
  const get = (url: string, headers = t.admin) =>
    t.app.inject({ method: 'GET', url: `/api/v1${url}`, headers });
  const post = (url: string, payload: object, headers = t.admin) =>
    t.app.inject({ method: 'POST', url: `/api/v1${url}`, headers, payload });
  const del = (url: string, headers = t.admin) =>
    t.app.inject({ method: 'DELETE', url: `/api/v1${url}`, headers });
  const rows = () => t.database.db.selectFrom('schedules').select('name').orderBy('name').execute();
  const overrideRows = () => t.database.db.selectFrom('schedule_overrides').selectAll().execute();
  const audit = (kind = 'schedule') =>
    t.database.db
      .selectFrom('audit_log')
      .select(['action', 'target_ref', 'detail', 'actor_name'])
      .where('target_kind', '=', kind)
      .orderBy('id')
      .execute();
  const definition = async (n: string) =>
    JSON.parse(
      (
        await t.database.db
          .selectFrom('schedules')
          .select('definition')
          .where('name', '=', n)
          .executeTakeFirstOrThrow()
      ).definition,
    ) as ScheduleDefinition;
  const iso = (ms: number) => new Date(ms).toISOString();

  beforeAll(async () => {
    if (!available) return;
    t = await startTestApp(name);
    for (const team of ['payments', 'search'])
      expect((await post('/teams', { name: team })).statusCode).toBe(201);
    for (const user of ['alice', 'bob', 'carol', 'dave', 'erin'])
      expect((await post('/users', { name: user, teams: ['payments'] })).statusCode).toBe(201);
    payEditor = await t.userWithToken('pat', 'editor', ['payments']);
    searchEditor = await t.userWithToken('sam', 'editor', ['search']);
    viewer = await t.userWithToken('vic', 'viewer', ['payments']);
  });
  afterAll(async () => {
    if (available) await t.close();
  });

  it.runIf(available)(
    'refuses a schedule naming a user that does not exist, with file, line and field',
    async () => {
      const r = await apply([
        {
          path: 'oncall/primary.yaml',
          content: PRIMARY.replace('[alice, bob, carol]', '[alice, zoe, carol]'),
        },
      ]);
      expect(r.statusCode).toBe(400);
      expect(r.json().code).toBe('INVALID_CONFIG');
      expect(r.json().errors).toEqual([
        expect.objectContaining({ path: '/spec/layers/0/users/1', file: 'oncall/primary.yaml', line: 11 }),
      ]);
      expect(r.json().errors[0].message).toMatch(/user 'zoe' does not exist/);
      // Declared in the same apply, the user may be new.
      const zoe = `apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata:\n  name: zoe\nspec:\n  memberOf: []\n`;
      const dry = await apply(
        [
          {
            path: 'oncall/primary.yaml',
            content: PRIMARY.replace('[alice, bob, carol]', '[alice, zoe, carol]'),
          },
          { path: 'users/zoe.yaml', content: zoe },
        ],
        t.admin,
        { dryRun: true },
      );
      expect(dry.statusCode, dry.body).toBe(200);
      expect(dry.json().items).toContainEqual(
        expect.objectContaining({
          action: 'create',
          kind: 'Schedule',
          ref: 'schedule:default/payments-primary',
        }),
      );
      expect(await rows()).toEqual([]);
      expect(await audit()).toEqual([]);
    },
  );

  it.runIf(available)('applies schedules for the owning team only, audited', async () => {
    const other = await apply([{ path: 'primary.yaml', content: PRIMARY }], searchEditor);
    expect(other.statusCode).toBe(403);
    expect(await rows()).toEqual([]);
    expect((await apply([{ path: 'primary.yaml', content: PRIMARY }], viewer)).statusCode).toBe(403);

    const r = await apply([{ path: 'primary.yaml', content: PRIMARY }], payEditor);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().summary).toMatchObject({ create: 1 });
    expect((await apply([{ path: 'search.yaml', content: SEARCH }], searchEditor)).statusCode).toBe(200);
    expect(await rows()).toEqual([{ name: 'payments-primary' }, { name: 'search' }]);

    const again = await apply([{ path: 'primary.yaml', content: PRIMARY }], payEditor);
    expect(again.json().summary).toMatchObject({ create: 0, update: 0, unchanged: 1 });
    const changed = await apply(
      [{ path: 'primary.yaml', content: PRIMARY.replace('"09:00"', '"10:00"') }],
      payEditor,
    );
    expect(changed.json().items).toEqual([
      expect.objectContaining({ action: 'update', changes: ['layers'] }),
    ]);
    expect((await apply([{ path: 'primary.yaml', content: PRIMARY }], payEditor)).statusCode).toBe(200);
    expect((await audit()).map((a) => [a.action, a.target_ref, a.actor_name])).toEqual([
      ['apply.create', 'schedule:default/payments-primary', 'pat'],
      ['apply.create', 'schedule:default/search', 'sam'],
      ['apply.update', 'schedule:default/payments-primary', 'pat'],
      ['apply.update', 'schedule:default/payments-primary', 'pat'],
    ]);
  });

  it.runIf(available)(
    'shows who is on call now and the next hand-off, as the core computes them',
    async () => {
      const primary = await definition('payments-primary');
      const before = Date.now();
      const list = await get('/schedules');
      const after = Date.now();
      expect(list.statusCode).toBe(200);
      const summaries = list.json() as ScheduleSummary[];
      expect(summaries.map((s) => [s.name, s.owner, s.timeZone, s.layers])).toEqual([
        ['payments-primary', 'payments', 'Europe/Berlin', ['daily', 'office-hours']],
        ['search', 'search', 'America/New_York', ['twelve-hours']],
      ]);
      const expected = onCallAt(primary, before).user;
      // Unless a hand-off fell between the two clock readings, the answer is the core's.
      if (onCallAt(primary, after).user === expected) expect(summaries[0]!.onCall.user).toBe(expected);
      expect(summaries[0]!.onCall.nextHandoff).not.toBeNull();
      expect(Date.parse(summaries[0]!.onCall.nextHandoff!.at)).toBeGreaterThan(before);

      const one = await get('/schedules/payments-primary');
      expect(one.statusCode).toBe(200);
      const detail = one.json() as ScheduleDetail;
      expect(detail.layers[1]).toEqual({
        name: 'office-hours',
        users: ['dave'],
        shiftLength: '1w',
        handoffTime: '09:00',
        start: '2024-03-04',
        end: null,
        timeZone: 'Europe/Berlin',
        restrictions: [
          { type: 'daily', days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '12:00', to: '13:00' },
        ],
      });
      expect(detail.feed).toEqual({ active: false, createdAt: null });
      expect((await get('/schedules/nope')).json().code).toBe('SCHEDULE_NOT_FOUND');
    },
  );

  it.runIf(available)(
    'gives the final schedule for a range across the spring change, and who is on call anywhere at a time',
    async () => {
      const r = await get(
        '/schedules/payments-primary/final?from=2024-03-29T08:00:00Z&to=2024-04-01T07:00:00Z',
      );
      expect(r.statusCode, r.body).toBe(200);
      const final = r.json() as FinalSchedule;
      expect(final.entries.map((e) => [e.start, e.user, e.layer])).toEqual([
        ['2024-03-29T08:00:00.000Z', 'bob', 'daily'], // Friday 09:00 CET: shift 28 of alice, bob, carol
        ['2024-03-29T11:00:00.000Z', 'dave', 'office-hours'], // 12:00–13:00 on weekdays
        ['2024-03-29T12:00:00.000Z', 'bob', 'daily'],
        ['2024-03-30T08:00:00.000Z', 'carol', 'daily'],
        ['2024-03-31T07:00:00.000Z', 'alice', 'daily'], // Sunday 09:00 CEST: carol's shift lasted 23 h
      ]);
      expect(final.entries.at(-1)!.end).toBe('2024-04-01T07:00:00.000Z');

      for (const [query, path] of [
        ['from=yesterday', 'querystring/from'],
        ['from=2024-03-29T08:00:00', 'querystring/from'], // no offset: which zone?
        ['from=2024-03-29T08:00:00Z&to=2024-03-29T08:00:00Z', 'querystring/to'],
        ['from=2024-01-01T00:00:00Z&to=2025-06-01T00:00:00Z', 'querystring/to'],
      ] as const) {
        const bad = await get(`/schedules/payments-primary/final?${query}`);
        expect(bad.statusCode, query).toBe(400);
        expect(bad.json().errors[0].path).toBe(path);
      }

      const oncall = await get('/oncall?at=2024-03-31T10:30:00Z');
      expect(oncall.statusCode).toBe(200);
      expect(
        (oncall.json() as OnCallEntry[]).map((o) => [o.schedule, o.user, o.since, o.nextHandoff]),
      ).toEqual([
        [
          'payments-primary',
          'alice',
          '2024-03-31T07:00:00.000Z',
          { at: '2024-04-01T07:00:00.000Z', user: 'bob' },
        ],
        // 12h from 08:00 New York: 2024-03-31 06:30 EDT is in the night shift that began 20:00 the day before.
        ['search', 'carol', '2024-03-31T00:00:00.000Z', { at: '2024-03-31T12:00:00.000Z', user: 'bob' }],
      ]);
      expect(await onCallFor(t.database.db, 'search', Date.parse('2024-03-31T12:00:00Z'))).toBe('bob');
    },
  );

  it.runIf(available)(
    'overrides: the owning team adds and removes them; overlaps, unknown users and outsiders are refused',
    async () => {
      const start = Math.ceil(Date.now() / H) * H + 2 * DAY;
      const body = { user: 'erin', start: iso(start), end: iso(start + 6 * H) };
      expect((await post('/schedules/payments-primary/overrides', body, searchEditor)).statusCode).toBe(403);
      expect((await post('/schedules/payments-primary/overrides', body, viewer)).statusCode).toBe(403);
      const unknown = await post(
        '/schedules/payments-primary/overrides',
        { ...body, user: 'zoe' },
        payEditor,
      );
      expect([unknown.statusCode, unknown.json().code, unknown.json().errors[0].path]).toEqual([
        400,
        'UNKNOWN_USER',
        '/user',
      ]);
      const past = await post(
        '/schedules/payments-primary/overrides',
        { ...body, start: iso(start - 9 * DAY), end: iso(start - 8 * DAY) },
        payEditor,
      );
      expect([past.statusCode, past.json().errors[0].path]).toEqual([400, '/end']);
      const backwards = await post(
        '/schedules/payments-primary/overrides',
        { ...body, end: body.start },
        payEditor,
      );
      expect(backwards.statusCode).toBe(400);
      expect(await overrideRows()).toEqual([]);

      const created = await post('/schedules/payments-primary/overrides', body, payEditor);
      expect(created.statusCode, created.body).toBe(201);
      const override = created.json();
      expect(override).toMatchObject({
        schedule: 'payments-primary',
        user: 'erin',
        start: body.start,
        end: body.end,
        createdBy: 'pat',
      });

      const overlap = await post(
        '/schedules/payments-primary/overrides',
        { user: 'bob', start: iso(start + 5 * H), end: iso(start + 8 * H) },
        payEditor,
      );
      expect([overlap.statusCode, overlap.json().code]).toEqual([409, 'OVERRIDE_OVERLAP']);
      expect(overlap.json().detail).toContain(override.id);
      expect(await overrideRows()).toHaveLength(1);
      // Touching is not overlapping.
      const next = await post(
        '/schedules/payments-primary/overrides',
        { user: 'bob', start: body.end, end: iso(start + 8 * H) },
        payEditor,
      );
      expect(next.statusCode).toBe(201);

      const final = (
        await get(`/schedules/payments-primary/final?from=${iso(start - H)}&to=${iso(start + 9 * H)}`)
      ).json() as FinalSchedule;
      const overridden = final.entries.filter((e) => e.source === 'override');
      expect(overridden.map((e) => [e.start, e.end, e.user, e.overrideId])).toEqual([
        [body.start, body.end, 'erin', override.id],
        [body.end, iso(start + 8 * H), 'bob', next.json().id],
      ]);
      expect((await get(`/oncall?at=${iso(start + H)}`)).json()[0].user).toBe('erin');
      const detail = (await get('/schedules/payments-primary')).json() as ScheduleDetail;
      expect(detail.overrides.map((o) => o.id)).toEqual([override.id, next.json().id]);
      expect((await get('/schedules/payments-primary/overrides')).json()).toHaveLength(2);

      expect(
        (await del(`/schedules/payments-primary/overrides/${override.id}`, searchEditor)).statusCode,
      ).toBe(403);
      expect((await del(`/schedules/search/overrides/${override.id}`)).statusCode).toBe(404);
      expect((await del(`/schedules/payments-primary/overrides/${override.id}`, payEditor)).statusCode).toBe(
        204,
      );
      expect((await del(`/schedules/payments-primary/overrides/${override.id}`, payEditor)).json().code).toBe(
        'OVERRIDE_NOT_FOUND',
      );
      expect((await get(`/oncall?at=${iso(start + H)}`)).json()[0].user).not.toBe('erin');
      const actions = (await audit()).filter((a) => a.action.startsWith('schedule.override'));
      expect(actions.map((a) => [a.action, a.actor_name, JSON.parse(a.detail).user])).toEqual([
        ['schedule.override.create', 'pat', 'erin'],
        ['schedule.override.create', 'pat', 'bob'],
        ['schedule.override.delete', 'pat', 'erin'],
      ]);
    },
  );

  it.runIf(available)('pruning a schedule deletes it with its overrides', async () => {
    expect(await overrideRows()).toHaveLength(1);
    const r = await apply([{ path: 'search.yaml', content: SEARCH }], t.admin, { prune: true });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().items).toContainEqual(
      expect.objectContaining({ action: 'delete', ref: 'schedule:default/payments-primary' }),
    );
    expect(await rows()).toEqual([{ name: 'search' }]);
    expect(await overrideRows()).toEqual([]);
    expect((await get('/schedules/payments-primary')).statusCode).toBe(404);
  });
});

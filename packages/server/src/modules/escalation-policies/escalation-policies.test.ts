import type { EscalationPolicyDetail, EscalationPolicySummary } from '@headroom/core/api/escalation-policy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test-support/app.js';
import { dropCreatedDatabases, supportedDatabases } from '../../test-support/databases.js';

afterAll(dropCreatedDatabases);

const H = 3_600_000;

const SCHEDULE = `apiVersion: headroom.dev/v1
kind: Schedule
metadata:
  name: payments-primary
spec:
  owner: payments
  timeZone: UTC
  layers:
    - name: daily
      users: [alice, bob]
      shiftLength: 1d
      handoffTime: "09:00"
      start: 2024-03-01
`;

const CHANNEL = `apiVersion: headroom.dev/v1
kind: NotificationChannel
metadata:
  name: payments-hook
spec:
  owner: payments
  type: webhook
  url: https://hooks.example.com/payments
`;

const POLICY = `apiVersion: headroom.dev/v1
kind: EscalationPolicy
metadata:
  name: payments-critical
spec:
  owner: payments
  description: Pages for checkout
  repeat: 1
  steps:
    - delay: 5m
      notify: [{ schedule: payments-primary }]
    - delay: 15m
      notify:
        - { user: carol }
        - { channel: payments-hook }
`;

describe.each(supportedDatabases())('escalation policies on $name', ({ name, available }) => {
  let t: TestApp;
  let payEditor: { authorization: string };
  let searchEditor: { authorization: string };
  const apply = (files: { path: string; content: string }[], headers = t.admin, extra: object = {}) =>
    t.app.inject({ method: 'POST', url: '/api/v1/apply', headers, payload: { files, ...extra } });
  const get = (url: string, headers = t.admin) =>
    t.app.inject({ method: 'GET', url: `/api/v1${url}`, headers });
  const post = (url: string, payload: object, headers = t.admin) =>
    t.app.inject({ method: 'POST', url: `/api/v1${url}`, headers, payload });
  const rows = () =>
    t.database.db.selectFrom('escalation_policies').select(['name', 'owner_ref']).orderBy('name').execute();
  const audit = () =>
    t.database.db
      .selectFrom('audit_log')
      .select(['action', 'target_ref', 'detail'])
      .where('target_kind', '=', 'escalation-policy')
      .orderBy('id')
      .execute();

  beforeAll(async () => {
    if (!available) return;
    t = await startTestApp(name);
    for (const team of ['payments', 'search'])
      expect((await post('/teams', { name: team })).statusCode).toBe(201);
    for (const user of ['alice', 'bob', 'carol', 'erin'])
      expect((await post('/users', { name: user, teams: ['payments'] })).statusCode).toBe(201);
    payEditor = await t.userWithToken('pat', 'editor', ['payments']);
    searchEditor = await t.userWithToken('sam', 'editor', ['search']);
    const r = await apply([
      { path: 'oncall/schedule.yaml', content: SCHEDULE },
      { path: 'channels/hook.yaml', content: CHANNEL },
    ]);
    expect(r.statusCode, r.body).toBe(200);
  });
  afterAll(async () => {
    if (available) await t.close();
  });

  it.runIf(available)(
    'refuses a policy naming a schedule that does not exist, with file, line and field',
    async () => {
      const r = await apply([
        {
          path: 'oncall/policy.yaml',
          content: POLICY.replace('schedule: payments-primary', 'schedule: nope'),
        },
      ]);
      expect(r.statusCode).toBe(400);
      expect(r.json().code).toBe('INVALID_CONFIG');
      expect(r.json().errors).toEqual([
        expect.objectContaining({
          path: '/spec/steps/0/notify/0/schedule',
          file: 'oncall/policy.yaml',
          line: 11,
        }),
      ]);
      expect(r.json().errors[0].message).toMatch(/schedule 'nope' does not exist/);
      // An unknown user is refused the same way, at its own field.
      const u = await apply([{ path: 'p.yaml', content: POLICY.replace('user: carol', 'user: zoe') }]);
      expect(u.statusCode).toBe(400);
      expect(u.json().errors).toEqual([
        expect.objectContaining({ path: '/spec/steps/1/notify/0/user', file: 'p.yaml', line: 14 }),
      ]);
      expect(await rows()).toEqual([]);
    },
  );

  it.runIf(available)('warns about a channel that does not exist, and dry-run writes nothing', async () => {
    const dry = await apply(
      [{ path: 'oncall/policy.yaml', content: POLICY.replace('channel: payments-hook', 'channel: nohook') }],
      t.admin,
      { dryRun: true },
    );
    expect(dry.statusCode, dry.body).toBe(200);
    expect(dry.json().items).toEqual([
      expect.objectContaining({
        action: 'create',
        kind: 'EscalationPolicy',
        ref: 'escalationpolicy:default/payments-critical',
      }),
    ]);
    expect(dry.json().warnings).toContainEqual(
      expect.objectContaining({ path: '/spec/steps/1/notify/1/channel', line: 15 }),
    );
    expect(await rows()).toEqual([]);
    expect(await audit()).toEqual([]);
  });

  it.runIf(available)('lets only editors of the owning team apply it, and audits the change', async () => {
    const forbidden = await apply([{ path: 'oncall/policy.yaml', content: POLICY }], searchEditor);
    expect(forbidden.statusCode).toBe(403);
    expect(await rows()).toEqual([]);

    const r = await apply([{ path: 'oncall/policy.yaml', content: POLICY }], payEditor);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().warnings).toEqual([]);
    expect(await rows()).toEqual([{ name: 'payments-critical', owner_ref: 'payments' }]);
    const again = await apply(
      [{ path: 'oncall/policy.yaml', content: POLICY.replace('15m', '30m') }],
      payEditor,
    );
    expect(again.json().items[0]).toMatchObject({ action: 'update', changes: ['steps'] });
    const entries = await audit();
    expect(entries.map((e) => e.action)).toEqual(['apply.create', 'apply.update']);
    expect(entries[0]!.target_ref).toBe('escalationpolicy:default/payments-critical');
  });

  it.runIf(available)(
    'lists policies and shows whom each step notifies now, with the on-call user',
    async () => {
      const list = await get('/escalation-policies');
      expect(list.statusCode).toBe(200);
      expect(list.json<EscalationPolicySummary[]>()).toEqual([
        {
          name: 'payments-critical',
          displayName: null,
          description: 'Pages for checkout',
          owner: 'payments',
          repeat: 1,
          steps: [
            { delay: '5m', delayMs: 300_000, notify: [{ schedule: 'payments-primary' }] },
            { delay: '30m', delayMs: 1_800_000, notify: [{ user: 'carol' }, { channel: 'payments-hook' }] },
          ],
        },
      ]);

      // An override makes erin on call now: show must follow the real schedule, overrides included.
      const now = Date.now();
      const o = await post('/schedules/payments-primary/overrides', {
        user: 'erin',
        start: new Date(now - H).toISOString(),
        end: new Date(now + 2 * H).toISOString(),
      });
      expect(o.statusCode, o.body).toBe(201);
      const show = await get('/escalation-policies/payments-critical');
      expect(show.statusCode, show.body).toBe(200);
      const d = show.json<EscalationPolicyDetail>();
      expect(d.steps[0]!.now.recipients).toEqual([{ user: 'erin', via: { schedule: 'payments-primary' } }]);
      expect(d.steps[0]!.now.explanation).toBe('Notifying erin (on call in payments-primary)');
      expect(d.steps[1]!.now.recipients).toEqual([
        { user: 'carol', via: { user: 'carol' } },
        { channel: 'payments-hook', via: { channel: 'payments-hook' } },
      ]);
      expect((await get('/escalation-policies/nope')).statusCode).toBe(404);
    },
  );

  it.runIf(available)(
    'refuses pruning a schedule a declared policy names, and prunes the policy',
    async () => {
      // Declares everything but the policy and the schedule: both are pruned; the policy is gone too.
      const keep = await apply([{ path: 'channels/hook.yaml', content: CHANNEL }], t.admin, {
        prune: true,
        dryRun: true,
      });
      expect(keep.statusCode, keep.body).toBe(200);
      expect(keep.json().items).toContainEqual(
        expect.objectContaining({ action: 'delete', ref: 'escalationpolicy:default/payments-critical' }),
      );
      // Keeping the policy but pruning its schedule refuses the apply, naming the field.
      const lose = await apply(
        [
          { path: 'channels/hook.yaml', content: CHANNEL },
          { path: 'oncall/policy.yaml', content: POLICY.replace('15m', '30m') },
        ],
        t.admin,
        { prune: true, dryRun: true },
      );
      expect(lose.statusCode).toBe(400);
      expect(lose.json().errors[0].message).toMatch(
        /schedule 'payments-primary' does not exist after this apply/,
      );

      const pruned = await apply(
        [
          { path: 'oncall/schedule.yaml', content: SCHEDULE },
          { path: 'channels/hook.yaml', content: CHANNEL },
        ],
        t.admin,
        { prune: true },
      );
      expect(pruned.statusCode, pruned.body).toBe(200);
      expect(await rows()).toEqual([]);
      expect((await audit()).at(-1)).toMatchObject({ action: 'apply.delete' });
    },
  );
});

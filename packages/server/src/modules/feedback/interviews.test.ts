/** Interview notes and the weekly interview cadence through the API, on both databases. */
import type { Interview, InterviewCadence } from '@headroom/core/api/feedback';
import { weekStart } from '@headroom/core/discovery/feedback-workflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test-support/app.js';
import { dropCreatedDatabases, supportedDatabases } from '../../test-support/databases.js';

afterAll(dropCreatedDatabases);

const DAY = 86_400_000;
const WEEK = 7 * DAY;
type Headers = { authorization: string };

describe.each(supportedDatabases())('interviews on $name', ({ name, available }) => {
  let t: TestApp;
  let sre: Headers;
  let viewer: Headers;
  let fb: string;
  const call = (method: 'GET' | 'POST' | 'PATCH', url: string, headers: Headers, payload?: object) =>
    t.app.inject({ method, url: `/api/v1${url}`, headers, ...(payload && { payload }) });
  const record = async (body: object) => {
    const r = await call('POST', '/interviews', sre, body);
    expect(r.statusCode, r.body).toBe(201);
    return r.json() as Interview;
  };
  // Mid-week this week, so "n weeks ago" lands in a known week whatever today is.
  const thisWeek = weekStart(Date.now());
  const at = (weeksAgo: number) =>
    new Date(Math.min(thisWeek - weeksAgo * WEEK + 2 * DAY, Date.now() - 60_000)).toISOString();

  beforeAll(async () => {
    if (!available) return;
    t = await startTestApp(name);
    for (const team of ['payments', 'search', 'growth', 'platform'])
      expect((await call('POST', '/teams', t.admin, { name: team })).statusCode).toBe(201);
    sre = await t.userWithToken('sre', 'editor', ['platform']);
    viewer = await t.userWithToken('vic', 'viewer', ['payments']);
    await t.userWithToken('dana', 'editor', ['platform']);
    fb = (await call('POST', '/feedback', viewer, { title: 'Too many dashboards' })).json().id;
  });
  afterAll(async () => {
    if (available) await t.close();
  });

  it.runIf(available)('records, shows, edits and lists interviews; bad input names the field', async () => {
    const iv = await record({
      team: 'payments',
      participants: ['Vic', 'Wen', 'Vic'],
      heldAt: at(0),
      summary: 'Checkout team on alert fatigue',
      notes: '- too many pages\n- runbooks stale',
      feedback: [fb.toLowerCase()],
      opportunities: ['OPP-7'],
    });
    expect(iv).toMatchObject({
      id: expect.stringMatching(/^INT-\d+$/),
      team: 'payments',
      interviewer: 'sre',
      participants: ['Vic', 'Wen'],
      feedback: [fb],
      opportunities: ['OPP-7'],
      createdBy: 'sre',
    });
    expect((await call('GET', `/feedback/${fb}`, viewer)).json().interviews).toEqual([iv.id]);

    for (const [body, path, code, status] of [
      [{ team: 'nobody', summary: 's' }, '/team', 'UNKNOWN_TEAM', 400],
      [{ team: 'payments', summary: 's', interviewer: 'ghost' }, '/interviewer', 'UNKNOWN_USER', 400],
      [{ team: 'payments', summary: 's', feedback: [fb, 'FB-9999'] }, '/feedback/1', 'UNKNOWN_FEEDBACK', 400],
      [
        { team: 'payments', summary: 's', heldAt: new Date(Date.now() + DAY).toISOString() },
        '/heldAt',
        'INVALID_INPUT',
        400,
      ],
      [{ team: 'payments' }, 'summary', 'INVALID_INPUT', 400],
    ] as const) {
      const r = await call('POST', '/interviews', sre, body);
      expect(r.statusCode, r.body).toBe(status);
      expect(r.json().code).toBe(code);
      expect(JSON.stringify(r.json())).toContain(path);
    }
    expect((await call('POST', '/interviews', viewer, { team: 'payments', summary: 's' })).statusCode).toBe(
      403,
    );
    expect((await call('GET', '/interviews', viewer)).json()).toHaveLength(1);

    const edited = await call('PATCH', `/interviews/${iv.id}`, sre, {
      interviewer: 'dana',
      feedback: [],
      opportunities: ['OPP-7', 'OPP-8'],
    });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json()).toMatchObject({
      interviewer: 'dana',
      feedback: [],
      opportunities: ['OPP-7', 'OPP-8'],
    });
    expect((await call('GET', `/interviews/${iv.id}`, viewer)).json().summary).toBe(
      'Checkout team on alert fatigue',
    );
    expect((await call('GET', '/interviews/INT-999', viewer)).statusCode).toBe(404);
    const actions = await t.database.db
      .selectFrom('audit_log')
      .select('action')
      .where('target_ref', '=', iv.id)
      .orderBy('at')
      .execute();
    expect(actions.map((a) => a.action)).toEqual(['interview.create', 'interview.update']);
  });

  it.runIf(available)(
    'counts the weekly habit: interviews and teams per week, and who was not heard',
    async () => {
      await record({ team: 'search', heldAt: at(0), summary: 'Search on SLO targets' });
      await record({ team: 'search', heldAt: at(1), summary: 'Search again' });
      await record({ team: 'payments', heldAt: at(3), summary: 'Payments on the gate', feedback: [fb] });
      await record({ team: 'growth', heldAt: at(10), summary: 'Long ago' });

      const r = await call('GET', '/interviews/cadence?weeks=4', viewer);
      expect(r.statusCode, r.body).toBe(200);
      const c = r.json() as InterviewCadence;
      expect(c.weeks.map((w) => [w.interviews, w.teams])).toEqual([
        [1, ['payments']],
        [0, []],
        [1, ['search']],
        [2, ['payments', 'search']], // this week: the first test's interview and one more
      ]);
      expect(c.weeks[3]!.weekStart).toBe(new Date(thisWeek).toISOString().slice(0, 10));
      expect(c.weeksWithInterviews).toBe(3);
      expect(c.notHeardFrom).toEqual(['growth', 'platform']);
      const eight = (await call('GET', '/interviews/cadence', viewer)).json() as InterviewCadence;
      expect(eight.weeks).toHaveLength(8);
      expect((await call('GET', '/interviews/cadence?weeks=0', viewer)).statusCode).toBe(400);

      const since = new Date(thisWeek - 2 * WEEK).toISOString();
      const recent = (
        await call('GET', `/interviews?since=${since}&team=search`, viewer)
      ).json() as Interview[];
      expect(recent.map((i) => i.summary)).toEqual(['Search on SLO targets', 'Search again']);
      expect(
        ((await call('GET', `/interviews?feedback=${fb}`, viewer)).json() as Interview[]).map(
          (i) => i.summary,
        ),
      ).toEqual(['Payments on the gate']);
      expect((await call('GET', '/interviews?limit=2', viewer)).json()).toHaveLength(2);
      const badSince = await call('GET', '/interviews?since=yesterday', viewer);
      expect(badSince.statusCode).toBe(400);
    },
  );
});

/**
 * The platform-as-a-product panel on both databases, over a small organisation built through the
 * API (catalog, apply, incidents, postmortem, deployment, survey) plus feedback and interview rows
 * as the feedback module stores them: every count checked against the fixture by hand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test-support/app.js';
import { dropCreatedDatabases, supportedDatabases } from '../../test-support/databases.js';

afterAll(dropCreatedDatabases);

const DAY = 86_400_000;

const CONFIG = `apiVersion: openslo/v1
kind: SLO
metadata: { name: checkout-availability }
spec:
  service: checkout
  budgetingMethod: Occurrences
  timeWindow: [{ duration: 28d, isRolling: true }]
  objectives: [{ target: 0.99 }]
  indicator:
    metadata: { name: checkout-ok }
    spec:
      ratioMetric:
        counter: true
        good: { metricSource: { type: headroom, spec: {} } }
        total: { metricSource: { type: headroom, spec: {} } }
---
apiVersion: headroom.dev/v1
kind: Schedule
metadata: { name: ops-primary }
spec:
  owner: ops
  timeZone: UTC
  layers:
    - { name: daily, users: [olga], shiftLength: 1d, handoffTime: "09:00", start: 2024-03-01 }
---
apiVersion: headroom.dev/v1
kind: EscalationPolicy
metadata: { name: ops-pages }
spec:
  owner: ops
  steps:
    - { delay: 5m, notify: [{ schedule: ops-primary }] }
---
apiVersion: headroom.dev/v1
kind: Route
metadata: { name: root }
spec: { root: true, groupWait: 0s, escalationPolicy: ops-pages }
---
apiVersion: headroom.dev/v1
kind: Route
metadata: { name: search }
spec:
  order: 1
  matchers: ['team="search"']
  escalationPolicy: ops-pages
`;

describe.each(supportedDatabases())('platform adoption on $name', ({ name, available }) => {
  let t: TestApp;
  type Method = 'GET' | 'POST' | 'PUT';
  const api = (method: Method, url: string, payload?: object, headers = t.admin) =>
    t.app.inject({ method, url: `/api/v1${url}`, headers, ...(payload && { payload }) });
  const ok = async (method: Method, url: string, payload?: object, headers = t.admin) => {
    const r = await api(method, url, payload, headers);
    expect(r.statusCode, `${method} ${url}: ${r.body}`).toBeLessThan(300);
    return r.json();
  };

  beforeAll(async () => {
    if (!available) return;
    t = await startTestApp(name);
    for (const team of ['payments', 'search', 'ops', 'data']) await ok('POST', '/teams', { name: team });
    for (const [service, owner] of [
      ['checkout', 'payments'],
      ['ledger', 'payments'],
      ['search-api', 'search'],
      ['pager', 'ops'],
      ['orphan', null],
    ] as const)
      await ok('POST', '/services', { name: service, ...(owner && { owner }) });
    await ok('POST', '/users', { name: 'olga', role: 'viewer', teams: ['ops'] });
    await ok('POST', '/apply', { files: [{ path: 'config.yaml', content: CONFIG }] });

    // An incident on checkout with a published postmortem, one on search-api without.
    const inc = await ok('POST', '/incidents', {
      title: 'Checkout down',
      severity: 'SEV2',
      services: ['checkout'],
    });
    await ok('PUT', `/incidents/${inc.id}/postmortem`, {
      sections: { summary: 'Checkout failed.', rootCauses: 'A bad config push.' },
    });
    await ok('POST', `/incidents/${inc.id}/postmortem/publish`);
    await ok('POST', '/incidents', { title: 'Search slow', severity: 'SEV3', services: ['search-api'] });
    await ok('POST', '/deployments', { service: 'ledger', version: '1.0.0', commit: 'abc123' });

    // Feedback and interviews as the feedback module writes them (this panel only reads them).
    const now = Date.now();
    const item = (seq: number, team: string, status: string) => ({
      id: `FB-${seq}`,
      seq,
      kind: 'pain-point',
      title: `item ${seq}`,
      body: '',
      services: '[]',
      capability: 'slos',
      team,
      author: 'olga',
      tags: '[]',
      board: null,
      page: null,
      status,
      duplicate_of: null,
      status_note: null,
      created_at: now,
      updated_at: now,
      closed_at: null,
    });
    await t.database.db
      .insertInto('feedback_items')
      .values([item(1, 'payments', 'open'), item(2, 'search', 'planned'), item(3, 'payments', 'done')])
      .execute();
    const interview = (seq: number, team: string, heldAt: number) => ({
      id: `INT-${seq}`,
      seq,
      team,
      interviewer: 'admin',
      participants: '[]',
      held_at: heldAt,
      summary: 's',
      notes: '',
      created_by: 'admin',
      created_at: now,
      updated_at: now,
    });
    await t.database.db
      .insertInto('interviews')
      .values([
        interview(1, 'payments', now - 3 * DAY),
        interview(2, 'search', now - 10 * DAY),
        interview(3, 'payments', now - 20 * DAY),
        interview(4, 'ops', now - 40 * DAY),
      ])
      .execute();

    // A survey round with three answers about on-call from ops.
    const people: { authorization: string }[] = [];
    for (const user of ['p1', 'p2', 'p3']) people.push(await t.userWithToken(user, 'viewer', ['ops']));
    await ok('POST', '/surveys', {
      name: 'pulse',
      title: 'Pulse',
      questions: { nps: true, csat: true },
      capabilities: ['on-call'],
      audience: { kind: 'teams', teams: ['ops'] },
    });
    await ok('POST', '/surveys/pulse/send');
    for (const [i, [nps, csat]] of [
      [10, 5],
      [9, 4],
      [4, 2],
    ].entries())
      await ok(
        'POST',
        '/surveys/pulse/responses',
        { answers: [{ capability: 'on-call', nps, csat }] },
        people[i],
      );
  });
  afterAll(async () => {
    if (!available) return;
    await t.close();
  });

  it.runIf(available)('counts adoption per capability as the fixture says', async () => {
    const panel = await ok('GET', '/platform/adoption');
    expect(panel).toMatchObject({ teams: 4, services: 5 });
    const row = (c: string) => panel.capabilities.find((x: { capability: string }) => x.capability === c);
    const counts = (c: string) => {
      const r = row(c);
      return [
        r.services === null ? null : `${r.services.adopted}/${r.services.total}`,
        `${r.teams.adopted}/${r.teams.total}`,
      ];
    };
    expect(counts('catalog')).toEqual(['4/5', '3/4']); // orphan has no owner; data owns nothing
    expect(counts('slos')).toEqual(['1/5', '1/4']); // checkout
    expect(counts('alerting')).toEqual(['1/5', '1/4']); // the route on team="search"
    expect(counts('on-call')).toEqual(['1/5', '1/4']); // ops: policy → schedule; its service pager
    expect(counts('incidents')).toEqual(['2/5', '2/4']); // checkout, search-api
    expect(counts('postmortems')).toEqual(['1/5', '1/4']); // checkout's was published
    expect(counts('release-gate')).toEqual(['1/5', '1/4']); // ledger's deployment
    expect(counts('discovery')).toEqual([null, '2/4']); // payments and search filed feedback
    expect(row('capacity')).toMatchObject({ available: true, services: { adopted: 0, total: 5 } });
    expect(row('slos').measure).toBe('Services with at least one SLO');

    expect(panel.feedback).toEqual({ open: 2, byStatus: { done: 1, open: 1, planned: 1 } });
    // Last 4 weeks: INT-1, INT-2, INT-3 from payments and search.
    expect(panel.interviews).toMatchObject({ count: 3, teams: 2 });
    // NPS (2 − 1) / 3 = 33.3; CSAT 2 of 3 → 66.7.
    expect(panel.satisfaction.trend).toEqual([
      expect.objectContaining({
        survey: 'SRV-1',
        round: 1,
        capability: 'on-call',
        respondents: 3,
        nps: 33.3,
        csat: 66.7,
      }),
    ]);
    expect(panel.satisfaction.formulas.nps).toContain('% promoters');

    const narrow = await ok('GET', '/platform/adoption?interviewWeeks=1');
    expect(narrow.interviews).toMatchObject({ count: 1, teams: 1 });
    expect((await api('GET', '/platform/adoption?interviewWeeks=0')).statusCode).toBe(400);
  });
});

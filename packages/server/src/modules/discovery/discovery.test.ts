/**
 * The opportunity-solution tree on both databases: applied as config, edited through the API,
 * evidence from real incidents (declared through the API, budget burnt by ingested SLI data) and
 * real pages (alerts in through the Alertmanager intake, routed, paged by the paging job at
 * chosen times), and the RICE backlog.
 */
import type { Backlog, Evidence, Opportunity, Outcome, Solution, Tree } from '@headroom/core/api/discovery';
import type { IncidentImpact } from '@headroom/core/api/incident';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test-support/app.js';
import { dropCreatedDatabases, supportedDatabases } from '../../test-support/databases.js';
import { runPipeline } from '../alert-groups/pipeline.js';
import { runPaging } from '../paging/job.js';
import { alert, DAY, EXTERNAL, lastAt, MIN, PAGING, TREE } from './test-fixtures.js';

afterAll(dropCreatedDatabases);

describe.each(supportedDatabases())('the opportunity-solution tree on $name', ({ name, available }) => {
  let t: TestApp;
  let viewer: { authorization: string };
  let editor: { authorization: string };
  const NOW = Date.now();
  const K = Math.floor(NOW / MIN);
  // Saturday 03:00 UTC (Saturday noon in Tokyo): outside working hours anywhere.
  const NIGHT = lastAt(NOW - 2 * DAY, 6, 3);
  // Tuesday 02:00 UTC = Tuesday 11:00 in Tokyo, the schedule's zone: inside (outside in UTC).
  const DAYTIME = lastAt(NOW - 2 * DAY, 2, 2);
  const incidents: Record<string, string> = {};
  const api = (
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    payload?: object,
    headers = t.admin,
  ) => t.app.inject({ method, url: `/api/v1${url}`, headers, ...(payload && { payload }) });
  const ok = async <T>(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    payload?: object,
    status = 200,
  ) => {
    const r = await api(method, url, payload);
    expect(r.statusCode, `${method} ${url}: ${r.body}`).toBe(status);
    return (r.body === '' ? null : r.json()) as T;
  };

  beforeAll(async () => {
    if (!available) return;
    t = await startTestApp(name);
    for (const team of ['payments', 'search-team', 'shop', 'web'])
      await ok('POST', '/teams', { name: team }, 201);
    for (const [svc, owner] of [
      ['checkout', 'payments'],
      ['search', 'search-team'],
      ['ledger', 'payments'],
    ])
      await ok('POST', '/services', { name: svc, owner }, 201);
    await ok('POST', '/users', { name: 'alice', email: 'alice@example.com' }, 201);
    await ok('POST', '/users', { name: 'ann', teams: ['web'] }, 201);
    viewer = await t.userWithToken('vic', 'viewer');
    editor = await t.userWithToken('eddie', 'editor');
    await ok('POST', '/apply', { files: [{ path: 'paging.yaml', content: PAGING }] });

    // Budget burn: 5 % bad against a 1 % budget for the last two hours.
    const ndjson = Array.from({ length: 120 }, (_, i) =>
      JSON.stringify({
        stream: 'checkout-availability',
        ts: (K - 120 + i) * MIN + 1_000,
        good: 950,
        total: 1000,
      }),
    ).join('\n');
    const ingested = await t.app.inject({
      method: 'POST',
      url: '/api/v1/ingest/events',
      headers: { ...t.admin, 'content-type': 'application/x-ndjson', 'idempotency-key': 'discovery-1' },
      payload: ndjson,
    });
    expect(ingested.statusCode, ingested.body).toBe(200);

    // Incidents through the API.
    const declare = async (key: string, body: object) => {
      incidents[key] = (await ok<{ id: string }>('POST', '/incidents', body, 201)).id;
    };
    const at = (ms: number) => new Date(ms).toISOString();
    await declare('burn', {
      title: 'Checkout errors',
      severity: 'SEV1',
      services: ['checkout'],
      impactStartedAt: at(NOW - 60 * MIN),
      declaredAt: at(NOW - 50 * MIN),
    });
    await ok('POST', `/incidents/${incidents.burn}/changes`, {
      type: 'status',
      status: 'resolved',
      at: at(NOW - 10 * MIN),
    });
    await declare('search', {
      title: 'Search slow',
      severity: 'SEV2',
      services: ['search'],
      declaredAt: at(NOW - 10 * DAY),
    });
    await declare('old', {
      title: 'Old checkout',
      severity: 'SEV3',
      services: ['checkout'],
      declaredAt: at(NOW - 60 * DAY),
    });
    await declare('cancelled', {
      title: 'False alarm',
      severity: 'SEV2',
      services: ['checkout'],
      declaredAt: at(NOW - 2 * DAY),
    });
    await ok('POST', `/incidents/${incidents.cancelled}/changes`, { type: 'status', status: 'cancelled' });
    await declare('ledger', {
      title: 'Ledger down',
      severity: 'SEV1',
      services: ['ledger'],
      declaredAt: at(NOW - 3 * DAY),
    });

    // Pages through the intake, the pipeline and the paging job, at the chosen times.
    const integration = await ok<{ secret: string }>(
      'POST',
      '/integrations',
      { type: 'alertmanager', name: 'am' },
      201,
    );
    // In time order, as the pipeline and the paging job run.
    const alarms = (
      [
        ['NightAlarm', NIGHT],
        ['DayAlarm', DAYTIME],
      ] as const
    ).toSorted((a, b) => a[1] - b[1]);
    for (const [alertname, when] of alarms) {
      const r = await t.app.inject({
        method: 'POST',
        url: '/api/v1/integrations/alertmanager',
        headers: { authorization: `Bearer ${integration.secret}`, 'content-type': 'application/json' },
        payload: alert(alertname, when - MIN),
      });
      expect(r.statusCode, r.body).toBe(200);
      await runPipeline(t.database.db, when, { externalUrl: EXTERNAL });
      await runPaging(t.database.db, when, { externalUrl: EXTERNAL });
    }
    const pages = await t.database.db
      .selectFrom('pages')
      .select('created_at')
      .orderBy('created_at')
      .execute();
    expect(pages.map((p) => Number(p.created_at)).sort()).toEqual([NIGHT, DAYTIME].sort());

    // The feedback module's tables, filled directly: this suite tests the side that reads them.
    const db = t.database.db;
    await db
      .insertInto('feedback_items')
      .values(
        [1, 2].map((seq) => ({
          id: `FB-${seq}`,
          seq,
          kind: 'pain-point',
          title: seq === 1 ? 'Search pages at night' : 'Unrelated',
          body: '',
          services: JSON.stringify(seq === 1 ? ['search'] : ['ledger']),
          capability: 'alerting',
          team: 'shop',
          author: 'ann',
          tags: '[]',
          board: null,
          page: null,
          status: 'open',
          duplicate_of: null,
          status_note: null,
          created_at: NOW,
          updated_at: NOW,
          closed_at: null,
        })),
      )
      .execute();
    await db
      .insertInto('feedback_votes')
      .values([
        { item_id: 'FB-1', voter: 'ann', pain: 4, created_at: NOW },
        { item_id: 'FB-1', voter: 'bob', pain: 2, created_at: NOW },
        { item_id: 'FB-1', voter: 'cy', pain: null, created_at: NOW },
      ])
      .execute();
    await db
      .insertInto('interviews')
      .values(
        [1, 2, 3].map((seq) => ({
          id: `INT-${seq}`,
          seq,
          team: 'web',
          interviewer: 'admin',
          participants: '[]',
          held_at: NOW - DAY,
          summary: 'On-call pain',
          notes: '',
          created_by: 'admin',
          created_at: NOW,
          updated_at: NOW,
        })),
      )
      .execute();
    // INT-1 is linked from the interview's side.
    await db
      .insertInto('interview_links')
      .values({ interview_id: 'INT-1', target_kind: 'opportunity', target_id: 'night-pages' })
      .execute();
  });
  afterAll(async () => {
    if (available) await t.close();
  });

  it.runIf(available)('refuses unknown references at their file, line and field', async () => {
    const r = await api('POST', '/apply', {
      files: [
        {
          path: 'tree.yaml',
          content: TREE.replace('feedback: [FB-1]', 'feedback: [FB-1, FB-99]').replace(
            'outcome: calmer-on-call\n  parent',
            'outcome: calmer\n  parent',
          ),
        },
        {
          path: 'more.yaml',
          content: `apiVersion: headroom.dev/v1
kind: AssumptionTest
metadata: { name: orphan }
spec:
  solution: no-such-solution
  assumption: x
  kind: viability
`,
        },
      ],
    });
    expect(r.statusCode, r.body).toBe(400);
    expect(r.json().code).toBe('INVALID_CONFIG');
    const errors = r.json().errors as { file: string; line: number; path: string; message: string }[];
    expect(errors.map((e) => [e.file, e.line, e.path])).toEqual([
      ['tree.yaml', 18, '/spec/feedback/1'],
      ['tree.yaml', 25, '/spec/outcome'],
      ['tree.yaml', 26, '/spec/parent'],
      ['more.yaml', 5, '/spec/solution'],
    ]);
    expect(errors[0]!.message).toContain('feedback item FB-99 does not exist');
    expect(errors[1]!.message).toContain("outcome 'calmer' does not exist");
    expect((await api('GET', '/discovery/outcomes')).json().items).toEqual([]);
  });

  it.runIf(available)('applies a tree, unchanged the second time; viewers may not', async () => {
    const files = [{ path: 'tree.yaml', content: TREE }];
    expect((await api('POST', '/apply', { files }, viewer)).statusCode).toBe(403);
    const first = await ok<{ summary: Record<string, number> }>('POST', '/apply', { files });
    expect(first.summary).toMatchObject({ create: 8 });
    const again = await ok<{ summary: Record<string, number> }>('POST', '/apply', { files });
    expect(again.summary).toMatchObject({ create: 0, update: 0, unchanged: 8 });
    const opp = await ok<Opportunity>('GET', '/discovery/opportunities/night-pages');
    expect(opp).toMatchObject({
      outcome: 'calmer-on-call',
      feedback: ['FB-1'],
      interviews: ['INT-1', 'INT-2'],
      managedBy: 'apply',
    });
    const audit = await ok<{ action: string; targetRef: string }[]>('GET', '/audit?targetKind=solution');
    expect(audit.map((a) => [a.action, a.targetRef])).toContainEqual([
      'apply.create',
      'solution:default/burn-rate-alerts',
    ]);
  });

  it.runIf(available)(
    'computes evidence from incidents, budget, pages, feedback and interviews',
    async () => {
      const e = await ok<Evidence>('GET', '/discovery/opportunities/night-pages/evidence');
      expect(e.services).toEqual(['checkout', 'search']);
      // SEV1 checkout and SEV2 search in 30 days; the SEV3 60 days ago in 90; not the cancelled or ledger one.
      expect(e.incidents.last30Days).toEqual({
        total: 2,
        bySeverity: { SEV1: 1, SEV2: 1, SEV3: 0, SEV4: 0 },
      });
      expect(e.incidents.last90Days.total).toBe(3);
      expect(e.incidents.ids).toEqual([incidents.burn, incidents.search, incidents.old]);
      // The budget equals what each incident's own impact says.
      const shares = await Promise.all(
        [incidents.burn, incidents.old].map(async (id) => {
          const impact = await ok<IncidentImpact>('GET', `/incidents/${id}/impact`);
          return impact.objectives.find((o) => o.slo === 'checkout-availability')?.fourWeeks.share ?? 0;
        }),
      );
      expect(shares[0]).toBeGreaterThan(1); // 5 × the budget rate for 50 minutes
      const objective = e.incidentBudgetConsumed.objectives.find((o) => o.slo === 'checkout-availability')!;
      expect(objective.fourWeekShare).toBeCloseTo(shares[0]! + shares[1]!, 9);
      expect(e.incidentBudgetConsumed.worstFourWeekShare).toBeCloseTo(objective.fourWeekShare, 9);
      // Night page outside working hours; the daytime one inside in Tokyo, the schedule's zone.
      expect(e.pages.last30Days).toEqual({ total: 2, outsideWorkingHours: 1 });
      expect(e.pages.defaultTimeZone).toBe('UTC');
      expect(e.teamsAffected).toEqual({
        count: 4,
        teams: ['payments', 'search-team', 'shop', 'web'],
        fromFeedback: ['shop', 'web'],
        fromServiceOwners: ['payments', 'search-team'],
      });
      expect(e.feedback).toEqual({ items: 1, ids: ['FB-1'], votes: 3, meanPain: 3 });
      expect(e.interviews).toEqual({ count: 2, ids: ['INT-1', 'INT-2'] });
    },
  );

  it.runIf(available)(
    'shows the nested tree with evidence, RICE scores and the outcome measure',
    async () => {
      const tree = await ok<Tree>('GET', '/discovery/tree?outcome=calmer-on-call');
      expect(tree.outcomes).toHaveLength(1);
      const outcome = tree.outcomes[0]!;
      // Pages in the last 28 days: 1 outside working hours ÷ 4 weeks.
      expect(outcome.current).toMatchObject({
        measure: 'offHoursPagesPerOnCallWeek',
        value: 0.25,
        met: true,
      });
      expect(outcome.opportunities.map((o) => o.name)).toEqual(['night-pages']);
      const night = outcome.opportunities[0]!;
      expect(night.evidence.teamsAffected.count).toBe(4);
      // 4 teams × 2 × 0.8 ÷ 2 = 3.2; 12 × 1 × 0.5 ÷ 3 = 2.
      expect(night.solutions.map((s) => [s.name, s.score?.score, s.score?.reachSource])).toEqual([
        ['burn-rate-alerts', 3.2, 'evidence'],
        ['follow-the-sun', 2, 'override'],
      ]);
      expect(night.solutions[0]!.assumptionTests.map((a) => a.name)).toEqual(['trust-burn-rates']);
      expect(night.children.map((c) => c.name)).toEqual(['noisy-search']);
      expect(night.children[0]!.evidence.teamsAffected.teams).toEqual(['search-team']);
      expect((await api('GET', '/discovery/tree?outcome=nope')).json().code).toBe('OUTCOME_NOT_FOUND');
    },
  );

  it.runIf(available)('ranks the backlog by RICE with reach sources', async () => {
    const b = await ok<Backlog>('GET', '/discovery/backlog');
    // search-dedupe: 1 team × 3 × 1 ÷ 0.5 = 6; then 3.2, 2; unscored last.
    expect(b.items.map((i) => [i.rank, i.solution, i.score?.score ?? null])).toEqual([
      [1, 'search-dedupe', 6],
      [2, 'burn-rate-alerts', 3.2],
      [3, 'follow-the-sun', 2],
      [4, 'quiet-hours', null],
    ]);
    expect(b.items[2]).toMatchObject({
      opportunity: 'night-pages',
      outcome: 'calmer-on-call',
      outcomeTitle: 'Calmer on-call',
      score: {
        reach: 12,
        reachSource: 'override',
        reachReason: 'on-call survey: 12 teams',
        impact: 1,
        confidence: 50,
        effort: 3,
      },
    });
    const building = await ok<Backlog>('GET', '/discovery/backlog?status=building&limit=5');
    expect(building.items.map((i) => i.solution)).toEqual(['burn-rate-alerts']);
    expect((await api('GET', '/discovery/backlog?status=done')).statusCode).toBe(400);
  });

  it.runIf(available)('edits the tree through the API, with clear errors and an audit trail', async () => {
    expect(
      (await api('POST', '/discovery/outcomes', { name: 'faster-fixes', title: 'Faster fixes' }, viewer))
        .statusCode,
    ).toBe(403);
    const created = await api(
      'POST',
      '/discovery/outcomes',
      {
        name: 'faster-fixes',
        title: 'Faster fixes',
        metric: { measure: 'incidentsPerMonth', target: 'incidents per month < 1' },
      },
      editor,
    );
    expect(created.statusCode, created.body).toBe(201);
    // 90 days: burn, search, old, ledger (not the cancelled one) = 4 ÷ 3.
    expect((created.json() as Outcome).current).toMatchObject({ value: 1.33, met: false });
    expect((await api('POST', '/discovery/outcomes', { name: 'faster-fixes', title: 'x' })).json().code).toBe(
      'OUTCOME_EXISTS',
    );

    const badParent = await api('POST', '/discovery/opportunities', {
      name: 'slow-triage',
      outcome: 'faster-fixes',
      parent: 'night-pages',
      title: 'Slow triage',
    });
    expect(badParent.statusCode).toBe(400);
    expect(badParent.json()).toMatchObject({ code: 'UNKNOWN_REFERENCE', errors: [{ path: '/parent' }] });
    const badLink = await api('POST', '/discovery/opportunities', {
      name: 'slow-triage',
      outcome: 'faster-fixes',
      title: 'Slow triage',
      feedback: ['FB-7'],
    });
    expect(badLink.json()).toMatchObject({ code: 'UNKNOWN_REFERENCE', errors: [{ path: '/feedback/0' }] });
    await ok(
      'POST',
      '/discovery/opportunities',
      { name: 'slow-triage', outcome: 'faster-fixes', title: 'Slow triage', services: ['ledger'] },
      201,
    );

    // Links: 201 new, 200 again, 404 unknown; unlink.
    expect((await api('POST', '/discovery/opportunities/slow-triage/links', { id: 'FB-2' })).statusCode).toBe(
      201,
    );
    expect((await api('POST', '/discovery/opportunities/slow-triage/links', { id: 'FB-2' })).statusCode).toBe(
      200,
    );
    expect(
      (await api('POST', '/discovery/opportunities/slow-triage/links', { id: 'INT-3' })).json(),
    ).toMatchObject({ interviews: ['INT-3'] });
    expect(
      (await api('POST', '/discovery/opportunities/slow-triage/links', { id: 'FB-404' })).json().code,
    ).toBe('FEEDBACK_NOT_FOUND');
    expect((await api('POST', '/discovery/opportunities/slow-triage/links', { id: 'nope' })).statusCode).toBe(
      400,
    );
    const linkedTo = async (id: string) =>
      (await api('GET', `/discovery/opportunities?linked=${id}`))
        .json()
        .items.map((o: { name: string }) => o.name);
    expect(await linkedTo('FB-2')).toEqual(['slow-triage']);
    expect(await linkedTo('INT-3')).toEqual(['slow-triage']);
    expect(await linkedTo('FB-404')).toEqual([]);
    expect((await api('DELETE', '/discovery/opportunities/slow-triage/links/INT-3')).statusCode).toBe(204);
    expect(await linkedTo('INT-3')).toEqual([]);
    expect((await api('DELETE', '/discovery/opportunities/slow-triage/links/INT-3')).json().code).toBe(
      'LINK_NOT_FOUND',
    );

    // RICE through the API: scales checked, reach override needs a reason.
    const badRice = await api('POST', '/discovery/solutions', {
      name: 'runbooks',
      opportunity: 'slow-triage',
      title: 'Runbooks',
      rice: { impact: 4, confidence: 80, effort: 1, reach: 3 },
    });
    expect(badRice.statusCode).toBe(400);
    expect(badRice.json().code).toBe('INVALID_RICE');
    expect(badRice.json().errors.map((e: { path: string }) => e.path)).toEqual([
      '/rice/impact',
      '/rice/reachReason',
    ]);
    await ok(
      'POST',
      '/discovery/solutions',
      { name: 'runbooks', opportunity: 'slow-triage', title: 'Runbooks' },
      201,
    );
    const scored = await ok<Solution>('PATCH', '/discovery/solutions/runbooks', {
      rice: { impact: 1, confidence: 100, effort: 0.25 },
      status: 'building',
    });
    expect(scored.rice).toEqual({ reach: null, reachReason: null, impact: 1, confidence: 100, effort: 0.25 });
    // slow-triage: ledger's owner payments + FB-2's team shop and author ann's team web = 3 teams → 3 × 1 × 1 ÷ 0.25 = 12.
    const b = await ok<Backlog>('GET', '/discovery/backlog?outcome=faster-fixes');
    expect(b.items.map((i) => [i.solution, i.score?.score])).toEqual([['runbooks', 12]]);

    await ok(
      'POST',
      '/discovery/assumption-tests',
      { name: 'runbooks-read', solution: 'runbooks', assumption: 'People read runbooks', kind: 'usability' },
      201,
    );
    expect(
      (
        await ok<{ status: string; result: string }>('PATCH', '/discovery/assumption-tests/runbooks-read', {
          status: 'failed',
          result: 'Nobody opened them',
        })
      ).status,
    ).toBe('failed');

    // Deleting what others hang under is refused; bottom-up works.
    expect((await api('DELETE', '/discovery/outcomes/faster-fixes')).json().code).toBe('HAS_DEPENDENTS');
    expect((await api('DELETE', '/discovery/solutions/runbooks')).json().code).toBe('HAS_DEPENDENTS');
    for (const url of [
      'assumption-tests/runbooks-read',
      'solutions/runbooks',
      'opportunities/slow-triage',
      'outcomes/faster-fixes',
    ])
      expect((await api('DELETE', `/discovery/${url}`, undefined, editor)).statusCode).toBe(204);
    expect((await api('GET', '/discovery/outcomes/faster-fixes')).statusCode).toBe(404);
    const audit = await ok<{ action: string; actor: string }[]>(
      'GET',
      '/audit?targetRef=solution:default/runbooks',
    );
    expect(audit.map((a) => `${a.action} by ${a.actor}`).sort()).toEqual([
      'create by admin',
      'delete by eddie',
      'update by admin',
    ]);
  });

  it.runIf(available)('moves a subtree with its root and refuses a cycle', async () => {
    await ok('POST', '/discovery/outcomes', { name: 'other', title: 'Other' }, 201);
    const cycle = await api('PATCH', '/discovery/opportunities/night-pages', { parent: 'noisy-search' });
    expect(cycle.json()).toMatchObject({ code: 'UNKNOWN_REFERENCE', errors: [{ path: '/parent' }] });
    await ok('PATCH', '/discovery/opportunities/night-pages', { outcome: 'other' });
    expect((await ok<Opportunity>('GET', '/discovery/opportunities/noisy-search')).outcome).toBe('other');
    await ok('PATCH', '/discovery/opportunities/night-pages', { outcome: 'calmer-on-call' });
    const list = await ok<{ items: Opportunity[] }>(
      'GET',
      '/discovery/opportunities?outcome=calmer-on-call&service=search',
    );
    expect(list.items.map((o) => o.name)).toEqual(['noisy-search']);
    await ok('DELETE', '/discovery/outcomes/other', undefined, 204);
  });

  it.runIf(available)('prunes the tree it applied, refusing to orphan API-made objects', async () => {
    await ok(
      'POST',
      '/discovery/solutions',
      { name: 'api-made', opportunity: 'noisy-search', title: 'Made in the UI' },
      201,
    );
    const outcomeOnly = TREE.split('---')[0]!;
    const files = [
      { path: 'paging.yaml', content: PAGING },
      { path: 'tree.yaml', content: outcomeOnly },
    ];
    const refused = await api('POST', '/apply', { files, prune: true });
    expect(refused.statusCode, refused.body).toBe(400);
    expect(refused.json().errors.map((e: { message: string }) => e.message)).toContain(
      "Pruning opportunity 'noisy-search' would leave solution 'api-made' without it; delete or move that first",
    );
    await ok('DELETE', '/discovery/solutions/api-made', undefined, 204);
    const pruned = await ok<{ summary: Record<string, number> }>('POST', '/apply', { files, prune: true });
    expect(pruned.summary).toMatchObject({ delete: 7, create: 0 });
    expect((await ok<{ items: unknown[] }>('GET', '/discovery/opportunities')).items).toEqual([]);
  });
});

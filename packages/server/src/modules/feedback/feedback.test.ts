/**
 * Feedback items through the API on both databases: filing with validation, listing with filters
 * and sorts, one vote per person, comments, edits by the author, the workflow's status moves,
 * merging duplicates (each voter counted once), boards, and the audit trail.
 */
import type { FeedbackItem, FeedbackSummary } from '@headroom/core/api/feedback';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test-support/app.js';
import { dropCreatedDatabases, supportedDatabases } from '../../test-support/databases.js';

afterAll(dropCreatedDatabases);

type Headers = { authorization: string };

describe.each(supportedDatabases())('feedback on $name', ({ name, available }) => {
  let t: TestApp;
  let alice: Headers; // viewer in payments: an internal user
  let bob: Headers; // viewer in payments and search
  let carol: Headers; // viewer, no team
  let sre: Headers; // editor in platform: the platform team
  const call = (
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    headers: Headers,
    payload?: object,
  ) => t.app.inject({ method, url: `/api/v1${url}`, headers, ...(payload && { payload }) });
  const file = async (headers: Headers, body: object) => {
    const r = await call('POST', '/feedback', headers, body);
    expect(r.statusCode, r.body).toBe(201);
    return r.json() as FeedbackItem;
  };
  const get = async (id: string) => (await call('GET', `/feedback/${id}`, t.admin)).json() as FeedbackItem;
  const list = async (query: string) => {
    const r = await call('GET', `/feedback${query}`, t.admin);
    expect(r.statusCode, r.body).toBe(200);
    return (r.json() as FeedbackSummary[]).map((i) => i.id);
  };
  const audit = async (target: string) =>
    (
      await t.database.db
        .selectFrom('audit_log')
        .select(['action', 'actor_name', 'detail'])
        .where('target_ref', '=', target)
        .orderBy('at')
        .orderBy('id')
        .execute()
    ).map((a) => a.action);

  beforeAll(async () => {
    if (!available) return;
    t = await startTestApp(name);
    for (const team of ['payments', 'search', 'platform'])
      expect((await call('POST', '/teams', t.admin, { name: team })).statusCode).toBe(201);
    for (const [service, owner] of [
      ['checkout', 'payments'],
      ['search-api', 'search'],
    ])
      expect((await call('POST', '/services', t.admin, { name: service, owner })).statusCode).toBe(201);
    alice = await t.userWithToken('alice', 'viewer', ['payments']);
    bob = await t.userWithToken('bob', 'viewer', ['payments', 'search']);
    carol = await t.userWithToken('carol', 'viewer');
    sre = await t.userWithToken('sre', 'editor', ['platform']);
  });
  afterAll(async () => {
    if (available) await t.close();
  });

  it.runIf(available)('files an item with defaults, and refuses bad input naming the field', async () => {
    const item = await file(alice, {
      title: 'Deploys to checkout are flaky',
      body: 'The gate says **no** at random.',
      services: ['checkout'],
      capability: 'release-gate',
      tags: ['ci', 'gate'],
      board: 'Release',
      page: '/services/checkout',
    });
    expect(item).toMatchObject({
      id: expect.stringMatching(/^FB-\d+$/),
      kind: 'pain-point',
      author: 'alice',
      team: 'payments', // alice's only team
      status: 'open',
      votes: 0,
      meanPain: null,
      services: ['checkout'],
      tags: ['ci', 'gate'],
      closedAt: null,
    });
    expect(item.history).toMatchObject([{ from: null, to: 'open', actor: 'alice' }]);
    // bob has two teams: no guess; carol has none.
    expect((await file(bob, { title: 'Two teams', kind: 'question' })).team).toBeNull();
    expect((await file(carol, { title: 'No team', kind: 'praise', team: 'search' })).team).toBe('search');

    const before = await list('?limit=1000');
    for (const [body, path, code] of [
      [{ title: 'x', services: ['checkout', 'nope'] }, '/services/1', 'UNKNOWN_SERVICE'],
      [{ title: 'x', team: 'nobody' }, '/team', 'UNKNOWN_TEAM'],
      [{ title: 'x', capability: 'coffee' }, '/capability', 'INVALID_INPUT'],
      [{ title: 'x', kind: 'rant' }, '/kind', 'INVALID_INPUT'],
      [{ title: '' }, '/title', 'INVALID_INPUT'],
      [{ title: 'x', pain: 3 }, '', 'INVALID_INPUT'],
    ] as const) {
      const r = await call('POST', '/feedback', alice, body);
      expect(r.statusCode, r.body).toBe(400);
      expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(r.json().code).toBe(code);
      if (path) expect(JSON.stringify(r.json().errors ?? r.json().detail)).toContain(path);
    }
    expect(await list('?limit=1000')).toEqual(before);
    expect(await audit(item.id)).toEqual(['feedback.create']);
  });

  it.runIf(available)('counts one vote per person; voting again updates pain (200)', async () => {
    const item = await file(alice, { title: 'Alert noise at night', services: ['search-api'] });
    const first = await call('POST', `/feedback/${item.id}/votes`, bob, { pain: 2 });
    expect(first.statusCode, first.body).toBe(201);
    const again = await call('POST', `/feedback/${item.id}/votes`, bob, { pain: 5 });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ votes: 1, meanPain: 5, voters: [{ voter: 'bob', pain: 5 }] });
    expect((await call('POST', `/feedback/${item.id}/votes`, carol, {})).statusCode).toBe(201);
    expect((await call('POST', `/feedback/${item.id}/votes`, alice, { pain: 4 })).statusCode).toBe(201);
    expect(await get(item.id)).toMatchObject({ votes: 3, meanPain: 4.5 });
    const bad = await call('POST', `/feedback/${item.id}/votes`, carol, { pain: 6 });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json())).toContain('/pain');
    expect((await get(item.id)).voters.find((v) => v.voter === 'carol')?.pain).toBeNull();

    const removed = await call('DELETE', `/feedback/${item.id}/votes`, carol);
    expect(removed.statusCode).toBe(200);
    expect(removed.json()).toMatchObject({ votes: 2 });
    const none = await call('DELETE', `/feedback/${item.id}/votes`, carol);
    expect(none.statusCode).toBe(404);
    expect(none.json().code).toBe('VOTE_NOT_FOUND');
    expect(await audit(item.id)).toEqual([
      'feedback.create',
      'feedback.vote',
      'feedback.vote',
      'feedback.vote',
      'feedback.vote',
      'feedback.unvote',
    ]);
    expect((await call('POST', '/feedback/FB-999999/votes', bob, {})).statusCode).toBe(404);
  });

  it.runIf(available)('comments, and edits by the author or an editor only', async () => {
    const item = await file(alice, { title: 'Typo in SLO page', board: 'UI' });
    const c = await call('POST', `/feedback/${item.id}/comments`, carol, { body: 'Me too' });
    expect(c.statusCode, c.body).toBe(201);
    expect((await call('POST', `/feedback/${item.id}/comments`, carol, { body: '' })).statusCode).toBe(400);
    expect((await get(item.id)).comments).toMatchObject([{ author: 'carol', body: 'Me too' }]);

    const denied = await call('PATCH', `/feedback/${item.id}`, carol, { title: 'Hijacked' });
    expect(denied.statusCode).toBe(403);
    const own = await call('PATCH', `/feedback/${item.id}`, alice, {
      title: 'Typo on the SLO page',
      tags: ['ui'],
    });
    expect(own.statusCode, own.body).toBe(200);
    expect(own.json()).toMatchObject({ title: 'Typo on the SLO page', tags: ['ui'] });
    const bySre = await call('PATCH', `/feedback/${item.id}`, sre, { capability: 'slos', kind: 'request' });
    expect(bySre.json()).toMatchObject({ capability: 'slos', kind: 'request', commentCount: 1 });
    const badTeam = await call('PATCH', `/feedback/${item.id}`, sre, { team: 'ghosts' });
    expect(badTeam.statusCode).toBe(400);
    expect(badTeam.json().code).toBe('UNKNOWN_TEAM');
    expect((await get(item.id)).team).toBe('payments');
    expect(await audit(item.id)).toEqual([
      'feedback.create',
      'feedback.comment',
      'feedback.update',
      'feedback.update',
    ]);
  });

  it.runIf(available)('moves through the workflow; refuses what it does not allow', async () => {
    const item = await file(alice, { title: 'Runbook links missing' });
    const move = (status: string, note?: string, who: Headers = sre) =>
      call('POST', `/feedback/${item.id}/status`, who, { status, ...(note !== undefined && { note }) });
    expect((await move('under-review', undefined, alice)).statusCode).toBe(403);
    expect((await move('under-review')).statusCode).toBe(200);
    const planned = await move('planned', 'Next sprint');
    expect(planned.json()).toMatchObject({ status: 'planned', statusNote: 'Next sprint' });
    const back = await move('open');
    expect(back.statusCode).toBe(400);
    expect(back.json()).toMatchObject({ code: 'INVALID_TRANSITION', errors: [{ path: '/status' }] });
    const noNote = await move('done');
    expect(noNote.json()).toMatchObject({ code: 'NOTE_REQUIRED', errors: [{ path: '/note' }] });
    expect((await move('duplicate')).json().code).toBe('USE_MERGE');
    const done = await move('done', 'Links are shown on every page now.');
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json().closedAt).not.toBeNull();
    const reopened = await move('open');
    expect(reopened.json()).toMatchObject({ status: 'open', closedAt: null });
    const h = (await get(item.id)).history.map((c) => [c.from, c.to]);
    expect(h).toEqual([
      [null, 'open'],
      ['open', 'under-review'],
      ['under-review', 'planned'],
      ['planned', 'done'],
      ['done', 'open'],
    ]);
    expect(await list('?status=open&q=RUNBOOK')).toContain(item.id);
    expect(await list('?status=planned')).not.toContain(item.id);
  });

  it.runIf(available)('merges a duplicate: every voter once with the higher pain, links follow', async () => {
    const kept = await file(alice, { title: 'Paging e-mails arrive late', capability: 'on-call' });
    const dup = await file(carol, { title: 'Pages are slow', capability: 'on-call' });
    await call('POST', `/feedback/${kept.id}/votes`, bob, { pain: 2 });
    await call('POST', `/feedback/${kept.id}/votes`, sre, {});
    await call('POST', `/feedback/${dup.id}/votes`, bob, { pain: 4 }); // on both: counted once, pain 4
    await call('POST', `/feedback/${dup.id}/votes`, alice, { pain: 3 });
    await call('POST', `/feedback/${dup.id}/comments`, bob, { body: 'Ten minutes late' });
    const iv = await call('POST', '/interviews', sre, {
      team: 'payments',
      summary: 'Pages late',
      feedback: [dup.id],
    });
    expect(iv.statusCode, iv.body).toBe(201);

    expect((await call('POST', `/feedback/${dup.id}/merge`, alice, { into: kept.id })).statusCode).toBe(403);
    const self = await call('POST', `/feedback/${dup.id}/merge`, sre, { into: dup.id });
    expect(self.json()).toMatchObject({ code: 'MERGE_INTO_ITSELF', errors: [{ path: '/into' }] });
    const unknown = await call('POST', `/feedback/${dup.id}/merge`, sre, { into: 'FB-424242' });
    expect(unknown.json()).toMatchObject({ code: 'UNKNOWN_FEEDBACK', errors: [{ path: '/into' }] });

    const merged = await call('POST', `/feedback/${dup.id}/merge`, sre, { into: kept.id });
    expect(merged.statusCode, merged.body).toBe(200);
    const k = merged.json() as FeedbackItem;
    expect(k.id).toBe(kept.id);
    expect(k.voters.map((v) => [v.voter, v.pain]).sort()).toEqual([
      ['alice', 3],
      ['bob', 4],
      ['carol', null], // the duplicate's author
      ['sre', null],
    ]);
    expect(k).toMatchObject({ votes: 4, meanPain: 3.5, duplicates: [{ id: dup.id, author: 'carol' }] });
    expect(k.interviews).toEqual([iv.json().id]);
    const d = await get(dup.id);
    expect(d).toMatchObject({ status: 'duplicate', duplicateOf: kept.id, votes: 0, commentCount: 1 });
    expect((await call('POST', `/feedback/${dup.id}/votes`, bob, {})).json().code).toBe(
      'FEEDBACK_IS_DUPLICATE',
    );
    const twice = await call('POST', `/feedback/${dup.id}/merge`, sre, { into: kept.id });
    expect(twice.json().code).toBe('ALREADY_DUPLICATE');
    expect(await list('?capability=on-call')).toEqual([kept.id]);
    expect(await list('?status=duplicate&capability=on-call')).toEqual([dup.id]);
    expect(await audit(dup.id)).toContain('feedback.merge');
  });

  it.runIf(available)('filters, sorts and counts boards', async () => {
    const a = await file(alice, {
      title: 'Board item alpha',
      board: 'Capacity',
      tags: ['forecast'],
      services: ['checkout'],
    });
    const b = await file(bob, {
      title: 'Board item bravo',
      board: 'Capacity',
      kind: 'request',
      services: ['search-api'],
    });
    const c = await file(carol, { title: 'Board item charlie', board: 'Capacity', tags: ['forecast_2'] });
    await call('POST', `/feedback/${b.id}/votes`, alice, { pain: 1 });
    await call('POST', `/feedback/${b.id}/votes`, carol, { pain: 1 });
    await call('POST', `/feedback/${c.id}/votes`, alice, { pain: 5 });
    await call('POST', `/feedback/${b.id}/status`, sre, { status: 'planned' });
    expect(await list('?board=Capacity&sort=votes')).toEqual([b.id, c.id, a.id]);
    expect(await list('?board=Capacity&sort=pain')).toEqual([c.id, b.id, a.id]);
    expect(await list('?board=Capacity')).toEqual([c.id, b.id, a.id]);
    expect(await list('?board=Capacity&tag=forecast')).toEqual([a.id]); // not forecast_2
    expect(await list('?board=Capacity&service=checkout')).toEqual([a.id]);
    expect(await list('?board=Capacity&kind=request')).toEqual([b.id]);
    expect(await list('?board=Capacity&team=search')).toEqual([]);
    expect(await list('?board=Capacity&author=carol')).toEqual([c.id]);
    expect(await list('?board=Capacity&voter=alice')).toEqual([c.id, b.id]);
    expect(await list('?board=Capacity&voter=carol')).toEqual([b.id]);
    expect(await list('?board=Capacity&voter=bob')).toEqual([]);
    expect(await list('?board=Capacity&q=BRAVO%20item')).toEqual([b.id]);
    expect(await list('?board=Capacity&q=100%25')).toEqual([]);
    expect(await list('?board=Capacity&limit=1')).toEqual([c.id]);
    expect((await call('GET', '/feedback?sort=loud', t.admin)).statusCode).toBe(400);
    const boards = (await call('GET', '/feedback/boards', carol)).json();
    expect(boards.find((x: { board: string }) => x.board === 'Capacity')).toEqual({
      board: 'Capacity',
      total: 3,
      byStatus: { open: 2, planned: 1 },
    });
  });
});

/** `headroom feedback …` against a real server. */
import type { FeedbackItem, FeedbackSummary } from '@headroom/core/api/feedback';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliServer, startCliServer } from '../test-support/cli.js';

describe('headroom feedback', () => {
  let s: CliServer;
  let alice: string;
  let bob: string;
  let sre: string;
  beforeAll(async () => {
    s = await startCliServer();
    const admin = { authorization: 'Bearer test-admin-token-0123456789abcdef' };
    const post = (url: string, payload: object) =>
      s.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: admin, payload });
    expect((await post('/teams', { name: 'payments' })).statusCode).toBe(201);
    expect((await post('/services', { name: 'checkout', owner: 'payments' })).statusCode).toBe(201);
    alice = await s.tokenFor('alice', 'viewer', ['payments']);
    bob = await s.tokenFor('bob', 'viewer');
    sre = await s.tokenFor('sre', 'editor');
  });
  afterAll(async () => {
    await s.close();
  });

  it('files, lists, votes, comments, moves to done and merges', async () => {
    const added = await s.cli(
      [
        'feedback',
        'add',
        'Gate blocks hotfixes',
        '--service',
        'checkout',
        '--capability',
        'release-gate',
        '--tag',
        'gate',
      ],
      { token: alice },
    );
    expect(added.code, added.stderr).toBe(0);
    const id = added.stdout.trim();
    expect(id).toMatch(/^FB-\d+$/);
    expect(added.stderr).toContain('You will get an e-mail when it is done or declined');

    const bad = await s.cli(['feedback', 'add', 'x', '--service', 'nope'], { token: alice });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/\/services\/0.*'nope' is not a catalog service/);
    expect((await s.cli(['feedback', 'add', 'x', '--kind', 'rant'])).code).toBe(2);

    const vote = await s.cli(['feedback', 'vote', id, '--pain', '4'], { token: bob });
    expect(vote.code, vote.stderr).toBe(0);
    expect(vote.stdout).toContain(`${id}: 1 vote, mean pain 4`);
    expect((await s.cli(['feedback', 'vote', id, '--pain', '2'], { token: bob })).stdout).toContain(
      '1 vote, mean pain 2',
    );
    expect((await s.cli(['feedback', 'vote', id, '--pain', '9'], { token: bob })).code).toBe(2);

    expect((await s.cli(['feedback', 'comment', id, 'Also on search'], { token: bob })).code).toBe(0);

    const list = await s.cli(['feedback', 'list', '--service', 'checkout', '--sort', 'votes']);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(
      new RegExp(
        `${id}\\s+open\\s+pain-point\\s+1\\s+2\\s+Gate blocks hotfixes\\s+checkout\\s+payments\\s+alice`,
      ),
    );
    const json = JSON.parse(
      (await s.cli(['feedback', 'list', '-q', 'HOTFIX', '-o', 'json'])).stdout,
    ) as FeedbackSummary[];
    expect(json.map((i) => i.id)).toEqual([id]);

    const viewerMove = await s.cli(['feedback', 'status', id, 'planned'], { token: bob });
    expect(viewerMove.code).toBe(1);
    const noNote = await s.cli(['feedback', 'status', id, 'done'], { token: sre });
    expect(noNote.code).toBe(1);
    expect(noNote.stderr).toContain('needs a note');
    const done = await s.cli(['feedback', 'status', id, 'done', '--note', 'p0-fix passes the gate now'], {
      token: sre,
    });
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toContain(`${id} is done.`);
    // Neither has an e-mail address: the CLI says so rather than claiming they were told.
    expect(done.stderr).toContain('E-mailed nobody.');
    expect(done.stderr).toContain('Could not tell alice: no e-mail address; set one on the user.');

    const shown = await s.cli(['feedback', 'show', id]);
    expect(shown.stdout).toMatch(/Status:\s+done/);
    expect(shown.stdout).toContain('p0-fix passes the gate now');
    expect(shown.stdout).toContain('bob at ');
    expect(shown.stdout).toContain('Also on search');

    const other = (await s.cli(['feedback', 'add', 'Hotfixes are blocked'], { token: bob })).stdout.trim();
    const kept = (
      await s.cli(['feedback', 'add', 'Gate too strict for hotfixes'], { token: alice })
    ).stdout.trim();
    await s.cli(['feedback', 'vote', kept], { token: bob });
    const merged = await s.cli(['feedback', 'merge', other, '--into', kept], { token: sre });
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stdout).toContain(`Merged ${other} into ${kept}: 1 vote now.`); // bob once (author and voter)
    const dup = JSON.parse((await s.cli(['feedback', 'show', other, '-o', 'json'])).stdout) as FeedbackItem;
    expect(dup).toMatchObject({ status: 'duplicate', duplicateOf: kept });

    const unvote = await s.cli(['feedback', 'vote', kept, '--remove'], { token: bob });
    expect(unvote.stdout).toContain(`${kept}: 0 votes`);
  });
});

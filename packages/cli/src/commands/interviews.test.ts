/** `headroom interviews …` against a real server. */
import type { Interview, InterviewCadence } from '@headroom/core/api/feedback';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliServer, startCliServer } from '../test-support/cli.js';

describe('headroom interviews', () => {
  let s: CliServer;
  let fb: string;
  beforeAll(async () => {
    s = await startCliServer();
    for (const name of ['payments', 'search'])
      expect(
        (
          await s.app.inject({
            method: 'POST',
            url: '/api/v1/teams',
            headers: { authorization: 'Bearer test-admin-token-0123456789abcdef' },
            payload: { name },
          })
        ).statusCode,
      ).toBe(201);
    fb = (await s.cli(['feedback', 'add', 'Too many dashboards'])).stdout.trim();
  });
  afterAll(async () => {
    await s.close();
  });

  it('adds, lists and shows the cadence', async () => {
    const added = await s.cli([
      'interviews',
      'add',
      '--team',
      'payments',
      '--summary',
      'Alert fatigue on checkout',
      '--participant',
      'Wen',
      '--feedback',
      fb,
      '--opportunity',
      'OPP-1',
      '--held-at',
      '-1h',
    ]);
    expect(added.code, added.stderr).toBe(0);
    const id = added.stdout.trim();
    expect(id).toMatch(/^INT-\d+$/);

    const bad = await s.cli(['interviews', 'add', '--team', 'ghosts', '--summary', 'x']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/\/team.*'ghosts' is not a catalog team/);
    expect((await s.cli(['interviews', 'add', '--team', 'payments'])).code).toBe(2);

    const list = await s.cli(['interviews', 'list', '--team', 'payments', '--since', '-2d']);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(
      new RegExp(`${id}\\s+\\S+\\s+payments\\s+admin\\s+Alert fatigue on checkout\\s+${fb}`),
    );
    const json = JSON.parse((await s.cli(['interviews', 'list', '-o', 'json'])).stdout) as Interview[];
    expect(json[0]).toMatchObject({ participants: ['Wen'], opportunities: ['OPP-1'] });
    expect((await s.cli(['interviews', 'list', '--team', 'search'])).stdout).toContain('no interviews');

    const cadence = await s.cli(['interviews', 'cadence', '--weeks', '4']);
    expect(cadence.code, cadence.stderr).toBe(0);
    expect(cadence.stdout).toContain('Not heard from: search');
    const c = JSON.parse((await s.cli(['interviews', 'cadence', '-o', 'json'])).stdout) as InterviewCadence;
    expect(c.weeks).toHaveLength(8);
    expect(c.weeks.reduce((n, w) => n + w.interviews, 0)).toBe(1);
    expect((await s.cli(['interviews', 'cadence', '--weeks', '0'])).code).toBe(2);
  });
});

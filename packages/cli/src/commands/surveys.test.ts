/** `headroom surveys …` and `headroom platform adoption` against a real server. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliServer, startCliServer } from '../test-support/cli.js';

describe('headroom surveys and platform', () => {
  let s: CliServer;
  const admin = { authorization: 'Bearer test-admin-token-0123456789abcdef' };
  const post = (url: string, payload: object, headers: Record<string, string> = admin) =>
    s.app.inject({ method: 'POST', url: `/api/v1${url}`, headers, payload });
  beforeAll(async () => {
    s = await startCliServer();
    expect((await post('/teams', { name: 'ops' })).statusCode).toBe(201);
    expect((await post('/services', { name: 'pager', owner: 'ops' })).statusCode).toBe(201);
  });
  afterAll(async () => {
    await s.close();
  });

  it('creates, sends, lists and shows results', async () => {
    const tokens: Record<string, string> = {};
    for (const user of ['ann', 'ben', 'cat']) tokens[user] = await s.tokenFor(user, 'viewer', ['ops']);

    const bad = await s.cli(['surveys', 'create', 'pulse', '--title', 'Pulse', '--capability', 'on-call']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('SURVEY_WITHOUT_QUESTIONS');
    const usage = await s.cli([
      'surveys',
      'create',
      'pulse',
      '--title',
      'P',
      '--capability',
      'on-call',
      '--nps',
      '--every',
      '0',
    ]);
    expect(usage.code).toBe(2);

    const created = await s.cli([
      'surveys',
      'create',
      'pulse',
      '--title',
      'On-call pulse',
      '--capability',
      'on-call',
      '--nps',
      '--csat',
      '--team',
      'ops',
    ]);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout.trim()).toBe('SRV-1');
    expect(created.stderr).toContain('headroom surveys send pulse');

    const sent = await s.cli(['surveys', 'send', 'pulse']);
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.stdout).toMatch(/Invited:\s+3/);
    expect(sent.stdout).toMatch(/No e-mail address \(answer in the UI\):\s+ann, ben, cat/);

    // Three answers in the UI: NPS 10, 9, 4 → (2 − 1) / 3 = 33.3; CSAT 5, 4, 2 → 66.7 %, mean 3.67.
    for (const [user, nps, csat] of [
      ['ann', 10, 5],
      ['ben', 9, 4],
      ['cat', 4, 2],
    ] as const) {
      const r = await post(
        '/surveys/pulse/responses',
        { answers: [{ capability: 'on-call', nps, csat }] },
        { authorization: `Bearer ${tokens[user]}` },
      );
      expect(r.statusCode, r.body).toBe(200);
    }

    const list = await s.cli(['surveys', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/SRV-1\s+pulse\s+on-call\s+ops\s+by hand\s+1\s+#1 .*100 %/);

    const results = await s.cli(['surveys', 'results', 'pulse']);
    expect(results.code, results.stderr).toBe(0);
    expect(results.stdout).toMatch(/#1\s+on-call\s+\(all\)\s+3\s+33\.3\s+66\.7 %\s+3\.67/);
    expect(results.stdout).toMatch(/ops\s+3\s+33\.3\s+66\.7 %\s+3\.67/);
    expect(results.stdout).toContain('NPS = % promoters');

    const json = await s.cli(['-o', 'json', 'surveys', 'results', 'SRV-1', '--capability', 'on-call']);
    expect(JSON.parse(json.stdout).rounds[0].capabilities[0].nps.score).toBe(33.3);

    const missing = await s.cli(['surveys', 'results', 'nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('SURVEY_NOT_FOUND');
  });

  it('shows the adoption panel', async () => {
    const r = await s.cli(['platform', 'adoption']);
    expect(r.code, r.stderr).toBe(0);
    // pager has an owner: catalog 1/1 services, 1/1 teams; no SLOs yet.
    expect(r.stdout).toMatch(/catalog\s+1\/1\s+1\/1/);
    expect(r.stdout).toMatch(/slos\s+0\/1\s+0\/1/);
    expect(r.stdout).toMatch(/SRV-1\s+1\s+.*on-call\s+3\s+33\.3\s+66\.7 %/);
    const json = JSON.parse((await s.cli(['-o', 'json', 'platform', 'adoption'])).stdout);
    expect(json.capabilities).toHaveLength(9);
  });
});

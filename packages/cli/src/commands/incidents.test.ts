import type { IncidentDetail, MttxReport } from '@headroom/core/api/incident';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliServer, startCliServer } from '../test-support/cli.js';

let server: CliServer;

beforeAll(async () => {
  server = await startCliServer();
  const team = await server.app.inject({
    method: 'POST',
    url: '/api/v1/teams',
    headers: server.admin,
    payload: { name: 'payments' },
  });
  expect(team.statusCode).toBe(201);
  const svc = await server.app.inject({
    method: 'POST',
    url: '/api/v1/services',
    headers: server.admin,
    payload: { name: 'checkout', owner: 'payments' },
  });
  expect(svc.statusCode).toBe(201);
});
afterAll(async () => {
  await server.close();
});

describe('headroom incident', () => {
  it('declares, lists, shows, moves status and reports MTTx', async () => {
    const declared = await server.cli([
      'incident',
      'declare',
      '--title',
      'Checkout errors',
      '--severity',
      'sev2',
      '--service',
      'checkout',
    ]);
    expect(declared.code, declared.stderr).toBe(0);
    const id = declared.stdout.trim();
    expect(id).toMatch(/^INC-\d+$/);
    expect(declared.stderr).toContain(`Declared SEV2 incident ${id}`);

    const list = await server.cli(['incident', 'list', '--status', 'open']);
    expect(list.code, list.stderr).toBe(0);
    const [head, row] = list.stdout.trimEnd().split('\n');
    expect(head).toMatch(/^ID\s+SEVERITY\s+STATUS\s+TITLE\s+SERVICES\s+DECLARED\s+COMMANDER$/);
    expect(row).toMatch(new RegExp(`^${id}\\s+SEV2\\s+triage\\s+Checkout errors\\s+checkout\\s`));

    for (const status of ['investigating', 'mitigated', 'resolved']) {
      const r = await server.cli(['incident', 'status', id, status, '--note', `now ${status}`]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.trim()).toBe(`${id} ${status}`);
    }
    // An invalid transition fails with the server's message and changes nothing.
    const bad = await server.cli(['incident', 'status', id, 'triage']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('cannot move from resolved to triage');
    // Closing a SEV2 needs a postmortem.
    const close = await server.cli(['incident', 'status', id, 'closed']);
    expect(close.code).not.toBe(0);
    expect(close.stderr).toContain('postmortem');

    const show = await server.cli(['incident', 'show', id]);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/^Status:\s+resolved \(next: closed, investigating\)$/m);
    expect(show.stdout).toMatch(/^Postmortem:\s+required \(not started\)$/m);
    expect(show.stdout).toMatch(/status\s+admin\s+Status mitigated → resolved: now resolved/);
    const json = JSON.parse(
      (await server.cli(['incident', 'show', id, '-o', 'json'])).stdout,
    ) as IncidentDetail;
    expect(json.timeline.map((e) => e.kind)).toEqual(['declared', 'status', 'status', 'status']);

    // A note written after the fact takes its place on the timeline; a future one is refused.
    const note = await server.cli(['incident', 'note', id, 'release 4.2 went out', '--at', '-2h']);
    expect(note.code, note.stderr).toBe(0);
    expect(note.stdout.trim()).toBe(`${id}: note added`);
    const withNote = JSON.parse(
      (await server.cli(['incident', 'show', id, '-o', 'json'])).stdout,
    ) as IncidentDetail;
    expect(withNote.timeline.map((e) => e.kind)).toEqual(['note', 'declared', 'status', 'status', 'status']);
    const future = await server.cli(['incident', 'note', id, 'later', '--at', '+1h']);
    expect(future.code).toBe(1);
    expect(future.stderr).toContain('/at');

    const mttx = await server.cli(['incident', 'mttx']);
    expect(mttx.code, mttx.stderr).toBe(0);
    expect(mttx.stdout).toMatch(/^Incidents declared .*: 1$/m);
    expect(mttx.stdout).toMatch(/^Mean time to acknowledge\s+\S/m);
    expect(mttx.stdout).toContain('Mean time to detect: From impact started to detected.');
    const report = JSON.parse((await server.cli(['incident', 'stats', '-o', 'json'])).stdout) as MttxReport;
    expect(report.overall.metrics.mttrDeclared.count).toBe(1);
    expect(report.byService.checkout?.incidents).toBe(1);

    const wrong = await server.cli(['incident', 'declare', '--title', 'x', '--severity', 'SEV9']);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain('SEV1, SEV2, SEV3, SEV4');
  });
});

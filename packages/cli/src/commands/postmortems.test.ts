import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ActionItem, IncidentDetail } from '@headroom/core/api/incident';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliServer, startCliServer } from '../test-support/cli.js';

let server: CliServer;
let dir: string;
const inject = (method: 'POST', url: string, payload: object) =>
  server.app.inject({ method, url: `/api/v1${url}`, headers: server.admin, payload });

beforeAll(async () => {
  server = await startCliServer();
  dir = await mkdtemp(join(tmpdir(), 'headroom-pm-'));
  expect((await inject('POST', '/teams', { name: 'payments' })).statusCode).toBe(201);
  expect((await inject('POST', '/services', { name: 'checkout', owner: 'payments' })).statusCode).toBe(201);
  await server.userWithToken('alice', 'editor', ['payments']);
  const applied = await inject('POST', '/apply', {
    files: [
      {
        path: 'channel.yaml',
        content: `apiVersion: headroom.dev/v1
kind: NotificationChannel
metadata: { name: status-page }
spec: { type: webhook, url: https://hooks.example.com/status, secret: whsec_test }
`,
      },
    ],
  });
  expect(applied.statusCode, applied.body).toBe(200);
});
afterAll(async () => {
  await server.close();
});

describe('headroom postmortem, action-items, incident subscribe/stats', () => {
  it('runs an incident from declaration to a published postmortem and close', async () => {
    const declared = await server.cli([
      'incident',
      'declare',
      '--title',
      'Checkout errors',
      '--severity',
      'SEV2',
      '--service',
      'checkout',
      '--summary',
      'Checkout failed for 20 minutes.',
    ]);
    expect(declared.code, declared.stderr).toBe(0);
    const id = declared.stdout.trim();

    const sub = await server.cli(['incident', 'subscribe', id, '--channel', 'status-page']);
    expect(sub.code, sub.stderr).toBe(0);
    expect(sub.stdout.trim()).toBe(`${id} subscribers: status-page`);
    const badSub = await server.cli(['incident', 'subscribe', id, '--channel', 'nope']);
    expect(badSub.code).toBe(1);
    expect(badSub.stderr).toContain("'nope' is not a notification channel");
    const both = await server.cli(['incident', 'subscribe', id, '--channel', 'status-page', '--me']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('exactly one of --channel, --me and --user');
    const noEmail = await server.cli(['incident', 'subscribe', id, '--me']);
    expect(noEmail.code).toBe(1);
    expect(noEmail.stderr).toContain('NO_EMAIL');
    expect((await server.cli(['users', 'update', 'admin', '--email', 'admin@example.com'])).code).toBe(0);
    const me = await server.cli(['incident', 'subscribe', id, '--me']);
    expect(me.code, me.stderr).toBe(0);
    expect(me.stdout.trim()).toBe(`${id} subscribers: mailto:admin@example.com, status-page`);
    const off = await server.cli(['incident', 'unsubscribe', id, '--channel', 'mailto:admin@example.com']);
    expect(off.stdout.trim()).toBe(`${id} subscribers: status-page`);
    const update = await server.cli(['incident', 'update', id, 'Rolling back release 42.']);
    expect(update.code, update.stderr).toBe(0);
    expect(update.stdout.trim()).toBe(`${id}: update posted to status-page`);
    const queued = await server.database.db
      .selectFrom('notifications')
      .select('idempotency_key')
      .where('channel', '=', 'status-page')
      .execute();
    expect(queued).toHaveLength(1);
    expect(queued[0]!.idempotency_key).toMatch(new RegExp(`^incident:${id}:update:.+:status-page$`));

    for (const s of ['mitigated', 'resolved'])
      expect((await server.cli(['incident', 'status', id, s])).code).toBe(0);

    // The draft, exported as Markdown, is prefilled from the incident.
    const file = join(dir, `${id}.md`);
    const exported = await server.cli(['postmortem', 'export', id, '-f', file]);
    expect(exported.code, exported.stderr).toBe(0);
    const draft = await readFile(file, 'utf8');
    expect(draft).toContain('# Postmortem: Checkout errors');
    expect(draft).toContain('Checkout failed for 20 minutes.');
    expect(draft).toContain('Rolling back release 42.');

    // Publishing needs the root causes.
    const early = await server.cli(['postmortem', 'publish', id]);
    expect(early.code).toBe(1);
    expect(early.stderr).toContain('/sections/rootCauses');

    const edited = draft.replace(
      '## Root causes and contributing factors\n\n_Not written._',
      '## Root causes and contributing factors\n\nA connection pool too small for retries.',
    );
    await writeFile(file, edited);
    const edit = await server.cli(['postmortem', 'edit', id, '--file', file, '--status', 'in-review']);
    expect(edit.code, edit.stderr).toBe(0);
    expect(edit.stdout.trim()).toBe(`${id} postmortem in-review`);
    const shown = await server.cli(['postmortem', 'show', id]);
    expect(shown.stdout).toContain('A connection pool too small for retries.');

    // Action items: an unknown owner and a bad priority are refused by the server.
    const unknown = await server.cli([
      'action-items',
      'add',
      id,
      '--title',
      'Size the pool',
      '--owner',
      'nobody',
      '--priority',
      'P1',
    ]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('/owner');
    const badPriority = await server.cli([
      'action-items',
      'add',
      id,
      '--title',
      'Size the pool',
      '--owner',
      'alice',
      '--priority',
      'P7',
    ]);
    expect(badPriority.code).toBe(1);
    expect(badPriority.stderr).toContain('priority');
    const added = await server.cli([
      'action-items',
      'add',
      id,
      '--title',
      'Size the pool',
      '--owner',
      'alice',
      '--priority',
      'p1',
      '--due',
      '2020-02-01',
    ]);
    expect(added.code, added.stderr).toBe(0);
    const itemId = added.stdout.trim();
    expect(itemId).toMatch(/^AI-\d+$/);
    const overdue = await server.cli(['action-items', 'list', '--team', 'payments', '--overdue']);
    expect(overdue.code, overdue.stderr).toBe(0);
    expect(overdue.stdout).toMatch(
      new RegExp(`^${itemId}\\s+P1\\s+open\\s+2020-02-01 \\(overdue\\)\\s+alice\\s+payments\\s+${id}`, 'm'),
    );
    const done = await server.cli(['action-items', 'update', itemId, '--status', 'done']);
    expect(done.stdout.trim()).toBe(`${itemId} done`);
    const none = JSON.parse(
      (await server.cli(['action-items', 'list', '--overdue', '-o', 'json'])).stdout,
    ) as ActionItem[];
    expect(none).toEqual([]);

    expect((await server.cli(['incident', 'status', id, 'closed'])).code).toBe(1);
    const published = await server.cli(['postmortem', 'publish', id]);
    expect(published.code, published.stderr).toBe(0);
    expect(published.stdout).toMatch(new RegExp(`^${id} postmortem published \\d{4}-`));
    const closed = await server.cli(['incident', 'status', id, 'closed']);
    expect(closed.code, closed.stderr).toBe(0);
    expect(closed.stdout.trim()).toBe(`${id} closed`);

    const final = await readFile(file, 'utf8');
    expect(final).toContain('A connection pool too small'); // the file was sent, not changed
    const md = await server.cli(['postmortem', 'export', id]);
    expect(md.stdout).toMatch(/\| P1 \| Size the pool \| alice \| 2020-02-01 \| done \|/);
    const show = await server.cli(['incident', 'show', id]);
    expect(show.stdout).toContain('Status updates go to: status-page');
    expect(show.stdout).toMatch(/^Error budget consumed .* – .*:$/m);
    expect(show.stdout).toContain('no SLOs on the impacted services');
    const json = JSON.parse(
      (await server.cli(['incident', 'show', id, '-o', 'json'])).stdout,
    ) as IncidentDetail;
    expect(json.postmortem.status).toBe('published');
    expect(json.subscribers).toEqual(['status-page']);
  });

  it('prints MTTA, MTTD and MTTR with their clocks; mttx stays an alias', async () => {
    const stats = await server.cli([
      'incident',
      'stats',
      '--since',
      '-1d',
      '--until',
      'now',
      '--team',
      'payments',
    ]);
    expect(stats.code, stats.stderr).toBe(0);
    expect(stats.stdout).toMatch(/^Incidents declared .*: 1$/m);
    expect(stats.stdout).toMatch(/^Mean time to acknowledge\s+\S/m);
    expect(stats.stdout).toContain(
      'Mean time to detect: From impact started to detected. (clock: impactStartedAt → detectedAt)',
    );
    expect(stats.stdout).toContain('(clock: impactStartedAt → resolvedAt)');
    const other = await server.cli(['incident', 'mttx', '--since', '-1d', '--team', 'nobody']);
    expect(other.code, other.stderr).toBe(0);
    expect(other.stdout).toMatch(/^Incidents declared .*: 0$/m);
  });
});

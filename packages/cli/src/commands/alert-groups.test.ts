import { runPipeline } from '@headroom/server/modules/alert-groups/pipeline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliServer, startCliServer } from '../test-support/cli.js';

let server: CliServer;

beforeAll(async () => {
  server = await startCliServer();
  const files = [
    {
      path: 'alerting.yaml',
      content: `apiVersion: headroom.dev/v1
kind: NotificationChannel
metadata: { name: oncall }
spec: { type: webhook, url: https://hooks.example.com/headroom }
---
apiVersion: headroom.dev/v1
kind: Route
metadata: { name: root }
spec: { root: true, receiver: oncall, groupBy: [alertname] }
`,
    },
  ];
  const applied = await server.app.inject({
    method: 'POST',
    url: '/api/v1/apply',
    headers: server.admin,
    payload: { files },
  });
  expect(applied.statusCode, applied.body).toBe(200);
});
afterAll(async () => {
  await server.close();
});

describe('headroom alert-groups', () => {
  it('says when nothing is grouped, then lists a group and explains its next notification', async () => {
    const empty = await server.cli(['alert-groups', 'list']);
    expect(empty.code).toBe(0);
    expect(empty.stdout).toContain('no alert groups');

    const created = await server.app.inject({
      method: 'POST',
      url: '/api/v1/integrations',
      headers: server.admin,
      payload: { type: 'generic', name: 'cron-checks' },
    });
    const token = (created.json() as { secret: string }).secret;
    const sent = await server.app.inject({
      method: 'POST',
      url: '/api/v1/integrations/generic',
      headers: { authorization: `Bearer ${token}` },
      payload: {
        alerts: [
          { labels: { alertname: 'BackupLate', severity: 'warning' }, summary: 'The nightly backup is late' },
        ],
      },
    });
    expect(sent.statusCode, sent.body).toBeLessThan(300);
    const now = Date.now();
    await runPipeline(server.database.db, now, { externalUrl: server.url });

    const list = await server.cli(['alert-groups', 'list', '-o', 'json']);
    const groups = JSON.parse(list.stdout) as { id: string; receiver: string; groupLabels: object }[];
    expect(groups.map((g) => [g.receiver, g.groupLabels])).toEqual([['oncall', { alertname: 'BackupLate' }]]);
    const show = await server.cli(['alert-groups', 'show', groups[0]!.id]);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('→ oncall  (alertname=BackupLate)');
    expect(show.stdout).toMatch(/Next notification at .* because group_wait 30s/);
    expect(show.stdout).toContain('alertname=BackupLate, severity=warning');
  });
});

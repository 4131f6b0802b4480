import { runPipeline } from '@headroom/server/modules/alert-groups/pipeline';
import { runPaging } from '@headroom/server/modules/paging/job';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliServer, startCliServer } from '../test-support/cli.js';

let server: CliServer;

beforeAll(async () => {
  server = await startCliServer();
  const user = await server.app.inject({
    method: 'POST',
    url: '/api/v1/users',
    headers: server.admin,
    payload: { name: 'alice', role: 'viewer', email: 'alice@example.com' },
  });
  expect(user.statusCode, user.body).toBe(201);
  const content = `apiVersion: headroom.dev/v1
kind: EscalationPolicy
metadata: { name: ops-pages }
spec:
  steps:
    - delay: 5m
      notify: [{ user: alice }]
    - delay: 5m
      notify: [{ user: admin }]
---
apiVersion: headroom.dev/v1
kind: Route
metadata: { name: root }
spec: { root: true, escalationPolicy: ops-pages, groupBy: [alertname], groupWait: 0s }
`;
  const applied = await server.app.inject({
    method: 'POST',
    url: '/api/v1/apply',
    headers: server.admin,
    payload: { files: [{ path: 'paging.yaml', content }] },
  });
  expect(applied.statusCode, applied.body).toBe(200);
});
afterAll(async () => {
  await server.close();
});

describe('headroom ack', () => {
  it('acknowledges a page once, and alert-groups show prints the page and its log', async () => {
    const created = await server.app.inject({
      method: 'POST',
      url: '/api/v1/integrations',
      headers: server.admin,
      payload: { type: 'generic', name: 'checks' },
    });
    const token = (created.json() as { secret: string }).secret;
    const sent = await server.app.inject({
      method: 'POST',
      url: '/api/v1/integrations/generic',
      headers: { authorization: `Bearer ${token}` },
      payload: {
        alerts: [{ labels: { alertname: 'DiskFull', severity: 'critical' }, summary: 'Disk full' }],
      },
    });
    expect(sent.statusCode, sent.body).toBeLessThan(300);
    const now = Date.now();
    expect(await runPipeline(server.database.db, now, { externalUrl: server.url })).toMatchObject({
      paged: 1,
    });
    expect(await runPaging(server.database.db, now, { externalUrl: server.url })).toMatchObject({
      notified: 1,
    });
    const groups = JSON.parse((await server.cli(['alert-groups', 'list', '-o', 'json'])).stdout) as {
      id: string;
    }[];
    const id = groups[0]!.id;

    const ack = await server.cli(['ack', id]);
    expect(ack.code, ack.stderr).toBe(0);
    expect(ack.stdout).toMatch(
      /Acknowledged the page of alert group .* \(policy ops-pages, 1 step notified\) as admin/,
    );
    const again = await server.cli(['ack', id]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/acknowledged already by admin \(cli\)/);

    const show = await server.cli(['alert-groups', 'show', id]);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toContain('pages ops-pages');
    expect(show.stdout).toContain('Page: policy ops-pages, acknowledged by admin (cli)');
    expect(show.stdout).toMatch(/page-started\s+Paging with escalation policy 'ops-pages'/);
    expect(show.stdout).toMatch(/step-notified\s+Step 1 of 2 .*Reached alice/);
    expect(show.stdout).toMatch(/acknowledged\s+Acknowledged by admin \(cli\)/);
  });
});

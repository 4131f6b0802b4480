import type { Alert, AlertWithEvents } from '@headroom/core/api/alert';
import type { Integration, IntegrationCreated } from '@headroom/core/api/integration';
import { loadYamlFiles } from '@headroom/core/config/yaml-loader';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliServer, startCliServer } from '../test-support/cli.js';

let server: CliServer;

beforeAll(async () => {
  server = await startCliServer();
});
afterAll(() => server.close());

const webhook = (status: 'firing' | 'resolved', instance: string) => ({
  version: '4',
  status,
  receiver: 'headroom',
  groupKey: '{}:{}',
  alerts: [
    {
      status,
      labels: { alertname: 'InstanceDown', instance, severity: 'critical' },
      annotations: { summary: `${instance} down` },
      startsAt: '2026-03-01T12:00:00Z',
      endsAt: status === 'resolved' ? '2026-03-01T12:30:00Z' : '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus:9090/graph',
    },
  ],
});

describe('headroom integrations', () => {
  it('creates an Alertmanager integration and prints a receiver whose token works', async () => {
    const r = await server.cli([
      'integrations',
      'create',
      '--type',
      'alertmanager',
      '--name',
      'prometheus-prod',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Created alertmanager integration "prometheus-prod" \(id .+\)\.$/m);
    expect(r.stderr).toMatch(/^warning: this is the only time the secret is shown/m);
    // The snippet is valid alertmanager.yml with the token as bearer credentials.
    const yaml = r.stdout.slice(r.stdout.indexOf('receivers:'));
    const loaded = loadYamlFiles([{ path: 'alertmanager.yml', content: yaml }]);
    expect(loaded.problems).toEqual([]);
    const config = loaded.documents[0]!.value as {
      receivers: {
        name: string;
        webhook_configs: {
          url: string;
          send_resolved: boolean;
          http_config: { authorization: { type: string; credentials: string } };
        }[];
      }[];
    };
    const hook = config.receivers[0]!.webhook_configs[0]!;
    expect(hook.url).toBe(`${server.url}/api/v1/integrations/alertmanager`);
    expect(hook.send_resolved).toBe(true);
    expect(hook.http_config.authorization.type).toBe('Bearer');
    const token = hook.http_config.authorization.credentials;
    expect(token).toMatch(/^hri_/);
    const sent = await fetch(hook.url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(webhook('firing', 'db-1')),
    });
    expect(sent.status).toBe(200);
  });

  it('prints the routing key and URL for PagerDuty, and JSON with -o json', async () => {
    const r = await server.cli(['integrations', 'create', '--type', 'pagerduty', '--name', 'datadog']);
    expect(r.code).toBe(0);
    const key = /^ {2}([0-9a-f]{32})$/m.exec(r.stdout)?.[1];
    expect(key).toBeDefined();
    expect(r.stdout).toContain(`  ${server.url}/v2/enqueue`);
    const json = await server.cli([
      'integrations',
      'create',
      '--type',
      'generic',
      '--name',
      'cron-checks',
      '--resolve-timeout-minutes',
      '0',
      '-o',
      'json',
    ]);
    const created = JSON.parse(json.stdout) as IntegrationCreated;
    expect(created.integration).toMatchObject({ type: 'generic', resolveTimeoutMinutes: 0 });
    expect(created.secret).toMatch(/^hri_/);
    const bad = await server.cli(['integrations', 'create', '--type', 'nagios', '--name', 'x']);
    expect(bad.code).toBe(2);
  });

  it('lists and revokes integrations', async () => {
    const list = await server.cli(['integrations', 'list']);
    expect(list.stdout).toMatch(
      /^ID\s+NAME\s+TYPE\s+TEAM\s+PREFIX\s+STATE\s+LAST RECEIVED\s+RESOLVE TIMEOUT\s+URL$/m,
    );
    expect(list.stdout).toMatch(
      /\sprometheus-prod\s+alertmanager\s+-\s+hri_\S+\s+active\s+\S+\s+1500m \(default\)\s/,
    );
    expect(list.stdout).toMatch(/\scron-checks\s+generic\s+-\s+hri_\S+\s+active\s+never\s+never\s/);
    expect(await server.cli(['integrations', 'delete', 'datadog'])).toMatchObject({
      code: 0,
      stdout: 'revoked integration datadog\n',
    });
    const json = JSON.parse(
      (await server.cli(['integrations', 'list', '-o', 'json'])).stdout,
    ) as Integration[];
    expect(json.find((i) => i.name === 'datadog')?.revokedAt).not.toBeNull();
    const missing = await server.cli(['integrations', 'delete', 'nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/INTEGRATION_NOT_FOUND/);
  });
});

describe('headroom alerts', () => {
  beforeAll(async () => {
    const created = JSON.parse(
      (await server.cli(['integrations', 'create', '--type', 'alertmanager', '--name', 'am-2', '-o', 'json']))
        .stdout,
    ) as IntegrationCreated;
    const send = (body: object) =>
      fetch(`${server.url}/api/v1/integrations/alertmanager`, {
        method: 'POST',
        headers: { authorization: `Bearer ${created.secret}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await send(webhook('firing', 'db-2'))).status).toBe(200);
    expect((await send(webhook('firing', 'db-3'))).status).toBe(200);
    expect((await send(webhook('resolved', 'db-3'))).status).toBe(200);
  });

  it('lists firing alerts by default, all with --all, and filters by label', async () => {
    const firing = await server.cli(['alerts', 'list']);
    expect(firing.code).toBe(0);
    expect(firing.stdout).toMatch(
      /^ID\s+FINGERPRINT\s+STATE\s+ALERT\s+SEVERITY\s+LABELS\s+SOURCE\s+STARTED\s+ENDED$/m,
    );
    expect(firing.stdout).toMatch(
      /\s[0-9a-f]{16}\s+firing\s+InstanceDown\s+critical\s+instance=db-2\s+alertmanager\/am-2\s+2026-03-01T12:00:00Z\s+-$/m,
    );
    expect(firing.stdout).not.toContain('instance=db-3');
    const all = await server.cli(['alerts', 'list', '--all', '-o', 'json']);
    const alerts = JSON.parse(all.stdout) as Alert[];
    expect(alerts.map((a) => `${a.labels.instance}:${a.status}`).sort()).toEqual([
      'db-1:firing',
      'db-2:firing',
      'db-3:resolved',
    ]);
    const resolved = await server.cli(['alerts', 'list', '--status', 'resolved']);
    expect(resolved.stdout).toMatch(
      /\sresolved\s+InstanceDown\s+critical\s+instance=db-3\s.*2026-03-01T12:30:00Z$/m,
    );
    const byLabel = JSON.parse(
      (await server.cli(['alerts', 'list', '--all', '--label', 'instance=db-1', '-o', 'json'])).stdout,
    ) as Alert[];
    expect(byLabel.map((a) => a.labels.instance)).toEqual(['db-1']);
    expect((await server.cli(['alerts', 'list', '--label', 'nonsense'])).code).toBe(2);
  });

  it('shows one alert with its events, by fingerprint or id', async () => {
    const [alert] = JSON.parse(
      (await server.cli(['alerts', 'list', '--all', '--label', 'instance=db-3', '-o', 'json'])).stdout,
    ) as Alert[];
    const r = await server.cli(['alerts', 'show', alert!.fingerprint]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^State:\s+resolved$/m);
    expect(r.stdout).toMatch(/^ {2}instance=db-3$/m);
    expect(r.stdout).toMatch(/^ {2}summary: db-3 down$/m);
    expect(r.stdout).toMatch(/^\d+\s+\S+\s+triggered\s+firing\s+source=alertmanager$/m);
    expect(r.stdout).toMatch(/^\d+\s+\S+\s+resolved\s+resolved\s+source=alertmanager$/m);
    const json = JSON.parse(
      (await server.cli(['alerts', 'show', alert!.id, '-o', 'json'])).stdout,
    ) as AlertWithEvents;
    expect(json.events.map((e) => e.kind)).toEqual(['triggered', 'resolved']);
    const missing = await server.cli(['alerts', 'show', 'ffffffffffffffff']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/ALERT_NOT_FOUND/);
  });
});

/**
 * A real Alertmanager (Debian's 0.25) pointed at Headroom, as a team adopting Headroom would
 * configure it — the receiver snippet `headroom integrations create` prints: its alerts arrive,
 * with Alertmanager's own fingerprints; its repeated notifications change nothing; its resolved
 * notification resolves them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  alertmanagerBinary,
  startAlertmanager,
  type TestAlertmanager,
} from '../../test-support/alertmanager.js';
import { startTestApp, type TestApp } from '../../test-support/app.js';
import { dropCreatedDatabases } from '../../test-support/databases.js';
import { sleep } from '../../test-support/prometheus.js';

afterAll(dropCreatedDatabases);

const bin = alertmanagerBinary();

interface StoredAlert {
  fingerprint: string;
  status: string;
  labels: Record<string, string>;
  lastReceivedAt: string;
}

describe.runIf(bin !== undefined)('a real Alertmanager sending to Headroom', () => {
  let t: TestApp;
  let am: TestAlertmanager;
  let url: string;

  beforeAll(async () => {
    t = await startTestApp('sqlite');
    url = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/integrations',
      headers: t.admin,
      payload: { type: 'alertmanager', name: 'prometheus-prod' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const token = (created.json() as { secret: string }).secret;
    // What `headroom integrations create` prints, with fast timings so the test need not wait.
    am = await startAlertmanager(
      bin!,
      `route:
  receiver: headroom
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 2s
receivers:
  - name: headroom
    webhook_configs:
      - url: ${url}/api/v1/integrations/alertmanager
        send_resolved: true
        http_config:
          authorization:
            type: Bearer
            credentials: ${token}
`,
    );
  }, 60_000);
  afterAll(async () => {
    await am?.dispose();
    await t?.close();
  });

  const headroomAlerts = async (): Promise<StoredAlert[]> => {
    const r = await t.app.inject({ method: 'GET', url: '/api/v1/alerts?limit=100', headers: t.admin });
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as StoredAlert[];
  };
  const until = async <T>(what: string, f: () => Promise<T | undefined>, ms = 20_000): Promise<T> => {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = await f();
      if (v !== undefined) return v;
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${what}; alertmanager log:\n${await am.log()}`);
      await sleep(200);
    }
  };
  const post = (alerts: object[]) =>
    fetch(`${am.url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(alerts),
    });

  it('takes its alerts with its fingerprints, deduplicates its repeats and follows its resolve', async () => {
    const startsAt = new Date(Date.now() - 60_000).toISOString();
    const alerts = ['db-1', 'db-2'].map((instance) => ({
      labels: { alertname: 'DiskFull', instance, severity: 'critical' },
      annotations: { summary: `Disk full on ${instance}` },
      startsAt,
      generatorURL: 'http://prometheus.example/graph',
    }));
    expect((await post(alerts)).status).toBe(200);

    const firing = await until('both alerts in Headroom', async () => {
      const list = (await headroomAlerts()).filter((a) => a.labels.alertname === 'DiskFull');
      return list.length === 2 && list.every((a) => a.status === 'firing') ? list : undefined;
    });
    // Alertmanager's own fingerprints: one alert is one alert, whichever way it came.
    const amAlerts = (await (await fetch(`${am.url}/api/v2/alerts`)).json()) as { fingerprint: string }[];
    expect(firing.map((a) => a.fingerprint).sort()).toEqual(amAlerts.map((a) => a.fingerprint).sort());
    const eventsAfterTrigger = await t.database.db.selectFrom('alert_events').select('seq').execute();

    // Alertmanager repeats the unchanged group (repeat_interval 2s): Headroom answers each
    // delivery and logs nothing new.
    const delivered = async () =>
      (await am.log()).split('\n').filter((l) => l.includes('Notify success')).length;
    const before = await delivered();
    await until(
      'a repeated notification',
      async () => ((await delivered()) > before ? true : undefined),
      15_000,
    );
    expect(await t.database.db.selectFrom('alert_events').select('seq').execute()).toHaveLength(
      eventsAfterTrigger.length,
    );

    // Resolved in Alertmanager: the resolved notification resolves them in Headroom.
    const endsAt = new Date().toISOString();
    expect((await post(alerts.map((a) => ({ ...a, endsAt })))).status).toBe(200);
    await until('both alerts resolved', async () => {
      const list = (await headroomAlerts()).filter((a) => a.labels.alertname === 'DiskFull');
      return list.length === 2 && list.every((a) => a.status === 'resolved') ? list : undefined;
    });
  }, 60_000);
});

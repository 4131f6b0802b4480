/**
 * The alert pipeline end to end, on both databases: alerts in through the real intake (and
 * Headroom's own burn-rate alerts from an evaluation pass), routed and grouped, flushed on
 * Alertmanager's clock, muted by silences and the built-in inhibition, and delivered by the
 * outbox's dispatcher to a real HTTP receiver as a signed, Alertmanager-style webhook.
 */
import { verifySignature } from '@headroom/core/notifications/signature';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test-support/app.js';
import { dropCreatedDatabases, supportedDatabases } from '../../test-support/databases.js';
import { type Receiver, startReceiver } from '../../test-support/notifications.js';
import { AM_FIRING, vector } from '../integrations/test-vectors.js';
import { outboundPolicy, startDispatcher } from '../notifications/index.js';
import { notificationSettingsFromEnv } from '../notifications/settings.js';
import { addBuckets } from '../sli-data/repo.js';
import { evaluateAll } from '../slo-status/evaluator.js';
import { runPipeline } from './pipeline.js';

afterAll(dropCreatedDatabases);

const SECRET = 'whsec_test_3f9a';

const config = (url: string) => `apiVersion: headroom.dev/v1
kind: NotificationChannel
metadata: { name: oncall }
spec: { type: webhook, url: ${url}/hook, secret: ${SECRET} }
---
apiVersion: headroom.dev/v1
kind: NotificationChannel
metadata: { name: slo-pager }
spec: { type: webhook, url: ${url}/pager, secret: ${SECRET} }
---
apiVersion: headroom.dev/v1
kind: Route
metadata: { name: root }
spec:
  root: true
  receiver: oncall
  groupBy: [alertname]
---
apiVersion: headroom.dev/v1
kind: Route
metadata: { name: slo-burn }
spec:
  order: 10
  matchers: ['alertname="ErrorBudgetBurn"']
  receiver: slo-pager
  groupBy: [slo]
  groupWait: 0s
`;

const slo = `apiVersion: openslo/v1
kind: SLO
metadata:
  name: checkout-availability
spec:
  service: checkout
  budgetingMethod: Occurrences
  timeWindow:
    - duration: 30d
      isRolling: true
  objectives:
    - target: 0.999
  indicator:
    metadata:
      name: checkout-requests
    spec:
      ratioMetric:
        counter: true
        good:
          metricSource:
            type: headroom
            spec: {}
        total:
          metricSource:
            type: headroom
            spec: {}
`;

describe.each(supportedDatabases())('the alert pipeline on $name', ({ name, available }) => {
  let t: TestApp;
  let receiver: Receiver;
  let token: string;
  const api = (method: 'GET' | 'POST', url: string, payload?: object) =>
    t.app.inject({ method, url: `/api/v1${url}`, headers: t.admin, ...(payload && { payload }) });
  const deliver = (now: number) =>
    startDispatcher(t.database, {
      settings: notificationSettingsFromEnv({}),
      policy: outboundPolicy(['loopback']),
      now: () => now,
      timer: false,
    }).tick();
  const pipeline = (now: number) =>
    runPipeline(t.database.db, now, { externalUrl: 'https://headroom.example.com' });
  const postAlertmanager = (body: object) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/integrations/alertmanager',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: body,
    });

  beforeAll(async () => {
    if (!available) return;
    t = await startTestApp(name, { outboundAllow: ['loopback'] });
    receiver = await startReceiver();
    expect((await api('POST', '/teams', { name: 'payments' })).statusCode).toBe(201);
    expect((await api('POST', '/services', { name: 'checkout', owner: 'payments' })).statusCode).toBe(201);
    const applied = await api('POST', '/apply', {
      files: [
        { path: 'alerting.yaml', content: config(receiver.url) },
        { path: 'slo.yaml', content: slo },
      ],
    });
    expect(applied.statusCode, applied.body).toBe(200);
    const created = await api('POST', '/integrations', { type: 'alertmanager', name: 'prometheus-prod' });
    expect(created.statusCode, created.body).toBe(201);
    token = (created.json() as { secret: string }).secret;
  });
  afterAll(async () => {
    if (!available) return;
    await receiver.close();
    await t.close();
  });

  it.runIf(available)('groups, notifies, silences and resolves alerts from Alertmanager', async () => {
    receiver.requests.length = 0;
    const T0 = Date.now();
    const firing = vector(AM_FIRING);
    expect((await postAlertmanager(firing)).statusCode).toBe(200);
    // The alerts started long before they arrived: the new group flushes at once (as Alertmanager does).
    expect(await pipeline(T0)).toMatchObject({ changes: 2, notified: 1 });
    expect(await deliver(T0)).toMatchObject({ delivered: 1 });
    const hook = receiver.requests.find((r) => r.url === '/hook')!;
    expect(
      await verifySignature(hook.headers['headroom-signature'] as string, hook.body, SECRET, {
        nowSeconds: T0 / 1000,
      }),
    ).toMatchObject({ valid: true });
    const body = JSON.parse(hook.body);
    expect(body).toMatchObject({
      version: '4',
      status: 'firing',
      receiver: 'oncall',
      groupLabels: { alertname: 'InstanceDown' },
      commonLabels: { alertname: 'InstanceDown', severity: 'critical' },
    });
    expect(body.alerts.map((a: { fingerprint: string }) => a.fingerprint).sort()).toEqual(
      (firing as { alerts: { fingerprint: string }[] }).alerts.map((a) => a.fingerprint).sort(),
    );
    expect(body.alerts[0].endsAt).toBe('0001-01-01T00:00:00Z');

    // The same delivery again changes nothing, and nothing is due until group_interval.
    expect((await postAlertmanager(firing)).statusCode).toBe(200);
    expect(await pipeline(T0 + 60_000)).toMatchObject({ changes: 0, notified: 0 });
    const [group] = (await api('GET', '/alert-groups')).json() as {
      id: string;
      explanation: string;
      nextAt: string;
    }[];
    expect(group!.explanation).toMatch(/group_interval 5m/);
    expect(Date.parse(group!.nextAt)).toBe(T0 + 5 * 60_000);

    // A silence mutes a new alert of the group: the next flush sends nothing new.
    const silence = await api('POST', '/silences', {
      matchers: ['instance="10.0.0.9:9100"'],
      duration: '2h',
      comment: 'host being replaced',
    });
    expect(silence.statusCode, silence.body).toBe(201);
    const silenced = {
      ...firing,
      alerts: [
        {
          ...(firing as { alerts: object[] }).alerts[0]!,
          labels: { ...(firing as { commonLabels: object }).commonLabels, instance: '10.0.0.9:9100' },
          fingerprint: '0000000000000000',
        },
      ],
    };
    expect((await postAlertmanager(silenced)).statusCode).toBe(200);
    expect(await pipeline(T0 + 5 * 60_000)).toMatchObject({ changes: 1, notified: 0 });
    const muted = (
      (await api('GET', '/alert-groups')).json() as { alerts: { silencedBy: string[] }[] }[]
    )[0]!;
    expect(muted.alerts.filter((a) => a.silencedBy.length > 0)).toHaveLength(1);

    // Every alert resolves: one resolved notification, and the group is gone.
    const resolved = {
      ...firing,
      status: 'resolved',
      alerts: [...(firing as { alerts: object[] }).alerts, ...silenced.alerts].map((a) => ({
        ...a,
        status: 'resolved',
        endsAt: new Date(T0 + 6 * 60_000).toISOString(),
      })),
    };
    expect((await postAlertmanager(resolved)).statusCode).toBe(200);
    expect(await pipeline(T0 + 10 * 60_000)).toMatchObject({ notified: 1 });
    expect(await deliver(T0 + 10 * 60_000)).toMatchObject({ delivered: 1 });
    const last = JSON.parse(receiver.requests.filter((r) => r.url === '/hook').at(-1)!.body);
    expect(last.status).toBe('resolved');
    // The silenced alert was never notified, so the resolved notification lists the two it told about.
    expect(last.alerts).toHaveLength(2);
    expect((await api('GET', '/alert-groups')).json()).toEqual([]);
  });

  it.runIf(available)('pages for a fast-burning SLO, with its ticket inhibited by the page', async () => {
    receiver.requests.length = 0;
    const now = Math.floor(Date.now() / 60_000) * 60_000;
    const minute = now / 60_000;
    // Three days of 1,000 requests a minute; the last three hours fail 5 % of them.
    const rows = [];
    for (let m = minute - 3 * 1440; m < minute; m++) {
      const bad = m >= minute - 180 ? 50 : 0;
      rows.push({ stream: 'checkout-availability', minute: m, good: 1000 - bad, total: 1000 });
    }
    await addBuckets(t.database.db, rows);
    const pass = await evaluateAll(t.database, now);
    expect(pass.failed).toEqual([]);
    expect(pass.alerts.firing).toBe(2); // page and ticket
    expect(await pipeline(now)).toMatchObject({ notified: 1 });
    expect(await deliver(now)).toMatchObject({ delivered: 1 });
    const page = JSON.parse(receiver.requests.find((r) => r.url === '/pager')!.body);
    expect(page.status).toBe('firing');
    expect(page.alerts.map((a: { labels: Record<string, string> }) => a.labels.tier)).toEqual(['page']);
    expect(page.alerts[0].labels).toMatchObject({
      alertname: 'ErrorBudgetBurn',
      slo: 'checkout-availability',
      service: 'checkout',
      severity: 'critical',
      window: '30d',
    });
    const groups = (await api('GET', '/alert-groups')).json() as {
      receiver: string;
      alerts: { labels: Record<string, string>; inhibitedBy: { rule: string } | null }[];
    }[];
    const sloGroup = groups.find((g) => g.receiver === 'slo-pager')!;
    const ticket = sloGroup.alerts.find((a) => a.labels.tier === 'ticket')!;
    expect(ticket.inhibitedBy?.rule).toBe('builtin:slo-page-inhibits-ticket');

    // The burn stops: after six good hours no window pair holds, both resolve, and the group says so.
    const later = now + 361 * 60_000;
    await addBuckets(
      t.database.db,
      Array.from({ length: 361 }, (_, i) => ({
        stream: 'checkout-availability',
        minute: minute + i,
        good: 1000,
        total: 1000,
      })),
    );
    const calm = await evaluateAll(t.database, later);
    expect(calm.alerts.firing).toBe(0);
    expect(await pipeline(later)).toMatchObject({ notified: 1 });
    expect(await deliver(later)).toMatchObject({ delivered: 1 });
    const resolved = JSON.parse(receiver.requests.filter((r) => r.url === '/pager').at(-1)!.body);
    expect(resolved.status).toBe('resolved');
  });

  it.runIf(available)(
    'sends an OpenSLO AlertPolicy condition to its notification target channel',
    async () => {
      receiver.requests.length = 0;
      const policySlo = `apiVersion: openslo/v1
kind: AlertPolicy
metadata:
  name: search-fast-burn
spec:
  alertWhenBreaching: true
  conditions:
    - kind: AlertCondition
      metadata:
        name: search-burn-2x
      spec:
        severity: critical
        condition:
          kind: burnrate
          op: gt
          threshold: 2
          lookbackWindow: 1h
          alertAfter: 0m
  notificationTargets:
    - kind: AlertNotificationTarget
      metadata:
        name: search-oncall
      spec:
        target: search-team
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: search-latency
  annotations:
    headroom.dev/alert-tiers: none
spec:
  service: checkout
  budgetingMethod: Occurrences
  timeWindow:
    - duration: 30d
      isRolling: true
  objectives:
    - target: 0.99
  alertPolicies:
    - alertPolicyRef: search-fast-burn
  indicator:
    metadata:
      name: search-requests
    spec:
      ratioMetric:
        counter: true
        good: { metricSource: { type: headroom, spec: {} } }
        total: { metricSource: { type: headroom, spec: {} } }
`;
      const channel = `apiVersion: headroom.dev/v1
kind: NotificationChannel
metadata: { name: search-team }
spec: { type: webhook, url: ${receiver.url}/search, secret: ${SECRET} }
`;
      const applied = await api('POST', '/apply', {
        files: [
          { path: 'policy.yaml', content: policySlo },
          { path: 'search-channel.yaml', content: channel },
        ],
      });
      expect(applied.statusCode, applied.body).toBe(200);
      // After the previous test's clock, when its SLO is calm again.
      const now = Math.floor(Date.now() / 60_000) * 60_000 + 400 * 60_000;
      const minute = now / 60_000;
      // The last hour fails 3 % against a 1 % budget: burn rate 3 > 2 (the tiers are off).
      await addBuckets(
        t.database.db,
        Array.from({ length: 120 }, (_, i) => ({
          stream: 'search-latency',
          minute: minute - 120 + i,
          good: i >= 60 ? 970 : 1000,
          total: 1000,
        })),
      );
      const pass = await evaluateAll(t.database, now);
      expect(pass.failed).toEqual([]);
      // A new alert: its groups (the root route's and the target channel's) flush after group_wait 30s.
      expect(await pipeline(now)).toMatchObject({ notified: 0 });
      expect(await pipeline(now + 30_000)).toMatchObject({ notified: 2 });
      expect(await deliver(now + 30_000)).toMatchObject({ delivered: 2 });
      const direct = JSON.parse(receiver.requests.find((r) => r.url === '/search')!.body);
      expect(direct.receiver).toBe('search-team');
      expect(direct.alerts.map((a: { labels: Record<string, string> }) => a.labels)).toEqual([
        expect.objectContaining({
          alertname: 'search-burn-2x',
          slo: 'search-latency',
          tier: 'openslo',
          alert_policy: 'search-fast-burn',
          severity: 'critical',
        }),
      ]);
      // The routes still apply: the root route's receiver has it too.
      expect(receiver.requests.some((r) => r.url === '/hook' && r.body.includes('search-burn-2x'))).toBe(
        true,
      );
    },
  );
});

describe.each(supportedDatabases())('catalog-aware inhibition on $name', ({ name, available }) => {
  let t: TestApp;
  beforeAll(async () => {
    if (!available) return;
    t = await startTestApp(name);
  });
  afterAll(async () => {
    if (available) await t.close();
  });

  it.runIf(available)('a down service mutes the alerts of the services that depend on it', async () => {
    const api = (method: 'GET' | 'POST', url: string, payload?: object) =>
      t.app.inject({ method, url: `/api/v1${url}`, headers: t.admin, ...(payload && { payload }) });
    expect((await api('POST', '/teams', { name: 'payments' })).statusCode).toBe(201);
    for (const [service, dependsOn] of [
      ['orders-db', []],
      ['payments', ['orders-db']],
      ['checkout', ['payments']],
      ['search', []],
    ] as const) {
      const r = await api('POST', '/services', {
        name: service,
        owner: 'payments',
        dependsOn: [...dependsOn],
      });
      expect(r.statusCode, r.body).toBe(201);
    }
    const applied = await api('POST', '/apply', {
      files: [
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
spec: { root: true, receiver: oncall, groupBy: ['...'] }
---
apiVersion: headroom.dev/v1
kind: InhibitRule
metadata: { name: dependency-down }
spec:
  sourceMatchers: ['alertname="ServiceDown"']
  targetMatchers: ['alertname!="ServiceDown"']
  dependants: true
`,
        },
      ],
    });
    expect(applied.statusCode, applied.body).toBe(200);
    const created = await api('POST', '/integrations', { type: 'generic', name: 'probes' });
    const token = (created.json() as { secret: string }).secret;
    const alert = (labels: Record<string, string>) => ({ labels });
    const sent = await t.app.inject({
      method: 'POST',
      url: '/api/v1/integrations/generic',
      headers: { authorization: `Bearer ${token}` },
      payload: {
        alerts: [
          alert({ alertname: 'ServiceDown', service: 'orders-db' }),
          alert({ alertname: 'HighLatency', service: 'checkout' }),
          alert({ alertname: 'HighLatency', service: 'search' }),
        ],
      },
    });
    expect(sent.statusCode, sent.body).toBeLessThan(300);
    await runPipeline(t.database.db, Date.now(), { externalUrl: 'https://headroom.example.com' });
    const groups = (await api('GET', '/alert-groups')).json() as {
      alerts: { labels: Record<string, string>; inhibitedBy: { rule: string } | null }[];
    }[];
    const muted = Object.fromEntries(
      groups.flatMap((g) => g.alerts).map((a) => [a.labels.service, a.inhibitedBy?.rule ?? null]),
    );
    // checkout → payments → orders-db: muted through the chain; search and the source itself are not.
    expect(muted).toEqual({ 'orders-db': null, checkout: 'dependency-down', search: null });
  });
});

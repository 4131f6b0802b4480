import type { AlertWithEvents } from '@headroom/core/api/alert';
import type { IntegrationCreated } from '@headroom/core/api/integration';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test-support/app.js';
import { dropCreatedDatabases, supportedDatabases } from '../../test-support/databases.js';
import {
  PD_ACKNOWLEDGE,
  PD_RESOLVE,
  PD_RESPONSE_202,
  PD_RESPONSE_ERROR,
  PD_TRIGGER_DOCS,
  PD_TRIGGER_OPENAPI,
  vector,
  vectorText,
} from './test-vectors.js';

afterAll(dropCreatedDatabases);

type Event = Record<string, unknown>;

describe.each(supportedDatabases())(
  'PagerDuty Events API v2 compatibility on $name',
  ({ name, available }) => {
    let t: TestApp;
    let base: string;
    let routingKey: string;
    let integrationId: string;

    /** What a PagerDuty client does: POST JSON to <base>/v2/enqueue and read status and JSON. */
    const enqueue = async (event: Event | string, path = '/v2/enqueue', contentType = 'application/json') => {
      const res = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'Content-Type': contentType },
        body: typeof event === 'string' ? event : JSON.stringify(event),
      });
      return {
        status: res.status,
        body: (await res.json()) as Record<string, unknown>,
        headers: res.headers,
      };
    };
    const alert = async (dedupKey: string) => {
      const list = await t.app.inject({
        method: 'GET',
        url: `/api/v1/alerts?source=pagerduty&label=${encodeURIComponent(`dedup_key=${dedupKey}`)}`,
        headers: t.admin,
      });
      const [first] = list.json() as { id: string }[];
      if (!first) return undefined;
      return (
        await t.app.inject({ method: 'GET', url: `/api/v1/alerts/${first.id}`, headers: t.admin })
      ).json() as AlertWithEvents;
    };

    beforeAll(async () => {
      if (!available) return;
      t = await startTestApp(name, { pagerDutyEventsPerMinute: 1000 });
      base = await t.app.listen({ host: '127.0.0.1', port: 0 });
      const r = await t.app.inject({
        method: 'POST',
        url: '/api/v1/integrations',
        headers: t.admin,
        payload: { type: 'pagerduty', name: 'datadog' },
      });
      expect(r.statusCode, r.body).toBe(201);
      ({
        secret: routingKey,
        integration: { id: integrationId },
      } = r.json() as IntegrationCreated);
    });
    afterAll(async () => {
      if (available) await t.close();
    });

    it.runIf(available)(
      'triggers, acknowledges and resolves through the documented event sequence',
      async () => {
        // PagerDuty's published trigger with this integration's routing key, tied to the ack/resolve examples' dedup_key.
        const trigger: Event = {
          ...vector<Event>(PD_TRIGGER_DOCS),
          routing_key: routingKey,
          dedup_key: 'dedupkeyhere',
        };
        let r = await enqueue(trigger);
        expect(r.status).toBe(202);
        expect(r.body).toEqual({ status: 'success', message: 'Event processed', dedup_key: 'dedupkeyhere' });
        // The reply has exactly the shape of PagerDuty's own.
        expect(Object.keys(r.body).sort()).toEqual(Object.keys(vector<Event>(PD_RESPONSE_202)).sort());
        let a = await alert('dedupkeyhere');
        expect(a).toMatchObject({
          status: 'firing',
          acknowledged: false,
          source: 'pagerduty',
          integration: 'datadog',
          labels: {
            alertname: 'Example alert on host1.example.com',
            severity: 'info',
            source: 'monitoringtool:cloudvendor:central-region-dc-01:852559987:cluster/api-stats-prod-003',
            component: 'postgres',
            group: 'prod-datapipe',
            class: 'deploy',
            dedup_key: 'dedupkeyhere',
          },
          annotations: {
            summary: 'Example alert on host1.example.com',
            custom_details: '{"ping time":"1500ms","load avg":0.75}',
          },
          startsAt: '2015-07-17T08:42:58.315Z',
          generatorURL: 'https://monitoring.example.com',
          details: {
            dedup_key: 'dedupkeyhere',
            client: 'Sample Monitoring Service',
            client_url: 'https://monitoring.example.com',
            links: [{ href: 'https://example.com/', text: 'Link text' }],
          },
        });
        // A retried trigger is the same alert and no new event.
        r = await enqueue(trigger);
        expect(r.status).toBe(202);
        expect((await alert('dedupkeyhere'))!.events).toHaveLength(1);

        const ack = { ...vector<Event>(PD_ACKNOWLEDGE), routing_key: routingKey };
        r = await enqueue(ack);
        expect(r).toMatchObject({
          status: 202,
          body: { status: 'success', message: 'Event processed', dedup_key: 'dedupkeyhere' },
        });
        a = await alert('dedupkeyhere');
        expect(a).toMatchObject({ status: 'firing', acknowledged: true });
        await enqueue(ack);

        // A new trigger while acknowledged updates the alert and keeps it acknowledged.
        const worse = { ...trigger, payload: { ...(trigger.payload as Event), severity: 'critical' } };
        r = await enqueue(worse);
        a = await alert('dedupkeyhere');
        expect(a).toMatchObject({ status: 'firing', acknowledged: true, labels: { severity: 'critical' } });

        const resolve = { ...vector<Event>(PD_RESOLVE), routing_key: routingKey };
        r = await enqueue(resolve);
        expect(r).toMatchObject({ status: 202, body: { dedup_key: 'dedupkeyhere' } });
        a = await alert('dedupkeyhere');
        expect(a).toMatchObject({ status: 'resolved', resolution: 'resolved' });
        expect(a!.endsAt).not.toBeNull();
        // After the resolve, acknowledge and resolve are dropped (202, nothing changes), as PagerDuty drops them.
        expect((await enqueue(ack)).status).toBe(202);
        expect((await enqueue(resolve)).status).toBe(202);
        a = await alert('dedupkeyhere');
        expect(a!.events.map((e) => e.kind)).toEqual([
          'triggered',
          'acknowledged',
          're-received',
          'resolved',
        ]);
        // A trigger after the resolve is a new alert episode, unacknowledged.
        await enqueue(trigger);
        a = await alert('dedupkeyhere');
        expect(a).toMatchObject({ status: 'firing', acknowledged: false });
        expect(a!.events.map((e) => e.kind).at(-1)).toBe('triggered');
      },
    );

    it.runIf(available)(
      'generates and returns a dedup_key for a trigger without one; serves the API path too',
      async () => {
        const { dedup_key: _omitted, ...event }: Event = {
          ...vector<Event>(PD_TRIGGER_OPENAPI),
          routing_key: routingKey,
        };
        const r = await enqueue(event, '/api/v1/integrations/pagerduty/enqueue');
        expect(r.status).toBe(202);
        expect(r.body.dedup_key).toMatch(/^[0-9a-f]{32}$/);
        const a = await alert(r.body.dedup_key as string);
        expect(a).toMatchObject({
          labels: {
            alertname: 'DISK at 99% on machine prod-datapipe03.example.com',
            severity: 'critical',
            class: 'disk',
          },
        });
        // The same key in another integration is another alert.
        const other = (
          await t.app.inject({
            method: 'POST',
            url: '/api/v1/integrations',
            headers: t.admin,
            payload: { type: 'pagerduty', name: 'other-monitor' },
          })
        ).json() as IntegrationCreated;
        const withKey = { ...vector<Event>(PD_TRIGGER_OPENAPI), routing_key: routingKey };
        await enqueue(withKey);
        await enqueue({ ...withKey, routing_key: other.secret });
        const both = await t.app.inject({
          method: 'GET',
          url: `/api/v1/alerts?label=${encodeURIComponent('dedup_key=srv01/mysql')}`,
          headers: t.admin,
        });
        expect((both.json() as { integrationId: string }[]).map((x) => x.integrationId).sort()).toEqual(
          [integrationId, other.integration.id].sort(),
        );
      },
    );

    it.runIf(available)('answers invalid events with PagerDuty’s error bodies', async () => {
      // Published examples sent verbatim: a well-formed key no integration has, and a too-short one.
      const unknown = await enqueue(vectorText(PD_TRIGGER_OPENAPI));
      expect(unknown.status).toBe(404);
      expect(unknown.body).toEqual({
        status: 'invalid routing key',
        message: 'Routing key not found',
        errors: ["No active PagerDuty integration has this 'routing_key'"],
      });
      const otherUnknown = await enqueue({
        ...vector<Event>(PD_TRIGGER_OPENAPI),
        routing_key: 'f'.repeat(32),
      });
      expect(otherUnknown).toMatchObject({ status: 404, body: unknown.body });
      const short = await enqueue(vectorText(PD_TRIGGER_DOCS));
      expect(short).toMatchObject({
        status: 400,
        body: {
          status: 'invalid event',
          message: 'Event object is invalid',
          errors: ["Length of 'routing_key' is incorrect (should be 32 characters)"],
        },
      });
      const parse = await enqueue('{"routing_key": ');
      expect(parse.status).toBe(400);
      expect(parse.body).toEqual(vector<Event>(PD_RESPONSE_ERROR));
      const missing = await enqueue({
        routing_key: routingKey,
        event_action: 'trigger',
        payload: { source: 'x', severity: 'fatal', summary: 's'.repeat(1025) },
      });
      expect(missing).toMatchObject({
        status: 400,
        body: {
          status: 'invalid event',
          message: 'Event object is invalid',
          errors: [
            "Length of 'payload.summary' is too long (should be at most 1024 characters)",
            "'payload.severity' is invalid (should be one of critical, error, warning, info)",
          ],
        },
      });
      const noKey = await enqueue({ routing_key: routingKey, event_action: 'resolve' });
      expect(noKey.body.errors).toEqual(["'dedup_key' is missing or blank (required to resolve)"]);
      const action = await enqueue({ routing_key: routingKey, event_action: 'snooze', dedup_key: 'x' });
      expect(action.body.errors).toEqual([
        "'event_action' is invalid (should be one of trigger, acknowledge, resolve)",
      ]);
      expect((await enqueue('[1, 2]')).body).toMatchObject({ status: 'Unrecognized object' });
      // A client that forgets the content type is still understood.
      const plain = await enqueue(
        { ...vector<Event>(PD_RESOLVE), routing_key: routingKey },
        '/v2/enqueue',
        'text/plain',
      );
      expect(plain.status).toBe(202);
    });

    it.runIf(available)('answers 413 to a body over 1 MiB', async () => {
      const big = {
        ...vector<Event>(PD_TRIGGER_OPENAPI),
        routing_key: routingKey,
        padding: 'x'.repeat(1024 * 1024),
      };
      const r = await enqueue(big);
      expect(r.status).toBe(413);
      expect(r.body).toMatchObject({ status: 'Request too large' });
    });
  },
);

describe.each(supportedDatabases())('PagerDuty rate limit on $name', ({ name, available }) => {
  it.runIf(available)(
    'answers 429 with Retry-After when a routing key sends faster than its bucket',
    async () => {
      const t = await startTestApp(name, { pagerDutyEventsPerMinute: 3 });
      try {
        const created = (
          await t.app.inject({
            method: 'POST',
            url: '/api/v1/integrations',
            headers: t.admin,
            payload: { type: 'pagerduty', name: 'chatty' },
          })
        ).json() as IntegrationCreated;
        const other = (
          await t.app.inject({
            method: 'POST',
            url: '/api/v1/integrations',
            headers: t.admin,
            payload: { type: 'pagerduty', name: 'quiet' },
          })
        ).json() as IntegrationCreated;
        const send = (key: string, path = '/v2/enqueue') =>
          t.app.inject({
            method: 'POST',
            url: path,
            payload: { ...vector<Event>(PD_TRIGGER_OPENAPI), routing_key: key },
          });
        const statuses = [];
        for (let i = 0; i < 3; i++) statuses.push((await send(created.secret)).statusCode);
        expect(statuses).toEqual([202, 202, 202]);
        // Both paths share the bucket.
        const limited = await send(created.secret, '/api/v1/integrations/pagerduty/enqueue');
        expect(limited.statusCode).toBe(429);
        expect(limited.headers['retry-after']).toBe('20');
        expect(limited.json()).toMatchObject({
          status: 'throttle event',
          errors: [expect.stringContaining('3 events per minute')],
        });
        // Another routing key has its own bucket.
        expect((await send(other.secret)).statusCode).toBe(202);
      } finally {
        await t.close();
      }
    },
  );
});

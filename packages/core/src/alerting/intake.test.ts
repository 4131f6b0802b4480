import { describe, expect, it } from 'vitest';
import { isHeadroomError } from '../errors.js';
import {
  fromAlertmanager,
  fromGeneric,
  fromPagerDuty,
  parseDateTime,
  validatePagerDutyEvent,
} from './intake.js';
import { pagerDutyFingerprint } from './lifecycle.js';

describe('parseDateTime', () => {
  it.each([
    ['2020-08-08T14:32:08.326990857Z', Date.UTC(2020, 7, 8, 14, 32, 8, 326)],
    ['2015-07-17T08:42:58.315+0000', Date.UTC(2015, 6, 17, 8, 42, 58, 315)],
    ['2024-05-01T10:00:00+02:00', Date.UTC(2024, 4, 1, 8)],
    ['2024-05-01t10:00:00-05', Date.UTC(2024, 4, 1, 15)],
    ['2024-05-01 10:00:00Z', Date.UTC(2024, 4, 1, 10)],
    ['0001-01-01T00:00:00Z', -62135596800000],
  ])('reads %s', (text, ms) => {
    expect(parseDateTime(text)).toBe(ms);
  });

  it.each([
    'yesterday',
    '1',
    '2024-05-01',
    '2024-02-30T00:00:00Z',
    '2024-05-01T10:00:00',
    '2024-13-01T00:00:00Z',
    '2024-05-01T24:00:00Z',
  ])('refuses %s', (text) => {
    expect(parseDateTime(text)).toBeUndefined();
  });
});

describe('fromAlertmanager', () => {
  const base = {
    alerts: [
      {
        status: 'firing' as const,
        labels: { alertname: 'A' },
        startsAt: '2020-08-08T14:32:08.326990857Z',
        endsAt: '2020-08-08T14:40:00Z',
      },
      {
        status: 'resolved' as const,
        labels: { alertname: 'B' },
        startsAt: '0001-01-01T00:00:00Z',
        endsAt: '2020-08-08T15:00:00Z',
      },
    ],
  };

  it('drops the endsAt of firing alerts and Go’s zero time', () => {
    const [a, b] = fromAlertmanager(base, 'i1');
    expect(a).toMatchObject({ status: 'firing', startsAt: Date.UTC(2020, 7, 8, 14, 32, 8, 326) });
    expect(a).not.toHaveProperty('endsAt');
    expect(b).toMatchObject({ status: 'resolved', endsAt: Date.UTC(2020, 7, 8, 15) });
    expect(b).not.toHaveProperty('startsAt');
  });

  it('names every unreadable time', () => {
    try {
      fromAlertmanager(
        {
          alerts: [
            { ...base.alerts[0]!, startsAt: 'now' },
            { ...base.alerts[1]!, endsAt: 'later' },
          ],
        },
        'i1',
      );
      expect.unreachable();
    } catch (e) {
      expect(isHeadroomError(e) && e.errors?.map((p) => p.path)).toEqual([
        '/alerts/0/startsAt',
        '/alerts/1/endsAt',
      ]);
    }
  });
});

describe('fromGeneric', () => {
  const now = Date.UTC(2026, 2, 1, 12);
  it('derives status from endsAt and puts summary into the annotations', () => {
    const [a, b] = fromGeneric(
      {
        alerts: [
          { labels: { alertname: 'A' }, summary: 's', annotations: { summary: 'overridden', x: 'y' } },
          { labels: { alertname: 'B' }, endsAt: '2026-03-01T11:00:00Z' },
        ],
      },
      'g',
      now,
    );
    expect(a).toMatchObject({ status: 'firing', annotations: { summary: 's', x: 'y' } });
    expect(b).toMatchObject({ status: 'resolved', endsAt: now - 3_600_000 });
  });
});

describe('PagerDuty events', () => {
  const key = 'a'.repeat(32);
  it('lists every problem in PagerDuty’s words', () => {
    expect(validatePagerDutyEvent({ routing_key: 'short!', event_action: 'trigger', payload: {} })).toEqual({
      ok: false,
      kind: 'invalid',
      errors: [
        "Length of 'routing_key' is incorrect (should be 32 characters)",
        "'routing_key' cannot contain non-alphanumeric characters.",
        "'payload.summary' is missing or blank",
        "'payload.source' is missing or blank",
        "'payload.severity' is missing or blank",
      ],
    });
    expect(validatePagerDutyEvent([])).toMatchObject({ ok: false, kind: 'unrecognized' });
    expect(
      validatePagerDutyEvent({
        routing_key: key,
        event_action: 'trigger',
        payload: { summary: 's', source: 's', severity: 'info' },
        links: [{}],
      }),
    ).toMatchObject({
      ok: false,
      errors: ["'links' must be an array of objects with a string 'href'"],
    });
  });

  it('maps a trigger to labels, annotations and details', () => {
    const event = {
      routing_key: key,
      event_action: 'trigger',
      payload: {
        summary: 'DISK at 99%',
        source: 'db-3',
        severity: 'critical',
        component: 'mysql',
        timestamp: 'not a time',
        custom_details: { free: '1%' },
      },
      client: 'Monitor',
      client_url: 'https://monitor.example.com',
    };
    expect(fromPagerDuty(event, 'trigger', 'i1', 'srv01/mysql')).toEqual({
      source: 'pagerduty',
      integrationId: 'i1',
      fingerprint: pagerDutyFingerprint('i1', 'srv01/mysql'),
      status: 'firing',
      labels: {
        alertname: 'DISK at 99%',
        severity: 'critical',
        source: 'db-3',
        component: 'mysql',
        dedup_key: 'srv01/mysql',
      },
      annotations: { summary: 'DISK at 99%', custom_details: '{"free":"1%"}' },
      generatorUrl: 'https://monitor.example.com',
      details: { dedup_key: 'srv01/mysql', client: 'Monitor', client_url: 'https://monitor.example.com' },
    });
    expect(fromPagerDuty(event, 'acknowledge', 'i1', 'k')).toEqual({
      kind: 'acknowledge',
      source: 'pagerduty',
      integrationId: 'i1',
      fingerprint: pagerDutyFingerprint('i1', 'k'),
    });
  });
});

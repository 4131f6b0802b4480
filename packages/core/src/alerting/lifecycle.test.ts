import { describe, expect, it } from 'vitest';
import { fingerprint } from './fingerprint.js';
import {
  type AlertState,
  autoResolve,
  canonicalJson,
  type IncomingAlert,
  type IncomingAlertState,
  pagerDutyFingerprint,
  transition,
} from './lifecycle.js';

const T0 = Date.parse('2026-03-01T12:00:00Z');
const labels = { alertname: 'HighErrorRate', service: 'checkout' };

const am = (status: 'firing' | 'resolved', extra: Partial<IncomingAlertState> = {}): IncomingAlertState => ({
  source: 'alertmanager',
  integrationId: 'i1',
  status,
  labels,
  annotations: { summary: 'errors' },
  startsAt: T0,
  ...extra,
});

/** Applies alerts in order, like the store; returns the final state and the changes. */
function run(steps: [IncomingAlert, number][], start?: AlertState) {
  let state = start;
  const changes: string[] = [];
  for (const [incoming, now] of steps) {
    const t = transition(state, incoming, now);
    state = t.next;
    changes.push(t.event ? t.event.kind : t.change);
  }
  return { state, changes };
}

describe('alert lifecycle', () => {
  it('triggers a new alert under the Alertmanager fingerprint of its labels', () => {
    const t = transition(undefined, am('firing'), T0 + 5);
    expect(t.change).toBe('triggered');
    expect(t.next).toMatchObject({
      fingerprint: fingerprint(labels),
      status: 'firing',
      acknowledged: false,
      startsAt: T0,
      endsAt: null,
      labels: canonicalJson(labels),
      firstReceivedAt: T0 + 5,
      lastReceivedAt: T0 + 5,
    });
  });

  it('treats a repeat as unchanged (no event) and only moves the receipt time', () => {
    const first = transition(undefined, am('firing'), T0).next;
    const again = transition(first, am('firing', { annotations: { summary: 'errors' } }), T0 + 60_000);
    expect(again.event).toBeNull();
    expect(again.change).toBe('unchanged');
    expect(again.next).toEqual({ ...first, lastReceivedAt: T0 + 60_000 });
  });

  it('is re-received when the content changes, keeping the acknowledgement', () => {
    const { changes, state } = run([
      [am('firing'), T0],
      [
        { kind: 'acknowledge', source: 'pagerduty', integrationId: 'i1', fingerprint: fingerprint(labels) },
        T0 + 1,
      ],
      [am('firing', { annotations: { summary: 'more errors' } }), T0 + 2],
    ]);
    expect(changes).toEqual(['triggered', 'acknowledged', 're-received']);
    expect(state).toMatchObject({ acknowledged: true, annotations: '{"summary":"more errors"}' });
  });

  it('resolves at endsAt, ignores a late firing retry of that episode, and fires for a new one', () => {
    const { changes, state } = run([
      [am('firing'), T0],
      [am('resolved', { endsAt: T0 + 600_000 }), T0 + 700_000],
      [am('resolved', { endsAt: T0 + 600_000 }), T0 + 700_001],
      [am('firing'), T0 + 800_000],
      [am('firing', { startsAt: T0 + 900_000 }), T0 + 900_000],
    ]);
    expect(changes).toEqual(['triggered', 'resolved', 'unchanged', 'unchanged', 'triggered']);
    expect(state).toMatchObject({ status: 'firing', startsAt: T0 + 900_000, endsAt: null, resolution: null });
  });

  it('ignores a resolve of an earlier episode than the one firing', () => {
    const { changes } = run([
      [am('firing', { startsAt: T0 + 1000 }), T0 + 1000],
      [am('resolved', { startsAt: T0, endsAt: T0 + 500 }), T0 + 2000],
    ]);
    expect(changes).toEqual(['triggered', 'unchanged']);
  });

  it('stores a resolve it never saw fire, as resolved', () => {
    const t = transition(undefined, am('resolved', { endsAt: T0 + 60_000 }), T0 + 70_000);
    expect(t.change).toBe('resolved');
    expect(t.next).toMatchObject({ status: 'resolved', startsAt: T0, endsAt: T0 + 60_000 });
  });

  it('fires again after an auto-resolve even with the same start: it evidently still fires', () => {
    const fired = transition(undefined, am('firing'), T0).next!;
    const auto = autoResolve(fired, T0 + 90_000_000, 'timeout');
    expect(auto.event).toEqual({ kind: 'auto-resolved', detail: { reason: 'timeout' } });
    expect(auto.next).toMatchObject({
      status: 'resolved',
      resolution: 'auto-resolved',
      endsAt: T0 + 90_000_000,
    });
    expect(transition(auto.next, am('firing'), T0 + 91_000_000).change).toBe('triggered');
  });

  it('drops acknowledge and resolve for unknown or resolved alerts, as PagerDuty does', () => {
    const fp = pagerDutyFingerprint('i1', 'srv01/mysql');
    const ack: IncomingAlert = {
      kind: 'acknowledge',
      source: 'pagerduty',
      integrationId: 'i1',
      fingerprint: fp,
    };
    const resolve: IncomingAlert = {
      kind: 'resolve',
      source: 'pagerduty',
      integrationId: 'i1',
      fingerprint: fp,
    };
    expect(transition(undefined, ack, T0)).toEqual({ next: undefined, event: null, change: 'unchanged' });
    expect(transition(undefined, resolve, T0).next).toBeUndefined();
    const trigger: IncomingAlertState = {
      source: 'pagerduty',
      integrationId: 'i1',
      fingerprint: fp,
      status: 'firing',
      labels: { alertname: 'DISK at 99%', dedup_key: 'srv01/mysql' },
      detectedAt: T0 - 5000,
    };
    const { changes, state } = run([
      [trigger, T0],
      // A later trigger with a newer timestamp is the same alert and no change.
      [{ ...trigger, detectedAt: T0 + 5000 }, T0 + 5000],
      [resolve, T0 + 6000],
      [ack, T0 + 7000],
      [trigger, T0 + 8000],
    ]);
    expect(changes).toEqual(['triggered', 'unchanged', 'resolved', 'unchanged', 'triggered']);
    expect(state).toMatchObject({ status: 'firing', startsAt: T0 - 5000, acknowledged: false });
  });

  it('keeps a PagerDuty identity apart from label sets', () => {
    expect(pagerDutyFingerprint('i1', 'k')).not.toBe(pagerDutyFingerprint('i2', 'k'));
    expect(pagerDutyFingerprint('i1', 'k')).toBe(
      fingerprint({ __dedup_key__: 'k', __integration_id__: 'i1' }),
    );
  });

  it('counts an explicit expiry as content, and an auto-resolve at it keeps its time', () => {
    const gen = (endsAt?: number): IncomingAlertState => ({
      source: 'generic',
      integrationId: 'g',
      status: 'firing',
      labels,
      ...(endsAt !== undefined && { endsAt }),
    });
    const { changes, state } = run([
      [gen(T0 + 60_000), T0],
      [gen(T0 + 120_000), T0 + 30_000],
    ]);
    expect(changes).toEqual(['triggered', 're-received']);
    expect(autoResolve(state!, state!.endsAt!, 'ends-at').next).toMatchObject({ endsAt: T0 + 120_000 });
  });
});

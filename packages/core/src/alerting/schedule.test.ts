import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decideNotification,
  type GroupAlert,
  type GroupState,
  type GroupTimings,
  type NotifyReason,
  notifyReason,
} from './schedule.js';

const at = (hms: string) => Date.parse(`2024-05-01T${hms}Z`);
const DEFAULTS: GroupTimings = {
  groupWaitMs: 30_000,
  groupIntervalMs: 300_000,
  repeatIntervalMs: 4 * 3_600_000,
};

const firing = (fingerprint: string, startsAt: string, name = fingerprint): GroupAlert => ({
  fingerprint,
  name,
  startsAt: at(startsAt),
  endsAt: null,
});

describe('decideNotification: a group through its life, Alertmanager defaults (30s / 5m / 4h)', () => {
  const a = firing('a1', '14:29:25', 'checkout-availability');
  const b = firing('b2', '14:31:10', 'checkout-latency');
  const created: GroupState = {
    createdAt: at('14:29:30'),
    lastFlushAt: null,
    lastNotification: null,
    alerts: [a],
  };

  it('waits group_wait after the group is created', () => {
    const d = decideNotification(created, DEFAULTS, at('14:29:40'));
    expect(d).toMatchObject({ due: false, notify: false, flushAt: at('14:30:00') });
    expect(d.next).toEqual({
      at: at('14:30:00'),
      reason: 'first-notification',
      firing: ['a1'],
      resolved: [],
    });
    expect(d.explanation).toBe(
      'Next notification at 14:30:00 because group_wait 30s after the group was created at 14:29:30 (checkout-availability firing).',
    );
  });

  it('notifies at the end of group_wait, then repeats on the first tick after repeat_interval', () => {
    const d = decideNotification(created, DEFAULTS, at('14:30:00'));
    expect(d).toMatchObject({
      due: true,
      notify: true,
      send: true,
      reason: 'first-notification',
      firing: ['a1'],
    });
    // 18:30:00 is exactly 4h later, not more: the repeat goes out one group_interval later.
    expect(d.next).toMatchObject({ at: at('18:35:00'), reason: 'repeat-interval' });
    expect(d.explanation).toMatch(
      /^Notifying now because group_wait 30s after the group was created at 14:29:30/,
    );
    expect(d.explanation).toMatch(
      /Next notification at 18:35:00 because repeat_interval 4h has passed since the last notification at 14:30:00 and nothing changed/,
    );
  });

  const notified: GroupState = {
    createdAt: at('14:29:30'),
    lastFlushAt: at('14:30:00'),
    lastNotification: { at: at('14:30:00'), firing: ['a1'], resolved: [] },
    alerts: [a, b],
  };

  it('sends a new alert group_interval after the last notification', () => {
    const d = decideNotification(notified, DEFAULTS, at('14:32:00'));
    expect(d).toMatchObject({ due: false, notify: false, flushAt: at('14:35:00') });
    expect(d.next).toMatchObject({ at: at('14:35:00'), reason: 'new-alerts', firing: ['a1', 'b2'] });
    expect(d.explanation).toBe(
      'Next notification at 14:35:00 because group_interval 5m after the last notification at 14:30:00, new alert checkout-latency joined.',
    );
    const due = decideNotification(notified, DEFAULTS, at('14:35:00'));
    expect(due).toMatchObject({ due: true, notify: true, reason: 'new-alerts' });
  });

  it('flushes without notifying when nothing changed', () => {
    const quiet = { ...notified, alerts: [a] };
    const d = decideNotification(quiet, DEFAULTS, at('14:35:00'));
    expect(d).toMatchObject({ due: true, notify: false, reason: 'none' });
    expect(d.explanation).toMatch(
      /^Flushing without notifying: nothing changed since the last notification at 14:30:00\./,
    );
    expect(d.next).toMatchObject({ at: at('18:35:00'), reason: 'repeat-interval' });
  });

  it('sends a resolved alert to a receiver that takes them; otherwise waits for the repeat', () => {
    const state: GroupState = {
      createdAt: at('14:29:30'),
      lastFlushAt: at('14:35:00'),
      lastNotification: { at: at('14:35:00'), firing: ['a1', 'b2'], resolved: [] },
      alerts: [{ ...a, endsAt: at('14:37:00') }, b],
    };
    const d = decideNotification(state, DEFAULTS, at('14:38:00'));
    expect(d.next).toMatchObject({ at: at('14:40:00'), reason: 'some-resolved', resolved: ['a1'] });
    expect(d.explanation).toBe(
      'Next notification at 14:40:00 because group_interval 5m after the last notification at 14:35:00, checkout-availability resolved.',
    );
    const quiet = decideNotification(state, DEFAULTS, at('14:40:00'), { sendResolved: false });
    expect(quiet).toMatchObject({ due: true, notify: false });
    // The repeat counts from the last notification, which listed a1 as firing.
    expect(quiet.next).toMatchObject({ at: at('18:40:00'), reason: 'repeat-interval', firing: ['b2'] });
  });

  it('records "all resolved" even for a receiver without resolved notifications, but sends nothing', () => {
    const state: GroupState = {
      createdAt: at('14:29:30'),
      lastFlushAt: at('14:40:00'),
      lastNotification: { at: at('14:40:00'), firing: ['b2'], resolved: ['a1'] },
      alerts: [{ ...b, endsAt: at('14:41:00') }],
    };
    const d = decideNotification(state, DEFAULTS, at('14:45:00'), { sendResolved: false });
    expect(d).toMatchObject({
      notify: true,
      send: false,
      reason: 'all-resolved',
      firing: [],
      resolved: ['b2'],
    });
    expect(d.next).toBeNull();
    expect(d.explanation).toMatch(
      /^Notifying now \(recorded only: the receiver takes no resolved notifications\)/,
    );
    expect(d.explanation).toMatch(
      /all alerts resolved \(checkout-latency\)\. The group has no firing alerts left/,
    );
    expect(decideNotification(state, DEFAULTS, at('14:45:00')).send).toBe(true);
  });

  it('flushes at once when the first alert is older than group_wait (Alertmanager after a restart)', () => {
    const old: GroupState = {
      createdAt: at('14:30:00'),
      lastFlushAt: null,
      lastNotification: null,
      alerts: [firing('x', '12:00:00', 'disk-full')],
    };
    const d = decideNotification(old, DEFAULTS, at('14:30:00'));
    expect(d).toMatchObject({ due: true, notify: true, flushAt: at('14:30:00') });
    expect(d.explanation).toMatch(
      /^Notifying now because disk-full started at 12:00:00, more than group_wait 30s before the group was created at 14:30:00/,
    );
  });

  it('says so when every alert is muted, and when the group is empty', () => {
    const muted: GroupState = { ...created, alerts: [{ ...a, muted: true }] };
    const d = decideNotification(muted, DEFAULTS, at('14:29:40'));
    expect(d.next).toBeNull();
    expect(d.explanation).toBe(
      'No notification is planned: every alert of the group is silenced or inhibited.',
    );
    expect(decideNotification({ ...created, alerts: [] }, DEFAULTS, at('14:29:40')).explanation).toMatch(
      /no alerts left/,
    );
  });

  it('writes the date when the next notification is not today', () => {
    const late: GroupState = {
      createdAt: at('21:00:00'),
      lastFlushAt: at('22:00:00'),
      lastNotification: { at: at('22:00:00'), firing: ['a1'], resolved: [] },
      alerts: [a],
    };
    expect(decideNotification(late, DEFAULTS, at('22:01:00')).explanation).toMatch(
      /^Next notification at 2024-05-02 02:05:00 because repeat_interval 4h/,
    );
  });
});

describe('notifyReason (DedupStage.needsUpdate)', () => {
  const last = { at: 0, firing: ['a', 'b'], resolved: ['c'] };
  it('never notified: notifies when something fires', () => {
    expect(notifyReason(null, ['a'], [], 100, 10, true)).toBe('first-notification');
    expect(notifyReason(null, [], ['a'], 100, 10, true)).toBe('none');
  });
  it.each<[string, string[], string[], boolean, number, NotifyReason]>([
    ['a new firing alert', ['a', 'd'], [], true, 10, 'new-alerts'],
    ['fewer firing, same resolved', ['a'], ['c'], true, 10, 'none'],
    ['fewer firing, a new resolved', ['a'], ['b', 'c'], true, 10, 'some-resolved'],
    ['…to a receiver without resolved', ['a'], ['b', 'c'], false, 10, 'none'],
    ['nothing fires any more', [], ['a', 'b'], false, 10, 'all-resolved'],
    ['unchanged, repeat interval not passed', ['a', 'b'], [], true, 100, 'none'],
    ['unchanged, repeat interval passed', ['a', 'b'], [], true, 101, 'repeat-interval'],
  ])('%s', (_, f, r, sendResolved, now, reason) => {
    expect(notifyReason(last, f, r, 100, now, sendResolved)).toBe(reason);
  });
  it('a firing alert after an all-resolved notification is a first notification again', () => {
    expect(notifyReason({ at: 0, firing: [], resolved: ['a'] }, ['a'], [], 100, 1, true)).toBe(
      'first-notification',
    );
    expect(notifyReason({ at: 0, firing: [], resolved: ['a'] }, [], [], 100, 1, true)).toBe('none');
  });
});

describe('a simulated group (property)', () => {
  const T: GroupTimings = { groupWaitMs: 10_000, groupIntervalMs: 60_000, repeatIntervalMs: 300_000 };
  const STEP = 5_000;
  const END = 1_800_000;
  type Event = { at: number; fingerprint: string; kind: 'fire' | 'resolve' };
  const events = fc.array(
    fc.record({
      at: fc.integer({ min: 0, max: 240 }).map((s) => s * STEP),
      fingerprint: fc.constantFrom('a', 'b', 'c'),
      kind: fc.constantFrom<'fire' | 'resolve'>('fire', 'resolve'),
    }),
    { maxLength: 12 },
  );

  /** Runs the caller's loop every 5 s, keeping the state as the module comment says. */
  function run(list: Event[], sendResolved: boolean) {
    let state = null as GroupState | null;
    const sent: { at: number; reason: NotifyReason; firing: string[]; flushTick: boolean; group: number }[] =
      [];
    let group = 0;
    const predictions: { madeAt: number; at: number; reason: NotifyReason }[] = [];
    for (let t = 0; t <= END; t += STEP) {
      for (const e of list.filter((x) => x.at === t)) {
        const alerts: GroupAlert[] = [...(state?.alerts ?? [])];
        const i = alerts.findIndex((x) => x.fingerprint === e.fingerprint);
        if (e.kind === 'fire') {
          if (i === -1) alerts.push({ fingerprint: e.fingerprint, startsAt: t, endsAt: null });
          else if (alerts[i]!.endsAt !== null)
            alerts[i] = { fingerprint: e.fingerprint, startsAt: t, endsAt: null };
        } else if (i !== -1 && alerts[i]!.endsAt === null) alerts[i] = { ...alerts[i]!, endsAt: t };
        if (alerts.length === 0) continue;
        if (!state) group++;
        state = state
          ? { ...state, alerts }
          : { createdAt: t, lastFlushAt: null, lastNotification: null, alerts };
      }
      if (!state) continue;
      const d = decideNotification(state, T, t, { sendResolved });
      if (d.due) {
        const tick =
          state.lastFlushAt === null
            ? t === state.createdAt + T.groupWaitMs
            : t === state.lastFlushAt + T.groupIntervalMs;
        if (d.notify) {
          sent.push({ at: t, reason: d.reason, firing: d.firing, flushTick: tick, group });
          state = { ...state, lastNotification: { at: t, firing: d.firing, resolved: d.resolved } };
        }
        const kept: GroupAlert[] = state.alerts.filter((x) => x.endsAt === null || x.endsAt > t);
        state = kept.length > 0 ? { ...state, lastFlushAt: t, alerts: kept } : null;
      }
      if (d.next && d.next.at > t) predictions.push({ madeAt: t, at: d.next.at, reason: d.next.reason });
    }
    return { sent, predictions };
  }

  it('notifies only on flush ticks, at least group_interval apart, repeats only after repeat_interval, and keeps its predictions', () => {
    fc.assert(
      fc.property(events, fc.boolean(), (list, sendResolved) => {
        const { sent, predictions } = run(list, sendResolved);
        for (const s of sent) expect(s.flushTick).toBe(true);
        for (let i = 1; i < sent.length; i++) {
          // A group left without alerts is gone; the next alert starts a new one with group_wait.
          if (sent[i]!.group !== sent[i - 1]!.group) continue;
          const gap = sent[i]!.at - sent[i - 1]!.at;
          expect(gap).toBeGreaterThanOrEqual(T.groupIntervalMs);
          if (sent[i]!.reason === 'repeat-interval') expect(gap).toBeGreaterThan(T.repeatIntervalMs);
        }
        // A prediction holds when no alert changes before it comes true.
        for (const p of predictions) {
          if (p.at > END) continue;
          if (list.some((e) => e.at > p.madeAt && e.at <= p.at)) continue;
          expect(sent.find((s) => s.at === p.at)?.reason).toBe(p.reason);
          expect(sent.some((s) => s.at > p.madeAt && s.at < p.at)).toBe(false);
        }
      }),
      { numRuns: 50 },
    );
  });
});

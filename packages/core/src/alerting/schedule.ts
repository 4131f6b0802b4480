/**
 * When an aggregation group notifies, as Alertmanager's dispatcher and DedupStage decide it
 * (dispatch/dispatch.go, notify/notify.go), with an explanation a person can read.
 *
 * The flush clock: a group is created by its first alert and flushes group_wait later (at once
 * when that alert started more than group_wait before, e.g. after a restart), then every
 * group_interval after each flush, whether or not the flush sent anything. After every flush the
 * group's resolved alerts are dropped; a group with no alerts left is gone, and the next alert
 * starts a new one (with group_wait again).
 *
 * At a flush, the alerts neither silenced nor inhibited are split into firing and resolved, and
 * compared with the last notification of the group:
 * 1. never notified: notify when something fires (first notification);
 * 2. an alert fires that the last notification did not list as firing: notify (new alerts);
 * 3. nothing fires but the last notification listed firing alerts: notify (all resolved), even to
 *    a receiver that takes no resolved notifications (then nothing is delivered, but it is recorded);
 * 4. the receiver takes resolved notifications and an alert resolved that the last one did not
 *    list as resolved: notify (some resolved);
 * 5. otherwise notify only when the last notification is more than repeat_interval old, so a
 *    repeat goes out on the first group_interval tick after repeat_interval.
 *
 * The caller keeps the state: after a due decision set lastFlushAt = now and drop the resolved
 * alerts; after a recorded notification set lastNotification = { at: now, firing, resolved }.
 * `now` is always given: no timers here.
 */
import { formatPromDuration } from './routes.js';

export interface GroupAlert {
  fingerprint: string;
  /** How explanations name the alert (alertname, SLO); the fingerprint when absent. */
  name?: string;
  startsAt: number;
  /** Resolved from endsAt on; null while open-ended. */
  endsAt: number | null;
  /** Silenced or inhibited now: kept in the group but left out of notifications. */
  muted?: boolean;
}

export interface LastNotification {
  at: number;
  firing: readonly string[];
  resolved: readonly string[];
}

export interface GroupState {
  /** When the group's first alert arrived. */
  createdAt: number;
  lastFlushAt: number | null;
  lastNotification: LastNotification | null;
  alerts: readonly GroupAlert[];
}

export interface GroupTimings {
  groupWaitMs: number;
  groupIntervalMs: number;
  repeatIntervalMs: number;
}

export type NotifyReason =
  | 'first-notification'
  | 'new-alerts'
  | 'some-resolved'
  | 'all-resolved'
  | 'repeat-interval'
  | 'none';

export interface PlannedNotification {
  at: number;
  reason: Exclude<NotifyReason, 'none'>;
  firing: string[];
  resolved: string[];
}

export interface ScheduleDecision {
  /** When the current flush is (or was) due. */
  flushAt: number;
  due: boolean;
  /** A notification is recorded now. */
  notify: boolean;
  /** …and delivered: false when it only carries resolved alerts the receiver does not take. */
  send: boolean;
  reason: NotifyReason;
  /** Fingerprints in the notification (or what it would carry). */
  firing: string[];
  resolved: string[];
  /** The next notification if nothing else changes (after this one when `notify`); null when none will come. */
  next: PlannedNotification | null;
  explanation: string;
}

export interface ScheduleOptions {
  /** Does the receiver take resolved notifications? Default true. */
  sendResolved?: boolean;
  /** How times are written in explanations; default UTC `HH:MM:SS` (with the date when not today). */
  formatTime?: (ms: number) => string;
}

const resolvedAt = (a: GroupAlert, t: number) => a.endsAt !== null && a.endsAt <= t;

function split(alerts: readonly GroupAlert[], t: number) {
  const firing: string[] = [];
  const resolved: string[] = [];
  for (const a of alerts) {
    if (a.muted) continue;
    (resolvedAt(a, t) ? resolved : firing).push(a.fingerprint);
  }
  return { firing, resolved };
}

const isSubset = (subset: readonly string[], of: readonly string[]) => {
  const set = new Set(of);
  return subset.every((x) => set.has(x));
};

/** DedupStage.needsUpdate. */
export function notifyReason(
  last: LastNotification | null,
  firing: readonly string[],
  resolved: readonly string[],
  repeatIntervalMs: number,
  at: number,
  sendResolved: boolean,
): NotifyReason {
  if (!last) return firing.length > 0 ? 'first-notification' : 'none';
  if (!isSubset(firing, last.firing)) return last.firing.length === 0 ? 'first-notification' : 'new-alerts';
  if (firing.length === 0) return last.firing.length > 0 ? 'all-resolved' : 'none';
  if (sendResolved && !isSubset(resolved, last.resolved)) return 'some-resolved';
  return last.at < at - repeatIntervalMs ? 'repeat-interval' : 'none';
}

/** When the group's next flush is due. */
export function nextFlushAt(state: GroupState, timings: GroupTimings): number {
  if (state.lastFlushAt !== null) return state.lastFlushAt + timings.groupIntervalMs;
  const earliest = Math.min(...state.alerts.map((a) => a.startsAt));
  // Alertmanager flushes at once when an alert is older than group_wait as it arrives.
  return earliest + timings.groupWaitMs < state.createdAt
    ? state.createdAt
    : state.createdAt + timings.groupWaitMs;
}

/** The first notification from the flush at `tick` on, if the alerts stay as they are. */
function predict(
  alerts: readonly GroupAlert[],
  last: LastNotification | null,
  tick: number,
  timings: GroupTimings,
  sendResolved: boolean,
): PlannedNotification | null {
  const gi = timings.groupIntervalMs;
  const atOrAfter = (x: number) => tick + Math.max(0, Math.ceil((x - tick) / gi)) * gi;
  let t = tick;
  let current = alerts;
  for (let i = 0; i < 10_000 && current.length > 0; i++) {
    const { firing, resolved } = split(current, t);
    const reason = notifyReason(last, firing, resolved, timings.repeatIntervalMs, t, sendResolved);
    if (reason !== 'none') return { at: t, reason, firing, resolved };
    current = current.filter((a) => !resolvedAt(a, t));
    const candidates: number[] = [];
    // The repeat goes out on the first tick strictly after last + repeat_interval.
    if (last && firing.length > 0) candidates.push(atOrAfter(last.at + timings.repeatIntervalMs + 1));
    for (const a of current) if (a.endsAt !== null && a.endsAt > t) candidates.push(atOrAfter(a.endsAt));
    const next = Math.min(...candidates.filter((c) => c > t));
    if (!Number.isFinite(next)) return null;
    t = next;
  }
  return null;
}

function defaultFormat(now: number): (ms: number) => string {
  const day = new Date(now).toISOString().slice(0, 10);
  return (ms) => {
    const iso = new Date(ms).toISOString();
    return iso.slice(0, 10) === day ? iso.slice(11, 19) : `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
  };
}

const list = (names: string[]) =>
  names.length <= 3 ? names.join(', ') : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`;

interface Ctx {
  state: GroupState;
  timings: GroupTimings;
  fmt: (ms: number) => string;
  nameOf: (fingerprint: string) => string;
}

/** "because …" for a notification at `n.at` given the group's history before it. */
function because(
  n: PlannedNotification,
  last: LastNotification | null,
  lastFlushAt: number | null,
  c: Ctx,
): string {
  const { timings: tm, fmt, nameOf, state } = c;
  const gw = formatPromDuration(tm.groupWaitMs);
  const gi = formatPromDuration(tm.groupIntervalMs);
  const ri = formatPromDuration(tm.repeatIntervalMs);
  if (lastFlushAt === null) {
    if (n.at === state.createdAt && tm.groupWaitMs > 0) {
      const oldest = [...state.alerts].sort((a, b) => a.startsAt - b.startsAt)[0]!;
      return `${nameOf(oldest.fingerprint)} started at ${fmt(oldest.startsAt)}, more than group_wait ${gw} before the group was created at ${fmt(state.createdAt)}, so the group flushes at once`;
    }
    return `group_wait ${gw} after the group was created at ${fmt(state.createdAt)} (${list(n.firing.map(nameOf))} firing)`;
  }
  const lastWhat =
    last && last.at === lastFlushAt
      ? `the last notification at ${fmt(last.at)}`
      : `the last flush at ${fmt(lastFlushAt)}${last ? ` (last notification at ${fmt(last.at)})` : ''}`;
  const interval =
    n.at === lastFlushAt + tm.groupIntervalMs
      ? `group_interval ${gi} after ${lastWhat}`
      : `on the group's group_interval ${gi} schedule (${lastWhat})`;
  switch (n.reason) {
    case 'first-notification':
    case 'new-alerts': {
      const added = n.firing.filter((f) => !last?.firing.includes(f)).map(nameOf);
      return `${interval}, new alert${added.length > 1 ? 's' : ''} ${list(added)} joined`;
    }
    case 'some-resolved': {
      const gone = n.resolved.filter((f) => !last?.resolved.includes(f)).map(nameOf);
      return `${interval}, ${list(gone)} resolved`;
    }
    case 'all-resolved':
      return `${interval}, all alerts resolved (${list(n.resolved.map(nameOf))})`;
    case 'repeat-interval':
      return `repeat_interval ${ri} has passed since the last notification at ${fmt(last!.at)} and nothing changed (repeats go out on the first group_interval ${gi} tick after it)`;
  }
}

/** What the group does at `now`, and when and why it notifies next. */
export function decideNotification(
  state: GroupState,
  timings: GroupTimings,
  now: number,
  options: ScheduleOptions = {},
): ScheduleDecision {
  const sendResolved = options.sendResolved ?? true;
  const fmt = options.formatTime ?? defaultFormat(now);
  const names = new Map(state.alerts.map((a) => [a.fingerprint, a.name ?? a.fingerprint]));
  const c: Ctx = { state, timings, fmt, nameOf: (f) => names.get(f) ?? f };
  const flushAt = state.alerts.length > 0 ? nextFlushAt(state, timings) : now;
  const empty = {
    flushAt,
    due: false,
    notify: false,
    send: false,
    reason: 'none' as const,
    firing: [],
    resolved: [],
    next: null,
  };
  if (state.alerts.length === 0)
    return { ...empty, explanation: 'The group has no alerts left; the next alert starts a new group.' };

  const due = now >= flushAt;
  const nextText = (
    n: PlannedNotification | null,
    last: LastNotification | null,
    lastFlushAt: number | null,
  ) => {
    if (n) return `Next notification at ${fmt(n.at)} because ${because(n, last, lastFlushAt, c)}.`;
    if (state.alerts.every((a) => a.muted))
      return 'No notification is planned: every alert of the group is silenced or inhibited.';
    return 'No notification is planned: nothing fires that the receiver has not been told about.';
  };

  if (!due) {
    const next = predict(state.alerts, state.lastNotification, flushAt, timings, sendResolved);
    const { firing, resolved } = split(state.alerts, flushAt);
    return {
      ...empty,
      firing,
      resolved,
      next,
      explanation: nextText(next, state.lastNotification, state.lastFlushAt),
    };
  }

  const { firing, resolved } = split(state.alerts, now);
  const reason = notifyReason(
    state.lastNotification,
    firing,
    resolved,
    timings.repeatIntervalMs,
    now,
    sendResolved,
  );
  const notify = reason !== 'none';
  const send = notify && (sendResolved || firing.length > 0);
  // The state after this flush: resolved alerts dropped, the notification recorded.
  const after = state.alerts.filter((a) => !resolvedAt(a, now));
  const lastAfter = notify ? { at: now, firing, resolved } : state.lastNotification;
  const next =
    after.length > 0 ? predict(after, lastAfter, now + timings.groupIntervalMs, timings, sendResolved) : null;
  let explanation: string;
  if (notify) {
    const planned: PlannedNotification = { at: now, reason, firing, resolved };
    const delivery = send ? '' : ' (recorded only: the receiver takes no resolved notifications)';
    explanation = `Notifying now${delivery} because ${because(planned, state.lastNotification, state.lastFlushAt, c)}. ${
      after.length > 0
        ? nextText(next, lastAfter, now)
        : 'The group has no firing alerts left and is removed.'
    }`;
  } else {
    const why =
      firing.length === 0 && !state.lastNotification
        ? 'nothing fires that was ever notified'
        : state.alerts.every((a) => a.muted)
          ? 'every alert of the group is silenced or inhibited'
          : `nothing changed since the last notification${state.lastNotification ? ` at ${fmt(state.lastNotification.at)}` : ''}`;
    explanation = `Flushing without notifying: ${why}. ${nextText(next, lastAfter, now)}`;
  }
  return { flushAt, due, notify, send, reason, firing, resolved, next, explanation };
}

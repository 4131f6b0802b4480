/**
 * The life of one stored alert, as a pure function of its stored state and what arrives. Every
 * producer (Alertmanager, PagerDuty, the generic endpoint, Headroom's own evaluator) goes through
 * `transition`; the store only persists what it returns.
 *
 * Rules (Alertmanager's semantics, PagerDuty's for acknowledge):
 * - Deliveries are at-least-once: the same content again is `unchanged` — no event; only the
 *   time it was last received moves (the stale timeout counts from it).
 * - A firing alert received with other labels, annotations, generator URL, start or expiry is
 *   `re-received` (an event, the new content stored); acknowledged stays as it was.
 * - A resolved alert fires again (`triggered`, acknowledged cleared) when the start it is sent
 *   with is later than the stored start (a new episode), when it has no start (generic, PagerDuty
 *   without timestamp), or when Headroom resolved it by timeout (it evidently still fires). A firing
 *   delivery of the episode the source already resolved (same or older start) is a late retry and
 *   is ignored, as is a resolve for an older episode than the stored one.
 * - Acknowledge applies to a firing alert; acknowledge and resolve for an alert that is unknown or
 *   already resolved are dropped (PagerDuty drops them too).
 * - A firing alert with an explicit endsAt (generic, Headroom) resolves at that time unless sent
 *   again; Alertmanager's endsAt of a firing alert is not an expiry (it would resolve every alert
 *   between repeat_interval resends), so its intake leaves it out.
 */
import type { AlertEventKind, AlertSource, AlertStatus } from '../api/alert.js';
import type { IntakeChange } from '../api/alert-intake.js';
import { fingerprint as labelFingerprint } from './fingerprint.js';

export type Labels = Record<string, string>;

/** A state report: the alert fires or has resolved, with its full content. */
export interface IncomingAlertState {
  kind?: 'state';
  source: AlertSource;
  /** The integration it came through; null for Headroom's own alerts. */
  integrationId: string | null;
  /** Identity; default: Alertmanager's fingerprint of `labels`. */
  fingerprint?: string;
  status: AlertStatus;
  labels: Labels;
  annotations?: Labels;
  /** Epoch ms the episode started; absent = keep the stored start, or now for a new episode. */
  startsAt?: number;
  /**
   * When the source detected it (PagerDuty's payload.timestamp): the start of a new episode
   * only; it never changes the start of a firing alert nor makes a delivery differ from a repeat.
   */
  detectedAt?: number;
  /** Resolved: when it ended (default now). Firing: when it resolves unless sent again. */
  endsAt?: number;
  generatorUrl?: string | null;
  /** Source-specific extras, stored with a change but never a change by themselves. */
  details?: Record<string, unknown>;
}

/** An action on an alert known by its identity only (PagerDuty acknowledge / resolve). */
export interface IncomingAlertAction {
  kind: 'acknowledge' | 'resolve';
  source: AlertSource;
  integrationId: string | null;
  fingerprint: string;
  /** When it happened (default now). */
  at?: number;
}

export type IncomingAlert = IncomingAlertState | IncomingAlertAction;

export function isAlertAction(incoming: IncomingAlert): incoming is IncomingAlertAction {
  return incoming.kind === 'acknowledge' || incoming.kind === 'resolve';
}

export type AlertResolution = 'resolved' | 'auto-resolved';

/** The stored alert, with JSON fields as canonical text so that equal content compares equal. */
export interface AlertState {
  fingerprint: string;
  status: AlertStatus;
  acknowledged: boolean;
  resolution: AlertResolution | null;
  /** Canonical JSON (keys sorted) of the labels, annotations and details. */
  labels: string;
  annotations: string;
  details: string;
  generatorUrl: string | null;
  startsAt: number;
  /** Resolved: when it ended. Firing: its explicit expiry, or null. */
  endsAt: number | null;
  source: AlertSource;
  integrationId: string | null;
  firstReceivedAt: number;
  lastReceivedAt: number;
}

export interface AlertEventDraft {
  kind: AlertEventKind;
  detail: Record<string, unknown>;
}

export interface Transition {
  /** The state to store; undefined when nothing is (an action on an unknown alert). */
  next: AlertState | undefined;
  /** The event to log; null when nothing changed (a repeat), which also leaves the sequence alone. */
  event: AlertEventDraft | null;
  change: IntakeChange;
}

/** JSON with object keys sorted at every depth, so that equal values give equal text. */
export function canonicalJson(value: unknown): string {
  return isFlatStrings(value) ? flatJson(value) : JSON.stringify(sortKeys(value));
}

// Labels and annotations (string to string) are most of what is serialised: a direct path.
function isFlatStrings(value: unknown): value is Record<string, string> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  for (const key in value) if (typeof (value as Record<string, unknown>)[key] !== 'string') return false;
  return true;
}

function flatJson(value: Record<string, string>): string {
  const keys = Object.keys(value).sort();
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    out += `${i === 0 ? '' : ','}${JSON.stringify(key)}:${JSON.stringify(value[key])}`;
  }
  return `${out}}`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/** The identity an incoming alert has. */
export function identityOf(incoming: IncomingAlert): string {
  if (isAlertAction(incoming)) return incoming.fingerprint;
  return incoming.fingerprint ?? labelFingerprint(incoming.labels);
}

/** The identity of a PagerDuty alert: its dedup_key within its integration. */
export function pagerDutyFingerprint(integrationId: string, dedupKey: string): string {
  return labelFingerprint({ __integration_id__: integrationId, __dedup_key__: dedupKey });
}

const unchanged = (current: AlertState | undefined): Transition => ({
  next: current,
  event: null,
  change: 'unchanged',
});

function received(current: AlertState, now: number): AlertState {
  return current.lastReceivedAt >= now ? current : { ...current, lastReceivedAt: now };
}

/** What `incoming` does to the stored alert `current` (undefined: none stored) at `now`. */
export function transition(
  current: AlertState | undefined,
  incoming: IncomingAlert,
  now: number,
): Transition {
  if (isAlertAction(incoming)) {
    if (current?.status !== 'firing') return unchanged(current);
    if (incoming.kind === 'acknowledge') {
      if (current.acknowledged) return { next: received(current, now), event: null, change: 'unchanged' };
      return {
        next: { ...received(current, now), acknowledged: true },
        event: { kind: 'acknowledged', detail: { source: incoming.source } },
        change: 'acknowledged',
      };
    }
    const endsAt = incoming.at ?? now;
    return {
      next: { ...received(current, now), status: 'resolved', resolution: 'resolved', endsAt },
      event: { kind: 'resolved', detail: { source: incoming.source } },
      change: 'resolved',
    };
  }

  const labels = canonicalJson(incoming.labels);
  const annotations = canonicalJson(incoming.annotations ?? {});
  const details = canonicalJson(incoming.details ?? {});
  const generatorUrl = incoming.generatorUrl ?? null;
  const from = { source: incoming.source, integrationId: incoming.integrationId };

  if (incoming.status === 'resolved') {
    const endsAt = incoming.endsAt ?? now;
    if (!current) {
      const startsAt = Math.min(incoming.startsAt ?? incoming.detectedAt ?? endsAt, endsAt);
      return {
        next: {
          fingerprint: identityOf(incoming),
          status: 'resolved',
          acknowledged: false,
          resolution: 'resolved',
          labels,
          annotations,
          details,
          generatorUrl,
          startsAt,
          endsAt,
          ...from,
          firstReceivedAt: now,
          lastReceivedAt: now,
        },
        event: { kind: 'resolved', detail: { source: incoming.source, unseen: true } },
        change: 'resolved',
      };
    }
    if (current.status === 'resolved') return unchanged(current);
    // A resolve of an earlier episode than the one firing now is a late retry.
    if (incoming.startsAt !== undefined && incoming.startsAt < current.startsAt) return unchanged(current);
    return {
      next: {
        ...received(current, now),
        status: 'resolved',
        resolution: 'resolved',
        labels,
        annotations,
        details,
        generatorUrl,
        endsAt,
        ...from,
      },
      event: { kind: 'resolved', detail: { source: incoming.source } },
      change: 'resolved',
    };
  }

  const expiry = incoming.endsAt ?? null;
  if (!current || current.status === 'resolved') {
    if (
      current &&
      current.resolution === 'resolved' &&
      incoming.startsAt !== undefined &&
      incoming.startsAt <= current.startsAt
    )
      return unchanged(current);
    const startsAt = incoming.startsAt ?? incoming.detectedAt ?? now;
    return {
      next: {
        fingerprint: current?.fingerprint ?? identityOf(incoming),
        status: 'firing',
        acknowledged: false,
        resolution: null,
        labels,
        annotations,
        details,
        generatorUrl,
        startsAt,
        endsAt: expiry,
        ...from,
        firstReceivedAt: current?.firstReceivedAt ?? now,
        lastReceivedAt: Math.max(now, current?.lastReceivedAt ?? now),
      },
      event: { kind: 'triggered', detail: { source: incoming.source, ...(current && { again: true }) } },
      change: 'triggered',
    };
  }

  const startsAt = incoming.startsAt ?? current.startsAt;
  const changed: string[] = [];
  if (labels !== current.labels) changed.push('labels');
  if (annotations !== current.annotations) changed.push('annotations');
  if (generatorUrl !== current.generatorUrl) changed.push('generatorURL');
  if (startsAt !== current.startsAt) changed.push('startsAt');
  if (expiry !== current.endsAt) changed.push('endsAt');
  if (changed.length === 0) return { next: received(current, now), event: null, change: 'unchanged' };
  return {
    next: {
      ...received(current, now),
      labels,
      annotations,
      details,
      generatorUrl,
      startsAt,
      endsAt: expiry,
      ...from,
    },
    event: { kind: 're-received', detail: { source: incoming.source, changed } },
    change: 're-received',
  };
}

/**
 * Headroom resolves a firing alert itself: its explicit endsAt passed, or nothing arrived for
 * the stale timeout. `endsAt` is the explicit end, or the time of the sweep.
 */
export function autoResolve(current: AlertState, endsAt: number, reason: 'ends-at' | 'timeout'): Transition {
  if (current.status !== 'firing') return unchanged(current);
  return {
    next: { ...current, status: 'resolved', resolution: 'auto-resolved', endsAt },
    event: { kind: 'auto-resolved', detail: { reason } },
    change: 'resolved',
  };
}

/**
 * The notification of an aggregation group: a message every channel can render (title, text,
 * severity, labels, links) and, for webhooks, a body in Alertmanager's webhook format (version 4)
 * so that receivers written for Alertmanager take Headroom's notifications unchanged, with
 * Headroom's own additions under `headroom`.
 */
import type { NotificationMessage, NotificationSeverity } from '../api/notification.js';
import type { Labels } from './matchers.js';

export interface GroupMessageAlert {
  fingerprint: string;
  status: 'firing' | 'resolved';
  labels: Labels;
  annotations: Labels;
  startsAt: number;
  /** Resolved: when it ended; firing: null. */
  endsAt: number | null;
  generatorUrl: string | null;
}

export interface GroupMessageInput {
  groupKey: string;
  receiver: string;
  groupLabels: Labels;
  alerts: readonly GroupMessageAlert[];
  /** Headroom's public URL, for links. */
  externalUrl: string;
  /** Why this notification goes out now ("first-notification", "repeat-interval", …). */
  reason: string;
  explanation: string;
  groupId: string;
}

/** Alertmanager's zero time, which its webhook sends as the endsAt of a firing alert. */
const ZERO_TIME = '0001-01-01T00:00:00Z';
const MAX_TEXT_ALERTS = 20;

const SEVERITY: Record<string, NotificationSeverity> = {
  critical: 'critical',
  page: 'critical',
  error: 'error',
  high: 'error',
  warning: 'warning',
  ticket: 'warning',
  info: 'info',
};

/** The most severe of the firing alerts' `severity` labels (else of all alerts). */
export function groupSeverity(alerts: readonly GroupMessageAlert[]): NotificationSeverity {
  const order: NotificationSeverity[] = ['critical', 'error', 'warning', 'info'];
  const firing = alerts.filter((a) => a.status === 'firing');
  const pool = firing.length > 0 ? firing : alerts;
  let best = 3;
  for (const a of pool) {
    const s = SEVERITY[(a.labels.severity ?? '').toLowerCase()] ?? 'warning';
    best = Math.min(best, order.indexOf(s));
  }
  return order[best]!;
}

/** Labels (or annotations) every alert has with the same value. */
export function commonOf(sets: readonly Labels[]): Record<string, string> {
  if (sets.length === 0) return {};
  const out: Record<string, string> = { ...sets[0]! };
  for (const s of sets.slice(1)) for (const k of Object.keys(out)) if (s[k] !== out[k]) delete out[k];
  return out;
}

const iso = (ms: number) => new Date(ms).toISOString();

function alertName(a: GroupMessageAlert): string {
  const name = a.labels.alertname ?? a.fingerprint;
  const slo = a.labels.slo ? ` ${a.labels.slo}` : '';
  return `${name}${slo}`;
}

export function groupMessage(input: GroupMessageInput): NotificationMessage {
  const firing = input.alerts.filter((a) => a.status === 'firing');
  const resolved = input.alerts.filter((a) => a.status === 'resolved');
  const status = firing.length > 0 ? 'firing' : 'resolved';
  const commonLabels = commonOf(input.alerts.map((a) => a.labels));
  const commonAnnotations = commonOf(input.alerts.map((a) => a.annotations));
  const groupText = Object.entries(input.groupLabels)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  const headline =
    commonAnnotations.summary ??
    (firing.length === 1 ? (firing[0]!.annotations.summary ?? alertName(firing[0]!)) : null) ??
    (groupText || input.receiver);
  const title = `[${status === 'firing' ? `FIRING:${firing.length}` : 'RESOLVED'}] ${headline}`.slice(
    0,
    1024,
  );
  const lines: string[] = [];
  for (const [what, list] of [
    ['Firing', firing],
    ['Resolved', resolved],
  ] as const) {
    if (list.length === 0) continue;
    lines.push(`${what} (${list.length}):`);
    for (const a of list.slice(0, MAX_TEXT_ALERTS)) {
      const since =
        a.status === 'firing' ? `since ${iso(a.startsAt)}` : `ended ${iso(a.endsAt ?? a.startsAt)}`;
      lines.push(`- ${alertName(a)} (${since})${a.annotations.summary ? `: ${a.annotations.summary}` : ''}`);
      if (a.annotations.description) lines.push(`  ${a.annotations.description}`);
    }
    if (list.length > MAX_TEXT_ALERTS) lines.push(`- and ${list.length - MAX_TEXT_ALERTS} more`);
  }
  lines.push('', input.explanation);
  const groupUrl = `${input.externalUrl.replace(/\/$/, '')}/alerts?group=${encodeURIComponent(input.groupId)}`;
  const links = [{ url: groupUrl, title: 'Alert group in Headroom' }];
  const runbook = commonAnnotations.runbook_url ?? commonAnnotations.runbook;
  if (runbook && /^https?:\/\//.test(runbook)) links.push({ url: runbook, title: 'Runbook' });
  return {
    title,
    text: lines.join('\n').slice(0, 65_536),
    severity: groupSeverity(input.alerts),
    status,
    labels: Object.fromEntries(Object.entries(commonLabels).slice(0, 100)),
    links,
    data: {
      version: '4',
      groupKey: input.groupKey,
      truncatedAlerts: 0,
      status,
      receiver: input.receiver,
      groupLabels: input.groupLabels,
      commonLabels,
      commonAnnotations,
      externalURL: input.externalUrl,
      alerts: input.alerts.map((a) => ({
        status: a.status,
        labels: a.labels,
        annotations: a.annotations,
        startsAt: iso(a.startsAt),
        endsAt: a.endsAt === null ? ZERO_TIME : iso(a.endsAt),
        generatorURL: a.generatorUrl ?? '',
        fingerprint: a.fingerprint,
      })),
      headroom: { groupId: input.groupId, reason: input.reason, explanation: input.explanation },
    },
  };
}

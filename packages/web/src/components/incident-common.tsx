/** Small pieces shared by the incident, postmortem and action item pages. */
import type { ActionItem, Incident } from '@headroom/core/api/incident';
import { Link } from 'react-router';
import { seg } from '../api/client';
import { Badge, type Tone } from './ui';

export type IncidentStatus = Incident['status'];
export type Severity = Incident['severity'];
export type PostmortemState = Incident['postmortem']['status'];

export const SEVERITY_OPTIONS: readonly Severity[] = ['SEV1', 'SEV2', 'SEV3', 'SEV4'];
export const STATUS_OPTIONS: readonly IncidentStatus[] = [
  'triage',
  'investigating',
  'mitigated',
  'resolved',
  'closed',
  'cancelled',
  'merged',
];
export const PRIORITIES: readonly ActionItem['priority'][] = ['P0', 'P1', 'P2', 'P3'];
export const ITEM_STATUSES: readonly ActionItem['status'][] = ['open', 'in-progress', 'done', 'wont-do'];

export function statusTone(status: IncidentStatus): Tone {
  switch (status) {
    case 'triage':
    case 'investigating':
      return 'bad';
    case 'mitigated':
      return 'warn';
    case 'resolved':
    case 'closed':
      return 'ok';
    default:
      return 'muted';
  }
}

export function severityTone(severity: Severity): Tone {
  return severity === 'SEV1' || severity === 'SEV2' ? 'bad' : severity === 'SEV3' ? 'warn' : 'info';
}

export function StatusBadge({ status }: { status: IncidentStatus }) {
  return <Badge tone={statusTone(status)}>{status}</Badge>;
}

export function SeverityBadge({ severity }: { severity: Severity }) {
  return <Badge tone={severityTone(severity)}>{severity}</Badge>;
}

export function PostmortemBadge({ status }: { status: PostmortemState }) {
  if (status === null) return <Badge>not started</Badge>;
  return <Badge tone={status === 'published' ? 'ok' : 'warn'}>{status}</Badge>;
}

export function PriorityBadge({ priority }: { priority: ActionItem['priority'] }) {
  const tone: Tone = priority === 'P0' ? 'bad' : priority === 'P1' ? 'warn' : 'muted';
  return <Badge tone={tone}>{priority}</Badge>;
}

export const incidentPath = (id: string) => `/incidents/${seg(id)}`;

export function IncidentLink({ id, children }: { id: string; children?: React.ReactNode }) {
  return <Link to={incidentPath(id)}>{children ?? id}</Link>;
}

export function ServiceLinks({ names }: { names: readonly string[] }) {
  if (names.length === 0) return <span className="muted">—</span>;
  return (
    <span className="inc-list">
      {names.map((s) => (
        <Link key={s} to={`/services/${seg(s)}`}>
          {s}
        </Link>
      ))}
    </span>
  );
}

const pad = (n: number) => String(n).padStart(2, '0');

/** RFC 3339 → the value of an <input type="datetime-local"> in the browser's time zone. */
export function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A datetime-local value (local time) → RFC 3339 UTC; '' → null. */
export function fromLocalInput(value: string): string | null {
  if (value === '') return null;
  const ms = new Date(value).getTime();
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

/** `checkout, payments ,search` → ['checkout','payments','search']. */
export function splitList(value: string): string[] {
  return value
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

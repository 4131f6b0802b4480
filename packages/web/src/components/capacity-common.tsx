/** Shared bits of the capacity pages: formats, runway dates with their range, pickers, links. */
import type { GrowthScenario, RunwayRow } from '@headroom/core/api/capacity';
import { Link } from 'react-router';
import { seg } from '../api/client';
import { formatNumber, formatPercent } from '../format';
import { Badge } from './ui';
import '../styles/capacity.css';

export const DAY_MS = 86_400_000;
export const HORIZONS = ['30d', '90d', '180d', '365d'] as const;

const day = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: '2-digit' });
export const formatDay = (t: string | number) => day.format(typeof t === 'number' ? t : Date.parse(t));

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** A quantity in the resource's unit; bytes read as KiB…PiB. */
export function formatAmount(value: number | null | undefined, unit: string, digits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  if (unit === 'bytes') {
    let v = value;
    let i = 0;
    while (Math.abs(v) >= 1024 && i < BYTE_UNITS.length - 1) {
      v /= 1024;
      i++;
    }
    return `${formatNumber(v, digits)} ${BYTE_UNITS[i]}`;
  }
  return `${formatNumber(value, digits)} ${unit}`;
}

/** The price of one unit a month; bytes are priced per GiB, where the figure means something. */
export function formatUnitCost(value: number, currency: string, unit: string): string {
  const [v, per] = unit === 'bytes' ? [value * 1024 ** 3, 'GiB'] : [value, unit];
  let money: string;
  try {
    money = v.toLocaleString(undefined, { style: 'currency', currency, maximumSignificantDigits: 3 });
  } catch {
    money = `${formatNumber(v, 4)} ${currency}`;
  }
  return `${money} per ${per} a month`;
}

export function formatCost(value: number | null | undefined, currency: string): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  try {
    return value.toLocaleString(undefined, { style: 'currency', currency, maximumFractionDigits: 0 });
  } catch {
    return `${formatNumber(value, 0)} ${currency}`;
  }
}

/** "in 45 d" / "12 d ago" for a day count from now. */
export function daysFromNow(at: string, now = Date.now()): string {
  const d = Math.round((Date.parse(at) - now) / DAY_MS);
  if (d === 0) return 'today';
  return d > 0 ? `in ${d} d` : `${-d} d ago`;
}

/**
 * A crossing date on the mean forecast with the interval's early–late range under it.
 * `data-at` carries the exact time so tests compare with the API, not with a locale format.
 */
export function CrossingDate({
  at,
  early,
  late,
  testId,
  already,
}: {
  at: string | null;
  early?: string | null;
  late?: string | null;
  testId?: string;
  already?: boolean;
}) {
  if (already)
    return (
      <span data-testid={testId} data-at={at ?? ''}>
        <Badge tone="bad">already above</Badge>
      </span>
    );
  if (at === null)
    return (
      <span data-testid={testId} data-at="" className="muted" title="Not crossed within the horizon">
        beyond horizon
      </span>
    );
  const range =
    early !== undefined || late !== undefined
      ? `${early ? formatDay(early) : '—'} – ${late ? formatDay(late) : 'later'}`
      : null;
  return (
    <span data-testid={testId} data-at={at} className="cap-date">
      <time dateTime={at} title={new Date(at).toISOString()}>
        {formatDay(at)}
      </time>{' '}
      <span className="muted">{daysFromNow(at)}</span>
      {range && (
        <span className="hint" title="Early (upper interval bound) – late (lower interval bound)">
          {range}
        </span>
      )}
    </span>
  );
}

/** Utilisation as a meter and a percentage; warn past the safe threshold, bad past 95 %. */
export function Utilisation({ value, safe = 0.8 }: { value: number | null; safe?: number }) {
  if (value === null) return <span className="muted">—</span>;
  const tone = value >= 0.95 ? 'bad' : value >= safe ? 'warn' : '';
  return (
    <span className="cap-util">
      <span className={`meter ${tone}`} aria-hidden="true">
        <span style={{ width: `${Math.min(100, Math.max(0, value * 100))}%` }} />
      </span>
      {formatPercent(value, 1)}
    </span>
  );
}

export function LeadTimeBadge({ inside, leadTime }: { inside: boolean; leadTime: string }) {
  return inside ? (
    <Badge tone="bad" title={`Capacity ordered today (lead time ${leadTime}) arrives after the threshold`}>
      inside lead time
    </Badge>
  ) : null;
}

/** Slack: runway to the threshold minus lead time, in days. */
export function Slack({ row }: { row: RunwayRow }) {
  if (row.problem) return <span className="muted">—</span>;
  if (row.slackDays === null) return <span className="muted">beyond horizon</span>;
  const tone = row.slackDays < 0 ? 'bad' : row.slackDays < 30 ? 'warn' : 'ok';
  return (
    <Badge tone={tone} title="Runway to the safe threshold minus the lead time">
      {row.slackDays > 0 ? '+' : ''}
      {formatNumber(row.slackDays, 1)} d
    </Badge>
  );
}

export const ResourceLink = ({ name, title }: { name: string; title?: string | null }) => (
  <Link to={`/capacity/${seg(name)}`}>{title ?? name}</Link>
);

/** Horizon buttons (30/90/180/365 d). */
export function HorizonPicker({ value, onChange }: { value: string; onChange: (h: string) => void }) {
  return (
    <fieldset className="cap-toggle">
      <legend className="skip">Horizon</legend>
      {HORIZONS.map((h) => (
        <button key={h} type="button" aria-pressed={value === h} onClick={() => onChange(h)}>
          {h}
        </button>
      ))}
    </fieldset>
  );
}

/** The growth scenarios as a select; '' is the organic forecast alone. */
export function ScenarioPicker({
  scenarios,
  value,
  onChange,
  id = 'cap-scenario',
}: {
  scenarios: GrowthScenario[] | undefined;
  value: string;
  onChange: (name: string) => void;
  id?: string;
}) {
  const items = scenarios ?? [];
  return (
    <label className="cap-picker" htmlFor={id}>
      Scenario{' '}
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)} disabled={!scenarios}>
        <option value="">Organic only</option>
        {items.map((s) => (
          <option key={s.name} value={s.name}>
            {s.title ?? s.name}
          </option>
        ))}
        {value && scenarios && !items.some((s) => s.name === value) && (
          <option value={value}>{value} (not found)</option>
        )}
      </select>
    </label>
  );
}

/** "+40 % step from 1 Mar 2027", "×3 peak 1 Apr – 8 Apr 2027". */
export function describeEvent(e: GrowthScenario['events'][number]): string {
  const when =
    e.type === 'step'
      ? `from ${formatDay(e.start)}`
      : e.type === 'peak'
        ? `${formatDay(e.start)} – ${e.end ? formatDay(e.end) : '?'}`
        : `ramping ${formatDay(e.start)} – ${e.end ? formatDay(e.end) : '?'}`;
  return `${e.change} (×${formatNumber(e.factor, 3)}) ${e.type} ${when}`;
}

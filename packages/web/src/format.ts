/** Display formats shared by every page, so a number reads the same everywhere. */

const dateTime = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});
const timeOnly = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

export type Instant = string | number | Date;
const toMs = (t: Instant) => (t instanceof Date ? t.getTime() : typeof t === 'number' ? t : Date.parse(t));

export function formatDateTime(t: Instant): string {
  return dateTime.format(toMs(t));
}

export function formatTime(t: Instant): string {
  return timeOnly.format(toMs(t));
}

/** 93 s → `1m 33s`; 90061 s → `1d 1h`; for durations the user reads at a glance. */
export function formatDuration(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  let s = Math.round(Math.abs(ms) / 1000);
  if (s < 60) return `${sign}${s}s`;
  const d = Math.floor(s / 86_400);
  s -= d * 86_400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  if (d > 0) return `${sign}${d}d${h ? ` ${h}h` : ''}`;
  if (h > 0) return `${sign}${h}h${m ? ` ${m}m` : ''}`;
  return `${sign}${m}m${s ? ` ${s}s` : ''}`;
}

/** `3 min ago`, `in 2 h`. */
export function formatRelative(t: Instant, now = Date.now()): string {
  const diff = toMs(t) - now;
  const ago = diff < 0;
  const text = formatDuration(Math.abs(diff));
  if (Math.abs(diff) < 5_000) return 'just now';
  return ago ? `${text} ago` : `in ${text}`;
}

/** 0.99912 → `99.912%`; digits adapt so a 99.9 % target never shows as 100 %. */
export function formatPercent(ratio: number | null | undefined, digits = 2): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '—';
  return `${(ratio * 100).toFixed(digits)}%`;
}

export function formatNumber(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return value.toLocaleString(undefined, { maximumFractionDigits: digits });
}

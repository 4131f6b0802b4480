/**
 * Readers for the capacity kinds' values as people write them: fractions and percentages,
 * demand changes (+40 %, x3), scenario dates, fixed durations, service names and PromQL. Each
 * reports a problem at its field through the context, as openslo/read.ts does.
 */
import { parseEntityRef } from '../../catalog/entity-ref.js';
import { fixedDurationMs, parseDuration } from '../../slo/duration.js';
import { checkPromql } from '../../slo/promql.js';
import { type Fields, type Path, readNumber, readString } from '../openslo/read.js';
import type { NormalizeContext } from '../types.js';

export function warnUnknownFields(
  ctx: NormalizeContext,
  path: Path,
  fields: Fields,
  known: readonly string[],
) {
  for (const key of Object.keys(fields)) {
    if (!known.includes(key)) ctx.warn([...path, key], 'is not a known field; ignored');
  }
}

/** `0.8`, `80%` or `"80 %"` → 0.8; a fraction from 0 (exclusive) to 1. */
export function parseFraction(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 && value <= 1 ? value : null;
  if (typeof value !== 'string') return null;
  const m = /^\s*([0-9]+(?:\.[0-9]+)?)\s*%\s*$/.exec(value);
  if (m) {
    const n = Number(m[1]) / 100;
    return n > 0 && n <= 1 ? n : null;
  }
  const n = Number(value);
  return value.trim() !== '' && Number.isFinite(n) && n > 0 && n <= 1 ? n : null;
}

/** `+40%` → 1.4, `-10%` → 0.9, `x3` / `×3` / `3x` → 3, a number → that factor. */
export function parseChange(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? value : null;
  if (typeof value !== 'string') return null;
  const text = value.trim();
  const pct = /^([+-])\s*([0-9]+(?:\.[0-9]+)?)\s*%$/.exec(text);
  if (pct) {
    const f = 1 + (pct[1] === '-' ? -1 : 1) * (Number(pct[2]) / 100);
    return f > 0 ? f : null;
  }
  const times = /^(?:[x×*]\s*([0-9]+(?:\.[0-9]+)?)|([0-9]+(?:\.[0-9]+)?)\s*[x×])$/i.exec(text);
  if (times) {
    const f = Number(times[1] ?? times[2]);
    return f > 0 ? f : null;
  }
  return null;
}

/** A date (`2027-03-01`, UTC midnight) or an RFC 3339 date-time with offset, in epoch ms. */
export function parseScenarioDate(value: unknown): number | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.getTime();
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const ms = Date.parse(`${text}T00:00:00Z`);
    return Number.isNaN(ms) ? null : ms;
  }
  if (!/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(text)) return null;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : ms;
}

export function readPositive(ctx: NormalizeContext, path: Path, value: unknown, what: string): number | null {
  const n = readNumber(ctx, path, value);
  if (n === null) return null;
  if (n <= 0) {
    ctx.error(path, `must be a positive number (${what}), not ${n}`);
    return null;
  }
  return n;
}

export function readFixedDuration(ctx: NormalizeContext, path: Path, value: unknown, fallback: string) {
  const text = value === undefined || value === null ? fallback : value;
  const d = typeof text === 'string' ? parseDuration(text) : null;
  const ms = d ? fixedDurationMs(d) : null;
  if (ms === null) {
    ctx.error(
      path,
      `must be a duration in minutes, hours, days or weeks such as 30d or 6w, not ${JSON.stringify(value)}`,
    );
    return null;
  }
  return { text: String(text), ms };
}

export function readServiceName(ctx: NormalizeContext, path: Path, value: unknown, required: boolean) {
  const s = readString(ctx, path, value, { required, maxLength: 300 });
  if (s === null) return null;
  try {
    const r = parseEntityRef(s, { defaultKind: 'component', defaultNamespace: 'default' });
    if (r.kind !== 'component') {
      ctx.error(path, `must name a service (component), not a ${r.kind}`);
      return null;
    }
    return r.name;
  } catch (e) {
    ctx.error(path, (e as Error).message);
    return null;
  }
}

export function readQuery(ctx: NormalizeContext, path: Path, value: unknown): string | null {
  const query = readString(ctx, path, value, { required: true, maxLength: 10_000 });
  if (query === null) return null;
  const check = checkPromql(query);
  if (!check.ok) {
    ctx.error(path, `is not a valid PromQL query: ${check.errors.map((e) => e.message).join('; ')}`);
    return null;
  }
  return query;
}

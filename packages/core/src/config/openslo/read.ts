/**
 * Small readers for OpenSLO documents: each takes the value at a field path, reports a problem
 * at that path through the context (so errors carry file, line and field), and returns the
 * normalized value or null. A field written without a value (`alertPolicies:`) reads as absent,
 * as YAML gives it: null.
 */
import { type Duration, parseDuration } from '../../slo/duration.js';
import type { ObjectMeta } from '../../slo/model.js';
import type { NormalizeContext, PathSegment } from '../types.js';

export type Path = readonly PathSegment[];
export type Fields = Record<string, unknown>;

/** RFC 1123 label, as the OpenSLO reference implementation checks every name and reference. */
export const OPENSLO_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const NAME_MESSAGE =
  'must be an RFC 1123 label: at most 63 lower-case letters, digits and inner hyphens (OpenSLO names)';
const LABEL_KEY = /^[a-zA-Z0-9]([-._a-zA-Z0-9]{0,61}[a-zA-Z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
export const DESCRIPTION_MAX = 1050;

export function isMap(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeName(value: unknown): string {
  if (value === null) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  return `a ${typeof value}`;
}

const absent = (value: unknown) => value === undefined || value === null;

/** A map; absent → `{}` (or an error when required). */
export function readMap(ctx: NormalizeContext, path: Path, value: unknown, required = false): Fields | null {
  if (absent(value)) {
    if (required) {
      ctx.error(path, 'is required');
      return null;
    }
    return {};
  }
  if (!isMap(value)) {
    ctx.error(path, `must be a map, not ${typeName(value)}`);
    return null;
  }
  return value;
}

/** A list; absent → `[]`. */
export function readList(ctx: NormalizeContext, path: Path, value: unknown, required = false): unknown[] {
  if (absent(value)) {
    if (required) ctx.error(path, 'is required');
    return [];
  }
  if (!Array.isArray(value)) {
    ctx.error(path, `must be a list, not ${typeName(value)}`);
    return [];
  }
  return value;
}

export function readString(
  ctx: NormalizeContext,
  path: Path,
  value: unknown,
  options: { required?: boolean; maxLength?: number } = {},
): string | null {
  if (absent(value) || value === '') {
    if (options.required) ctx.error(path, 'is required');
    return null;
  }
  if (typeof value !== 'string') {
    const scalar = typeof value === 'number' || typeof value === 'boolean';
    ctx.error(path, `must be a string, not ${typeName(value)}${scalar ? ' (quote the value)' : ''}`);
    return null;
  }
  if (options.maxLength !== undefined && value.length > options.maxLength) {
    ctx.error(path, `must be at most ${options.maxLength} characters, not ${value.length}`);
    return null;
  }
  return value;
}

export function readDescription(ctx: NormalizeContext, path: Path, value: unknown): string | null {
  return readString(ctx, path, value, { maxLength: DESCRIPTION_MAX });
}

export function readNumber(
  ctx: NormalizeContext,
  path: Path,
  value: unknown,
  required = false,
): number | null {
  if (absent(value)) {
    if (required) ctx.error(path, 'is required');
    return null;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    ctx.error(path, `must be a number, not ${typeName(value)}`);
    return null;
  }
  return value;
}

export function readBoolean(ctx: NormalizeContext, path: Path, value: unknown): boolean | null {
  if (absent(value)) return null;
  if (typeof value !== 'boolean') {
    ctx.error(path, `must be true or false, not ${typeName(value)}`);
    return null;
  }
  return value;
}

/** One of `allowed`, compared exactly (OpenSLO's enums are case-sensitive). */
export function readEnum<T extends string>(
  ctx: NormalizeContext,
  path: Path,
  value: unknown,
  allowed: readonly T[],
  required = false,
): T | null {
  if (absent(value) || value === '') {
    if (required) ctx.error(path, `is required (one of ${allowed.join(', ')})`);
    return null;
  }
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    const near =
      typeof value === 'string' ? allowed.find((a) => a.toLowerCase() === value.toLowerCase()) : undefined;
    ctx.error(
      path,
      `must be one of ${allowed.join(', ')}, not ${JSON.stringify(value)}${near ? ` (did you mean ${near}? values are case-sensitive)` : ''}`,
    );
    return null;
  }
  return value as T;
}

export function readName(ctx: NormalizeContext, path: Path, value: unknown, required = true): string | null {
  const name = readString(ctx, path, value, { required });
  if (name === null) return null;
  if (!OPENSLO_NAME.test(name)) {
    ctx.error(path, NAME_MESSAGE);
    return null;
  }
  return name;
}

/** The duration shorthand (`30d`, `1M`); with `minutesIfNumber`, a bare number means minutes. */
export function readDuration(
  ctx: NormalizeContext,
  path: Path,
  value: unknown,
  options: { required?: boolean; minutesIfNumber?: boolean } = {},
): Duration | null {
  if (absent(value) || value === '') {
    if (options.required) ctx.error(path, 'is required (a duration such as 5m, 1h, 28d, 1M)');
    return null;
  }
  if (options.minutesIfNumber && (typeof value === 'number' || /^[0-9]+$/.test(String(value)))) {
    const n = Number(value);
    if (Number.isSafeInteger(n) && n > 0) return { count: n, unit: 'm' };
  }
  const parsed = typeof value === 'string' ? parseDuration(value) : null;
  if (!parsed) {
    ctx.error(
      path,
      `must be a duration: a positive whole number and one of m h d w M Q Y (case-sensitive: m minutes, M months), e.g. 28d or 1M; not ${JSON.stringify(value)}`,
    );
    return null;
  }
  return parsed;
}

/** Fields not in OpenSLO v1 are ignored with a warning: a typo should not pass silently. */
export function warnUnknown(
  ctx: NormalizeContext,
  path: Path,
  fields: Fields,
  known: readonly string[],
  what: string,
): void {
  for (const key of Object.keys(fields)) {
    if (!known.includes(key)) ctx.warn([...path, key], `is not a field of ${what} in OpenSLO v1; ignored`);
  }
}

function readLabels(ctx: NormalizeContext, path: Path, value: unknown): Record<string, string[]> {
  const map = readMap(ctx, path, value);
  const out: Record<string, string[]> = {};
  for (const [key, raw] of Object.entries(map ?? {})) {
    if (!LABEL_KEY.test(key)) {
      ctx.error(
        [...path, key],
        'label keys must be at most 63 characters, letters and digits with - _ . between them',
      );
      continue;
    }
    const values = Array.isArray(raw) ? raw : absent(raw) ? [] : [raw];
    const strings: string[] = [];
    values.forEach((v, i) => {
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') strings.push(String(v));
      else ctx.error(Array.isArray(raw) ? [...path, key, i] : [...path, key], 'must be a string');
    });
    out[key] = strings;
  }
  return out;
}

function isAnnotationKey(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const prefix = slash === -1 ? null : key.slice(0, slash);
  const name = slash === -1 ? key : key.slice(slash + 1);
  const prefixOk = prefix === null || (prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix));
  return prefixOk && LABEL_KEY.test(name);
}

function readAnnotations(ctx: NormalizeContext, path: Path, value: unknown): Record<string, string> {
  const map = readMap(ctx, path, value);
  const out: Record<string, string> = {};
  for (const [key, raw] of Object.entries(map ?? {})) {
    if (!isAnnotationKey(key)) {
      ctx.error(
        [...path, key],
        'annotation keys are an optional DNS-subdomain prefix and /, then at most 63 letters and digits with - _ . between them',
      );
      continue;
    }
    if (typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean')
      out[key] = String(raw);
    else if (!absent(raw)) ctx.error([...path, key], `must be a string, not ${typeName(raw)}`);
  }
  return out;
}

/** metadata: name (required), displayName, labels, annotations. */
export function readMetadata(ctx: NormalizeContext, path: Path, value: unknown): ObjectMeta | null {
  const map = readMap(ctx, path, value, true);
  if (!map) return null;
  warnUnknown(ctx, path, map, ['name', 'displayName', 'labels', 'annotations'], 'metadata');
  const name = readName(ctx, [...path, 'name'], map.name);
  const displayName = readString(ctx, [...path, 'displayName'], map.displayName);
  const labels = readLabels(ctx, [...path, 'labels'], map.labels);
  const annotations = readAnnotations(ctx, [...path, 'annotations'], map.annotations);
  return name === null ? null : { name, displayName, labels, annotations };
}

/**
 * From the bodies the intake endpoints take to `IncomingAlert`s, pure: Alertmanager's webhook
 * (v4), Headroom's generic format, and PagerDuty Events API v2 events (validated here with
 * PagerDuty's own error texts, since a PagerDuty client reads those).
 *
 * PagerDuty events become alerts like this (the identity is the dedup_key within the
 * integration, so a later trigger may change any label):
 *   labels      alertname = payload.summary, severity, source, and component, group, class when
 *               given, plus dedup_key
 *   annotations summary = payload.summary; custom_details (as JSON text) when given
 *   details     dedup_key, client, client_url, links, images
 *   start       payload.timestamp when valid (else the time received), for a new alert only
 */
import type { AlertmanagerWebhook, GenericAlertBatch } from '../api/alert-intake.js';
import { PAGERDUTY_ACTIONS, PAGERDUTY_SEVERITIES } from '../api/alert-intake.js';
import { type FieldProblem, InputError } from '../errors.js';
import { type IncomingAlert, type IncomingAlertState, pagerDutyFingerprint } from './lifecycle.js';

/**
 * RFC 3339 / ISO 8601 date-time with a zone: `Z`, `+hh:mm`, `+hhmm` or `+hh` (PagerDuty's
 * examples use `+0000`); any number of fraction digits (Go sends nanoseconds).
 */
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)$/;

/** Epoch ms of an RFC 3339 date-time, or undefined when `text` is not one. */
export function parseDateTime(text: string): number | undefined {
  const m = DATE_TIME.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, z, sign, oh, om] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 60) return undefined;
  const base = Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59));
  // Date.UTC maps years 0-99 to 1900-1999; set the year exactly.
  const date = new Date(base);
  date.setUTCFullYear(year);
  if (date.getUTCDate() !== day) return undefined; // 31 February
  const ms = frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0;
  let offset = 0;
  if (!z) {
    const hours = Number(oh);
    const minutes = Number(om ?? 0);
    if (hours > 23 || minutes > 59) return undefined;
    offset = (sign === '-' ? -1 : 1) * (hours * 60 + minutes) * 60_000;
  }
  return date.getTime() + ms - offset;
}

/** Go's zero time, which Alertmanager sends as the endsAt of a firing alert. */
const GO_ZERO_TIME = parseDateTime('0001-01-01T00:00:00Z')!;

/** A set time, or undefined for absent / Go's zero time; throws a field problem when unparsable. */
function optionalTime(text: string | undefined, path: string, problems: FieldProblem[]): number | undefined {
  if (text === undefined || text === '') return undefined;
  const ms = parseDateTime(text);
  if (ms === undefined) {
    problems.push({ path, message: `is not an RFC 3339 date-time with a time zone: '${text.slice(0, 64)}'` });
    return undefined;
  }
  return ms <= GO_ZERO_TIME ? undefined : ms;
}

function fail(problems: FieldProblem[]): never {
  const first = problems[0]!;
  throw new InputError(`${first.path} ${first.message}`, problems);
}

/** Alertmanager webhook alerts, in order. Firing alerts' endsAt is no expiry (see lifecycle). */
export function fromAlertmanager(body: AlertmanagerWebhook, integrationId: string): IncomingAlertState[] {
  const problems: FieldProblem[] = [];
  const out = body.alerts.map((alert, i): IncomingAlertState => {
    const startsAt = optionalTime(alert.startsAt, `/alerts/${i}/startsAt`, problems);
    const endsAt = optionalTime(alert.endsAt, `/alerts/${i}/endsAt`, problems);
    return {
      source: 'alertmanager',
      integrationId,
      status: alert.status,
      labels: alert.labels,
      annotations: alert.annotations ?? {},
      ...(startsAt !== undefined && { startsAt }),
      ...(alert.status === 'resolved' && endsAt !== undefined && { endsAt }),
      generatorUrl: alert.generatorURL || null,
      ...(body.externalURL && { details: { externalURL: body.externalURL } }),
    };
  });
  if (problems.length > 0) fail(problems);
  return out;
}

/** Generic alerts, in order; status defaults to resolved when endsAt is not in the future. */
export function fromGeneric(
  body: GenericAlertBatch,
  integrationId: string,
  now: number,
): IncomingAlertState[] {
  const problems: FieldProblem[] = [];
  const out = body.alerts.map((alert, i): IncomingAlertState => {
    const startsAt = optionalTime(alert.startsAt, `/alerts/${i}/startsAt`, problems);
    const endsAt = optionalTime(alert.endsAt, `/alerts/${i}/endsAt`, problems);
    const status = alert.status ?? (endsAt !== undefined && endsAt <= now ? 'resolved' : 'firing');
    if (status === 'firing' && endsAt !== undefined && endsAt <= now)
      problems.push({ path: `/alerts/${i}/endsAt`, message: 'is not in the future, but status is firing' });
    if (startsAt !== undefined && endsAt !== undefined && endsAt < startsAt)
      problems.push({ path: `/alerts/${i}/endsAt`, message: 'is before startsAt' });
    const annotations = {
      ...alert.annotations,
      ...(alert.summary !== undefined && { summary: alert.summary }),
    };
    return {
      source: 'generic',
      integrationId,
      status,
      labels: alert.labels,
      annotations,
      ...(startsAt !== undefined && { startsAt }),
      ...(endsAt !== undefined && { endsAt }),
      generatorUrl: alert.generatorURL || null,
    };
  });
  if (problems.length > 0) fail(problems);
  return out;
}

// ---- PagerDuty Events API v2 ----

/** PagerDuty's routing keys: 32 letters and digits. */
export const ROUTING_KEY_PATTERN = /^[A-Za-z0-9]{32}$/;
const MAX_SUMMARY = 1024;
const MAX_DEDUP_KEY = 255;

export type PagerDutyValidation =
  | {
      ok: true;
      routingKey: string;
      action: (typeof PAGERDUTY_ACTIONS)[number];
      event: Record<string, unknown>;
    }
  | { ok: false; kind: 'unrecognized' | 'invalid'; errors: string[] };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const blank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
const chars = (s: string) => [...s].length;

/** Checks an event as PagerDuty does, listing every problem in its words. */
export function validatePagerDutyEvent(body: unknown): PagerDutyValidation {
  if (!isObject(body))
    return { ok: false, kind: 'unrecognized', errors: ['Event object is not a JSON object'] };
  const errors: string[] = [];
  const key = body.routing_key;
  if (blank(key)) errors.push("'routing_key' is missing or blank");
  else if (typeof key !== 'string') errors.push("'routing_key' must be a string");
  else {
    if (key.length !== 32) errors.push("Length of 'routing_key' is incorrect (should be 32 characters)");
    if (!/^[A-Za-z0-9]*$/.test(key)) errors.push("'routing_key' cannot contain non-alphanumeric characters.");
  }
  const action = body.event_action;
  if (blank(action)) errors.push("'event_action' is missing or blank");
  else if (typeof action !== 'string' || !(PAGERDUTY_ACTIONS as readonly string[]).includes(action))
    errors.push("'event_action' is invalid (should be one of trigger, acknowledge, resolve)");
  const dedup = body.dedup_key;
  if (dedup !== undefined && dedup !== null) {
    if (typeof dedup !== 'string') errors.push("'dedup_key' must be a string");
    else if (chars(dedup) > MAX_DEDUP_KEY)
      errors.push(`Length of 'dedup_key' is too long (should be at most ${MAX_DEDUP_KEY} characters)`);
  }
  if ((action === 'acknowledge' || action === 'resolve') && blank(dedup))
    errors.push(`'dedup_key' is missing or blank (required to ${action})`);
  if (action === 'trigger') errors.push(...payloadErrors(body.payload));
  errors.push(...contextErrors(body));
  if (errors.length > 0) return { ok: false, kind: 'invalid', errors };
  return {
    ok: true,
    routingKey: key as string,
    action: action as (typeof PAGERDUTY_ACTIONS)[number],
    event: body,
  };
}

function payloadErrors(payload: unknown): string[] {
  if (blank(payload)) return ["'payload' is missing or blank"];
  if (!isObject(payload)) return ["'payload' must be an object"];
  const errors: string[] = [];
  const { summary, source, severity } = payload;
  if (blank(summary)) errors.push("'payload.summary' is missing or blank");
  else if (typeof summary !== 'string') errors.push("'payload.summary' must be a string");
  else if (chars(summary) > MAX_SUMMARY)
    errors.push(`Length of 'payload.summary' is too long (should be at most ${MAX_SUMMARY} characters)`);
  if (blank(source)) errors.push("'payload.source' is missing or blank");
  else if (typeof source !== 'string') errors.push("'payload.source' must be a string");
  if (blank(severity)) errors.push("'payload.severity' is missing or blank");
  else if (typeof severity !== 'string' || !(PAGERDUTY_SEVERITIES as readonly string[]).includes(severity))
    errors.push("'payload.severity' is invalid (should be one of critical, error, warning, info)");
  for (const field of ['timestamp', 'component', 'group', 'class'] as const) {
    const v = payload[field];
    if (v !== undefined && v !== null && typeof v !== 'string')
      errors.push(`'payload.${field}' must be a string`);
  }
  const details = payload.custom_details;
  if (details !== undefined && details !== null && typeof details !== 'object' && typeof details !== 'string')
    errors.push("'payload.custom_details' must be an object");
  return errors;
}

function contextErrors(body: Record<string, unknown>): string[] {
  const errors: string[] = [];
  for (const field of ['client', 'client_url'] as const) {
    const v = body[field];
    if (v !== undefined && v !== null && typeof v !== 'string') errors.push(`'${field}' must be a string`);
  }
  const list = (field: 'links' | 'images', required: 'href' | 'src') => {
    const v = body[field];
    if (v === undefined || v === null) return;
    if (!Array.isArray(v) || !v.every((item) => isObject(item) && typeof item[required] === 'string'))
      errors.push(`'${field}' must be an array of objects with a string '${required}'`);
  };
  list('links', 'href');
  list('images', 'src');
  return errors;
}

const optionalString = (v: unknown): string | undefined =>
  typeof v === 'string' && v !== '' ? v : undefined;

/**
 * The alert a valid PagerDuty event makes. `dedupKey` is the event's, or the one generated for a
 * trigger without one.
 */
export function fromPagerDuty(
  event: Record<string, unknown>,
  action: (typeof PAGERDUTY_ACTIONS)[number],
  integrationId: string,
  dedupKey: string,
): IncomingAlert {
  const fingerprint = pagerDutyFingerprint(integrationId, dedupKey);
  if (action !== 'trigger') {
    return { kind: action, source: 'pagerduty', integrationId, fingerprint };
  }
  const payload = event.payload as Record<string, unknown>;
  const summary = payload.summary as string;
  const labels: Record<string, string> = {
    alertname: summary,
    severity: payload.severity as string,
    source: payload.source as string,
    dedup_key: dedupKey,
  };
  for (const field of ['component', 'group', 'class'] as const) {
    const v = optionalString(payload[field]);
    if (v !== undefined) labels[field] = v;
  }
  const annotations: Record<string, string> = { summary };
  const custom = payload.custom_details;
  if (custom !== undefined && custom !== null)
    annotations.custom_details = typeof custom === 'string' ? custom : JSON.stringify(custom);
  const timestamp = optionalString(payload.timestamp);
  const detectedAt = timestamp === undefined ? undefined : parseDateTime(timestamp);
  const details: Record<string, unknown> = { dedup_key: dedupKey };
  for (const field of ['client', 'client_url', 'links', 'images'] as const) {
    if (event[field] !== undefined && event[field] !== null) details[field] = event[field];
  }
  return {
    source: 'pagerduty',
    integrationId,
    fingerprint,
    status: 'firing',
    labels,
    annotations,
    ...(detectedAt !== undefined && { detectedAt }),
    generatorUrl: optionalString(event.client_url) ?? null,
    details,
  };
}

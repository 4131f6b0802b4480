/** Server configuration from the environment; every variable is listed in the README. */

import { DEFAULT_WORKING_HOURS, isKnownTimeZone, parseWorkingHours } from '@headroom/core/discovery/evidence';
import { parseTiers } from '@headroom/core/oncall/paging';
import { parseOutboundAllow } from './modules/notifications/outbound.js';
import { type NotificationSettings, notificationSettingsFromEnv } from './modules/notifications/settings.js';
import { parseSecretKey } from './modules/secrets/keyring.js';

export interface ServerConfig {
  databaseUrl: string;
  host: string;
  port: number;
  /** When set on first start, becomes the admin's API token instead of a random one. */
  adminToken: string | undefined;
  /** Public URL used in links Headroom sends out; defaults to http://host:port. */
  publicUrl: string | undefined;
  logLevel: string;
  /** Session cookie lifetime. */
  sessionTtlMs: number;
  /** Set the Secure flag on the session cookie (behind TLS). */
  secureCookies: boolean;
  /** Largest accepted request body. */
  bodyLimitBytes: number;
  /** SLI buckets older than this many days are deleted, and records older than it are refused. */
  sliRetentionDays: number;
  /** Seconds between SLO evaluation passes; 0 turns the evaluator off in this process. */
  evaluationIntervalSeconds: number;
  /** HEADROOM_SECRET_KEY: 32 bytes (hex or base64) sealing credentials at rest; see modules/secrets/key-store.ts. */
  secretKey: string | undefined;
  /** HEADROOM_OUTBOUND_ALLOW: loopback, link-local, metadata or CIDRs that outgoing webhooks may reach. */
  outboundAllow: string[];
  /** The notification dispatcher and SMTP (HEADROOM_NOTIFICATION_*, HEADROOM_SMTP_*). */
  notifications: NotificationSettings;
  /** Minutes after its last receipt at which a firing alert never resolved is auto-resolved; 0 = never. */
  alertResolveTimeoutMinutes: number;
  /** PagerDuty-compatible events accepted per routing key per minute (token bucket of that size). */
  pagerDutyEventsPerMinute: number;
  /** Milliseconds between alert pipeline ticks (routing, grouping, notifying); 0 turns it off here. */
  alertPipelineIntervalMs: number;
  /** HEADROOM_INCIDENT_AUTO_DECLARE_TIERS (`tier-1,tier-2`): pages for services of these tiers declare an incident; [] = off. */
  incidentAutoDeclareTiers: number[];
  /** HEADROOM_WEB_DIR: the built web UI served at `/`; packages/web/dist by default. */
  webDir?: string;
  /** HEADROOM_CAPACITY_CURRENCY: ISO 4217 code for capacity costs of resources that name none (USD). */
  capacityCurrency: string;
  /** HEADROOM_CAPACITY_POLL_INTERVAL_SECONDS: between polls of Prometheus-backed capacity resources (300; 0 = off here). */
  capacityPollIntervalSeconds: number;
  /** HEADROOM_CAPACITY_CHECK_INTERVAL_MINUTES: between runway checks raising CapacityRunwayShort tickets (15; 0 = off here). */
  capacityCheckIntervalMinutes: number;
  /** HEADROOM_WORKING_HOURS (`Mon-Fri 09:00-18:00`): pages outside them count as off-hours in discovery evidence. */
  workingHours: string;
  /** HEADROOM_WORKING_HOURS_TZ (UTC): zone of pages that reached no schedule (otherwise the schedule's zone). */
  workingHoursTimeZone: string;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  return {
    databaseUrl: env.HEADROOM_DATABASE_URL || './data/headroom.db',
    host: env.HEADROOM_HOST || '127.0.0.1',
    port: Number(env.HEADROOM_PORT || 7070),
    adminToken: env.HEADROOM_ADMIN_TOKEN || undefined,
    publicUrl: env.HEADROOM_PUBLIC_URL || undefined,
    logLevel: env.HEADROOM_LOG_LEVEL || 'info',
    sessionTtlMs: Number(env.HEADROOM_SESSION_TTL_HOURS || 12) * 3_600_000,
    secureCookies: env.HEADROOM_SECURE_COOKIES === 'true',
    bodyLimitBytes: 1024 * 1024,
    sliRetentionDays: positiveInteger(env, 'HEADROOM_SLI_RETENTION_DAYS', 400),
    evaluationIntervalSeconds:
      env.HEADROOM_EVALUATION_INTERVAL_SECONDS === '0'
        ? 0
        : positiveInteger(env, 'HEADROOM_EVALUATION_INTERVAL_SECONDS', 30),
    secretKey: secretKeyFromEnv(env),
    outboundAllow: parseOutboundAllow(env.HEADROOM_OUTBOUND_ALLOW),
    notifications: notificationSettingsFromEnv(env),
    // 25 h: above Alertmanager's default repeat_interval (4h) and the common 12h, with a missed resend to spare.
    alertResolveTimeoutMinutes:
      env.HEADROOM_ALERT_RESOLVE_TIMEOUT_MINUTES === '0'
        ? 0
        : positiveInteger(env, 'HEADROOM_ALERT_RESOLVE_TIMEOUT_MINUTES', 1500),
    pagerDutyEventsPerMinute: positiveInteger(env, 'HEADROOM_PAGERDUTY_EVENTS_PER_MINUTE', 600),
    alertPipelineIntervalMs:
      env.HEADROOM_ALERT_PIPELINE_INTERVAL_MS === '0'
        ? 0
        : positiveInteger(env, 'HEADROOM_ALERT_PIPELINE_INTERVAL_MS', 1000),
    incidentAutoDeclareTiers: tiersFromEnv(env),
    webDir: env.HEADROOM_WEB_DIR || undefined,
    capacityCurrency: currencyFromEnv(env),
    capacityPollIntervalSeconds:
      env.HEADROOM_CAPACITY_POLL_INTERVAL_SECONDS === '0'
        ? 0
        : positiveInteger(env, 'HEADROOM_CAPACITY_POLL_INTERVAL_SECONDS', 300),
    capacityCheckIntervalMinutes:
      env.HEADROOM_CAPACITY_CHECK_INTERVAL_MINUTES === '0'
        ? 0
        : positiveInteger(env, 'HEADROOM_CAPACITY_CHECK_INTERVAL_MINUTES', 15),
    ...workingHoursFromEnv(env),
  };
}

/** HEADROOM_CAPACITY_CURRENCY, checked to be an ISO 4217 code. */
function currencyFromEnv(env: NodeJS.ProcessEnv): string {
  const text = env.HEADROOM_CAPACITY_CURRENCY || 'USD';
  if (!/^[A-Z]{3}$/.test(text))
    throw new Error(`HEADROOM_CAPACITY_CURRENCY must be an ISO 4217 code such as USD or EUR, got '${text}'`);
  return text;
}

/** HEADROOM_SECRET_KEY as given, after checking that it is a 32-byte key (a bad one stops the start). */
function secretKeyFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  const text = env.HEADROOM_SECRET_KEY;
  if (!text) return undefined;
  parseSecretKey(text);
  return text;
}

/** Checked at start: a typo in the working hours should stop the server, not skew evidence. */
function workingHoursFromEnv(env: NodeJS.ProcessEnv): { workingHours: string; workingHoursTimeZone: string } {
  const workingHours = env.HEADROOM_WORKING_HOURS || DEFAULT_WORKING_HOURS;
  const workingHoursTimeZone = env.HEADROOM_WORKING_HOURS_TZ || 'UTC';
  try {
    parseWorkingHours(workingHours);
  } catch (e) {
    throw new Error(`HEADROOM_WORKING_HOURS: ${(e as Error).message}`);
  }
  if (!isKnownTimeZone(workingHoursTimeZone))
    throw new Error(
      `HEADROOM_WORKING_HOURS_TZ: '${workingHoursTimeZone}' is not an IANA time zone (e.g. Europe/Berlin)`,
    );
  return { workingHours, workingHoursTimeZone };
}

function tiersFromEnv(env: NodeJS.ProcessEnv): number[] {
  try {
    return parseTiers(env.HEADROOM_INCIDENT_AUTO_DECLARE_TIERS);
  } catch (e) {
    throw new Error(`HEADROOM_INCIDENT_AUTO_DECLARE_TIERS: ${(e as Error).message}`);
  }
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${name} must be a whole number of at least 1, got '${text}'`);
  return value;
}

/** The alert store for readers: the API's list and detail. */
import type {
  Alert,
  AlertEvent,
  AlertListQuery,
  AlertSource,
  AlertWithEvents,
} from '@headroom/core/api/alert';
import { InputError, NotFoundError } from '@headroom/core/errors';
import { type Kysely, type Selectable, sql } from 'kysely';
import type { AlertsTable, Database } from '../../db/schema.js';
import { findAlert, isPostgres } from './repo.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

type AlertRow = Selectable<AlertsTable> & { integration_name: string | null };

function view(row: AlertRow): Alert {
  return {
    id: row.id,
    fingerprint: row.fingerprint,
    status: row.status,
    acknowledged: Number(row.acknowledged) === 1,
    resolution: row.resolution,
    labels: JSON.parse(row.labels) as Record<string, string>,
    annotations: JSON.parse(row.annotations) as Record<string, string>,
    startsAt: iso(row.starts_at)!,
    endsAt: iso(row.ends_at),
    source: row.source as AlertSource,
    integration: row.integration_name,
    integrationId: row.integration_id,
    generatorURL: row.generator_url,
    details: JSON.parse(row.details) as Record<string, unknown>,
    firstReceivedAt: iso(row.first_received_at)!,
    lastReceivedAt: iso(row.last_received_at)!,
    sequence: Number(row.last_seq),
  };
}

function withIntegration(db: Kysely<Database>) {
  return db
    .selectFrom('alerts')
    .leftJoin('integrations', 'integrations.id', 'alerts.integration_id')
    .selectAll('alerts')
    .select('integrations.name as integration_name');
}

/** `name=value` → the text it is in the canonical labels JSON; exact, since JSON escapes every quote inside a string. */
function labelNeedle(matcher: string, index: number): string {
  const at = matcher.indexOf('=');
  const name = matcher.slice(0, at).trim();
  if (at < 1 || name === '')
    throw new InputError(`querystring/label/${index} must be name=value`, [
      { path: `querystring/label/${index}`, message: 'must be name=value' },
    ]);
  return `${JSON.stringify(name)}:${JSON.stringify(matcher.slice(at + 1))}`;
}

/** Alerts, newest first, filtered; page on with `cursor` (the last id of the previous page). */
export async function listAlerts(db: Kysely<Database>, query: AlertListQuery): Promise<Alert[]> {
  let q = withIntegration(db)
    .orderBy('alerts.id', 'desc')
    .limit(query.limit ?? 100);
  if (query.status) q = q.where('alerts.status', '=', query.status);
  if (query.source) q = q.where('alerts.source', '=', query.source);
  if (query.cursor) q = q.where('alerts.id', '<', query.cursor);
  if (query.integration) {
    const name = query.integration;
    q = q.where((eb) => eb.or([eb('integrations.name', '=', name), eb('integrations.id', '=', name)]));
  }
  const position = isPostgres(db) ? 'strpos' : 'instr';
  for (const [i, matcher] of (query.label ?? []).entries()) {
    const needle = labelNeedle(matcher, i);
    q = q.where(sql<number>`${sql.raw(position)}(alerts.labels, ${needle})`, '>', 0);
  }
  return (await q.execute()).map(view);
}

/** One alert by id or fingerprint, with its latest 500 events, oldest first. */
export async function getAlert(db: Kysely<Database>, idOrFingerprint: string): Promise<AlertWithEvents> {
  const found = await findAlert(db, idOrFingerprint);
  if (!found) throw new NotFoundError('Alert', idOrFingerprint, 'ALERT_NOT_FOUND');
  const row = await withIntegration(db).where('alerts.id', '=', found.id).executeTakeFirstOrThrow();
  const events = await db
    .selectFrom('alert_events')
    .selectAll()
    .where('alert_id', '=', found.id)
    .orderBy('seq', 'desc')
    .limit(500)
    .execute();
  return {
    ...view(row),
    events: events.reverse().map(
      (e): AlertEvent => ({
        sequence: Number(e.seq),
        kind: e.kind,
        at: iso(e.at)!,
        status: e.status,
        detail: JSON.parse(e.detail) as Record<string, unknown>,
      }),
    ),
  };
}

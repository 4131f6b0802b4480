/**
 * Integrations: create (the secret is returned once and stored as its SHA-256, like API tokens),
 * list, get, revoke, and the lookup the intake endpoints authenticate with.
 */
import { randomBytes } from 'node:crypto';
import type {
  Integration,
  IntegrationCreate,
  IntegrationCreated,
  IntegrationType,
} from '@headroom/core/api/integration';
import { type Actor, canChangeOwned } from '@headroom/core/auth/policy';
import { ConflictError, ForbiddenError, NotFoundError } from '@headroom/core/errors';
import type { Kysely, Selectable } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { unlessDuplicate, withTransaction } from '../../db/index.js';
import type { Database, IntegrationsTable } from '../../db/schema.js';
import { recordAudit } from '../audit/service.js';
import { hashToken } from '../auth/secrets.js';
import { findTeamByRef } from '../catalog/teams.js';

interface Ctx {
  actor: Actor;
  requestId: string | null;
}

export type IntegrationRow = Selectable<IntegrationsTable>;

/** Where each type sends to, below the server's public URL. */
export const INTAKE_PATHS: Record<IntegrationType, string> = {
  alertmanager: '/api/v1/integrations/alertmanager',
  generic: '/api/v1/integrations/generic',
  pagerduty: '/v2/enqueue',
};

export interface IntegrationSettings {
  /** The server's public base URL, without a trailing slash. */
  baseUrl: string;
  /** HEADROOM_ALERT_RESOLVE_TIMEOUT_MINUTES. */
  defaultResolveTimeoutMinutes: number;
}

/**
 * A bearer token (256 random bits) or, for PagerDuty, a routing key as PagerDuty makes them: 32
 * hex digits (128 bits), which PagerDuty clients check the length of.
 */
export function newIntegrationSecret(type: IntegrationType): string {
  return type === 'pagerduty'
    ? randomBytes(16).toString('hex')
    : `hri_${randomBytes(32).toString('base64url')}`;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

function view(row: IntegrationRow, team: string | null, settings: IntegrationSettings): Integration {
  const timeout = row.resolve_timeout_minutes === null ? null : Number(row.resolve_timeout_minutes);
  return {
    id: row.id,
    type: row.type,
    name: row.name,
    team,
    prefix: row.prefix,
    url: `${settings.baseUrl}${INTAKE_PATHS[row.type]}`,
    resolveTimeoutMinutes: timeout,
    effectiveResolveTimeoutMinutes: timeout ?? settings.defaultResolveTimeoutMinutes,
    createdAt: iso(row.created_at)!,
    createdBy: row.created_by,
    lastReceivedAt: iso(row.last_received_at),
    revokedAt: iso(row.revoked_at),
  };
}

async function teamNames(db: Kysely<Database>, ids: (string | null)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
  if (wanted.length === 0) return new Map();
  const rows = await db
    .selectFrom('teams')
    .select(['id', 'name', 'namespace'])
    .where('id', 'in', wanted)
    .execute();
  return new Map(rows.map((t) => [t.id, t.namespace === 'default' ? t.name : `${t.namespace}/${t.name}`]));
}

/** The active integration with this id or name, else the newest revoked one of that id or name. */
async function findIntegration(db: Kysely<Database>, idOrName: string): Promise<IntegrationRow | undefined> {
  const rows = await db
    .selectFrom('integrations')
    .selectAll()
    .where((eb) => eb.or([eb('id', '=', idOrName), eb('name', '=', idOrName)]))
    .orderBy('created_at', 'desc')
    .execute();
  return rows.find((r) => r.revoked_at === null) ?? rows[0];
}

function assertMayChange(actor: Actor, teamId: string | null, what: string): void {
  const verdict = canChangeOwned(actor, teamId, what);
  if (!verdict.allowed) throw new ForbiddenError(verdict.reason);
}

export async function createIntegration(
  db: Kysely<Database>,
  ctx: Ctx,
  input: IntegrationCreate,
  settings: IntegrationSettings,
  secret: string = newIntegrationSecret(input.type),
): Promise<IntegrationCreated> {
  let teamId: string | null = null;
  let teamName: string | null = null;
  if (input.team !== undefined) {
    const team = await findTeamByRef(db, input.team);
    if (!team) throw new NotFoundError('Team', input.team, 'TEAM_NOT_FOUND');
    teamId = team.id;
    teamName = team.namespace === 'default' ? team.name : `${team.namespace}/${team.name}`;
  }
  assertMayChange(
    ctx.actor,
    teamId,
    teamName ? `integrations of team ${teamName}` : 'an integration without a team',
  );
  const taken = () =>
    new ConflictError(`An active integration named '${input.name}' exists.`, 'INTEGRATION_EXISTS');
  const existing = await db
    .selectFrom('integrations')
    .select('id')
    .where('name', '=', input.name)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (existing) throw taken();
  const row: IntegrationRow = {
    id: uuidv7(),
    type: input.type,
    name: input.name,
    team_id: teamId,
    secret_hash: hashToken(secret),
    prefix: secret.slice(0, 8),
    resolve_timeout_minutes: input.resolveTimeoutMinutes ?? null,
    created_at: Date.now(),
    created_by: ctx.actor.name,
    last_received_at: null,
    revoked_at: null,
  };
  await unlessDuplicate(
    withTransaction(db, async (trx) => {
      await trx.insertInto('integrations').values(row).execute();
      await recordAudit(trx, ctx, 'integration.create', 'integration', row.name, {
        id: row.id,
        type: row.type,
        team: teamName,
      });
    }),
    taken,
  );
  return { secret, integration: view(row, teamName, settings) };
}

export async function listIntegrations(
  db: Kysely<Database>,
  settings: IntegrationSettings,
): Promise<Integration[]> {
  const rows = await db.selectFrom('integrations').selectAll().orderBy('created_at').execute();
  const teams = await teamNames(
    db,
    rows.map((r) => r.team_id),
  );
  return rows.map((r) => view(r, r.team_id ? (teams.get(r.team_id) ?? null) : null, settings));
}

export async function getIntegration(
  db: Kysely<Database>,
  idOrName: string,
  settings: IntegrationSettings,
): Promise<Integration> {
  const row = await findIntegration(db, idOrName);
  if (!row) throw new NotFoundError('Integration', idOrName, 'INTEGRATION_NOT_FOUND');
  const teams = await teamNames(db, [row.team_id]);
  return view(row, row.team_id ? (teams.get(row.team_id) ?? null) : null, settings);
}

/** Revokes the integration: its secret is refused from now on; its alerts stay. */
export async function revokeIntegration(db: Kysely<Database>, ctx: Ctx, idOrName: string): Promise<void> {
  const row = await findIntegration(db, idOrName);
  if (!row) throw new NotFoundError('Integration', idOrName, 'INTEGRATION_NOT_FOUND');
  assertMayChange(ctx.actor, row.team_id, `integration ${row.name}`);
  if (row.revoked_at !== null) return;
  await withTransaction(db, async (trx) => {
    await trx.updateTable('integrations').set({ revoked_at: Date.now() }).where('id', '=', row.id).execute();
    await recordAudit(trx, ctx, 'integration.revoke', 'integration', row.name, {
      id: row.id,
      type: row.type,
    });
  });
}

/** The active integration of `type` whose secret this is, else undefined (unknown, revoked or another type). */
export async function authenticateIntegration(
  db: Kysely<Database>,
  type: IntegrationType,
  secret: string,
): Promise<IntegrationRow | undefined> {
  const row = await db
    .selectFrom('integrations')
    .selectAll()
    .where('secret_hash', '=', hashToken(secret))
    .executeTakeFirst();
  if (!row || row.revoked_at !== null || row.type !== type) return undefined;
  return row;
}

// last_received_at of an integration is written at most once a minute.
const RECEIPT_RESOLUTION_MS = 60_000;

export async function markReceived(
  db: Kysely<Database>,
  row: IntegrationRow,
  now = Date.now(),
): Promise<void> {
  if (row.last_received_at !== null && now - Number(row.last_received_at) < RECEIPT_RESOLUTION_MS) return;
  await db.updateTable('integrations').set({ last_received_at: now }).where('id', '=', row.id).execute();
}

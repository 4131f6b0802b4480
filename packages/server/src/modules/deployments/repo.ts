/**
 * Deployment rows and their incident links, on SQLite and PostgreSQL. No authorisation or audit
 * here; service.ts does both, in the same transaction as the write.
 */
import type { DeploymentLinkSource, DeploymentStatus } from '@headroom/core/api/deployment';
import type { Kysely, Selectable } from 'kysely';
import type { Database, DeploymentsTable } from '../../db/schema.js';

export interface StoredDeployment {
  id: string;
  number: number;
  service: string;
  version: string;
  commit: string;
  commitTime: number | null;
  startedAt: number;
  finishedAt: number;
  environment: string;
  status: DeploymentStatus;
  author: string | null;
  recordedBy: string;
  recordedAt: number;
  pipelineUrl: string | null;
  gateDecision: string | null;
  labels: string[];
}

export interface StoredLink {
  incidentId: string;
  deploymentId: string;
  source: DeploymentLinkSource;
  linkedBy: string;
  linkedAt: number;
}

const nullableNumber = (v: number | string | null) => (v === null ? null : Number(v));

const fromRow = (r: Selectable<DeploymentsTable>): StoredDeployment => ({
  id: r.id,
  number: Number(r.number),
  service: r.service,
  version: r.version,
  commit: r.commit_sha,
  commitTime: nullableNumber(r.commit_time),
  startedAt: Number(r.started_at),
  finishedAt: Number(r.finished_at),
  environment: r.environment,
  status: r.status as DeploymentStatus,
  author: r.author,
  recordedBy: r.recorded_by,
  recordedAt: Number(r.recorded_at),
  pipelineUrl: r.pipeline_url,
  gateDecision: r.gate_decision_id,
  labels: JSON.parse(r.labels) as string[],
});

export async function findDeployment(
  db: Kysely<Database>,
  id: string,
): Promise<StoredDeployment | undefined> {
  const row = await db.selectFrom('deployments').selectAll().where('id', '=', id).executeTakeFirst();
  return row && fromRow(row);
}

/** The deployment with this identity (service, version, commit, start), if recorded before. */
export async function findSameDeployment(
  db: Kysely<Database>,
  d: Pick<StoredDeployment, 'service' | 'version' | 'commit' | 'startedAt'>,
): Promise<StoredDeployment | undefined> {
  const row = await db
    .selectFrom('deployments')
    .selectAll()
    .where('service', '=', d.service)
    .where('version', '=', d.version)
    .where('commit_sha', '=', d.commit)
    .where('started_at', '=', d.startedAt)
    .executeTakeFirst();
  return row && fromRow(row);
}

export async function nextDeploymentNumber(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('deployments')
    .select((eb) => eb.fn.max<number | string | null>('number').as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0) + 1;
}

export async function insertDeployment(db: Kysely<Database>, d: StoredDeployment): Promise<void> {
  await db
    .insertInto('deployments')
    .values({
      id: d.id,
      number: d.number,
      service: d.service,
      version: d.version,
      commit_sha: d.commit,
      commit_time: d.commitTime,
      started_at: d.startedAt,
      finished_at: d.finishedAt,
      environment: d.environment,
      status: d.status,
      author: d.author,
      recorded_by: d.recordedBy,
      recorded_at: d.recordedAt,
      pipeline_url: d.pipelineUrl,
      gate_decision_id: d.gateDecision,
      labels: JSON.stringify(d.labels),
    })
    .execute();
}

export interface DeploymentFilter {
  services?: readonly string[];
  environment?: string;
  startedFrom?: number;
  startedTo?: number;
  limit?: number;
}

/** Newest start first. */
export async function loadDeployments(
  db: Kysely<Database>,
  filter: DeploymentFilter = {},
): Promise<StoredDeployment[]> {
  if (filter.services && filter.services.length === 0) return [];
  let q = db.selectFrom('deployments').selectAll().orderBy('started_at', 'desc').orderBy('number', 'desc');
  if (filter.services) q = q.where('service', 'in', [...filter.services]);
  if (filter.environment !== undefined) q = q.where('environment', '=', filter.environment);
  if (filter.startedFrom !== undefined) q = q.where('started_at', '>=', filter.startedFrom);
  if (filter.startedTo !== undefined) q = q.where('started_at', '<', filter.startedTo);
  if (filter.limit !== undefined) q = q.limit(filter.limit);
  return (await q.execute()).map(fromRow);
}

const linkFromRow = (r: Selectable<Database['deployment_incidents']>): StoredLink => ({
  incidentId: r.incident_id,
  deploymentId: r.deployment_id,
  source: r.source as DeploymentLinkSource,
  linkedBy: r.linked_by,
  linkedAt: Number(r.linked_at),
});

export async function linksOfDeployments(
  db: Kysely<Database>,
  deploymentIds: readonly string[],
): Promise<StoredLink[]> {
  if (deploymentIds.length === 0) return [];
  const out: StoredLink[] = [];
  // Chunked: SQLite caps bound parameters per statement.
  for (let i = 0; i < deploymentIds.length; i += 500) {
    const rows = await db
      .selectFrom('deployment_incidents')
      .selectAll()
      .where('deployment_id', 'in', deploymentIds.slice(i, i + 500))
      .orderBy('linked_at')
      .execute();
    out.push(...rows.map(linkFromRow));
  }
  return out;
}

export async function linksOfIncident(db: Kysely<Database>, incidentId: string): Promise<StoredLink[]> {
  const rows = await db
    .selectFrom('deployment_incidents')
    .selectAll()
    .where('incident_id', '=', incidentId)
    .orderBy('linked_at')
    .orderBy('deployment_id')
    .execute();
  return rows.map(linkFromRow);
}

export async function insertLink(db: Kysely<Database>, link: StoredLink): Promise<void> {
  await db
    .insertInto('deployment_incidents')
    .values({
      incident_id: link.incidentId,
      deployment_id: link.deploymentId,
      source: link.source,
      linked_by: link.linkedBy,
      linked_at: link.linkedAt,
    })
    .execute();
}

export async function deleteLink(
  db: Kysely<Database>,
  incidentId: string,
  deploymentId: string,
): Promise<number> {
  const r = await db
    .deleteFrom('deployment_incidents')
    .where('incident_id', '=', incidentId)
    .where('deployment_id', '=', deploymentId)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Catalog services (default namespace) with their owning team's name. */
export async function servicesWithTeams(
  db: Kysely<Database>,
): Promise<{ service: string; team: string | null }[]> {
  return db
    .selectFrom('services')
    .leftJoin('teams', 'teams.id', 'services.owner_team_id')
    .select(['services.name as service', 'teams.name as team'])
    .where('services.namespace', '=', 'default')
    .execute();
}

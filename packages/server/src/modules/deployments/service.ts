/**
 * Deployments: record (idempotent on service, version, commit and start), list, show; link them
 * to incidents (by hand or by accepting a suggestion) with a timeline entry on the incident; and
 * suggest the deployments of an incident's services shortly before its impact started. Every
 * change is audited in the transaction that makes it.
 */
import type {
  Deployment,
  DeploymentListQuery,
  DeploymentSuggestions,
  IncidentDeploymentLink,
  LinkDeploymentRequest,
  RecordDeploymentRequest,
} from '@headroom/core/api/deployment';
import { formatSeconds } from '@headroom/core/dora/view';
import { NotFoundError } from '@headroom/core/errors';
import type { Kysely } from 'kysely';
import { isUniqueViolation, withTransaction } from '../../db/index.js';
import type { Database } from '../../db/schema.js';
import { type AuditContext, recordAudit } from '../audit/service.js';
import { iso } from '../catalog/refs.js';
import { appendTimeline, lockIncident } from '../incidents/repo.js';
import { field, requireEditor, requireIncident } from '../incidents/service-support.js';
import {
  deleteLink,
  findDeployment,
  findSameDeployment,
  insertDeployment,
  insertLink,
  linksOfDeployments,
  linksOfIncident,
  loadDeployments,
  nextDeploymentNumber,
  type StoredDeployment,
  type StoredLink,
  servicesWithTeams,
} from './repo.js';

/** Clock skew a CI runner may have before a start "in the future" is refused. */
const FUTURE_SLACK_MS = 5 * 60_000;
/** Timeline entries of the links; the incident API shows the kind as written. */
const TIMELINE_KIND = 'deployment';

function time(value: string | undefined | null, path: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw field(path, 'is not an RFC 3339 time.');
  return t;
}

async function teamLookup(db: Kysely<Database>): Promise<Map<string, string | null>> {
  return new Map((await servicesWithTeams(db)).map((r) => [r.service, r.team]));
}

async function views(db: Kysely<Database>, deployments: StoredDeployment[]): Promise<Deployment[]> {
  const teams = await teamLookup(db);
  const links = await linksOfDeployments(
    db,
    deployments.map((d) => d.id),
  );
  const incidentsOf = new Map<string, string[]>();
  for (const l of links)
    incidentsOf.set(l.deploymentId, [...(incidentsOf.get(l.deploymentId) ?? []), l.incidentId]);
  return deployments.map((d) => ({
    id: d.id,
    service: d.service,
    team: teams.get(d.service) ?? null,
    version: d.version,
    commit: d.commit,
    commitTime: d.commitTime === null ? null : iso(d.commitTime),
    startedAt: iso(d.startedAt),
    finishedAt: iso(d.finishedAt),
    environment: d.environment,
    status: d.status,
    author: d.author,
    recordedBy: d.recordedBy,
    recordedAt: iso(d.recordedAt),
    pipelineUrl: d.pipelineUrl,
    gateDecision: d.gateDecision,
    labels: d.labels,
    incidents: incidentsOf.get(d.id) ?? [],
  }));
}

const view = async (db: Kysely<Database>, d: StoredDeployment) => (await views(db, [d]))[0]!;

export interface Recorded {
  deployment: Deployment;
  /** false: the same deployment was recorded before and is answered as stored. */
  created: boolean;
}

export async function recordDeployment(
  db: Kysely<Database>,
  ctx: AuditContext,
  body: RecordDeploymentRequest,
  now = Date.now(),
): Promise<Recorded> {
  requireEditor(ctx, 'record deployments');
  const service = await db
    .selectFrom('services')
    .select('name')
    .where('namespace', '=', 'default')
    .where('name', '=', body.service)
    .executeTakeFirst();
  if (!service) throw field('/service', `'${body.service}' is not a catalog service.`, 'UNKNOWN_SERVICE');

  const startedAt = time(body.startedAt, '/startedAt') ?? now;
  if (startedAt > now + FUTURE_SLACK_MS) throw field('/startedAt', 'is in the future.');
  const finishedAt = time(body.finishedAt, '/finishedAt') ?? Math.max(now, startedAt);
  if (finishedAt < startedAt) throw field('/finishedAt', 'is before startedAt.');
  const commitTime = time(body.commitTime, '/commitTime') ?? null;
  if (commitTime !== null && commitTime > startedAt) {
    throw field(
      '/commitTime',
      'is after startedAt: a change cannot be deployed before it was committed.',
      'COMMIT_AFTER_START',
    );
  }

  const draft: Omit<StoredDeployment, 'id' | 'number'> = {
    service: body.service,
    version: body.version,
    commit: body.commit,
    commitTime,
    startedAt,
    finishedAt,
    environment: body.environment ?? 'production',
    status: body.status ?? 'succeeded',
    author: body.author ?? null,
    recordedBy: ctx.actor.name,
    recordedAt: now,
    pipelineUrl: body.pipelineUrl ?? null,
    gateDecision: body.gateDecision ?? null,
    labels: [...new Set(body.labels ?? [])],
  };

  // A retry of the same deployment (or a second recorder racing the first) gets the stored one;
  // a race for the next number is retried.
  for (let attempt = 0; ; attempt++) {
    const existing = await findSameDeployment(db, draft);
    if (existing) return { deployment: await view(db, existing), created: false };
    try {
      const stored = await withTransaction(db, async (trx) => {
        const number = await nextDeploymentNumber(trx);
        const d: StoredDeployment = { id: `DEP-${number}`, number, ...draft };
        await insertDeployment(trx, d);
        await recordAudit(trx, ctx, 'deployment.record', 'deployment', d.id, {
          service: d.service,
          version: d.version,
          commit: d.commit,
          environment: d.environment,
          status: d.status,
          startedAt: iso(d.startedAt),
          ...(d.gateDecision ? { gateDecision: d.gateDecision } : {}),
        });
        return d;
      });
      return { deployment: await view(db, stored), created: true };
    } catch (error) {
      if (!isUniqueViolation(error) || attempt >= 4) throw error;
    }
  }
}

/** The services the query names (service, team), or undefined for all. */
async function servicesOf(
  db: Kysely<Database>,
  query: { service?: string | undefined; team?: string | undefined },
): Promise<string[] | undefined> {
  if (query.team === undefined) return query.service === undefined ? undefined : [query.service];
  const owned = (await servicesWithTeams(db)).filter((r) => r.team === query.team).map((r) => r.service);
  return query.service === undefined ? owned : owned.filter((s) => s === query.service);
}

export async function listDeployments(
  db: Kysely<Database>,
  query: DeploymentListQuery,
): Promise<Deployment[]> {
  const from = time(query.from, '/querystring/from');
  const to = time(query.to, '/querystring/to');
  if (from !== undefined && to !== undefined && to <= from)
    throw field('/querystring/to', 'must be after from.');
  const services = await servicesOf(db, query);
  const rows = await loadDeployments(db, {
    ...(services ? { services } : {}),
    ...(query.environment === undefined ? {} : { environment: query.environment }),
    ...(from === undefined ? {} : { startedFrom: from }),
    ...(to === undefined ? {} : { startedTo: to }),
    limit: query.limit ?? 200,
  });
  return views(db, rows);
}

async function requireDeployment(db: Kysely<Database>, id: string): Promise<StoredDeployment> {
  const d = await findDeployment(db, id);
  if (!d) throw new NotFoundError('Deployment', id, 'DEPLOYMENT_NOT_FOUND');
  return d;
}

export async function getDeployment(db: Kysely<Database>, id: string): Promise<Deployment> {
  return view(db, await requireDeployment(db, id));
}

// ---- links to incidents

async function linkViews(db: Kysely<Database>, links: StoredLink[]): Promise<IncidentDeploymentLink[]> {
  const deployments = new Map<string, Deployment>();
  const stored = (await Promise.all(links.map((l) => findDeployment(db, l.deploymentId)))).filter(
    (d): d is StoredDeployment => d !== undefined,
  );
  for (const d of await views(db, stored)) deployments.set(d.id, d);
  return links.flatMap((l) => {
    const deployment = deployments.get(l.deploymentId);
    return deployment
      ? [
          {
            incidentId: l.incidentId,
            deployment,
            source: l.source,
            linkedBy: l.linkedBy,
            linkedAt: iso(l.linkedAt),
          },
        ]
      : [];
  });
}

export async function incidentDeployments(
  db: Kysely<Database>,
  incidentId: string,
): Promise<IncidentDeploymentLink[]> {
  await requireIncident(db, incidentId);
  return linkViews(db, await linksOfIncident(db, incidentId));
}

const describe = (d: StoredDeployment) =>
  `${d.id} (${d.service} ${d.version}, commit ${d.commit.slice(0, 12)})`;

export interface Linked {
  links: IncidentDeploymentLink[];
  created: boolean;
}

export async function linkDeployment(
  db: Kysely<Database>,
  ctx: AuditContext,
  incidentId: string,
  body: LinkDeploymentRequest,
  now = Date.now(),
): Promise<Linked> {
  requireEditor(ctx, 'link deployments to incidents');
  return withTransaction(db, async (trx) => {
    await requireIncident(trx, incidentId);
    const d = await findDeployment(trx, body.deployment);
    if (!d)
      throw field('/deployment', `'${body.deployment}' is not a recorded deployment.`, 'UNKNOWN_DEPLOYMENT');
    await lockIncident(trx, incidentId);
    const existing = await linksOfIncident(trx, incidentId);
    if (existing.some((l) => l.deploymentId === d.id))
      return { links: await linkViews(trx, existing), created: false };
    const source = body.source ?? 'manual';
    await insertLink(trx, {
      incidentId,
      deploymentId: d.id,
      source,
      linkedBy: ctx.actor.name,
      linkedAt: now,
    });
    await appendTimeline(
      trx,
      incidentId,
      [
        {
          kind: TIMELINE_KIND,
          at: now,
          actor: ctx.actor.name,
          text: `Linked deployment ${describe(d)}${source === 'suggestion' ? ' (accepted suggestion)' : ''}.`,
          data: { action: 'linked', deployment: d.id, service: d.service, version: d.version, source },
        },
      ],
      now,
    );
    await recordAudit(trx, ctx, 'incident.deployment-link', 'incident', incidentId, {
      deployment: d.id,
      source,
    });
    return { links: await linkViews(trx, await linksOfIncident(trx, incidentId)), created: true };
  });
}

export async function unlinkDeployment(
  db: Kysely<Database>,
  ctx: AuditContext,
  incidentId: string,
  deploymentId: string,
  now = Date.now(),
): Promise<IncidentDeploymentLink[]> {
  requireEditor(ctx, 'unlink deployments from incidents');
  return withTransaction(db, async (trx) => {
    await requireIncident(trx, incidentId);
    await lockIncident(trx, incidentId);
    const d = await findDeployment(trx, deploymentId);
    if (!d || (await deleteLink(trx, incidentId, deploymentId)) === 0) {
      throw new NotFoundError(
        `Link of incident ${incidentId} to deployment`,
        deploymentId,
        'DEPLOYMENT_LINK_NOT_FOUND',
      );
    }
    await appendTimeline(
      trx,
      incidentId,
      [
        {
          kind: TIMELINE_KIND,
          at: now,
          actor: ctx.actor.name,
          text: `Unlinked deployment ${describe(d)}.`,
          data: { action: 'unlinked', deployment: d.id, service: d.service, version: d.version },
        },
      ],
      now,
    );
    await recordAudit(trx, ctx, 'incident.deployment-unlink', 'incident', incidentId, { deployment: d.id });
    return linkViews(trx, await linksOfIncident(trx, incidentId));
  });
}

const MILESTONE_WORDS = {
  impactStartedAt: 'impact started',
  detectedAt: 'the incident was detected',
  declaredAt: 'the incident was declared',
} as const;

export async function deploymentSuggestions(
  db: Kysely<Database>,
  incidentId: string,
  hours = 24,
): Promise<DeploymentSuggestions> {
  const incident = await requireIncident(db, incidentId);
  const reference =
    incident.impactStartedAt !== null
      ? ('impactStartedAt' as const)
      : incident.detectedAt !== null
        ? ('detectedAt' as const)
        : ('declaredAt' as const);
  const at = incident[reference] ?? incident.declaredAt;
  const linked = new Set((await linksOfIncident(db, incidentId)).map((l) => l.deploymentId));
  const candidates = (
    await loadDeployments(db, {
      services: incident.services,
      startedFrom: at - hours * 3_600_000,
      startedTo: at + 1, // a deployment starting at the very moment counts
    })
  )
    .filter((d) => !linked.has(d.id))
    .sort((a, b) => b.startedAt - a.startedAt || b.number - a.number);
  const shown = await views(db, candidates);
  return {
    incidentId,
    reference,
    referenceTime: iso(at),
    hours,
    services: incident.services,
    suggestions: candidates.map((d, i) => {
      const seconds = (at - d.startedAt) / 1000;
      const when = seconds === 0 ? 'when' : `${formatSeconds(seconds)} before`;
      return {
        deployment: shown[i]!,
        secondsBefore: seconds,
        reason:
          `${d.service} (an impacted service) was deployed ${d.version} in ${d.environment} ${when} ` +
          `${MILESTONE_WORDS[reference]}${d.status === 'succeeded' ? '' : `; the deployment ${d.status}`}.`,
      };
    }),
  };
}

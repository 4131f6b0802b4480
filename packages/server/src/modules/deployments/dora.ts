/**
 * The DORA four keys report: loads the deployments of the period (per service, or the services a
 * team owns), their incident links and those incidents, and hands them to core's doraFourKeys.
 */
import type { DoraQuery, DoraReport } from '@headroom/core/api/deployment';
import { type DoraIncident, doraFourKeys } from '@headroom/core/dora/four-keys';
import { doraReportView } from '@headroom/core/dora/view';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { findIncident } from '../incidents/repo.js';
import { field } from '../incidents/service-support.js';
import { linksOfDeployments, loadDeployments, servicesWithTeams } from './repo.js';

export const DEFAULT_DORA_DAYS = 30;

function time(value: string | undefined, path: string): number | undefined {
  if (value === undefined) return undefined;
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw field(path, 'is not an RFC 3339 time.');
  return t;
}

export async function doraReport(
  db: Kysely<Database>,
  query: DoraQuery,
  now = Date.now(),
): Promise<DoraReport> {
  const to = time(query.to, '/querystring/to') ?? now;
  const from = time(query.from, '/querystring/from') ?? to - DEFAULT_DORA_DAYS * 86_400_000;
  if (to <= from) throw field('/querystring/to', 'must be after from.');
  const environment = query.environment ?? 'production';

  const catalog = await servicesWithTeams(db);
  const teamOf = new Map(catalog.map((r) => [r.service, r.team]));
  if (query.service !== undefined && !teamOf.has(query.service)) {
    throw field('/querystring/service', `'${query.service}' is not a catalog service.`, 'UNKNOWN_SERVICE');
  }
  if (
    query.team !== undefined &&
    !(await db.selectFrom('teams').select('id').where('name', '=', query.team).executeTakeFirst())
  ) {
    throw field('/querystring/team', `'${query.team}' is not a catalog team.`, 'UNKNOWN_TEAM');
  }
  let services: string[] | undefined;
  if (query.team !== undefined) services = catalog.filter((r) => r.team === query.team).map((r) => r.service);
  if (query.service !== undefined)
    services = (services ?? [query.service]).filter((s) => s === query.service);

  const deployments = await loadDeployments(db, {
    ...(services ? { services } : {}),
    environment,
    startedFrom: from,
    startedTo: to,
  });
  const links = await linksOfDeployments(
    db,
    deployments.map((d) => d.id),
  );
  const incidents: DoraIncident[] = [];
  for (const id of new Set(links.map((l) => l.incidentId))) {
    const i = await findIncident(db, id);
    if (i)
      incidents.push({
        id,
        impactStartedAt: i.impactStartedAt,
        detectedAt: i.detectedAt,
        resolvedAt: i.resolvedAt,
      });
  }
  const result = doraFourKeys({
    deployments: deployments.map((d) => ({
      id: d.id,
      service: d.service,
      team: teamOf.get(d.service) ?? null,
      environment: d.environment,
      status: d.status,
      startedAt: d.startedAt,
      finishedAt: d.finishedAt,
      commitTime: d.commitTime,
    })),
    incidents,
    links,
    from,
    to,
    environment,
    // Narrowed reports show the asked-for groups even without deployments.
    ...(services ? { services } : {}),
    ...(query.team !== undefined
      ? { teams: [query.team] }
      : query.service !== undefined && teamOf.get(query.service)
        ? { teams: [teamOf.get(query.service)!] }
        : {}),
  });
  return doraReportView(result);
}

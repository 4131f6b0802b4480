/**
 * The platform-as-a-product panel: how far each Headroom capability is adopted across teams and
 * services, the satisfaction trend from survey rounds, open feedback by status and recent
 * interviews. One set of grouped queries run together; tables another part may not have (capacity)
 * are read when present and reported as unavailable otherwise.
 */

import { type Matcher, matches } from '@headroom/core/alerting/matchers';
import type { PlatformAdoption, PlatformAdoptionQuery } from '@headroom/core/api/survey';
import {
  CAPABILITY_TITLES,
  PLATFORM_CAPABILITIES,
  type PlatformCapability,
} from '@headroom/core/discovery/capabilities';
import { CSAT_FORMULA, NPS_FORMULA, scoresOf } from '@headroom/core/discovery/satisfaction';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema.js';
import { iso } from '../catalog/refs.js';
import { responsesOf } from '../surveys/repo.js';

const WEEK_MS = 7 * 86_400_000;
const CLOSED_FEEDBACK = new Set(['done', 'declined', 'duplicate']);

interface ServiceRow {
  name: string;
  team: string | null;
}

/** A team ref as written (`payments`, `group:payments`, `group:default/payments`) → its name. */
const teamName = (ref: string | null) =>
  ref === null ? null : ref.replace(/^group:/, '').replace(/^default\//, '');
/** `component:default/checkout` → `checkout`; other namespaces keep theirs. */
const serviceName = (ref: string) => ref.replace(/^component:/, '').replace(/^default\//, '');

interface RouteNode {
  matchers: Matcher[];
  routes?: RouteNode[];
}

/** Services an explicit route (on their `service` or `team` label, at any depth) sends alerts for. */
function routedServices(routes: RouteNode[], services: ServiceRow[]): Set<string> {
  const out = new Set<string>();
  const walk = (node: RouteNode, inherited: Matcher[]) => {
    const all = [...inherited, ...(node.matchers ?? [])];
    const own = all.filter((m) => m.name === 'service' || m.name === 'team');
    if (own.length > 0)
      for (const s of services)
        if (matches(own, { service: s.name, ...(s.team !== null && { team: s.team }) })) out.add(s.name);
    for (const child of node.routes ?? []) walk(child, all);
  };
  for (const r of routes) walk(r, []);
  return out;
}

/** Runs a query on a table another part of Headroom may not have yet; null when it is missing. */
async function optional<T>(query: Promise<T>): Promise<T | null> {
  try {
    return await query;
  } catch {
    return null;
  }
}

export async function platformAdoption(
  db: Kysely<Database>,
  query: PlatformAdoptionQuery,
  now = Date.now(),
): Promise<PlatformAdoption> {
  const since = now - (query.interviewWeeks ?? 4) * WEEK_MS;
  const [
    services,
    teamCount,
    slos,
    routes,
    policies,
    schedules,
    incidents,
    gates,
    deployments,
    capacity,
    feedbackByStatus,
    feedbackTeams,
    interviews,
    rounds,
  ] = await Promise.all([
    db
      .selectFrom('services')
      .leftJoin('teams', 'teams.id', 'services.owner_team_id')
      .select(['services.namespace', 'services.name', 'teams.name as team'])
      .execute(),
    db
      .selectFrom('teams')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow(),
    db.selectFrom('slos').select('service_ref').distinct().where('service_ref', 'is not', null).execute(),
    db.selectFrom('alert_routes').select('definition').execute(),
    db.selectFrom('escalation_policies').select(['owner_ref', 'definition']).execute(),
    db.selectFrom('schedules').select('name').execute(),
    db
      .selectFrom('incidents')
      .leftJoin('postmortems', 'postmortems.incident_id', 'incidents.id')
      .select(['incidents.services', 'postmortems.published_at'])
      .execute(),
    db.selectFrom('gate_decisions').select('service_ref').distinct().execute(),
    db.selectFrom('deployments').select('service').distinct().execute(),
    optional(sql<{ service: string }>`select distinct service from capacity_resources`.execute(db)),
    optional(
      db
        .selectFrom('feedback_items')
        .select(['status', (eb) => eb.fn.countAll<number | string>().as('n')])
        .groupBy('status')
        .execute(),
    ),
    optional(
      db.selectFrom('feedback_items').select('team').distinct().where('team', 'is not', null).execute(),
    ),
    optional(
      db
        .selectFrom('interviews')
        .select([
          (eb) => eb.fn.countAll<number | string>().as('n'),
          (eb) => eb.fn.count<number | string>('team').distinct().as('teams'),
        ])
        .where('held_at', '>=', since)
        .executeTakeFirst(),
    ),
    db
      .selectFrom('survey_rounds')
      .innerJoin('surveys', 'surveys.id', 'survey_rounds.survey_id')
      .select([
        'survey_rounds.id',
        'survey_rounds.number',
        'survey_rounds.started_at',
        'surveys.id as survey',
      ])
      .orderBy('survey_rounds.started_at', 'desc')
      .orderBy('survey_rounds.id', 'desc')
      .limit(query.rounds ?? 24)
      .execute(),
  ]);

  const svc: ServiceRow[] = services.map((s) => ({
    name: s.namespace === 'default' ? s.name : `${s.namespace}/${s.name}`,
    team: s.team,
  }));
  const teamTotal = Number(teamCount.n);
  const teamOf = new Map(svc.map((s) => [s.name, s.team]));

  // On call: the owning team owns an escalation policy that reaches an existing schedule.
  const scheduleNames = new Set(schedules.map((s) => s.name));
  const onCallTeams = new Set<string>();
  for (const p of policies) {
    const owner = teamName(p.owner_ref);
    if (owner === null) continue;
    const def = JSON.parse(p.definition) as { steps?: { notify?: { schedule?: string }[] }[] };
    const reaches = (def.steps ?? []).some((s) =>
      (s.notify ?? []).some((t) => t.schedule !== undefined && scheduleNames.has(t.schedule)),
    );
    if (reaches) onCallTeams.add(owner);
  }
  const withIncident = new Set<string>();
  const withPostmortem = new Set<string>();
  for (const i of incidents) {
    for (const s of JSON.parse(i.services) as string[]) {
      withIncident.add(s);
      if (i.published_at !== null) withPostmortem.add(s);
    }
  }
  const adopted: Record<
    PlatformCapability,
    { services: Set<string> | null; teams?: Set<string>; measure: string }
  > = {
    catalog: {
      services: new Set(svc.filter((s) => s.team !== null).map((s) => s.name)),
      measure: 'Services with an owning team; teams that own a service',
    },
    slos: {
      services: new Set(slos.map((r) => serviceName(r.service_ref!))),
      measure: 'Services with at least one SLO',
    },
    alerting: {
      services: routedServices(
        routes.map((r) => JSON.parse(r.definition) as RouteNode),
        svc,
      ),
      measure: 'Services an alert route names by their service or team label',
    },
    'on-call': {
      services: new Set(svc.filter((s) => s.team !== null && onCallTeams.has(s.team)).map((s) => s.name)),
      teams: onCallTeams,
      measure: 'Teams owning an escalation policy that reaches a schedule; their services',
    },
    incidents: { services: withIncident, measure: 'Services named in an incident' },
    postmortems: {
      services: withPostmortem,
      measure: 'Services named in an incident whose postmortem was published',
    },
    'release-gate': {
      services: new Set([
        ...gates.map((g) => serviceName(g.service_ref)),
        ...deployments.map((d) => d.service),
      ]),
      measure: 'Services that asked the release gate or recorded a deployment',
    },
    capacity: {
      services: capacity === null ? null : new Set(capacity.rows.map((r) => r.service)),
      measure: 'Services with a capacity resource',
    },
    discovery: {
      services: null,
      teams: new Set((feedbackTeams ?? []).map((r) => r.team!)),
      measure: 'Teams that filed feedback',
    },
  };

  const known = new Set(svc.map((s) => s.name));
  const capabilities = PLATFORM_CAPABILITIES.map((capability) => {
    const a = adopted[capability];
    const unavailable =
      (capability === 'capacity' && capacity === null) ||
      (capability === 'discovery' && feedbackTeams === null);
    const serviceSet = a.services === null ? null : new Set([...a.services].filter((s) => known.has(s)));
    const teams =
      a.teams ?? new Set([...(serviceSet ?? [])].map((s) => teamOf.get(s)).filter((t): t is string => !!t));
    return {
      capability,
      title: CAPABILITY_TITLES[capability],
      measure: a.measure,
      available: !unavailable,
      note: unavailable ? 'Not counted: this Headroom has no data for it yet.' : null,
      services: serviceSet === null ? null : { adopted: serviceSet.size, total: svc.length },
      teams: { adopted: teams.size, total: teamTotal },
    };
  });

  const chronological = [...rounds].reverse();
  const answers = await responsesOf(
    db,
    chronological.map((r) => r.id),
  );
  const trend = chronological.flatMap((round) => {
    const mine = answers.filter((a) => a.roundId === round.id);
    const caps = [...new Set(mine.map((a) => a.capability))].sort();
    return caps.map((capability) => {
      const scores = scoresOf(mine.filter((a) => a.capability === capability));
      return {
        survey: round.survey,
        round: Number(round.number),
        startedAt: iso(Number(round.started_at)),
        capability,
        respondents: scores.respondents,
        nps: scores.nps.score,
        csat: scores.csat.score,
      };
    });
  });

  const byStatus: Record<string, number> = {};
  for (const r of feedbackByStatus ?? []) byStatus[r.status] = Number(r.n);
  return {
    generatedAt: iso(now),
    teams: teamTotal,
    services: svc.length,
    capabilities,
    satisfaction: { formulas: { nps: NPS_FORMULA, csat: CSAT_FORMULA }, trend },
    feedback: {
      open: Object.entries(byStatus)
        .filter(([s]) => !CLOSED_FEEDBACK.has(s))
        .reduce((n, [, c]) => n + c, 0),
      byStatus,
    },
    interviews: {
      since: iso(since),
      count: Number(interviews?.n ?? 0),
      teams: Number(interviews?.teams ?? 0),
    },
  };
}

/**
 * Capacity planning's read side: resources with their latest usage and runway, hourly usage,
 * forecasts organic and under a scenario, the runway table sorted by urgency, scenarios and
 * their effect per resource, and the ad-hoc forecast that stores nothing.
 */
import type {
  CapacityForecast,
  CapacityResourceSummary,
  GrowthScenario,
  RunwayRow,
  RunwayTable,
  ScenarioDetail,
  UsageSeries,
} from '@headroom/core/api/capacity';
import type { Forecast } from '@headroom/core/capacity/types';
import type {
  CapacityResourceDefinition,
  GrowthScenarioDefinition,
} from '@headroom/core/config/headroom/capacity';
import { InputError, NotFoundError } from '@headroom/core/errors';
import { fixedDurationMs, parseDuration } from '@headroom/core/slo/duration';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import {
  FIT_DAYS,
  limitOf,
  organicForecast,
  outlookOf,
  parseHorizon,
  scenarioSelects,
  withScenario,
} from './outlook.js';
import {
  type CapacityState,
  findResource,
  findScenario,
  getState,
  HOUR_MS,
  listResourceDefinitions,
  listScenarioDefinitions,
  readHours,
  serviceTeams,
} from './repo.js';

const DAY_MS = 86_400_000;
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export interface CapacitySettings {
  /** ISO 4217 code used when a resource names none. */
  currency: string;
}

interface Loaded {
  def: CapacityResourceDefinition;
  state: CapacityState | null;
  team: string | null;
  limit: number | null;
}

async function load(db: Kysely<Database>, name: string, teams?: Map<string, string | null>): Promise<Loaded> {
  const found = await findResource(db, name);
  if (!found) throw new NotFoundError('Capacity resource', name, 'CAPACITY_RESOURCE_NOT_FOUND');
  return loaded(db, found.definition, teams ?? (await serviceTeams(db)));
}

async function loaded(
  db: Kysely<Database>,
  def: CapacityResourceDefinition,
  teams: Map<string, string | null>,
): Promise<Loaded> {
  const state = await getState(db, def.name);
  return { def, state, team: teams.get(def.service) ?? null, limit: limitOf(def, state?.limitValue ?? null) };
}

async function fitted(
  db: Kysely<Database>,
  l: Loaded,
  now: number,
  horizonMs: number,
  level: number,
): Promise<Forecast> {
  const hours = await readHours(db, l.def.name, now - FIT_DAYS * DAY_MS, now + HOUR_MS);
  return organicForecast(l.def, hours, {
    horizonMs,
    level,
    version: String(l.state?.usageChangedAt ?? 0),
  });
}

async function scenarioNamed(db: Kysely<Database>, name: string): Promise<GrowthScenarioDefinition> {
  const s = await findScenario(db, name);
  if (!s) throw new NotFoundError('Growth scenario', name, 'SCENARIO_NOT_FOUND');
  return s.definition;
}

const currencyOf = (def: CapacityResourceDefinition, settings: CapacitySettings) =>
  def.currency ?? settings.currency;

/** Runway looks at least a day past the lead time, so a long lead time is never out of sight (90 d–365 d). */
const runwayHorizonMs = (def: CapacityResourceDefinition) =>
  Math.min(365 * DAY_MS, Math.max(parseHorizon(undefined).ms, def.leadTimeMs + DAY_MS));

const problemOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

async function summary(
  db: Kysely<Database>,
  l: Loaded,
  settings: CapacitySettings,
  now: number,
): Promise<CapacityResourceSummary> {
  const { def, state, limit } = l;
  const [latest] = await readHours(db, def.name, 0, now + HOUR_MS, 1);
  let runway: CapacityResourceSummary['runway'] = null;
  let model: string | null = null;
  let problem: string | null =
    limit === null ? 'The limit query has not been read from Prometheus yet.' : null;
  if (latest) {
    try {
      const f = await fitted(db, l, now, runwayHorizonMs(def), 0.8);
      const o = outlookOf(def, f, limit, currencyOf(def, settings), now);
      runway = o.runway;
      model = f.model.explanation;
    } catch (e) {
      problem = problemOf(e);
    }
  } else problem = 'No usage stored yet.';
  return {
    name: def.name,
    title: def.title,
    service: def.service,
    team: l.team,
    measure: def.measure,
    unit: def.unit,
    limit: {
      value: limit,
      query: 'query' in def.limit ? def.limit.query : null,
      threshold: limit === null ? null : limit * def.safeUtilisation,
    },
    safeUtilisation: def.safeUtilisation,
    leadTime: def.leadTime,
    perInstance: def.perInstance,
    redundancy: def.redundancy,
    costPerUnitMonth: def.costPerUnitMonth,
    currency: currencyOf(def, settings),
    source: def.source.type,
    latest: latest
      ? { t: new Date(latest.hour).toISOString(), max: latest.max, mean: latest.sum / latest.count }
      : null,
    utilisation: latest && limit ? latest.max / limit : null,
    runway,
    model,
    problem,
    poll:
      def.source.type === 'prometheus'
        ? {
            coveredFrom: iso(state?.coveredFrom ?? null),
            coveredTo: iso(state?.coveredTo ?? null),
            lastSuccessAt: iso(state?.lastSuccessAt ?? null),
            lastError: state?.lastError ?? null,
          }
        : null,
  };
}

/** Filters by service name and by owning team name. */
async function selected(
  db: Kysely<Database>,
  filter: { service?: string | undefined; team?: string | undefined },
): Promise<{ defs: CapacityResourceDefinition[]; teams: Map<string, string | null> }> {
  const teams = await serviceTeams(db);
  const strip = (s: string) => s.replace(/^(component|group):(default\/)?/, '');
  const defs = (await listResourceDefinitions(db)).filter(
    (d) =>
      (!filter.service || d.service === strip(filter.service)) &&
      (!filter.team || (teams.get(d.service) ?? null) === strip(filter.team)),
  );
  return { defs, teams };
}

export async function listResources(
  db: Kysely<Database>,
  settings: CapacitySettings,
  filter: { service?: string | undefined; team?: string | undefined; limit?: number | undefined },
  now = Date.now(),
): Promise<{ items: CapacityResourceSummary[] }> {
  const { defs, teams } = await selected(db, filter);
  const items: CapacityResourceSummary[] = [];
  for (const def of defs.slice(0, filter.limit ?? 200))
    items.push(await summary(db, await loaded(db, def, teams), settings, now));
  return { items };
}

export async function getResource(
  db: Kysely<Database>,
  settings: CapacitySettings,
  name: string,
  now = Date.now(),
): Promise<CapacityResourceSummary> {
  return summary(db, await load(db, name), settings, now);
}

/** `from` as RFC 3339 or a duration back from now. */
function parseTime(text: string | undefined, fallback: number, now: number, field: string): number {
  if (text === undefined || text === '') return fallback;
  const d = parseDuration(text);
  const ms = d ? fixedDurationMs(d) : null;
  if (ms !== null) return now - ms;
  const t = Date.parse(text);
  if (Number.isNaN(t) || !/^\d{4}-\d{2}-\d{2}/.test(text))
    throw new InputError(`${field} "${text}" is neither an RFC 3339 time nor a duration such as 30d`, [
      { path: field, message: 'expected an RFC 3339 time or a duration such as 30d' },
    ]);
  return t;
}

export async function usageOf(
  db: Kysely<Database>,
  name: string,
  query: { from?: string | undefined; to?: string | undefined; limit?: number | undefined },
  now = Date.now(),
): Promise<UsageSeries> {
  const { def } = await load(db, name);
  const to = parseTime(query.to, now, now, 'to');
  const from = parseTime(query.from, to - 30 * DAY_MS, now, 'from');
  if (from >= to)
    throw new InputError('from must be before to', [{ path: 'from', message: 'must be before to' }]);
  const hours = await readHours(db, name, Math.floor(from / HOUR_MS) * HOUR_MS, to, query.limit ?? 10_000);
  return {
    resource: name,
    unit: def.unit,
    from: iso(from)!,
    to: iso(to)!,
    points: hours.map((h) => ({ t: iso(h.hour)!, max: h.max, mean: h.sum / h.count, samples: h.count })),
  };
}

export async function forecastResource(
  db: Kysely<Database>,
  settings: CapacitySettings,
  name: string,
  query: {
    horizon?: string | undefined;
    scenario?: string | undefined;
    level?: number | undefined;
    history?: string | undefined;
  },
  now = Date.now(),
): Promise<CapacityForecast> {
  const horizon = parseHorizon(query.horizon);
  const historyMs = parseHorizon(query.history ?? '30d', 'history').ms;
  const level = query.level ?? 0.8;
  const l = await load(db, name);
  const scenario = query.scenario ? await scenarioNamed(db, query.scenario) : null;
  const f = await fitted(db, l, now, horizon.ms, level);
  const currency = currencyOf(l.def, settings);
  const hours = await readHours(db, name, now - historyMs, now + HOUR_MS);
  return {
    resource: name,
    service: l.def.service,
    team: l.team,
    unit: l.def.unit,
    horizon: horizon.text,
    leadTime: l.def.leadTime,
    limit: l.limit,
    threshold: l.limit === null ? null : l.limit * l.def.safeUtilisation,
    currency,
    history: hours.map((h) => ({ t: iso(h.hour)!, max: h.max, mean: h.sum / h.count, samples: h.count })),
    organic: outlookOf(l.def, f, l.limit, currency, now),
    scenario: scenario
      ? {
          name: scenario.name,
          description: scenario.description,
          outlook: outlookOf(
            l.def,
            scenarioSelects(scenario, l.def) ? withScenario(f, scenario) : f,
            l.limit,
            currency,
            now,
          ),
        }
      : null,
  };
}

/** Every resource with its runway, most urgent first: runway to the threshold minus lead time. */
export async function runwayTable(
  db: Kysely<Database>,
  settings: CapacitySettings,
  query: {
    scenario?: string | undefined;
    service?: string | undefined;
    team?: string | undefined;
    limit?: number | undefined;
  },
  now = Date.now(),
): Promise<RunwayTable> {
  const scenario = query.scenario ? await scenarioNamed(db, query.scenario) : null;
  const horizon = parseHorizon(undefined);
  const { defs, teams } = await selected(db, query);
  const items: RunwayRow[] = [];
  for (const def of defs) {
    const l = await loaded(db, def, teams);
    const [latest] = await readHours(db, def.name, 0, now + HOUR_MS, 1);
    const row: RunwayRow = {
      resource: def.name,
      title: def.title,
      service: def.service,
      team: l.team,
      unit: def.unit,
      utilisation: latest && l.limit ? latest.max / l.limit : null,
      thresholdAt: null,
      thresholdEarly: null,
      thresholdLate: null,
      limitAt: null,
      limitEarly: null,
      limitLate: null,
      leadTime: def.leadTime,
      slackDays: null,
      insideLeadTime: false,
      problem: null,
    };
    try {
      if (l.limit === null) throw new Error('The limit query has not been read from Prometheus yet.');
      let f = await fitted(db, l, now, runwayHorizonMs(def), 0.8);
      if (scenario && scenarioSelects(scenario, def)) f = withScenario(f, scenario);
      const r = outlookOf(def, f, l.limit, currencyOf(def, settings), now).runway!;
      row.thresholdAt = r.alreadyAboveThreshold ? iso(now) : r.threshold.at;
      row.thresholdEarly = r.alreadyAboveThreshold ? iso(now) : r.threshold.early;
      row.limitAt = r.alreadyAboveLimit ? iso(now) : r.limit.at;
      row.limitEarly = r.alreadyAboveLimit ? iso(now) : r.limit.early;
      row.thresholdLate = r.alreadyAboveThreshold ? iso(now) : r.threshold.late;
      row.limitLate = r.alreadyAboveLimit ? iso(now) : r.limit.late;
      row.insideLeadTime = r.insideLeadTime;
      if (row.thresholdAt !== null)
        row.slackDays = Math.round(((Date.parse(row.thresholdAt) - now - def.leadTimeMs) / DAY_MS) * 10) / 10;
    } catch (e) {
      row.problem = problemOf(e);
    }
    items.push(row);
  }
  // Most urgent first; resources that never cross within the horizon next, those with problems last.
  const rank = (r: RunwayRow) => (r.problem ? 2 : r.slackDays === null ? 1 : 0);
  items.sort(
    (a, b) =>
      rank(a) - rank(b) || (a.slackDays ?? 0) - (b.slackDays ?? 0) || a.resource.localeCompare(b.resource),
  );
  return {
    scenario: scenario?.name ?? null,
    horizon: horizon.text,
    items: items.slice(0, query.limit ?? 200),
  };
}

export function scenarioView(s: GrowthScenarioDefinition): GrowthScenario {
  return {
    name: s.name,
    title: s.title,
    description: s.description,
    selector: s.selector,
    events: s.events.map((e) => ({ ...e, start: iso(e.start)!, end: iso(e.end) })),
  };
}

export async function listScenarios(db: Kysely<Database>, limit = 200): Promise<{ items: GrowthScenario[] }> {
  return { items: (await listScenarioDefinitions(db)).slice(0, limit).map(scenarioView) };
}

export async function scenarioDetail(
  db: Kysely<Database>,
  settings: CapacitySettings,
  name: string,
  now = Date.now(),
): Promise<ScenarioDetail> {
  const s = await scenarioNamed(db, name);
  const horizon = parseHorizon(undefined);
  const teams = await serviceTeams(db);
  const effects: ScenarioDetail['effects'] = [];
  for (const def of (await listResourceDefinitions(db)).filter((d) => scenarioSelects(s, d))) {
    const l = await loaded(db, def, teams);
    const currency = currencyOf(def, settings);
    const empty = { thresholdAt: null, limitAt: null, monthlyCost: null, instances: null };
    try {
      const f = await fitted(db, l, now, horizon.ms, 0.8);
      const figures = (forecast: Forecast) => {
        const o = outlookOf(def, forecast, l.limit, currency, now);
        const at = (c: 'threshold' | 'limit') =>
          o.runway === null
            ? null
            : (c === 'threshold' ? o.runway.alreadyAboveThreshold : o.runway.alreadyAboveLimit)
              ? iso(now)
              : o.runway[c].at;
        return {
          thresholdAt: at('threshold'),
          limitAt: at('limit'),
          monthlyCost: o.cost?.monthly ?? null,
          instances: o.sizing?.total ?? null,
        };
      };
      effects.push({
        resource: def.name,
        service: def.service,
        unit: def.unit,
        currency,
        organic: figures(f),
        scenario: figures(withScenario(f, s)),
        problem: null,
      });
    } catch (e) {
      effects.push({
        resource: def.name,
        service: def.service,
        unit: def.unit,
        currency,
        organic: empty,
        scenario: empty,
        problem: problemOf(e),
      });
    }
  }
  return { scenario: scenarioView(s), horizon: horizon.text, effects };
}

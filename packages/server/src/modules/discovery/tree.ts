/**
 * The opportunity-solution tree with evidence beside each opportunity and a RICE score beside
 * each solution, and the backlog: every solution ranked by RICE. A solution's reach is its
 * override, else its opportunity's teams affected (core discovery/rice.ts says why teams).
 */
import type {
  Backlog,
  BacklogItem,
  BacklogQuery,
  Evidence,
  RiceScore,
  Tree,
  TreeOpportunity,
  TreeOutcome,
} from '@headroom/core/api/discovery';
import type { SolutionRecord } from '@headroom/core/config/headroom/discovery';
import { rankByScore, resolveReach, riceScore } from '@headroom/core/discovery/rice';
import { InputError } from '@headroom/core/errors';
import type { Kysely } from 'kysely';
import type { ServerConfig } from '../../config.js';
import type { Database } from '../../db/schema.js';
import { iso } from '../catalog/refs.js';
import { type EvidenceSources, loadSources, opportunityEvidence } from './evidence.js';
import * as repo from './repo.js';
import { assumptionTestView, opportunityView, outcomeView, requireOutcome, solutionView } from './service.js';

type Config = Pick<ServerConfig, 'workingHours' | 'workingHoursTimeZone'>;

export function scoreOf(rice: SolutionRecord['rice'], teamsAffected: number): RiceScore | null {
  if (!rice) return null;
  const reach = resolveReach(rice, teamsAffected);
  return {
    reach: reach.reach,
    reachSource: reach.source,
    reachReason: reach.reason,
    impact: rice.impact,
    confidence: rice.confidence,
    effort: rice.effort,
    score: riceScore({ ...rice, reach: reach.reach }),
  };
}

async function evidenceByOpportunity(
  db: Kysely<Database>,
  sources: EvidenceSources,
  opportunities: readonly repo.StoredOpportunity[],
  budget: boolean,
): Promise<Map<string, Evidence>> {
  const out = new Map<string, Evidence>();
  for (const o of opportunities)
    out.set(o.record.name, await opportunityEvidence(db, sources, o, { budget }));
  return out;
}

export async function discoveryTree(db: Kysely<Database>, config: Config, outcome?: string): Promise<Tree> {
  const outcomes = outcome ? [await requireOutcome(db, outcome)] : await repo.listOutcomes(db);
  const sources = await loadSources(db, config);
  const result: TreeOutcome[] = [];
  for (const o of outcomes) {
    const opportunities = await repo.listOpportunities(db, { outcome: o.record.name });
    const names = opportunities.map((x) => x.record.name);
    const solutions = await repo.listSolutions(db, { opportunities: names });
    const tests = await repo.listAssumptionTests(db, { solutions: solutions.map((s) => s.record.name) });
    const evidence = await evidenceByOpportunity(db, sources, opportunities, true);
    const nodes = new Map<string, TreeOpportunity>();
    for (const opp of opportunities) {
      const e = evidence.get(opp.record.name)!;
      const scored = solutions
        .filter((s) => s.record.opportunity === opp.record.name)
        .map((s) => ({ item: s, score: scoreOf(s.record.rice, e.teamsAffected.count) }));
      nodes.set(opp.record.name, {
        ...opportunityView(opp),
        evidence: e,
        solutions: rankByScore(
          scored.map((x) => ({ item: x, score: x.score?.score ?? null })),
          (x) => x.item.record.name,
        ).map(({ item: { item, score } }) => ({
          ...solutionView(item),
          score,
          assumptionTests: tests
            .filter((t) => t.record.solution === item.record.name)
            .map(assumptionTestView),
        })),
        children: [],
      });
    }
    const roots: TreeOpportunity[] = [];
    for (const opp of opportunities) {
      const node = nodes.get(opp.record.name)!;
      const parent = opp.record.parent ? nodes.get(opp.record.parent) : undefined;
      // A parent elsewhere (another outcome, or gone) shows the opportunity at the top.
      (parent ? parent.children : roots).push(node);
    }
    result.push({ ...outcomeView(o, sources), opportunities: roots });
  }
  return { outcomes: result };
}

const STATUSES = new Set(['idea', 'building', 'shipped', 'dropped']);

export async function discoveryBacklog(
  db: Kysely<Database>,
  config: Config,
  query: BacklogQuery,
): Promise<Backlog> {
  const statuses = query.status ? query.status.split(',').filter((s) => s !== '') : null;
  for (const s of statuses ?? [])
    if (!STATUSES.has(s))
      throw new InputError(`status '${s}' is not one of idea, building, shipped, dropped.`, [
        { path: '/status', message: `'${s}' is not a solution status` },
      ]);
  if (query.outcome) await requireOutcome(db, query.outcome);
  const [outcomes, opportunities] = await Promise.all([
    repo.listOutcomes(db),
    repo.listOpportunities(db, query.outcome ? { outcome: query.outcome } : {}),
  ]);
  const solutions = (
    await repo.listSolutions(db, { opportunities: opportunities.map((o) => o.record.name) })
  ).filter((s) => statuses === null || statuses.includes(s.record.status));
  const used = opportunities.filter((o) => solutions.some((s) => s.record.opportunity === o.record.name));
  const sources = await loadSources(db, config);
  // Reach needs teams affected only: the budget figures are left out here.
  const evidence = await evidenceByOpportunity(db, sources, used, false);
  const oppByName = new Map(opportunities.map((o) => [o.record.name, o.record]));
  const outcomeTitle = new Map(outcomes.map((o) => [o.record.name, o.record.title]));
  const ranked = rankByScore(
    solutions.map((s) => {
      const score = scoreOf(s.record.rice, evidence.get(s.record.opportunity)?.teamsAffected.count ?? 0);
      return { item: { s, score }, score: score?.score ?? null };
    }),
    (x) => x.s.record.name,
  );
  const items: BacklogItem[] = ranked.slice(0, query.limit ?? 200).map(({ item: { s, score } }, i) => {
    const opp = oppByName.get(s.record.opportunity)!;
    return {
      rank: i + 1,
      solution: s.record.name,
      title: s.record.title,
      status: s.record.status,
      opportunity: opp.name,
      opportunityTitle: opp.title,
      outcome: opp.outcome,
      outcomeTitle: outcomeTitle.get(opp.outcome) ?? opp.outcome,
      score,
    };
  });
  return { items, at: iso(sources.now) };
}

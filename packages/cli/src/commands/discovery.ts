import type {
  Backlog,
  Evidence,
  RiceScore,
  Solution,
  Tree,
  TreeOpportunity,
} from '@headroom/core/api/discovery';
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { CliContext } from '../context.js';
import { UsageError } from '../errors.js';
import { integer } from '../options.js';
import type { Output } from '../output.js';

const enc = encodeURIComponent;
const IMPACTS = ['3', '2', '1', '0.5', '0.25'];
const CONFIDENCES = ['100', '80', '50'];

function positive(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0)
    throw new InvalidArgumentError('Expected a number greater than 0.');
  return n;
}

function nonNegative(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0)
    throw new InvalidArgumentError('Expected a number of 0 or more.');
  return n;
}

const num = (x: number) => String(Math.round(x * 100) / 100);
const pct = (x: number | null) => (x === null ? '-' : `${Math.round(x * 100)} %`);

function riceText(s: RiceScore | null): string {
  if (!s) return 'not scored';
  const reach =
    s.reachSource === 'override'
      ? `reach ${num(s.reach)} (override: ${s.reachReason})`
      : `reach ${num(s.reach)} (teams affected)`;
  return `RICE ${num(s.score)} = ${reach} × impact ${num(s.impact)} × ${s.confidence} % ÷ ${num(s.effort)} person-months`;
}

/** One line of evidence: what a person scanning the tree needs to weigh an opportunity. */
export function evidenceSummary(e: Evidence): string {
  const sev = Object.entries(e.incidents.last90Days.bySeverity)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${s} ${n}`)
    .join(', ');
  return [
    `incidents ${e.incidents.last30Days.total} in 30 d, ${e.incidents.last90Days.total} in 90 d${sev ? ` (${sev})` : ''}`,
    `pages ${e.pages.last30Days.total} in 30 d, ${e.pages.last30Days.outsideWorkingHours} outside working hours`,
    `budget burnt by incidents ${pct(e.incidentBudgetConsumed.worstFourWeekShare)} of 4 weeks`,
    `teams ${e.teamsAffected.count}`,
    `votes ${e.feedback.votes}${e.feedback.meanPain === null ? '' : `, pain ${e.feedback.meanPain.toFixed(1)}`}`,
    `interviews ${e.interviews.count}`,
  ].join(' · ');
}

function printOpportunity(out: Output, o: TreeOpportunity, depth: number): void {
  const pad = '  '.repeat(depth);
  out.line(
    `${pad}opportunity ${o.name}: ${o.title}${o.services.length ? ` [${o.services.join(', ')}]` : ''}`,
  );
  out.line(`${pad}    ${evidenceSummary(o.evidence)}`);
  for (const s of o.solutions) {
    out.line(`${pad}  solution ${s.name} (${s.status}): ${s.title}`);
    out.line(`${pad}      ${riceText(s.score)}`);
    for (const t of s.assumptionTests)
      out.line(`${pad}      test ${t.name} (${t.kind}, ${t.status}): ${t.assumption}`);
  }
  for (const c of o.children) printOpportunity(out, c, depth + 1);
}

export function printTree(out: Output, tree: Tree): void {
  if (tree.outcomes.length === 0) {
    out.line('no outcomes (apply Outcome, Opportunity and Solution documents, or create them in the UI)');
    return;
  }
  for (const [i, o] of tree.outcomes.entries()) {
    if (i > 0) out.line();
    out.line(`outcome ${o.name}: ${o.title}`);
    if (o.metric.target || o.current) {
      const current = o.current
        ? ` — now ${num(o.current.value)} (${o.current.measure})${o.current.met === null ? '' : o.current.met ? ', met' : ', not met'}`
        : '';
      out.line(`  target: ${o.metric.target ?? '-'}${current}`);
    }
    if (o.opportunities.length === 0) out.line('  no opportunities yet');
    for (const opp of o.opportunities) printOpportunity(out, opp, 1);
  }
}

/** `headroom discovery …`: the opportunity-solution tree, its evidence and the RICE backlog. */
export function registerDiscovery(program: Command, ctx: CliContext): void {
  const discovery = program
    .command('discovery')
    .description(
      'Deciding what to do: the opportunity-solution tree, evidence for each opportunity, the RICE backlog',
    )
    .addHelpText(
      'after',
      `
The tree (Outcome, Opportunity, Solution, AssumptionTest kinds) is applied with headroom apply or
edited in the UI. Reach is the number of teams affected (from the evidence) unless a solution
overrides it with --reach and --reason.

Examples:
  $ headroom discovery tree --outcome calmer-on-call
  $ headroom discovery evidence night-pages
  $ headroom discovery score burn-rate-alerts --impact 2 --confidence 80 --effort 1.5
  $ headroom discovery score follow-the-sun --impact 1 --confidence 50 --effort 3 --reach 12 --reason "on-call survey"
  $ headroom discovery backlog --status idea,building`,
    );

  discovery
    .command('tree')
    .description('The tree, indented: outcomes, opportunities with their evidence, solutions with RICE')
    .option('--outcome <name>', 'only this outcome')
    .action(async (o: { outcome?: string }) => {
      const out = ctx.output();
      const tree = await ctx
        .client()
        .request<Tree>('GET', '/discovery/tree', { query: { outcome: o.outcome } });
      out.result(tree, (t) => printTree(out, t));
    });

  discovery
    .command('backlog')
    .description('Every solution ranked by RICE score, highest first; unscored last')
    .option('--outcome <name>', 'only solutions under this outcome')
    .option('--status <list>', 'only these statuses, comma-separated (idea, building, shipped, dropped)')
    .option('--limit <n>', 'at most this many', integer(1, 1000))
    .action(async (o: { outcome?: string; status?: string; limit?: number }) => {
      const out = ctx.output();
      const backlog = await ctx.client().request<Backlog>('GET', '/discovery/backlog', {
        query: { outcome: o.outcome, status: o.status, limit: o.limit },
      });
      out.result(backlog, (b) =>
        out.table(
          [
            'RANK',
            'SOLUTION',
            'STATUS',
            'SCORE',
            'REACH',
            'IMPACT',
            'CONFIDENCE',
            'EFFORT',
            'OPPORTUNITY',
            'OUTCOME',
          ],
          b.items.map((i) => [
            i.rank,
            i.solution,
            i.status,
            i.score ? num(i.score.score) : '-',
            i.score ? `${num(i.score.reach)} (${i.score.reachSource})` : '-',
            i.score ? num(i.score.impact) : '-',
            i.score ? `${i.score.confidence} %` : '-',
            i.score ? num(i.score.effort) : '-',
            i.opportunity,
            i.outcome,
          ]),
          'no solutions',
        ),
      );
    });

  discovery
    .command('evidence')
    .description("Evidence for an opportunity from Headroom's own data")
    .argument('<opportunity>', 'the opportunity name')
    .action(async (name: string) => {
      const out = ctx.output();
      const e = await ctx.client().request<Evidence>('GET', `/discovery/opportunities/${enc(name)}/evidence`);
      const sev = (c: Evidence['incidents']['last30Days']) =>
        `${c.total}${
          c.total
            ? ` (${Object.entries(c.bySeverity)
                .filter(([, n]) => n > 0)
                .map(([s, n]) => `${s} ${n}`)
                .join(', ')})`
            : ''
        }`;
      out.result(e, (x) => {
        out.details([
          ['Opportunity', x.opportunity],
          ['Services', x.services.join(', ') || '-'],
          ['Incidents 30 d', sev(x.incidents.last30Days)],
          ['Incidents 90 d', sev(x.incidents.last90Days)],
          [
            'Budget burnt',
            `${pct(x.incidentBudgetConsumed.worstFourWeekShare)} of a four-week budget (worst SLO, incidents of 90 d)`,
          ],
          [
            'Pages 30 d',
            `${x.pages.last30Days.total}, ${x.pages.last30Days.outsideWorkingHours} outside working hours`,
          ],
          [
            'Pages 90 d',
            `${x.pages.last90Days.total}, ${x.pages.last90Days.outsideWorkingHours} outside working hours`,
          ],
          ['Working hours', `${x.pages.workingHours} (schedule's zone, else ${x.pages.defaultTimeZone})`],
          [
            'Teams affected',
            `${x.teamsAffected.count}${x.teamsAffected.count ? `: ${x.teamsAffected.teams.join(', ')}` : ''}`,
          ],
          ['Feedback', `${x.feedback.items} item(s) ${x.feedback.ids.join(', ')}`.trim()],
          [
            'Votes',
            `${x.feedback.votes}${x.feedback.meanPain === null ? '' : `, mean pain ${x.feedback.meanPain.toFixed(1)}`}`,
          ],
          [
            'Interviews',
            `${x.interviews.count}${x.interviews.count ? `: ${x.interviews.ids.join(', ')}` : ''}`,
          ],
        ]);
        if (x.incidentBudgetConsumed.objectives.length > 0) {
          out.line();
          out.table(
            ['SLO', 'SERVICE', 'INCIDENTS', 'BUDGET (4 WEEKS)'],
            x.incidentBudgetConsumed.objectives.map((o) => [
              o.label,
              o.service,
              o.incidents,
              pct(o.fourWeekShare),
            ]),
            '',
          );
        }
      });
    });

  discovery
    .command('score')
    .description("Set a solution's RICE inputs; prints its score")
    .argument('<solution>', 'the solution name')
    .addOption(
      new Option('--impact <n>', '3 massive, 2 high, 1 medium, 0.5 low, 0.25 minimal')
        .choices(IMPACTS)
        .makeOptionMandatory(),
    )
    .addOption(
      new Option('--confidence <percent>', '100 high, 80 medium, 50 low')
        .choices(CONFIDENCES)
        .makeOptionMandatory(),
    )
    .requiredOption('--effort <person-months>', 'effort in person-months, more than 0', positive)
    .option('--reach <n>', 'override the evidence (teams affected); needs --reason', nonNegative)
    .option('--reason <text>', 'where the reach figure comes from')
    .action(
      async (
        name: string,
        o: { impact: string; confidence: string; effort: number; reach?: number; reason?: string },
      ) => {
        const out = ctx.output();
        if (o.reach !== undefined && !o.reason)
          throw new UsageError('--reach overrides the evidence: say why with --reason.');
        const client = ctx.client();
        const solution = await client.request<Solution>('PATCH', `/discovery/solutions/${enc(name)}`, {
          body: {
            rice: {
              impact: Number(o.impact),
              confidence: Number(o.confidence),
              effort: o.effort,
              reach: o.reach ?? null,
              reachReason: o.reach === undefined ? null : o.reason,
            },
          },
        });
        const backlog = await client.request<Backlog>('GET', '/discovery/backlog', {
          query: { limit: 1000 },
        });
        const item = backlog.items.find((i) => i.solution === solution.name);
        out.result({ solution, score: item?.score ?? null, rank: item?.rank ?? null }, (r) => {
          out.line(riceText(r.score));
          if (r.rank !== null)
            out.note(`${name} is number ${r.rank} of ${backlog.items.length} in the backlog.`);
        });
      },
    );
}

import type { GateDecisionList, PolicyVerdict } from '@headroom/core/api/budget-policy';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { integer } from '../options.js';
import { reasonLine, verdictHeadline } from './gate.js';
import { when } from './schedules.js';

const enc = encodeURIComponent;
const pct = (f: number | null) => (f === null ? '-' : `${(Math.round(f * 1000) / 10).toString()} %`);

/** `headroom policy show <service>`: the error budget policy verdict now, and why. */
export function registerPolicy(program: Command, ctx: CliContext): void {
  const policy = program
    .command('policy')
    .description('Error budget policies: the verdict for a service and the SLOs behind it')
    .addHelpText(
      'after',
      `
Policies are headroom.dev/v1 ErrorBudgetPolicy documents applied with \`headroom apply -f\`.

Examples:
  $ headroom policy show checkout
  $ headroom policy show checkout -o json
  $ headroom policy decisions checkout --verdict deny --since -7d`,
    );
  policy
    .command('show')
    .alias('get')
    .description('Show the policy verdict of a service, with the rules, SLO budgets and reasons')
    .argument('<service>', 'the catalog service')
    .action(async (service: string) => {
      const out = ctx.output();
      const v = await ctx.client().request<PolicyVerdict>('GET', `/services/${enc(service)}/policy`);
      out.result(v, (a) => {
        out.line(verdictHeadline(a.service, a.verdict));
        out.details([
          ['Policies', a.policies.length > 0 ? a.policies.join(', ') : 'none'],
          [
            'Rules',
            a.rules
              ? `freeze when exhausted: ${a.rules.freezeWhenExhausted ? 'yes' : 'no'}; warn below ${pct(a.rules.warnBelow)}; allowed labels: ${a.rules.allowLabels.join(', ') || 'none'}; incident budget share ${pct(a.rules.incidentBudgetShare)}`
              : '-',
          ],
          [
            'Exemptions',
            a.exemptions.map((e) => `${e.id} until ${e.expiresAt} (${e.approver})`).join('; ') || 'none',
          ],
        ]);
        out.line();
        out.table(
          ['SLO', 'STATE', 'BUDGET LEFT', 'VERDICT'],
          a.slos.map((s) => [s.name, s.state ?? 'not evaluated', pct(s.budgetRemaining), s.verdict]),
          'no SLOs',
        );
        out.line();
        for (const r of a.reasons) out.line(reasonLine(r));
      });
    });

  policy
    .command('decisions')
    .description('The release gate decisions recorded for a service, newest first')
    .argument('<service>', 'the catalog service')
    .option('--verdict <verdict>', 'allow, warn or deny')
    .option('--since <time>', 'from this time (now, -7d, or a date-time with offset)', (v) => when(v))
    .option('--until <time>', 'before this time', (v) => when(v))
    .option('--limit <n>', 'at most this many (1-1000, default 100)', integer(1, 1000))
    .action(
      async (service: string, o: { verdict?: string; since?: string; until?: string; limit?: number }) => {
        const out = ctx.output();
        const list = await ctx
          .client()
          .request<GateDecisionList>('GET', `/services/${enc(service)}/gate-decisions`, {
            query: { verdict: o.verdict, from: o.since, to: o.until, limit: o.limit },
          });
        out.result(list, (l) =>
          out.table(
            ['AT', 'VERDICT', 'BY', 'LABELS', 'COMMIT', 'VERSION'],
            l.items.map((d) => [
              d.at,
              d.verdict,
              d.requestedBy,
              d.change.labels.join(',') || '-',
              d.change.commit ?? '-',
              d.change.version ?? '-',
            ]),
            'no gate decisions',
          ),
        );
      },
    );
}

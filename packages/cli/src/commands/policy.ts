import type { PolicyVerdict } from '@headroom/core/api/budget-policy';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { reasonLine, verdictHeadline } from './gate.js';

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
  $ headroom policy show checkout -o json`,
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
}

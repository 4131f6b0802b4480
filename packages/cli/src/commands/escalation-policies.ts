import type {
  EscalationPolicyDetail,
  EscalationPolicySummary,
  EscalationRecipient,
  EscalationTargetView,
} from '@headroom/core/api/escalation-policy';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';

const enc = encodeURIComponent;

/** `schedule payments-primary`, `user alice`, `channel payments-slack`. */
export function targetText(t: EscalationTargetView): string {
  return 'schedule' in t ? `schedule ${t.schedule}` : 'user' in t ? `user ${t.user}` : `channel ${t.channel}`;
}

function recipientText(r: EscalationRecipient): string {
  if ('channel' in r) return `channel ${r.channel}`;
  return 'schedule' in r.via ? `${r.user} (on call in ${r.via.schedule})` : r.user;
}

/** `headroom escalation-policies …`. */
export function registerEscalationPolicies(program: Command, ctx: CliContext): void {
  const policies = program
    .command('escalation-policies')
    .alias('escalation-policy')
    .description('Escalation policies: whom to page, in steps, until someone acknowledges')
    .addHelpText(
      'after',
      `
Escalation policies are headroom.dev/v1 EscalationPolicy documents applied with
\`headroom apply -f\`. \`show\` tells whom each step would notify right now (schedules resolve
to whoever is on call).

Examples:
  $ headroom escalation-policies list
  $ headroom escalation-policies show payments-critical
  $ headroom escalation-policies show payments-critical -o json`,
    );

  policies
    .command('list')
    .alias('ls')
    .description('List escalation policies with their steps')
    .action(async () => {
      const out = ctx.output();
      const list = await ctx.client().request<EscalationPolicySummary[]>('GET', '/escalation-policies');
      out.result(list, (rows) =>
        out.table(
          ['NAME', 'STEPS', 'REPEAT', 'OWNER', 'FIRST STEP'],
          rows.map((p) => [
            p.name,
            String(p.steps.length),
            String(p.repeat),
            p.owner,
            p.steps[0] ? p.steps[0].notify.map(targetText).join(', ') : '-',
          ]),
          'no escalation policies',
        ),
      );
    });

  policies
    .command('show')
    .alias('get')
    .description('Show an escalation policy: its steps and whom each would notify now')
    .argument('<name>', 'the policy name (metadata.name)')
    .action(async (name: string) => {
      const out = ctx.output();
      const detail = await ctx
        .client()
        .request<EscalationPolicyDetail>('GET', `/escalation-policies/${enc(name)}`);
      out.result(detail, (d) => {
        out.details([
          ['Name', d.name],
          ['Display name', d.displayName],
          ['Description', d.description],
          ['Owner', d.owner],
          ['Repeat', d.repeat === 0 ? 'no (runs once)' : `${d.repeat} more time${d.repeat === 1 ? '' : 's'}`],
        ]);
        out.line();
        out.line(`Steps (who would be notified at ${d.at}):`);
        out.table(
          ['STEP', 'NOTIFY', 'THEN WAIT', 'NOW'],
          d.steps.map((s, i) => [
            String(i + 1),
            s.notify.map(targetText).join(', '),
            s.delay,
            [
              s.now.recipients.length > 0 ? s.now.recipients.map(recipientText).join(', ') : '(nobody)',
              ...s.now.notes,
            ].join('; '),
          ]),
          'no steps',
        );
      });
    });
}

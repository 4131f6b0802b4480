import type { Page } from '@headroom/core/api/paging';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { time } from '../output.js';

/** `headroom ack <group-id>`: acknowledges an alert group's page, so nobody else is paged for it. */
export function registerAck(program: Command, ctx: CliContext): void {
  program
    .command('ack')
    .description('Acknowledge an alert group’s page: the escalation stops, nobody else is paged')
    .argument('<group-id>', 'alert group id, from `headroom alert-groups list` or the page notification')
    .addHelpText(
      'after',
      `
Exits 1 with the reason when there is nothing to acknowledge (no page, already acknowledged, resolved).

Examples:
  $ headroom ack 0193a4c2-…`,
    )
    .action(async (id: string) => {
      const out = ctx.output();
      const page = await ctx
        .client()
        .request<Page>('POST', `/alert-groups/${encodeURIComponent(id)}/acknowledge`, {
          query: { via: 'cli' },
        });
      out.result(page, (p) =>
        out.line(
          `Acknowledged the page of alert group ${p.groupId} (policy ${p.policy}, ${p.notificationsSent} step${p.notificationsSent === 1 ? '' : 's'} notified) as ${p.acknowledgedBy} at ${p.acknowledgedAt ? time(p.acknowledgedAt) : '—'}.`,
        ),
      );
    });
}

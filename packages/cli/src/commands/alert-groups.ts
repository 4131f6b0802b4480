import type { AlertGroup } from '@headroom/core/api/alert-group';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { time } from '../output.js';

const labelText = (labels: Record<string, string>) =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ') || '(all)';

/** `headroom alert-groups …`: alerts as routed, and when each group notifies next and why. */
export function registerAlertGroups(program: Command, ctx: CliContext): void {
  const groups = program
    .command('alert-groups')
    .alias('alert-group')
    .description('Alerts as routed: groups per route, their next notification and why')
    .addHelpText(
      'after',
      `
Examples:
  $ headroom alert-groups list
  $ headroom alert-groups show 0193a4c2-…   members, muting, last and next notification`,
    );
  groups
    .command('list')
    .alias('ls')
    .description('Every aggregation group with its receiver, alerts and next notification')
    .action(async () => {
      const out = ctx.output();
      const list = await ctx.client().request<AlertGroup[]>('GET', '/alert-groups');
      out.result(list, (gs) =>
        out.table(
          ['ID', 'RECEIVER', 'GROUP', 'FIRING', 'MUTED', 'LAST NOTIFIED', 'NEXT'],
          gs.map((g) => [
            g.id,
            g.receiver,
            labelText(g.groupLabels),
            g.alerts.filter((a) => a.status === 'firing').length,
            g.alerts.filter((a) => a.silencedBy.length > 0 || a.inhibitedBy !== null).length,
            g.lastNotification ? time(g.lastNotification.at) : '—',
            g.nextAt ? time(g.nextAt) : '—',
          ]),
          'no alert groups: nothing is firing on a route with a receiver',
        ),
      );
    });
  groups
    .command('show')
    .description('One group: its alerts, what mutes them, and the next notification with the reason')
    .argument('<id>', 'group id, from `headroom alert-groups list`')
    .action(async (id: string) => {
      const out = ctx.output();
      const g = await ctx.client().request<AlertGroup>('GET', `/alert-groups/${encodeURIComponent(id)}`);
      out.result(g, () => {
        out.line(`Group ${g.id} → ${g.receiver}  (${labelText(g.groupLabels)})`);
        out.line(g.explanation);
        out.table(
          ['FINGERPRINT', 'STATUS', 'ALERT', 'SINCE', 'MUTED BY'],
          g.alerts.map((a) => [
            a.fingerprint,
            a.acknowledged ? `${a.status} (acked)` : a.status,
            labelText(a.labels),
            time(a.startsAt),
            [...a.silencedBy.map((s) => `silence ${s}`), ...(a.inhibitedBy ? [a.inhibitedBy.rule] : [])].join(
              ', ',
            ),
          ]),
          'no alerts',
        );
      });
    });
}

import type { AlertGroup } from '@headroom/core/api/alert-group';
import type { AlertGroupLog } from '@headroom/core/api/paging';
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
  $ headroom alert-groups show 0193a4c2-…   members, muting, next notification, page and log
  $ headroom ack 0193a4c2-…                 acknowledge its page`,
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
          ['ID', 'RECEIVER', 'GROUP', 'FIRING', 'MUTED', 'LAST NOTIFIED', 'NEXT', 'PAGE'],
          gs.map((g) => [
            g.id,
            g.receiver ?? '—',
            labelText(g.groupLabels),
            g.alerts.filter((a) => a.status === 'firing').length,
            g.alerts.filter((a) => a.silencedBy.length > 0 || a.inhibitedBy !== null).length,
            g.lastNotification ? time(g.lastNotification.at) : '—',
            g.nextAt ? time(g.nextAt) : '—',
            g.page ? `${g.page.policy}: ${g.page.status}` : '—',
          ]),
          'no alert groups: nothing is firing on a route with a receiver',
        ),
      );
    });
  groups
    .command('show')
    .description('One group: its alerts, what mutes them, the next notification, and its page and log')
    .argument('<id>', 'group id, from `headroom alert-groups list`')
    .action(async (id: string) => {
      const out = ctx.output();
      const client = ctx.client();
      const path = `/alert-groups/${encodeURIComponent(id)}`;
      const log = await client.request<AlertGroupLog>('GET', `${path}/log`);
      // A group whose alerts all resolved is gone; its page and log are kept.
      const g = await client.request<AlertGroup>('GET', path).catch((e: unknown) => {
        if ((e as { status?: number }).status === 404 && (log.page || log.entries.length > 0)) return null;
        throw e;
      });
      out.result({ ...(g ?? { id }), log }, () => {
        const printLog = () => {
          if (log.page) {
            const p = log.page;
            const ack = p.acknowledgedBy ? ` by ${p.acknowledgedBy} (${p.acknowledgedVia})` : '';
            const next = p.nextAt ? `, next step ${time(p.nextAt)}` : '';
            out.line(`Page: policy ${p.policy}, ${p.status}${ack}${next}`);
          }
          out.table(
            ['AT', 'EVENT', 'DETAIL'],
            log.entries.map((e) => [time(e.at), e.kind, e.text]),
            'no log entries: the group has not been paged',
          );
        };
        if (!g) {
          out.line(`Group ${id} is gone (its alerts resolved).`);
          printLog();
          return;
        }
        const to = [g.receiver && `→ ${g.receiver}`, g.escalationPolicy && `pages ${g.escalationPolicy}`]
          .filter(Boolean)
          .join(', ');
        out.line(`Group ${g.id} ${to}  (${labelText(g.groupLabels)})`);
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
        printLog();
      });
    });
}

import type { ActionItem } from '@headroom/core/api/incident';
import { ACTION_ITEM_PRIORITIES, ACTION_ITEM_STATUSES } from '@headroom/core/incidents/postmortem';
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { CliContext } from '../context.js';

const enc = encodeURIComponent;

/** YYYY-MM-DD as given, or +Nd / +Nw from today (UTC). */
export function dueDate(value: string, now = Date.now()): string {
  const v = value.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return v;
  const rel = /^\+(\d+)([dw])$/.exec(v);
  if (rel) {
    const days = Number(rel[1]) * (rel[2] === 'w' ? 7 : 1);
    return new Date(now + days * 86_400_000).toISOString().slice(0, 10);
  }
  throw new InvalidArgumentError('Expected a date YYYY-MM-DD or +14d / +2w from today.');
}

function table(out: ReturnType<CliContext['output']>, rows: ActionItem[]): void {
  out.table(
    ['ID', 'PRIORITY', 'STATUS', 'DUE', 'OWNER', 'TEAM', 'INCIDENT', 'TITLE'],
    rows.map((a) => [
      a.id,
      a.priority,
      a.status,
      `${a.dueDate ?? '-'}${a.overdue ? ' (overdue)' : ''}`,
      a.owner,
      a.team ?? '-',
      a.incidentId,
      a.title,
    ]),
    'no action items',
  );
}

/** `headroom action-items …`. */
export function registerActionItems(program: Command, ctx: CliContext): void {
  const items = program
    .command('action-items')
    .alias('action-item')
    .description('Follow-up work from incidents: list (overdue per team), add, update')
    .addHelpText(
      'after',
      `
An item's team is the owner of its service (by default the incident's first service). Overdue:
open or in progress and due before today (UTC).

Examples:
  $ headroom action-items list --team payments --overdue
  $ headroom action-items add INC-12 --title "Alert on pool saturation" --owner alice --due +14d --priority P0
  $ headroom action-items update AI-3 --status done`,
    );

  items
    .command('list')
    .alias('ls')
    .description('List action items')
    .option('--team <team>', "only items of this team's services")
    .option('--incident <id>', 'only items of this incident')
    .addOption(new Option('--status <status>', 'only this status').choices([...ACTION_ITEM_STATUSES]))
    .option('--overdue', 'only overdue items')
    .action(async (o: { team?: string; incident?: string; status?: string; overdue?: boolean }) => {
      const out = ctx.output();
      const list = await ctx.client().request<ActionItem[]>('GET', '/action-items', {
        query: {
          team: o.team,
          incident: o.incident,
          status: o.status,
          overdue: o.overdue ? true : undefined,
        },
      });
      out.result(list, (rows) => table(out, rows));
    });

  items
    .command('add')
    .description('Add an action item to an incident; prints its id')
    .argument('<incident>', 'the incident id')
    .requiredOption('--title <text>', 'what will be done')
    .requiredOption('--owner <user>', 'the catalog user who owns it')
    .requiredOption('--priority <P>', `one of ${ACTION_ITEM_PRIORITIES.join(', ')}`, (v) => v.toUpperCase())
    .option('--due <date>', 'due date: YYYY-MM-DD or +14d', (v) => dueDate(v))
    .option('--service <name>', "the service it improves (default the incident's first)")
    .option('--ticket <url>', 'link to the ticket in the tracker')
    .action(
      async (
        incident: string,
        o: {
          title: string;
          owner: string;
          priority: string;
          due?: string;
          service?: string;
          ticket?: string;
        },
      ) => {
        const out = ctx.output();
        const created = await ctx
          .client()
          .request<ActionItem>('POST', `/incidents/${enc(incident)}/action-items`, {
            body: {
              title: o.title,
              owner: o.owner,
              priority: o.priority,
              ...(o.due !== undefined && { dueDate: o.due }),
              ...(o.service !== undefined && { service: o.service }),
              ...(o.ticket !== undefined && { ticketUrl: o.ticket }),
            },
          });
        out.result(created, (x) => out.line(x.id));
        out.note(`Added ${created.priority} action item ${created.id} for ${created.owner}.`);
      },
    );

  items
    .command('update')
    .description('Change an action item')
    .argument('<id>', 'the action item id, e.g. AI-3')
    .addOption(new Option('--status <status>', 'new status').choices([...ACTION_ITEM_STATUSES]))
    .option('--priority <P>', `one of ${ACTION_ITEM_PRIORITIES.join(', ')}`, (v) => v.toUpperCase())
    .option('--owner <user>', 'new owner')
    .option('--due <date>', 'new due date: YYYY-MM-DD or +14d', (v) => dueDate(v))
    .option('--title <text>', 'new title')
    .option('--ticket <url>', 'link to the ticket')
    .action(
      async (
        id: string,
        o: {
          status?: string;
          priority?: string;
          owner?: string;
          due?: string;
          title?: string;
          ticket?: string;
        },
      ) => {
        const out = ctx.output();
        const body = {
          ...(o.status !== undefined && { status: o.status }),
          ...(o.priority !== undefined && { priority: o.priority }),
          ...(o.owner !== undefined && { owner: o.owner }),
          ...(o.due !== undefined && { dueDate: o.due }),
          ...(o.title !== undefined && { title: o.title }),
          ...(o.ticket !== undefined && { ticketUrl: o.ticket }),
        };
        const updated = await ctx.client().request<ActionItem>('PATCH', `/action-items/${enc(id)}`, { body });
        out.result(updated, (x) => out.line(`${x.id} ${x.status}${x.overdue ? ' (overdue)' : ''}`));
      },
    );
}

import type { BudgetCorrection } from '@headroom/core/api/correction';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { time } from '../output.js';

/** `slos a, b`, `service checkout`, `labels tier=critical`, joined by `and`. */
export function selectorText(s: BudgetCorrection['selector']): string {
  const parts: string[] = [];
  if (s.slos.length > 0) parts.push(`slos ${s.slos.join(', ')}`);
  if (s.service !== null) parts.push(`service ${s.service}`);
  const labels = Object.entries(s.labels).map(([k, v]) => `${k}=${v}`);
  if (labels.length > 0) parts.push(`labels ${labels.join(',')}`);
  return parts.join(' and ');
}

export function scheduleText(c: BudgetCorrection): string {
  const zone = c.timeZone ? ` ${c.timeZone}` : '';
  const rule = c.rrule ? `, ${c.rrule}` : '';
  const until = c.until ? ` until ${c.until}` : '';
  return `${c.start}${zone} for ${c.duration}${rule}${until}`;
}

function occurrenceText(o: BudgetCorrection['occurrence']): string {
  if (!o) return 'none';
  return `${o.active ? 'now, ' : ''}${time(o.start)} – ${time(o.end)}`;
}

/** `headroom corrections …`. */
export function registerCorrections(program: Command, ctx: CliContext): void {
  const corrections = program
    .command('corrections')
    .alias('correction')
    .description('Budget corrections: maintenance windows that count neither for nor against SLO budgets')
    .addHelpText(
      'after',
      `
Corrections are headroom.dev/v1 BudgetCorrection documents applied with \`headroom apply -f\`.

Examples:
  $ headroom corrections list --slo checkout-availability
  $ headroom corrections get sunday-maintenance -o json`,
    );

  corrections
    .command('list')
    .alias('ls')
    .description('List budget corrections with the SLOs they select and their next occurrence')
    .option('--slo <name>', 'only corrections selecting this SLO')
    .action(async (o: { slo?: string }) => {
      const out = ctx.output();
      out.result(await ctx.client().corrections.list(o), (list) =>
        out.table(
          ['NAME', 'CATEGORY', 'SELECTS', 'SLOS', 'SCHEDULE', 'OCCURRENCE', 'REASON'],
          list.map((c) => [
            c.name,
            c.category,
            selectorText(c.selector),
            c.selectedSlos,
            scheduleText(c),
            occurrenceText(c.occurrence),
            c.reason,
          ]),
          'no budget corrections',
        ),
      );
    });

  corrections
    .command('get')
    .description('Show one budget correction')
    .argument('<name>', 'the correction name (metadata.name)')
    .action(async (name: string) => {
      const out = ctx.output();
      out.result(await ctx.client().corrections.get(name), (c) =>
        out.details([
          ['Name', c.name],
          ['Display name', c.displayName],
          ['Category', c.category],
          ['Reason', c.reason],
          ['Selects', selectorText(c.selector)],
          ['SLOs', c.selectedSlos.length > 0 ? c.selectedSlos : '(none stored yet)'],
          ['Start', c.timeZone ? `${c.start} ${c.timeZone}` : c.start],
          ['Duration', c.duration],
          ['Recurrence', c.rrule ?? 'once'],
          ['Until', c.until],
          ['Occurrence', occurrenceText(c.occurrence)],
          ['Created', time(c.createdAt)],
          ['Updated', time(c.updatedAt)],
        ]),
      );
    });
}

import type { SloStatus } from '@headroom/core/api/slo-status';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { type Output, time } from '../output.js';
import { percent } from './slo.js';

const rate = (r: number | null) => (r === null ? '-' : r.toFixed(2));

/** Budget left as people say it: `50%`, `-12.5%` when overspent. */
export function remainingText(status: SloStatus | null): string {
  return status ? `${Number((status.errorBudget.remaining * 100).toFixed(2))}%` : '-';
}

function ageText(seconds: number | null): string {
  if (seconds === null) return 'no data yet';
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7_200) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3_600)} h`;
}

export function printStatus(out: Output, name: string, s: SloStatus): void {
  const b = s.errorBudget;
  out.details([
    ['SLO', name],
    ['State', s.state],
    ['Evaluated', time(s.evaluatedAt)],
    ['Window', `${time(s.window.start)} → ${time(s.window.end)}`],
    ['SLI', s.sli === null ? '-' : percent(s.sli)],
    ['Events', `${s.good} good of ${s.total}`],
    [
      'Budget',
      `${percent(b.total)} of events; ${Number((b.consumed * 100).toFixed(2))}% spent, ${remainingText(s)} left`,
    ],
    ['Left in events', b.remainingEvents === null ? null : String(Math.round(b.remainingEvents * 100) / 100)],
    [
      'Left in minutes',
      b.remainingMinutes === null
        ? null
        : `${b.remainingMinutes.toFixed(1)} min of total failure at current traffic`,
    ],
    [
      'Burn rates',
      (['5m', '30m', '1h', '2h', '6h', '1d', '3d', 'window'] as const)
        .map((k) => `${k} ${rate(s.burnRates[k])}`)
        .join('  '),
    ],
    [
      'Exhaustion',
      (['1h', '1d', '7d'] as const)
        .map((k) => `at ${k} rate: ${s.exhaustion[k] ? time(s.exhaustion[k]) : 'not within the window'}`)
        .join('; '),
    ],
    ['Data age', ageText(s.dataAge)],
    ['No-data slices', s.noDataSlices > 0 ? String(s.noDataSlices) : null],
    ['Corrections', s.corrections.map((c) => `${time(c.start)} → ${time(c.end)}`)],
    ['Note', s.note],
  ]);
}

/** `headroom slo status <name>`: the evaluator's latest answer. */
export function registerSloStatus(slo: Command, ctx: CliContext): void {
  slo
    .command('status')
    .description('Error budget, burn rates, exhaustion forecast and data age of one SLO')
    .argument('<name>', 'the SLO name (metadata.name)')
    .action(async (name: string) => {
      const out = ctx.output();
      const found = await ctx.client().slos.get(name);
      out.result(found.status, (s) => {
        if (s === null) out.line(`${name}: not evaluated yet (the evaluator runs every 30 s)`);
        else printStatus(out, found.name, s);
      });
    });
}

import type { Slo, SloDefinition } from '@headroom/core/api/slo';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { type Output, time } from '../output.js';
import { remainingText } from './slo-status.js';

/** 0.999 → `99.9%`. */
export function percent(target: number): string {
  return `${Number((target * 100).toPrecision(10))}%`;
}

function windowText(w: SloDefinition['window']): string {
  return w.type === 'rolling'
    ? `${w.duration} rolling`
    : `${w.duration} calendar from ${w.startTime} ${w.timeZone}`;
}

function sourceText(s: SloDefinition['source']): string {
  if (!s.type) return 'unresolved';
  return s.queryable ? s.type : `${s.type} (not queryable; push to ${s.stream})`;
}

function printSlo(out: Output, s: Slo): void {
  const d = s.definition;
  const objectives = d.objectives.map((o) => {
    const parts = [percent(o.target)];
    if (o.displayName) parts.unshift(`${o.displayName}:`);
    if (o.op && o.value !== null) parts.push(`of values ${o.op} ${o.value}`);
    if (o.timeSliceTarget !== null) parts.push(`(slices good at ${percent(o.timeSliceTarget)})`);
    if (o.timeSliceWindow) parts.push(`per ${o.timeSliceWindow} slice`);
    if (d.composite)
      parts.push(`weight ${o.compositeWeight ?? 1}, indicator ${o.indicator?.name ?? o.indicatorRef}`);
    return parts.join(' ');
  });
  out.details([
    ['Name', s.name],
    ['Display name', s.displayName],
    ['Description', s.description],
    ['Service', s.serviceInCatalog ? s.service : `${s.service} (not in the catalog)`],
    ['Owner', s.ownerTeam ?? '(none: only admins may change it)'],
    ['Objectives', objectives],
    ['Window', windowText(d.window)],
    ['Budgeting', d.budgetingMethod],
    [
      'Indicator',
      d.indicator
        ? `${d.indicator.name} (${d.indicator.type}${d.indicatorRef ? ', by reference' : ''})`
        : d.composite
          ? 'one per objective (composite)'
          : null,
    ],
    ['Source', sourceText(d.source)],
    ['Stream', d.source.stream],
    ['Note', d.source.note],
    ['Alert policies', d.alertPolicies.map((p) => `${p.name ?? p.ref}${p.resolved ? '' : ' (unresolved)'}`)],
    ['Unresolved', d.unresolved],
    ['Labels', Object.entries(s.labels).map(([k, v]) => `${k}=${v.join('|')}`)],
    ['Created', time(s.createdAt)],
    ['Updated', time(s.updatedAt)],
  ]);
}

/** `headroom slo …`; returns the command so that later groups (status) can add to it. */
export function registerSlo(program: Command, ctx: CliContext): Command {
  const slo = program
    .command('slo')
    .alias('slos')
    .description('SLOs, defined as OpenSLO v1 documents with `headroom apply`')
    .addHelpText(
      'after',
      `
SLOs come from OpenSLO v1 YAML applied with \`headroom apply -f\`; \`headroom export openslo\` writes them back.

Examples:
  $ headroom slo list --team payments
  $ headroom slo get checkout-availability -o json`,
    );

  slo
    .command('list')
    .alias('ls')
    .description('List SLOs')
    .option('--service <service>', 'only SLOs of this service')
    .option('--team <team>', "only SLOs of this team's services")
    .option('--status <state>', 'only SLOs in this state: healthy, burning, exhausted, no-data')
    .action(async (o: { service?: string; team?: string; status?: string }) => {
      const out = ctx.output();
      out.result(await ctx.client().slos.list(o), (list) =>
        out.table(
          [
            'NAME',
            'SERVICE',
            'OWNER',
            'OBJECTIVE',
            'WINDOW',
            'BUDGETING',
            'STATE',
            'BUDGET LEFT',
            'BURN 1H',
            'SOURCE',
          ],
          list.map((s) => [
            s.name,
            s.service,
            s.ownerTeam,
            s.definition.objectives.map((x) => percent(x.target)),
            `${s.definition.window.duration} ${s.definition.window.type}`,
            s.definition.budgetingMethod,
            s.status?.state ?? 'not evaluated',
            remainingText(s.status),
            s.status?.burnRates['1h']?.toFixed(2) ?? '-',
            sourceText(s.definition.source),
          ]),
          'no SLOs',
        ),
      );
    });

  slo
    .command('get')
    .description('Show the definition of one SLO')
    .argument('<name>', 'the SLO name (metadata.name)')
    .action(async (name: string) => {
      const out = ctx.output();
      out.result(await ctx.client().slos.get(name), (s) => printSlo(out, s));
    });
  return slo;
}

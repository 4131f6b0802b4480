import type { DoraFigures, DoraReport } from '@headroom/core/api/deployment';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { when } from './schedules.js';

const KEYS = ['deploymentFrequency', 'leadTime', 'changeFailureRate', 'recoveryTime'] as const;

function figures(out: ReturnType<CliContext['output']>, r: DoraReport, g: DoraFigures): void {
  out.table(
    ['KEY', 'VALUE', 'LEVEL', 'MEASURED', 'MISSING', 'THRESHOLDS (2024)'],
    KEYS.map((k) => {
      const f = g[k];
      const def = r.definitions.find((d) => d.key === k);
      return [
        f.name,
        f.display,
        f.level ?? '-',
        f.counted,
        f.missing,
        (def?.thresholds ?? []).map((t) => `${t.level}: ${t.rule}`).join('; '),
      ];
    }),
    'no figures',
  );
}

/** `headroom dora`: the four keys with their 2024 State of DevOps levels. */
export function registerDora(program: Command, ctx: CliContext): void {
  program
    .command('dora')
    .description(
      'DORA four keys (deployment frequency, lead time, change failure rate, recovery time) with levels',
    )
    .option('--service <name>', 'only this service')
    .option('--team <name>', "only the team's services")
    .option('--since <time>', 'start of the period (default -30d)', (v) => when(v))
    .option('--until <time>', 'end of the period (default now)', (v) => when(v))
    .option('--environment <env>', 'the environment measured (default production)')
    .addHelpText(
      'after',
      `
Levels are the 2024 Accelerate State of DevOps Report's clusters (elite, high, medium, low), turned
into bands; -o json shows the bands, the report's values and the interpretations made.

Examples:
  $ headroom dora --service checkout --since -90d
  $ headroom dora --team payments`,
    )
    .action(
      async (o: {
        service?: string;
        team?: string;
        since?: string;
        until?: string;
        environment?: string;
      }) => {
        const out = ctx.output();
        const r = await ctx.client().request<DoraReport>('GET', '/dora', {
          query: {
            service: o.service,
            team: o.team,
            from: o.since ?? when('-30d'),
            to: o.until ?? when('now'),
            environment: o.environment,
          },
        });
        out.result(r, (x) => {
          const scope = o.service ? `service ${o.service}` : o.team ? `team ${o.team}` : 'all services';
          const group = o.service ? x.byService[o.service] : o.team ? x.byTeam[o.team] : x.overall;
          out.line(
            `DORA four keys for ${scope}, ${x.environment}, ${x.period.from} – ${x.period.to} (${x.period.days} days): ` +
              `${group?.deployments ?? 0} deployment(s)`,
          );
          out.line();
          if (group) figures(out, x, group);
          if (!o.service) {
            const services = Object.entries(x.byService);
            if (services.length > 0) {
              out.line();
              out.table(
                ['SERVICE', 'DEPLOYS', 'FREQUENCY', 'LEAD TIME', 'CHANGE FAILURE', 'RECOVERY'],
                services.map(([name, g]) => [
                  name,
                  g.deployments,
                  ...KEYS.map((k) => `${g[k].display}${g[k].level ? ` [${g[k].level}]` : ''}`),
                ]),
                'no services',
              );
            }
          }
          out.line();
          out.line(`Levels: ${x.source.title}.`);
        });
      },
    );
}

import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { UsageError } from '../errors.js';

export function registerExport(program: Command, ctx: CliContext): Command {
  const exporter = program.command('export').description('Export configuration as code');
  exporter
    .command('openslo')
    .description('Write the SLOs and the OpenSLO objects they use as OpenSLO v1 YAML')
    .option('--service <service>', "only this service's SLOs and what they use")
    .option('-f, --file <path>', 'write to this file instead of stdout (-o stays the output format)')
    .addHelpText(
      'after',
      `
The YAML is what was applied, one document per object; \`headroom apply -f\` of it gives the same SLOs.
DataSources (which may hold credentials) are exported for admins only.

Examples:
  $ headroom export openslo > slos.yaml
  $ headroom export openslo --service checkout -f checkout-slos.yaml`,
    )
    .action(async (o: { service?: string; file?: string }) => {
      await write(ctx, o.file, await ctx.client().exportOpenSlo({ service: o.service }), 'OpenSLO v1 YAML');
    });
  exporter
    .command('prometheus-rules')
    .description("Write a Prometheus rule file equivalent to Headroom's burn-rate alerts")
    .option('--service <service>', "only this service's SLOs")
    .option('-f, --file <path>', 'write to this file instead of stdout')
    .addHelpText(
      'after',
      `
Recording rules per SLO of its events and errors over 5m, 30m, 1h, 2h, 6h, 1d, 3d and the SLO
window (error ratios as ratios of sums), and alert ErrorBudgetBurn for the page and ticket tiers
with Headroom's factors, minimum events and labels. SLOs Prometheus cannot evaluate the same way
(data not in Prometheus, timeslices, composites) are listed as comments at the top.

Examples:
  $ headroom export prometheus-rules -f headroom-slos.rules.yml && promtool check rules headroom-slos.rules.yml
  $ headroom export prometheus-rules --service checkout`,
    )
    .action(async (o: { service?: string; file?: string }) => {
      const yaml = await ctx.client().exportPrometheusRules({ service: o.service });
      await write(ctx, o.file, yaml, 'Prometheus rules');
    });
  return exporter;
}

async function write(ctx: CliContext, file: string | undefined, text: string, what: string): Promise<void> {
  if (!file) {
    ctx.io.stdout.write(text);
    return;
  }
  try {
    await writeFile(resolve(ctx.cwd, file), text);
  } catch (error) {
    throw new UsageError(`cannot write '${file}': ${(error as Error).message}`);
  }
  ctx.output().note(`wrote ${what} to ${file}`);
}

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
      const yaml = await ctx.client().exportOpenSlo({ service: o.service });
      if (!o.file) {
        ctx.io.stdout.write(yaml);
        return;
      }
      const path = resolve(ctx.cwd, o.file);
      try {
        await writeFile(path, yaml);
      } catch (error) {
        throw new UsageError(`cannot write '${o.file}': ${(error as Error).message}`);
      }
      ctx.output().note(`wrote OpenSLO v1 YAML to ${o.file}`);
    });
  return exporter;
}

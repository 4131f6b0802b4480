import type { ApplyResult, PlanWarning } from '@headroom/core/api/apply';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { readApplyFiles } from '../files.js';
import { collect } from '../options.js';
import type { Output } from '../output.js';

function where(w: { file?: string | undefined; line?: number | undefined }): string {
  if (!w.file) return '';
  return w.line === undefined ? w.file : `${w.file}:${w.line}`;
}

function warningLine(w: PlanWarning): string {
  const prefix = [where(w), w.path].filter(Boolean).join(' ');
  return `warning: ${prefix ? `${prefix}: ` : ''}${w.message}`;
}

export function summaryLine(result: ApplyResult): string {
  const s = result.summary;
  return result.dryRun
    ? `plan: ${s.create} to create, ${s.update} to update, ${s.unchanged} unchanged, ${s.delete} to delete (dry run: nothing was written)`
    : `applied: ${s.create} created, ${s.update} updated, ${s.unchanged} unchanged, ${s.delete} deleted`;
}

function printPlan(out: Output, result: ApplyResult): void {
  out.table(
    ['ACTION', 'KIND', 'REF', 'FILE:LINE', 'CHANGES'],
    result.items.map((i) => [i.action, i.kind, i.ref, where(i), i.changes ?? []]),
    'no objects in the files',
  );
  if (result.warnings.length > 0) {
    out.line();
    for (const w of result.warnings) out.line(warningLine(w));
  }
  out.line();
  out.line(summaryLine(result));
}

export function registerApply(program: Command, ctx: CliContext): void {
  program
    .command('apply')
    .description('Apply a folder of YAML (config as code) and print the plan')
    .requiredOption(
      '-f, --filename <path>',
      'a YAML file, or a directory read recursively for *.yaml and *.yml (sorted, hidden entries skipped); "-" reads stdin; repeatable',
      collect,
    )
    .option('--dry-run', 'only print what would change; write nothing')
    .option('--prune', 'also delete objects an earlier apply created that are no longer in the files')
    .addHelpText(
      'after',
      `
Files may hold several YAML documents (---) or one YAML list of objects: Backstage catalog entities (Component,
System, API, Resource, Group, User, Domain) and OpenSLO v1 (SLO, SLI, DataSource, AlertPolicy, AlertCondition,
AlertNotificationTarget, Service); headroom.dev/v1 kinds as they arrive. Nothing is written unless
every document is valid; a second apply of the same files reports everything unchanged.

Examples:
  $ headroom apply -f catalog/ --dry-run
  $ headroom apply -f catalog-info.yaml -f teams/
  $ headroom apply -f catalog/ --prune -o json
  $ cat catalog-info.yaml | headroom apply -f -`,
    )
    .action(async (options: { filename: string[]; dryRun?: boolean; prune?: boolean }) => {
      const files = await readApplyFiles(options.filename, {
        cwd: ctx.cwd,
        readStdin: () => ctx.readStdin(),
      });
      const result = await ctx.client().apply({
        files,
        dryRun: options.dryRun === true,
        prune: options.prune === true,
      });
      const out = ctx.output();
      out.result(result, (r) => printPlan(out, r));
    });
}

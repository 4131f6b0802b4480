import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { integer } from '../options.js';
import { time } from '../output.js';

export function registerAudit(program: Command, ctx: CliContext): void {
  program
    .command('audit')
    .description('The audit log: who changed what, when')
    .option('--target-kind <kind>', 'only changes to this kind: service, team, user, token…')
    .option('--target-ref <ref>', 'only changes to this object, e.g. component:default/checkout')
    .option('--actor <user>', 'only changes made by this user')
    .option('--before <time>', 'only entries made before this ISO 8601 time')
    .option(
      '--cursor <id>',
      'page back: only entries older than this entry id (the last ID of the previous page)',
    )
    .option('--limit <n>', 'at most this many entries (1-1000, default 100)', integer(1, 1000))
    .addHelpText(
      'after',
      `
Examples:
  $ headroom audit --target-kind service --limit 20
  $ headroom audit --actor alice -o json`,
    )
    .action(
      async (o: {
        targetKind?: string;
        targetRef?: string;
        actor?: string;
        before?: string;
        cursor?: string;
        limit?: number;
      }) => {
        const out = ctx.output();
        out.result(await ctx.client().audit(o), (entries) =>
          out.table(
            ['AT', 'ACTOR', 'ACTION', 'TARGET', 'ID'],
            entries.map((e) => [time(e.at), e.actor, e.action, e.targetRef, e.id]),
            'no audit entries',
          ),
        );
      },
    );
}

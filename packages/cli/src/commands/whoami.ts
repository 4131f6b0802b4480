import type { Command } from 'commander';
import type { CliContext } from '../context.js';

export function registerWhoami(program: Command, ctx: CliContext): void {
  program
    .command('whoami')
    .description('Show the user, role and teams your token acts as')
    .action(async () => {
      const out = ctx.output();
      out.result(await ctx.client().whoami(), (me) =>
        out.details([
          ['User', me.user],
          ['Display name', me.displayName],
          ['Role', me.role],
          ['Teams', me.teams],
          ['Server', ctx.client().server],
        ]),
      );
    });
}

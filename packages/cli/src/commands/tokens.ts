import type { Token } from '@headroom/core/api/auth';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { integer } from '../options.js';
import { time } from '../output.js';

function state(t: Token, now = Date.now()): string {
  if (t.revokedAt) return 'revoked';
  if (t.expiresAt && Date.parse(t.expiresAt) <= now) return 'expired';
  return 'active';
}

export function registerTokens(program: Command, ctx: CliContext): void {
  const tokens = program
    .command('tokens')
    .alias('token')
    .description('API tokens for the CLI, CI and integrations')
    .addHelpText(
      'after',
      `
Examples:
  $ export HEADROOM_TOKEN=$(headroom tokens create --name laptop)
  $ headroom tokens create --name ci-pipeline --user ci-bot --expires-in-days 90
  $ headroom tokens revoke 0193a4c2-…`,
    );

  tokens
    .command('list')
    .alias('ls')
    .description("List your tokens (an admin sees everyone's)")
    .action(async () => {
      const out = ctx.output();
      out.result(await ctx.client().tokens.list(), (list) =>
        out.table(
          ['ID', 'NAME', 'USER', 'PREFIX', 'STATE', 'CREATED', 'EXPIRES', 'LAST USED'],
          list.map((t) => [
            t.id,
            t.name,
            t.user,
            t.prefix,
            state(t),
            time(t.createdAt),
            t.expiresAt ? time(t.expiresAt) : 'never',
            t.lastUsedAt ? time(t.lastUsedAt) : 'never',
          ]),
          'no tokens',
        ),
      );
    });

  tokens
    .command('create')
    .description('Create a token and print its secret once; only the secret goes to stdout')
    .requiredOption('--name <name>', 'what the token is for, e.g. ci-pipeline')
    .option('--user <user>', 'the user it acts as (admin only; default yourself)')
    .option('--expires-in-days <days>', 'lifetime in days (1-3650; default: never expires)', integer(1, 3650))
    .action(async (o: { name: string; user?: string; expiresInDays?: number }) => {
      const created = await ctx.client().tokens.create(o);
      const out = ctx.output();
      out.result(created, (c) => out.line(c.token));
      const expiry = created.info.expiresAt ? `expires ${time(created.info.expiresAt)}` : 'never expires';
      out.note(
        `Created token "${created.info.name}" (id ${created.info.id}) for ${created.info.user}; ${expiry}.`,
      );
      out.note('warning: this is the only time the secret is shown. Store it now; it cannot be shown again.');
    });

  tokens
    .command('revoke')
    .description('Revoke a token; requests with it fail from now on')
    .argument('<id>', 'token id, from `headroom tokens list`')
    .action(async (id: string) => {
      await ctx.client().tokens.revoke(id);
      const out = ctx.output();
      out.result({ revoked: id }, () => out.line(`revoked token ${id}`));
    });
}

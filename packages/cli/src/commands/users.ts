import type { User, UserCreate } from '@headroom/core/api/catalog';
import { type Command, Option } from 'commander';
import type { CliContext } from '../context.js';
import { UsageError } from '../errors.js';
import { collect, defined } from '../options.js';
import { type Output, qualified, time } from '../output.js';

const ROLES = ['viewer', 'editor', 'admin'];

interface FieldOptions {
  displayName?: string;
  email?: string;
  role?: UserCreate['role'];
  team?: string[];
  passwordStdin?: boolean;
}

function fieldOptions(command: Command, forUpdate: boolean): Command {
  return command
    .option('--display-name <text>', 'full name')
    .option('--email <address>', 'e-mail address')
    .addOption(new Option('--role <role>', forUpdate ? 'role' : 'role (default viewer)').choices(ROLES))
    .option(
      '--team <team>',
      `a team the user belongs to (repeatable${forUpdate ? '; replaces the list' : ''})`,
      collect,
    )
    .option('--password-stdin', 'read a password for the web UI from stdin (at least 12 characters)');
}

async function fields(ctx: CliContext, o: FieldOptions): Promise<Omit<UserCreate, 'name' | 'namespace'>> {
  let password: string | undefined;
  if (o.passwordStdin) {
    password = (await ctx.readStdin()).replace(/\r?\n$/, '');
    if (password === '') throw new UsageError('--password-stdin was given but stdin was empty');
  }
  return defined({ displayName: o.displayName, email: o.email, role: o.role, teams: o.team, password });
}

function printUser(out: Output, u: User): void {
  out.details([
    ['Name', qualified(u)],
    ['Ref', u.ref],
    ['Display name', u.displayName],
    ['Email', u.email],
    ['Role', u.role],
    ['Teams', u.teams],
    ['Password', u.hasPassword ? 'set' : 'not set (API tokens only)'],
    ['Created', time(u.createdAt)],
    ['Updated', time(u.updatedAt)],
  ]);
}

export function registerUsers(program: Command, ctx: CliContext): void {
  const users = program
    .command('users')
    .alias('user')
    .description('Users, roles (viewer < editor < admin), teams')
    .addHelpText(
      'after',
      `
Examples:
  $ headroom users create alice --role editor --team payments --display-name "Alice Ng"
  $ printf '%s' "$PASSWORD" | headroom users update alice --password-stdin
  $ headroom users list --team payments`,
    );

  users
    .command('list')
    .alias('ls')
    .description('List users')
    .option('--team <team>', 'only members of this team')
    .action(async (o: { team?: string }) => {
      const out = ctx.output();
      out.result(await ctx.client().users.list(o), (list) =>
        out.table(
          ['NAME', 'DISPLAY NAME', 'EMAIL', 'ROLE', 'TEAMS'],
          list.map((u) => [qualified(u), u.displayName, u.email, u.role, u.teams]),
          'no users',
        ),
      );
    });

  users
    .command('get')
    .description('Show one user')
    .argument('<name>', 'name, namespace/name or user ref')
    .action(async (name: string) => {
      const out = ctx.output();
      out.result(await ctx.client().users.get(name), (u) => printUser(out, u));
    });

  fieldOptions(
    users
      .command('create')
      .description('Create a user (admin)')
      .argument('<name>', 'user name: letters, digits and inner - _ .')
      .option('--namespace <ns>', 'namespace, default "default"'),
    false,
  ).action(async (name: string, o: FieldOptions & { namespace?: string }) => {
    const body = { name, ...defined({ namespace: o.namespace }), ...(await fields(ctx, o)) };
    const out = ctx.output();
    out.result(await ctx.client().users.create(body), (u) => out.line(`created user ${u.ref} (${u.role})`));
  });

  fieldOptions(
    users
      .command('update')
      .description('Change a user: yourself (name, email, password) or anyone (admin)')
      .argument('<name>', 'name, namespace/name or user ref'),
    true,
  ).action(async (name: string, o: FieldOptions) => {
    const body = await fields(ctx, o);
    if (Object.keys(body).length === 0)
      throw new UsageError(
        'nothing to change: give at least one option (see `headroom users update --help`)',
      );
    const out = ctx.output();
    out.result(await ctx.client().users.update(name, body), (u) => out.line(`updated user ${u.ref}`));
  });

  users
    .command('delete')
    .alias('rm')
    .description('Delete a user (admin)')
    .argument('<name>', 'name, namespace/name or user ref')
    .action(async (name: string) => {
      await ctx.client().users.delete(name);
      const out = ctx.output();
      out.result({ deleted: name, kind: 'user' }, () => out.line(`deleted user ${name}`));
    });
}

import type { Team, TeamCreate } from '@headroom/core/api/catalog';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { UsageError } from '../errors.js';
import { defined } from '../options.js';
import { type Output, qualified, time } from '../output.js';

interface FieldOptions {
  title?: string;
  description?: string;
  type?: string;
  email?: string;
  parent?: string;
}

function fieldOptions(command: Command): Command {
  return command
    .option('--title <text>', 'human-friendly name')
    .option('--description <text>', 'what the team does')
    .option('--type <type>', 'Backstage group type: team, business-unit, product-area…')
    .option('--email <address>', 'contact address')
    .option('--parent <team>', 'parent group (name or ref)');
}

function fields(o: FieldOptions): Omit<TeamCreate, 'name' | 'namespace'> {
  return defined({
    title: o.title,
    description: o.description,
    type: o.type,
    email: o.email,
    parent: o.parent,
  });
}

function printTeam(out: Output, t: Team): void {
  out.details([
    ['Name', qualified(t)],
    ['Ref', t.ref],
    ['Title', t.title],
    ['Description', t.description],
    ['Type', t.type],
    ['Email', t.email],
    ['Parent', t.parent],
    ['Members', t.members],
    ['Services', t.services],
    ['Links', t.links.map((l) => (l.type ? `${l.type}: ${l.url}` : l.url))],
    ['Created', time(t.createdAt)],
    ['Updated', time(t.updatedAt)],
  ]);
}

export function registerTeams(program: Command, ctx: CliContext): void {
  const teams = program
    .command('teams')
    .alias('team')
    .description('Teams and their members')
    .addHelpText(
      'after',
      `
An editor may change only what their teams own; an admin may change anything.

Examples:
  $ headroom teams create payments --title "Payments" --email payments@example.com
  $ headroom teams members add payments alice
  $ headroom teams get payments -o json`,
    );

  teams
    .command('list')
    .alias('ls')
    .description('List teams')
    .action(async () => {
      const out = ctx.output();
      out.result(await ctx.client().teams.list(), (list) =>
        out.table(
          ['NAME', 'TITLE', 'MEMBERS', 'SERVICES'],
          list.map((t) => [qualified(t), t.title, t.members.length, t.services.length]),
          'no teams',
        ),
      );
    });

  teams
    .command('get')
    .description('Show one team with its members and services')
    .argument('<name>', 'name, namespace/name or group ref')
    .action(async (name: string) => {
      const out = ctx.output();
      out.result(await ctx.client().teams.get(name), (t) => printTeam(out, t));
    });

  fieldOptions(
    teams
      .command('create')
      .description('Create a team (admin)')
      .argument('<name>', 'RFC 1123 label: lower-case letters, digits and inner hyphens')
      .option('--namespace <ns>', 'namespace, default "default"'),
  ).action(async (name: string, o: FieldOptions & { namespace?: string }) => {
    const out = ctx.output();
    const created = await ctx
      .client()
      .teams.create({ name, ...defined({ namespace: o.namespace }), ...fields(o) });
    out.result(created, (t) => out.line(`created team ${t.ref}`));
  });

  fieldOptions(
    teams
      .command('update')
      .description('Change a team; options left out stay as they are')
      .argument('<name>', 'name, namespace/name or group ref'),
  ).action(async (name: string, o: FieldOptions) => {
    const body = fields(o);
    if (Object.keys(body).length === 0)
      throw new UsageError(
        'nothing to change: give at least one option (see `headroom teams update --help`)',
      );
    const out = ctx.output();
    out.result(await ctx.client().teams.update(name, body), (t) => out.line(`updated team ${t.ref}`));
  });

  teams
    .command('delete')
    .alias('rm')
    .description('Delete a team')
    .argument('<name>', 'name, namespace/name or group ref')
    .action(async (name: string) => {
      await ctx.client().teams.delete(name);
      const out = ctx.output();
      out.result({ deleted: name, kind: 'team' }, () => out.line(`deleted team ${name}`));
    });

  const members = teams.command('members').description('Add people to a team or remove them');
  members
    .command('add')
    .description('Add a user to a team')
    .argument('<team>', 'team name or ref')
    .argument('<user>', 'user name or ref')
    .action(async (team: string, user: string) => {
      const out = ctx.output();
      out.result(await ctx.client().teams.addMember(team, user), (t) =>
        out.line(`added ${user} to ${t.ref}; members: ${t.members.join(', ')}`),
      );
    });
  members
    .command('remove')
    .alias('rm')
    .description('Remove a user from a team')
    .argument('<team>', 'team name or ref')
    .argument('<user>', 'user name or ref')
    .action(async (team: string, user: string) => {
      const out = ctx.output();
      out.result(await ctx.client().teams.removeMember(team, user), (t) =>
        out.line(`removed ${user} from ${t.ref}; members: ${t.members.join(', ') || '(none)'}`),
      );
    });
}

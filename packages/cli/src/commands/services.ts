import type { DependencyGraph, Service, ServiceCreate } from '@headroom/core/api/catalog';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { UsageError } from '../errors.js';
import { collect, defined, integer, link } from '../options.js';
import { type Output, qualified, time } from '../output.js';

interface FieldOptions {
  owner?: string;
  tier?: number;
  title?: string;
  description?: string;
  lifecycle?: string;
  type?: string;
  system?: string;
  tag?: string[];
  link?: { url: string; type?: string }[];
  dependsOn?: string[];
}

/** The options create and update share; list options replace the whole list on update. */
function fieldOptions(command: Command, forUpdate: boolean): Command {
  const list = forUpdate ? ' (repeatable; replaces the list)' : ' (repeatable)';
  return command
    .option('--tier <n>', 'criticality, 1 (most critical) to 4; default 3', integer(1, 4))
    .option('--title <text>', 'human-friendly name')
    .option('--description <text>', 'what the service does')
    .option('--lifecycle <stage>', 'experimental, production, deprecated…; default production')
    .option('--type <type>', 'Backstage component type: service, website, library…')
    .option('--system <ref>', 'the system it belongs to')
    .option('--tag <tag>', `a tag${list}`, collect)
    .option('--link <type=url>', `a link, e.g. runbook=https://…, repo=…, dashboard=…${list}`, link)
    .option('--depends-on <ref>', `a service (name) or entity ref it depends on${list}`, collect);
}

function fields(o: FieldOptions): Omit<ServiceCreate, 'name' | 'namespace'> {
  return defined({
    owner: o.owner,
    tier: o.tier,
    title: o.title,
    description: o.description,
    lifecycle: o.lifecycle,
    type: o.type,
    system: o.system,
    tags: o.tag,
    links: o.link,
    dependsOn: o.dependsOn,
  });
}

function owner(s: Service): string | null {
  return s.ownerTeam ?? s.owner;
}

function printService(out: Output, s: Service): void {
  out.details([
    ['Name', qualified(s)],
    ['Ref', s.ref],
    ['Title', s.title],
    ['Description', s.description],
    ['Owner', s.ownerTeam ?? (s.owner ? `${s.owner} (unresolved)` : null)],
    ['Tier', s.tier],
    ['Lifecycle', s.lifecycle],
    ['Type', s.type],
    ['System', s.system],
    ['Tags', s.tags],
    ['Depends on', s.dependsOn],
    ['Links', s.links.map((l) => (l.type ? `${l.type}: ${l.url}` : l.url))],
    [
      'Revenue at risk',
      s.business.revenuePerHourAtRisk !== undefined
        ? `${s.business.revenuePerHourAtRisk} ${s.business.currency ?? 'USD'} per hour`
        : null,
    ],
    ['Users served', s.business.usersServed],
    ['Journeys', s.business.journeys],
    ['Annotations', Object.entries(s.annotations).map(([k, v]) => `${k}=${v}`)],
    ['Created', time(s.createdAt)],
    ['Updated', time(s.updatedAt)],
  ]);
}

function printGraph(out: Output, g: DependencyGraph): void {
  const empty = g.direction === 'upstream' ? `${g.root} depends on nothing` : `nothing depends on ${g.root}`;
  out.table(
    ['DEPTH', 'REF', 'KIND', 'VIA', 'RESOLVED'],
    g.nodes.map((n) => [n.depth, n.ref, n.kind, n.via, n.resolved ? 'yes' : 'no (not in the catalog)']),
    empty,
  );
}

export function registerServices(program: Command, ctx: CliContext): void {
  const services = program
    .command('services')
    .alias('service')
    .description('Service catalog: owners, tiers, links, dependencies')
    .addHelpText(
      'after',
      `
A service is named by its name (default namespace), namespace/name, or a full ref component:namespace/name.

Examples:
  $ headroom services list --team payments --tier 1
  $ headroom services create checkout --owner payments --tier 1 --depends-on payments-db
  $ headroom services update checkout --lifecycle deprecated
  $ headroom services deps payments-db --downstream`,
    );

  services
    .command('list')
    .alias('ls')
    .description('List services')
    .option('--team <team>', 'only services this team owns')
    .option('--tier <n>', 'only this tier', integer(1, 4))
    .option('--lifecycle <stage>', 'only this lifecycle')
    .option('--tag <tag>', 'only services with this tag')
    .option('-q, --query <text>', 'text in name, title or description')
    .action(async (o: { team?: string; tier?: number; lifecycle?: string; tag?: string; query?: string }) => {
      const list = await ctx.client().services.list({ ...o, query: undefined, q: o.query });
      const out = ctx.output();
      out.result(list, (l) =>
        out.table(
          ['NAME', 'TITLE', 'OWNER', 'TIER', 'LIFECYCLE', 'DEPENDS ON'],
          l.map((s) => [qualified(s), s.title, owner(s), s.tier, s.lifecycle, s.dependsOn]),
          'no services',
        ),
      );
    });

  services
    .command('get')
    .description('Show one service')
    .argument('<name>', 'name, namespace/name or component ref')
    .action(async (name: string) => {
      const out = ctx.output();
      out.result(await ctx.client().services.get(name), (s) => printService(out, s));
    });

  fieldOptions(
    services
      .command('create')
      .description('Create a service')
      .argument('<name>', 'RFC 1123 label: lower-case letters, digits and inner hyphens')
      .requiredOption('--owner <team>', 'owning team: a name or a ref group:namespace/name')
      .option('--namespace <ns>', 'namespace, default "default"'),
    false,
  ).action(async (name: string, o: FieldOptions & { namespace?: string }) => {
    const out = ctx.output();
    const created = await ctx
      .client()
      .services.create({ name, ...defined({ namespace: o.namespace }), ...fields(o) });
    out.result(created, (s) => out.line(`created service ${s.ref}`));
  });

  fieldOptions(
    services
      .command('update')
      .description('Change a service; options left out stay as they are')
      .argument('<name>', 'name, namespace/name or component ref')
      .option('--owner <team>', 'owning team: a name or a ref group:namespace/name'),
    true,
  ).action(async (name: string, o: FieldOptions) => {
    const body = fields(o);
    if (Object.keys(body).length === 0)
      throw new UsageError(
        'nothing to change: give at least one option (see `headroom services update --help`)',
      );
    const out = ctx.output();
    out.result(await ctx.client().services.update(name, body), (s) => out.line(`updated service ${s.ref}`));
  });

  services
    .command('delete')
    .alias('rm')
    .description('Delete a service')
    .argument('<name>', 'name, namespace/name or component ref')
    .action(async (name: string) => {
      await ctx.client().services.delete(name);
      const out = ctx.output();
      out.result({ deleted: name, kind: 'service' }, () => out.line(`deleted service ${name}`));
    });

  services
    .command('deps')
    .description(
      'What a service depends on, transitively (or its dependents: --downstream); also from a resource, API or system ref',
    )
    .argument(
      '<name>',
      "name, namespace/name, component ref, or another kind's ref such as resource:orders-db",
    )
    .option('--downstream', 'show what depends on the service instead')
    .option('--depth <n>', 'how many hops to follow (1-50, default 10)', integer(1, 50))
    .action(async (name: string, o: { downstream?: boolean; depth?: number }) => {
      const query = {
        direction: o.downstream ? ('downstream' as const) : ('upstream' as const),
        depth: o.depth,
      };
      // A ref of another kind (resource:orders-db) walks from that entity instead of a service.
      const kind = /^([^:/]+):/.exec(name)?.[1]?.toLowerCase();
      const client = ctx.client();
      const graph =
        kind && kind !== 'component'
          ? await client.entities.dependencies(name, query)
          : await client.services.dependencies(name, query);
      const out = ctx.output();
      out.result(graph, (g) => printGraph(out, g));
    });
}

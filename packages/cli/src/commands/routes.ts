import { MatcherParseError, parseMatcher } from '@headroom/core/alerting/matchers';
import type { RouteNode, RouteTestResult, RouteTree } from '@headroom/core/api/routing';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { UsageError } from '../errors.js';

/** The options a route sets itself (the root shows all of its). */
function options(n: RouteNode): string {
  const all = n.depth === 0;
  const parts: string[] = [];
  if (n.continue) parts.push('continue');
  if (all || !n.inherited.groupBy) parts.push(`group_by=[${n.groupByAll ? '...' : n.groupBy.join(',')}]`);
  if (all || !n.inherited.groupWait) parts.push(`group_wait=${n.groupWait}`);
  if (all || !n.inherited.groupInterval) parts.push(`group_interval=${n.groupInterval}`);
  if (all || !n.inherited.repeatInterval) parts.push(`repeat_interval=${n.repeatInterval}`);
  return parts.join(' ');
}

function nodeLine(n: RouteNode): string {
  const matchers = n.depth === 0 ? '(root)' : `{${n.matchers.join(',')}}`;
  const name = n.name ? ` [${n.name}]` : '';
  const receiver = n.receiver === null ? 'no receiver' : `→ ${n.receiver}`;
  const extra = options(n);
  return `${matchers}${name}  ${receiver}${n.inherited.receiver && n.depth > 0 ? ' (inherited)' : ''}${extra ? `  ${extra}` : ''}`;
}

/** The flat depth-first list as a tree with box-drawing branches. */
export function treeLines(routes: readonly RouteNode[]): string[] {
  const key = (path: readonly number[]) => path.join('.');
  const children = new Map<string, RouteNode[]>();
  for (const n of routes) {
    if (n.depth === 0) continue;
    const parent = key(n.path.slice(0, -1));
    children.set(parent, [...(children.get(parent) ?? []), n]);
  }
  const lines: string[] = [];
  const walk = (n: RouteNode, prefix: string, branch: string) => {
    lines.push(`${branch}${nodeLine(n)}`);
    const kids = children.get(key(n.path)) ?? [];
    kids.forEach((child, i) => {
      const last = i === kids.length - 1;
      walk(child, `${prefix}${last ? '    ' : '│   '}`, `${prefix}${last ? '└── ' : '├── '}`);
    });
  };
  const root = routes.find((n) => n.depth === 0);
  if (root) walk(root, '', '');
  return lines;
}

/** `alertname=X` or `alertname="X"` → [name, value]. */
function label(value: string, previous: Record<string, string> = {}): Record<string, string> {
  try {
    const m = parseMatcher(value);
    if (m.type !== '=') throw new UsageError(`labels are name=value, not '${value}'`);
    return { ...previous, [m.name]: m.value };
  } catch (error) {
    if (error instanceof MatcherParseError)
      throw new UsageError(`labels are name=value: '${value}' at ${error.message}`);
    throw error;
  }
}

/** `headroom routes …`: the alert routing tree. */
export function registerRoutes(program: Command, ctx: CliContext): void {
  const routes = program
    .command('routes')
    .alias('route')
    .description('The alert routing tree: which receiver gets which alert, grouped how')
    .addHelpText(
      'after',
      `
Routes are headroom.dev/v1 Route documents applied with \`headroom apply -f\`.

Examples:
  $ headroom routes show
  $ headroom routes test alertname=HighLatency severity=page team=payments`,
    );

  routes
    .command('show')
    .description('Show the effective tree: matchers, receivers and the options each route sets')
    .action(async () => {
      const out = ctx.output();
      const tree = await ctx.client().request<RouteTree>('GET', '/routes');
      out.result(tree, (t) => {
        for (const line of treeLines(t.routes)) out.line(line);
        if (t.root === null)
          out.note('note: no root Route is applied; alerts that match no route are not notified.');
      });
    });

  routes
    .command('test')
    .description(
      'Which routes and receivers an alert with these labels reaches (like amtool config routes test)',
    )
    .argument('<label...>', 'labels as name=value, e.g. alertname=HighLatency severity=page')
    .action(async (labels: string[]) => {
      const set = labels.reduce<Record<string, string>>((acc, l) => label(l, acc), {});
      const out = ctx.output();
      const result = await ctx
        .client()
        .request<RouteTestResult>('POST', '/routes/test', { body: { labels: set } });
      out.result(result, (r) => {
        out.line(r.receivers.length > 0 ? r.receivers.join(',') : '(no receiver: not notified)');
        out.table(
          ['RECEIVER', 'ROUTE', 'GROUP KEY'],
          r.matches.map((m) => [m.route.receiver ?? '-', m.route.document ?? m.route.key, m.groupKey]),
          '',
        );
        if (r.silencedBy.length > 0) out.line(`silenced now by ${r.silencedBy.join(', ')}`);
      });
    });
}

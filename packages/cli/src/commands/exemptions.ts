import type { Exemption, ExemptionList } from '@headroom/core/api/budget-policy';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { UsageError } from '../errors.js';
import { collect } from '../options.js';

const enc = encodeURIComponent;

/** `2025-07-01`, an ISO date-time, or a duration from now: `3d`, `12h`, `90m`. */
export function parseExpiry(text: string, now = Date.now()): string {
  const d = /^(\d+)([mhdw])$/.exec(text.trim());
  if (d) {
    const unit = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 }[d[2] as 'm' | 'h' | 'd' | 'w'];
    return new Date(now + Number(d[1]) * unit).toISOString();
  }
  const t = Date.parse(text);
  if (Number.isNaN(t))
    throw new UsageError(`--expires '${text}' is neither a date-time nor a duration like 3d`);
  return new Date(t).toISOString();
}

/** `headroom exemptions add|list|rm`: exemptions from a service's release freeze. */
export function registerExemptions(program: Command, ctx: CliContext): void {
  const ex = program
    .command('exemptions')
    .alias('exemption')
    .description('Exemptions from a service’s release freeze (reason, approver, expiry; audited)')
    .addHelpText(
      'after',
      `
While active, an exemption turns a freeze of its SLOs (default: all) into a warning.

Examples:
  $ headroom exemptions add checkout --reason "payments provider outage" --approver alice --expires 3d
  $ headroom exemptions list checkout
  $ headroom exemptions rm checkout <id>`,
    );
  ex.command('add')
    .description('Exempt a service from its release freeze until --expires')
    .argument('<service>', 'the catalog service')
    .requiredOption('--reason <text>', 'why, e.g. another team’s outage burned the budget')
    .requiredOption('--approver <user>', 'the user who approved it')
    .requiredOption('--expires <when>', 'a date-time or a duration from now (3d, 12h); at most 90 days')
    .option('--slo <name>', 'only this SLO (repeatable; default all of the service’s)', collect)
    .action(
      async (
        service: string,
        opts: { reason: string; approver: string; expires: string; slo?: string[] },
      ) => {
        const out = ctx.output();
        const created = await ctx
          .client()
          .request<Exemption>('POST', `/services/${enc(service)}/exemptions`, {
            body: {
              reason: opts.reason,
              approver: opts.approver,
              expiresAt: parseExpiry(opts.expires),
              ...(opts.slo && { slos: opts.slo }),
            },
          });
        out.result(created, (e) => out.line(`exemption ${e.id} for ${e.service} until ${e.expiresAt}`));
      },
    );
  ex.command('list')
    .alias('ls')
    .description('List the active exemptions of a service')
    .argument('<service>', 'the catalog service')
    .option('--all', 'include expired exemptions')
    .action(async (service: string, opts: { all?: boolean }) => {
      const out = ctx.output();
      const list = await ctx
        .client()
        .request<ExemptionList>('GET', `/services/${enc(service)}/exemptions`, { query: { all: opts.all } });
      out.result(list.items, (rows) =>
        out.table(
          ['ID', 'SLOS', 'EXPIRES', 'APPROVER', 'BY', 'ACTIVE', 'REASON'],
          rows.map((e) => [
            e.id,
            e.slos?.join(',') ?? 'all',
            e.expiresAt,
            e.approver,
            e.createdBy,
            e.active ? 'yes' : 'no',
            e.reason,
          ]),
          'no exemptions',
        ),
      );
    });
  ex.command('rm')
    .alias('delete')
    .description('Remove an exemption')
    .argument('<service>', 'the catalog service')
    .argument('<id>', 'the exemption id')
    .action(async (service: string, id: string) => {
      await ctx.client().request('DELETE', `/services/${enc(service)}/exemptions/${enc(id)}`);
      ctx.output().note(`removed exemption ${id}`);
    });
}

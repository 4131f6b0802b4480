/**
 * `headroom capacity …`: the runway table, one resource, pushing a CSV of usage, and backfilling
 * a Prometheus-backed resource (with elapsed time on a terminal, like `headroom backfill`).
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type {
  CapacityBackfillResult,
  CapacityResourceSummary,
  RunwayTable,
  UsageResult,
} from '@headroom/core/api/capacity';
import { CapacityInputError, parseCsvSeries } from '@headroom/core/capacity/index';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { UsageError } from '../errors.js';
import { integer } from '../options.js';

const enc = encodeURIComponent;
const day = (iso: string | null | undefined) => (iso ? iso.slice(0, 10) : '-');
const pct = (n: number | null) => (n === null ? '-' : `${Math.round(n * 1000) / 10} %`);
/** Records per request when pushing a CSV. */
const PUSH_BATCH = 50_000;

export function registerCapacity(program: Command, ctx: CliContext): void {
  const capacity = program
    .command('capacity')
    .description('Capacity planning: runway across resources, usage, Prometheus backfill')
    .addHelpText(
      'after',
      `
Resources and growth scenarios are config as code (headroom.dev/v1 CapacityResource, GrowthScenario;
see docs/capacity.md); forecasts are \`headroom forecast <resource>\`.

Examples:
  $ headroom capacity list                       runway of every resource, most urgent first
  $ headroom capacity list --scenario spain-launch
  $ headroom capacity show checkout-cpu
  $ headroom capacity push checkout-cpu usage.csv
  $ headroom capacity backfill checkout-cpu --from 90d`,
    );

  capacity
    .command('list')
    .description('Runway of every resource, sorted by urgency (runway minus lead time)')
    .option('--scenario <name>', 'runway under this GrowthScenario')
    .option('--service <name>', 'only resources of this service')
    .option('--team <name>', 'only resources of services this team owns')
    .option('--limit <n>', 'at most this many rows', integer(1, 1000))
    .action(async (o: { scenario?: string; service?: string; team?: string; limit?: number }) => {
      const out = ctx.output();
      const table = await ctx.client().request<RunwayTable>('GET', '/capacity/runway', { query: { ...o } });
      out.result(table, (t) => {
        out.table(
          ['RESOURCE', 'SERVICE', 'TEAM', 'USED', 'THRESHOLD', 'EARLY', 'LIMIT', 'LEAD', 'SLACK', ''],
          t.items.map((r) => [
            r.resource,
            r.service,
            r.team ?? '-',
            pct(r.utilisation),
            day(r.thresholdAt),
            day(r.thresholdEarly),
            day(r.limitAt),
            r.leadTime,
            r.slackDays === null ? '-' : `${r.slackDays} d`,
            r.problem ? `! ${r.problem}` : r.insideLeadTime ? 'INSIDE LEAD TIME' : '',
          ]),
          'no capacity resources (apply a CapacityResource)',
        );
        if (t.scenario) out.note(`under scenario ${t.scenario}, horizon ${t.horizon}`);
      });
    });

  capacity
    .command('show')
    .description('One resource: limit, latest usage, utilisation, runway, model')
    .argument('<resource>', 'the CapacityResource name')
    .action(async (name: string) => {
      const out = ctx.output();
      const r = await ctx
        .client()
        .request<CapacityResourceSummary>('GET', `/capacity/resources/${enc(name)}`);
      out.result(r, (x) =>
        out.details([
          ['name', x.title ? `${x.name} (${x.title})` : x.name],
          ['service', `${x.service}${x.team ? ` (team ${x.team})` : ''}`],
          ['measure', `${x.measure} in ${x.unit}`],
          [
            'limit',
            x.limit.value === null
              ? `query ${x.limit.query} (not read yet)`
              : `${x.limit.value} ${x.unit}${x.limit.query ? ` (${x.limit.query})` : ''}`,
          ],
          [
            'safe threshold',
            x.limit.threshold === null
              ? '-'
              : `${x.limit.threshold} ${x.unit} (${x.safeUtilisation * 100} %)`,
          ],
          [
            'latest',
            x.latest ? `${x.latest.max} ${x.unit} max in the hour of ${x.latest.t}` : 'no usage yet',
          ],
          ['utilisation', pct(x.utilisation)],
          [
            'runway',
            x.runway ? `threshold ${day(x.runway.threshold.at)}, limit ${day(x.runway.limit.at)}` : '-',
          ],
          ['lead time', `${x.leadTime}${x.runway?.insideLeadTime ? ' — runway is INSIDE it' : ''}`],
          ['model', x.model ?? '-'],
          [
            'source',
            x.source === 'prometheus'
              ? `prometheus, covered ${day(x.poll?.coveredFrom)} … ${x.poll?.coveredTo ?? '-'}${x.poll?.lastError ? `, error: ${x.poll.lastError}` : ''}`
              : 'push',
          ],
          ...(x.problem ? [['problem', x.problem] as [string, string]] : []),
        ]),
      );
      if (r.runway?.warning) out.note(`warning: ${r.runway.warning}`);
    });

  capacity
    .command('push')
    .description('Send usage of a push resource from a CSV of timestamp,value rows')
    .argument('<resource>', 'the CapacityResource name')
    .argument('<file>', 'CSV: timestamp (ISO 8601 or unix s/ms),value')
    .action(async (name: string, file: string) => {
      const out = ctx.output();
      const path = resolve(ctx.cwd, file);
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (e) {
        throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
      }
      let samples: { t: number; v: number }[];
      try {
        samples = parseCsvSeries(text);
      } catch (e) {
        if (e instanceof CapacityInputError)
          throw new UsageError(`${file}${e.line !== undefined ? `:${e.line}` : ''} ${e.field}: ${e.message}`);
        throw e;
      }
      let accepted = 0;
      for (let i = 0; i < samples.length; i += PUSH_BATCH) {
        const body = samples.slice(i, i + PUSH_BATCH).map((s) => ({ resource: name, ts: s.t, value: s.v }));
        const r = await ctx.client().request<UsageResult>('POST', '/capacity/usage', { body });
        accepted += r.accepted;
      }
      out.result({ resource: name, accepted }, (r) =>
        out.line(`sent ${r.accepted} samples to ${r.resource}`),
      );
    });

  capacity
    .command('backfill')
    .description(
      "Fill a Prometheus-backed resource's usage from Prometheus (query_range, a week per request)",
    )
    .argument('<resource>', 'the CapacityResource name')
    .option('--from <duration>', 'how far back from now, such as 90d (at most 400d)', '90d')
    .action(async (name: string, o: { from: string }) => {
      const out = ctx.output();
      const started = Date.now();
      const timer = process.stderr.isTTY
        ? setInterval(() => {
            process.stderr.write(
              `\rbackfilling ${name} from ${o.from}… ${Math.round((Date.now() - started) / 1000)} s`,
            );
          }, 1000)
        : undefined;
      try {
        const r = await ctx
          .client()
          .request<CapacityBackfillResult>('POST', `/capacity/resources/${enc(name)}/backfill`, {
            body: { from: o.from },
          });
        if (timer) process.stderr.write('\n');
        out.result(r, (x) => {
          out.details([
            ['resource', x.resource],
            ['read', `${x.from} … ${x.to}`],
            ['samples', x.samples],
            ['hours', x.hours],
            ['requests', x.chunks],
          ]);
          for (const w of x.warnings) out.line(`warning: ${w}`);
          out.line(
            `backfilled ${x.resource}: ${x.samples} samples${x.samples === 0 ? ' (already covered)' : ''}`,
          );
        });
      } finally {
        if (timer) clearInterval(timer);
      }
    });
}

import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { time } from '../output.js';

/** `headroom backfill <slo> --since 30d`: fills a Prometheus-backed SLO's buckets from query_range. */
export function registerBackfill(program: Command, ctx: CliContext): void {
  program
    .command('backfill')
    .description("Fill a Prometheus-backed SLO's history from Prometheus (query_range, a day per request)")
    .argument('<slo>', 'the SLO name (metadata.name)')
    .option('--since <duration>', 'how far back from now: m, h, d or w, such as 30d or 12h', '30d')
    .addHelpText(
      'after',
      `
Minutes already read are not read again, so a second backfill only fills what is missing.

Examples:
  $ headroom backfill checkout-availability --since 30d`,
    )
    .action(async (slo: string, o: { since: string }) => {
      const out = ctx.output();
      const started = Date.now();
      const timer = process.stderr.isTTY
        ? setInterval(() => {
            process.stderr.write(
              `\rbackfilling ${slo} since ${o.since}… ${Math.round((Date.now() - started) / 1000)} s`,
            );
          }, 1000)
        : undefined;
      try {
        const result = await ctx.client().slos.backfill(slo, { since: o.since });
        if (timer) process.stderr.write('\n');
        out.result(result, (r) => {
          out.table(
            ['STREAM', 'FROM', 'TO', 'BUCKETS', 'WARNINGS'],
            r.streams.map((s) => [s.stream, time(s.from), time(s.to), s.buckets, s.warnings]),
            'no Prometheus-backed indicator to backfill',
          );
          const total = r.streams.reduce((n, s) => n + s.buckets, 0);
          out.line(`backfilled ${r.slo}: ${total} minute buckets since ${r.since}`);
        });
      } finally {
        if (timer) clearInterval(timer);
      }
    });
}

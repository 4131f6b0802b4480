/**
 * `headroom forecast <resource> [--scenario S] [--horizon 90d]`: a stored resource's forecast from
 * the server, as a table and a sparkline; `headroom forecast --csv FILE [--season N] [--horizon H]`:
 * any `timestamp,value` CSV forecast here, with the core's functions, without a server.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CapacityForecast, Outlook } from '@headroom/core/api/capacity';
import {
  CapacityInputError,
  forecast as fitForecast,
  parseCsvSeries,
  type Sample,
  seriesFromSamples,
  sparkline,
} from '@headroom/core/capacity/index';
import { fixedDurationMs, parseDuration } from '@headroom/core/slo/duration';
import { type Command, InvalidArgumentError } from 'commander';
import type { CliContext } from '../context.js';
import { UsageError } from '../errors.js';
import { integer } from '../options.js';
import type { Output } from '../output.js';

const enc = encodeURIComponent;
const SPARK_WIDTH = 60;

const day = (iso: string | null | undefined) => (iso ? iso.slice(0, 10) : '-');
const num = (n: number | null | undefined, digits = 3) =>
  n === null || n === undefined ? '-' : String(Math.round(n * 10 ** digits) / 10 ** digits);

function level(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0.5 || n > 0.99)
    throw new InvalidArgumentError('Expected a level from 0.5 to 0.99.');
  return n;
}

/** The most common gap between samples: the series' step. */
function stepOf(samples: Sample[]): number {
  const counts = new Map<number, number>();
  for (let i = 1; i < samples.length; i++) {
    const d = samples[i]!.t - samples[i - 1]!.t;
    if (d > 0) counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  let best = 3_600_000;
  let n = 0;
  for (const [d, c] of counts) if (c > n) [best, n] = [d, c];
  return best;
}

/** `--horizon` for a CSV: steps (48) or a duration (14d) turned into steps. */
function horizonSteps(text: string | undefined, stepMs: number, fallback: number): number {
  if (text === undefined) return fallback;
  if (/^[1-9][0-9]*$/.test(text)) return Number(text);
  const d = parseDuration(text);
  const ms = d ? fixedDurationMs(d) : null;
  if (ms === null)
    throw new UsageError(`--horizon "${text}" is neither a number of steps nor a duration such as 14d`);
  return Math.max(1, Math.round(ms / stepMs));
}

export interface LocalForecastOptions {
  season?: number | undefined;
  horizon?: string | undefined;
  level?: number | undefined;
}

/** Reads and forecasts a CSV file; bad rows are UsageErrors naming file, line and field. */
export async function forecastCsv(path: string, options: LocalForecastOptions) {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${(e as Error).message}`);
  }
  try {
    const samples = parseCsvSeries(text);
    const stepMs = stepOf(samples);
    const series = seriesFromSamples(samples, stepMs);
    const f = fitForecast(series, {
      horizon: horizonSteps(options.horizon, stepMs, options.season ?? 24),
      ...(options.season !== undefined ? { season: options.season } : {}),
      level: options.level ?? 0.8,
    });
    return { samples, stepMs, forecast: f };
  } catch (e) {
    if (e instanceof CapacityInputError)
      throw new UsageError(`${path}${e.line !== undefined ? `:${e.line}` : ''} ${e.field}: ${e.message}`);
    throw e;
  }
}

function backtestLine(o: Pick<Outlook, 'backtest'>): string {
  const b = o.backtest;
  if (!b) return 'not enough history to hold a season out';
  return `MAPE ${b.mape === null ? '-' : `${num(b.mape * 100, 1)} %`}, sMAPE ${num(b.smape * 100, 1)} %, MASE ${num(b.mase, 2)} vs ${b.benchmark} (${b.heldOut} points held out)`;
}

function outlookRows(o: Outlook, unit: string): [string, string][] {
  const r = o.runway;
  const crossing = (c: NonNullable<Outlook['runway']>['threshold'], already: boolean) =>
    already
      ? 'already above'
      : c.at
        ? `${day(c.at)} (early ${day(c.early)}, late ${day(c.late)})`
        : 'not within the horizon';
  return [
    ['model', `${o.model.kind}${o.model.period ? ` (period ${o.model.period})` : ''}`],
    ['why', o.model.explanation],
    ['backtest', backtestLine(o)],
    [
      'threshold',
      r
        ? `${num(r.threshold.level)} ${unit}: ${crossing(r.threshold, r.alreadyAboveThreshold)}`
        : 'limit unknown',
    ],
    [
      'limit',
      r ? `${num(r.limit.level)} ${unit}: ${crossing(r.limit, r.alreadyAboveLimit)}` : 'limit unknown',
    ],
    ['lead time', r ? (r.insideLeadTime ? 'INSIDE lead time' : 'outside lead time') : '-'],
    [
      'sizing',
      o.sizing
        ? `peak ${num(o.sizing.peak)} ${unit} → N=${o.sizing.needed}, N+${o.sizing.k}=${o.sizing.total} instances of ${o.sizing.perInstance}`
        : 'no perInstance',
    ],
    ['cost', o.cost ? `${o.cost.monthly} ${o.cost.currency}/month (${o.cost.basis})` : 'no costPerUnitMonth'],
  ];
}

function printResourceForecast(out: Output, f: CapacityForecast): void {
  out.line(
    `${f.resource} (service ${f.service}${f.team ? `, team ${f.team}` : ''}) — horizon ${f.horizon}, lead time ${f.leadTime}, limit ${num(f.limit)} ${f.unit}`,
  );
  const organic = outlookRows(f.organic, f.unit);
  if (f.scenario) {
    const scenario = outlookRows(f.scenario.outlook, f.unit);
    out.table(
      ['', 'ORGANIC', `SCENARIO ${f.scenario.name}`],
      organic.map(([label, value], i) => [label, value, scenario[i]![1]]),
      '',
    );
  } else out.details(organic);
  for (const w of [f.organic.runway?.warning, f.scenario?.outlook.runway?.warning])
    if (w) out.line(`warning: ${w}`);
  const history = f.history.map((p) => p.max);
  const shown = f.scenario?.outlook ?? f.organic;
  out.line(
    `history ${sparkline(history, SPARK_WIDTH / 2)} │ forecast ${sparkline(
      shown.points.map((p) => p.mean),
      SPARK_WIDTH / 2,
    )}`,
  );
}

export function registerForecast(program: Command, ctx: CliContext): void {
  program
    .command('forecast')
    .description('Forecast a capacity resource (from the server), or any CSV of timestamp,value (locally)')
    .argument('[resource]', 'the CapacityResource name (metadata.name)')
    .option('--scenario <name>', 'also show the figures under this GrowthScenario')
    .option('--horizon <duration>', 'how far ahead: 90d (resource); steps or a duration for --csv')
    .option('--csv <file>', 'forecast this CSV of timestamp,value rows here, without a server')
    .option(
      '--season <steps>',
      'seasonal period in steps for --csv (detected when absent)',
      integer(2, 10_000),
    )
    .option('--level <fraction>', 'prediction interval level (default 0.8)', level)
    .addHelpText(
      'after',
      `
The model is chosen per series (Holt-Winters with daily or weekly seasonality, or a damped or linear
trend) and explained; the backtest holds the last season out and compares with seasonal naive (MASE < 1
beats it). Runway dates come with early and late dates from the interval.

Examples:
  $ headroom forecast checkout-cpu
  $ headroom forecast checkout-cpu --scenario spain-launch --horizon 180d
  $ headroom forecast --csv usage.csv --season 24 --horizon 7d -o json`,
    )
    .action(
      async (
        resource: string | undefined,
        o: { scenario?: string; horizon?: string; csv?: string; season?: number; level?: number },
      ) => {
        const out = ctx.output();
        if (o.csv !== undefined) {
          if (resource !== undefined) throw new UsageError('give a resource or --csv FILE, not both');
          if (o.scenario !== undefined) throw new UsageError('--scenario needs a stored resource, not --csv');
          const { samples, stepMs, forecast } = await forecastCsv(resolve(ctx.cwd, o.csv), o);
          const json = {
            stepMs,
            model: forecast.model,
            level: forecast.level,
            backtest: forecast.backtest,
            notes: forecast.notes,
            points: forecast.points.map((p) => ({ ...p, t: new Date(p.t).toISOString() })),
          };
          out.result(json, (r) => {
            out.details([
              ['model', `${r.model.kind}${r.model.period ? ` (period ${r.model.period})` : ''}`],
              ['why', r.model.explanation],
              ['backtest', backtestLine(r)],
              ['points', `${samples.length} read, ${r.points.length} forecast (step ${stepMs / 1000} s)`],
            ]);
            for (const n of r.notes) out.line(`note: ${n}`);
            out.line(
              `history ${sparkline(
                samples.map((s) => s.v),
                SPARK_WIDTH / 2,
              )} │ forecast ${sparkline(
                r.points.map((p) => p.mean),
                SPARK_WIDTH / 2,
              )}`,
            );
          });
          return;
        }
        if (resource === undefined) throw new UsageError('give a resource name, or --csv FILE');
        if (o.season !== undefined)
          throw new UsageError('--season applies to --csv only; resources detect it');
        const f = await ctx
          .client()
          .request<CapacityForecast>('GET', `/capacity/resources/${enc(resource)}/forecast`, {
            query: { horizon: o.horizon, scenario: o.scenario, level: o.level },
          });
        out.result(f, (x) => printResourceForecast(out, x));
      },
    );
}

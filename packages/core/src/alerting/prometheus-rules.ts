/**
 * A Prometheus rule file equivalent to Headroom's burn-rate alerts, for teams that want the
 * alerts to live in Prometheus too (or to compare): per SLO, recording rules of its events and
 * errors over every burn-rate window and the SLO window, the error ratio of each window as a
 * ratio of those sums (never an average of ratios), and the page and ticket tiers as alerts with
 * the same factors, minimum events and labels as Headroom's own — so an alert fired by both has
 * one fingerprint.
 *
 * What Prometheus cannot do the same way is left out and listed (as comments in the file and in
 * `skipped`): SLOs whose data Prometheus does not hold (embedded streams, other sources),
 * timeslice methods (slices are formed by Headroom), composite SLOs (weighted objectives),
 * and budget corrections (Prometheus rules cannot pause for them: silence them in Alertmanager).
 * A calendar window uses its nominal length (1M = 30d) for the factors, where Headroom uses the
 * length of the current period.
 */
import { stringify } from 'yaml';
import { BURN_RATE_WINDOWS } from '../slo/evaluate.js';
import { isComposite, type MetricSource, type Slo } from '../slo/model.js';
import { renderWindow } from '../slo/promql.js';
import { planSliQuery, type SliQueryPlan } from '../slo/promql-plan.js';
import {
  BURN_RATE_ALERTNAME,
  BURN_RATE_TIERS,
  type BurnRateAlertOptions,
  burnRateThresholds,
  formatNumber,
  minimumEvents,
  nominalDurationMs,
  RESERVED_ALERT_LABELS,
} from './burn-rate.js';

export interface RuleExportInput {
  slo: Slo;
  /** The catalog service's name (the alerts' `service` label). */
  service: string;
  options?: BurnRateAlertOptions;
}

export interface RuleExport {
  /** The rule file, as `promtool check rules` reads it. */
  yaml: string;
  /** SLOs with rules. */
  slos: string[];
  skipped: { slo: string; reason: string }[];
}

interface PrometheusRule {
  record?: string;
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** A duration in Prometheus' syntax (30d, 6h, 5m). */
export function promDuration(ms: number): string {
  if (ms % DAY === 0) return `${ms / DAY}d`;
  if (ms % HOUR === 0) return `${ms / HOUR}h`;
  return `${Math.round(ms / 60_000)}m`;
}

/** The `objective` label of an objective when an SLO has several: its displayName, else its position. */
export function objectiveLabel(slo: Slo, index: number): string | null {
  if (slo.objectives.length < 2) return null;
  return slo.objectives[index]?.displayName ?? `objective-${index + 1}`;
}

const isPrometheus = (s: MetricSource | null) => s?.effectiveType?.toLowerCase() === 'prometheus';

function queryOf(source: MetricSource): string | null {
  const q = source.spec.query ?? source.spec.promql;
  return typeof q === 'string' && q.trim() !== '' ? q : null;
}

interface Window {
  /** Prometheus duration: 5m, 1h, 30d. */
  label: string;
  ms: number;
}

/** PromQL for the events a query counts over a window, as one series. */
function countOver(plan: SliQueryPlan, w: Window): string {
  if (plan.kind === 'counter') return `sum(increase(${plan.query}[${w.label}]))`;
  const rendered = renderWindow(plan.query, w.label);
  // A per-second rate times the window's seconds counts the window's events.
  return plan.scale === 60 ? `sum(${rendered}) * ${w.ms / 1000}` : `sum(${rendered})`;
}

type Planned =
  | { ok: true; bad: (w: Window) => string; total: (w: Window) => string }
  | { ok: false; reason: string };

function planSlo(slo: Slo): Planned {
  if (isComposite(slo))
    return {
      ok: false,
      reason: 'a composite SLO weights its objectives; Prometheus rules cannot combine them the same way',
    };
  if (slo.budgetingMethod !== 'Occurrences')
    return {
      ok: false,
      reason: `${slo.budgetingMethod} counts time slices that Headroom forms; only Occurrences SLOs are exported`,
    };
  const metric = slo.indicator?.metric;
  if (metric?.type !== 'ratio')
    return { ok: false, reason: 'only ratio SLIs (good or bad over total events) are exported' };
  const numerator = metric.good ?? metric.bad;
  if (!isPrometheus(numerator) || !isPrometheus(metric.total))
    return { ok: false, reason: 'its data is not in Prometheus (an embedded stream or another source)' };
  const nq = queryOf(numerator!);
  const tq = queryOf(metric.total);
  if (nq === null || tq === null) return { ok: false, reason: 'a source has no Prometheus query' };
  const options = metric.counter === null ? {} : { counter: metric.counter };
  const n = planSliQuery(nq, options);
  const t = planSliQuery(tq, options);
  if (!n.ok)
    return {
      ok: false,
      reason: `its ${metric.good ? 'good' : 'bad'} query cannot be counted: ${n.errors[0]?.message}`,
    };
  if (!t.ok) return { ok: false, reason: `its total query cannot be counted: ${t.errors[0]?.message}` };
  const total = (w: Window) => countOver(t.plan, w);
  const bad = metric.good
    ? (w: Window) => `(${total(w)}) - (${countOver(n.plan, w)})`
    : (w: Window) => countOver(n.plan, w);
  return { ok: true, bad, total };
}

const metricName = (what: 'events' | 'errors', w: string) => `headroom:slo_${what}:increase${w}`;
const ratioName = (w: string) => `headroom:slo_error_ratio:ratio_rate${w}`;

function groupOf(input: RuleExportInput, planned: Extract<Planned, { ok: true }>) {
  const { slo, service } = input;
  const windowMs = nominalDurationMs(slo.timeWindow.duration);
  const labels = { slo: slo.name, service };
  const sel = `{slo="${slo.name}"}`;
  const windows = new Map<string, Window>();
  for (const ms of [...BURN_RATE_WINDOWS.map((w) => w.minutes * 60_000), windowMs])
    windows.set(promDuration(ms), { label: promDuration(ms), ms });
  const rules: PrometheusRule[] = [];
  for (const w of windows.values()) {
    const { label } = w;
    rules.push({ record: metricName('events', label), expr: planned.total(w), labels });
    rules.push({ record: metricName('errors', label), expr: planned.bad(w), labels });
    // Self-contained rather than over the two records above, so that promtool can backfill it.
    rules.push({ record: ratioName(label), expr: `(${planned.bad(w)}) / (${planned.total(w)})`, labels });
  }
  const thresholds = burnRateThresholds(windowMs);
  const extra = Object.fromEntries(
    Object.entries(input.options?.labels ?? {}).filter(([k]) => !RESERVED_ALERT_LABELS.includes(k)),
  );
  slo.objectives.forEach((objective, index) => {
    const budget = Number((1 - objective.target).toPrecision(12));
    const objectiveName = objectiveLabel(slo, index);
    for (const tier of BURN_RATE_TIERS) {
      const tierOptions = input.options?.[tier.tier] ?? {};
      if (tierOptions.enabled === false) continue;
      const pairs = thresholds.filter((t) => t.tier === tier.tier);
      const expr = pairs
        .map((p) => {
          const min =
            typeof input.options?.minEvents === 'number'
              ? input.options.minEvents
              : minimumEvents(objective.target, p.factor);
          return (
            `(${ratioName(p.long)}${sel} / ${budget} > ${p.factor}` +
            ` and ${ratioName(p.short)}${sel} / ${budget} > ${p.factor}` +
            ` and ${metricName('events', p.long)}${sel} >= ${min})`
          );
        })
        .join('\nor\n');
      rules.push({
        alert: BURN_RATE_ALERTNAME,
        expr,
        labels: {
          ...extra,
          ...labels,
          ...(objectiveName && { objective: objectiveName }),
          tier: tier.tier,
          severity: tierOptions.severity ?? tier.defaultSeverity,
          window: sloWindowLabel(slo),
        },
        annotations: {
          summary: `SLO ${slo.name}${objectiveName ? ` (${objectiveName})` : ''} of ${service} is burning its error budget ${tier.tier === 'page' ? 'fast' : 'steadily'}`,
          description: `${pairs
            .map((p) => `burn rate over ${p.long} and ${p.short} above ${formatNumber(p.factor)}`)
            .join(', or ')} ({{ $value | humanize }} now); objective ${objective.target}.`,
        },
      });
    }
  });
  return { name: `headroom-slo-${slo.name}`, rules };
}

/** The SLO window as Headroom's alerts label it (`window`): as written, e.g. 28d or 1M. */
export function sloWindowLabel(slo: Slo): string {
  const d = slo.timeWindow.duration;
  return `${d.count}${d.unit}`;
}

export function prometheusRules(inputs: readonly RuleExportInput[]): RuleExport {
  const groups: ReturnType<typeof groupOf>[] = [];
  const skipped: RuleExport['skipped'] = [];
  for (const input of [...inputs].sort((a, b) => a.slo.name.localeCompare(b.slo.name))) {
    const planned = planSlo(input.slo);
    if (planned.ok) groups.push(groupOf(input, planned));
    else skipped.push({ slo: input.slo.name, reason: planned.reason });
  }
  const header = [
    '# Prometheus rules equivalent to Headroom’s burn-rate alerts (headroom export prometheus-rules).',
    '# Budget corrections do not pause these rules: silence the alerts in Alertmanager for them.',
    ...skipped.map((s) => `# Not exported: ${s.slo}: ${s.reason}.`),
  ].join('\n');
  const body = stringify({ groups }, { lineWidth: 0 });
  return {
    yaml: `${header}\n${body}`,
    slos: groups.map((g) => g.name.slice('headroom-slo-'.length)),
    skipped,
  };
}

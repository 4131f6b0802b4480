import type { Deployment } from '@headroom/core/api/deployment';
import type { Incident } from '@headroom/core/api/incident';
import type { Slo } from '@headroom/core/api/slo';
import type { SloAlertTiers } from '@headroom/core/api/slo-alert-tiers';
import type { SloSeries, SloStatus } from '@headroom/core/api/slo-status';
import { useMemo, useState } from 'react';
import { seg } from '../api/client';
import { useApi } from '../api/hooks';
import { formatPercent } from '../format';
import { Chart, type ChartAnnotation, type ChartThreshold } from './Chart';
import { Async, Card } from './ui';

/** Points per chart: well under the API's 2,000 and about one per pixel, so 30 days stay smooth. */
const TARGET_POINTS = 1_000;
const DAY = 86_400_000;
const RANGES = [
  { key: 'window', label: 'Window' },
  { key: '7d', label: '7 d', ms: 7 * DAY },
  { key: '1d', label: '1 d', ms: DAY },
  { key: '6h', label: '6 h', ms: 6 * 3_600_000 },
] as const;
type RangeKey = (typeof RANGES)[number]['key'];

/** Seconds between points for a range: whole minutes (the bucket size), ~TARGET_POINTS points. */
export function stepFor(rangeMs: number): number {
  return Math.max(60, Math.ceil(rangeMs / TARGET_POINTS / 60_000) * 60);
}

const NO_DEPLOYMENTS: Deployment[] = [];

const pct = (digits: number) => (v: number) => formatPercent(v, digits);
/** Axis-sized percentages: 100%, 99.5%, 99.95% (the chart's axis is narrow). */
const sliFormat = (v: number) => `${Number((v * 100).toPrecision(4))}%`;
const rateFormat = (v: number) => `${Number(v.toPrecision(3))}×`;

export function SloCharts({
  slo,
  status,
  incidents,
  tiers,
  deployments = NO_DEPLOYMENTS,
}: {
  slo: Slo;
  status: SloStatus;
  incidents: Incident[];
  tiers: SloAlertTiers | undefined;
  /** Deployments of the service in the window: instant markers. */
  deployments?: Deployment[];
}) {
  const [range, setRange] = useState<RangeKey>('window');
  const windowStart = Date.parse(status.window.start);
  // The window's own default range (from its start to now) is what the budget figure is about.
  const chosen = RANGES.find((r) => r.key === range);
  const now = Date.parse(status.evaluatedAt);
  const from = chosen && 'ms' in chosen ? now - chosen.ms : windowStart;
  const step = stepFor(now - from);
  const query = range === 'window' ? { step } : { from: new Date(from).toISOString(), step };
  const series = useApi<SloSeries>(`/slos/${seg(slo.name)}/series`, query, { refreshMs: 60_000 });

  const annotations = useMemo<ChartAnnotation[]>(() => {
    const out: ChartAnnotation[] = [];
    for (const c of status.corrections)
      out.push({ from: Date.parse(c.start), to: Date.parse(c.end), label: 'correction', tone: 'muted' });
    for (const i of incidents) {
      const start = Date.parse(i.milestones.impactStartedAt ?? i.milestones.declaredAt);
      const endText = i.milestones.resolvedAt ?? i.milestones.mitigatedAt;
      out.push({
        from: start,
        to: endText ? Date.parse(endText) : Date.now(),
        label: `${i.severity} ${i.title}`,
        tone: 'bad',
      });
    }
    // Deployments as instant markers. Labels only where they stay readable: all of them when few
    // are in view, else only the rolled-back ones and those linked to an incident.
    const shown = deployments.filter((d) => Date.parse(d.startedAt) >= from);
    const notable = (d: Deployment) => d.status === 'rolled-back' || d.incidents.length > 0;
    const labelAll = shown.length <= 12;
    const labelNotable = shown.filter(notable).length <= 8;
    for (const d of shown) {
      const text = `${d.version}${d.status === 'succeeded' ? '' : ` ${d.status}`}${d.incidents.length ? ` → ${d.incidents.join(', ')}` : ''}`;
      out.push({
        from: Date.parse(d.startedAt),
        label: labelAll || (labelNotable && notable(d)) ? `deploy ${text}` : '',
        tone: notable(d) || d.status === 'failed' ? 'warn' : 'info',
      });
    }
    return out;
  }, [status.corrections, incidents, deployments, from]);
  const deploymentsInView = deployments.filter((d) => Date.parse(d.startedAt) >= from).length;

  const data = series.data;
  const x = useMemo(() => data?.points.map((p) => Date.parse(p.t)) ?? [], [data]);
  const sli = useMemo(() => [{ label: 'SLI', values: data?.points.map((p) => p.sli) ?? [] }], [data]);
  const remaining = useMemo(
    () => [{ label: 'Budget remaining', values: data?.points.map((p) => p.remaining) ?? [], fill: true }],
    [data],
  );
  const burn = useMemo(
    () => [
      { label: 'Burn rate (1 h)', values: data?.points.map((p) => p.burnRate1h) ?? [], color: '--series-2' },
    ],
    [data],
  );
  const target = slo.definition.objective;
  const sliThresholds = useMemo<ChartThreshold[]>(
    () => [{ value: target, label: `target ${formatPercent(target, 3)}`, tone: 'bad' }],
    [target],
  );
  const budgetThresholds = useMemo<ChartThreshold[]>(
    () => [{ value: 0, label: 'exhausted', tone: 'bad' }],
    [],
  );
  // The page tier's 1 h threshold and the break-even rate of 1, both from the API.
  const burnThresholds = useMemo<ChartThreshold[]>(() => {
    const out: ChartThreshold[] = [{ value: 1, label: '1× (budget lasts the window)', tone: 'muted' }];
    const pair = tiers?.subjects[0]?.tiers
      .flatMap((t) => t.pairs.map((p) => ({ ...p, tier: t.tier })))
      .find((p) => p.long === '1h');
    if (pair)
      out.push({ value: pair.factor, label: `${pair.tier} ${pair.factor}× (1 h & 5 m)`, tone: 'bad' });
    return out;
  }, [tiers]);
  // Keep the 1× line in view, and the page threshold once the burn gets anywhere near it.
  const burnY = useMemo<[number, number]>(() => {
    const top = Math.max(0, ...burn[0]!.values.filter((v): v is number => v !== null));
    const page = burnThresholds[1]?.value ?? 0;
    return [0, Math.max(top, 1, top > page / 2 ? page : 0) * 1.1];
  }, [burn, burnThresholds]);
  const budgetY = useMemo<[number, number]>(
    () => [Math.min(0, ...remaining[0]!.values.filter((v): v is number => v !== null)), 1],
    [remaining],
  );

  return (
    <Card
      title="History"
      actions={
        <fieldset className="slo-range">
          <legend className="skip">Range</legend>
          {RANGES.map((r) => (
            <button key={r.key} type="button" aria-pressed={range === r.key} onClick={() => setRange(r.key)}>
              {r.label}
            </button>
          ))}
        </fieldset>
      }
    >
      <Async state={series}>
        {(s) => (
          <div className="stack" data-testid="slo-history" data-deployments={deploymentsInView}>
            <div>
              <h3>Error budget remaining (burn-down)</h3>
              <Chart
                label="Error budget remaining over time"
                x={x}
                series={remaining}
                thresholds={budgetThresholds}
                annotations={annotations}
                format={pct(0)}
                yRange={budgetY}
                height={180}
              />
            </div>
            <div>
              <h3>SLI per {s.step >= 3600 ? `${s.step / 3600} h` : `${s.step / 60} min`}</h3>
              <Chart
                label="SLI over time"
                x={x}
                series={sli}
                thresholds={sliThresholds}
                annotations={annotations}
                format={sliFormat}
                height={180}
              />
            </div>
            <div>
              <h3>Burn rate over the last hour</h3>
              <Chart
                label="One-hour burn rate over time"
                x={x}
                series={burn}
                thresholds={burnThresholds}
                annotations={annotations}
                format={rateFormat}
                yRange={burnY}
                height={180}
              />
              <span className="hint">
                {s.points.length.toLocaleString()} points, one per {s.step / 60} min; drag to zoom,
                double-click to reset. Red bands: incidents of the service (impact start → resolved); grey:
                budget corrections; dashed blue lines: {deploymentsInView} deployments of the service (amber:
                failed, rolled back or linked to an incident).
              </span>
            </div>
          </div>
        )}
      </Async>
    </Card>
  );
}

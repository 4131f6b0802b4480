import type {
  CapacityForecast,
  CapacityResourceSummary,
  GrowthScenario,
  Outlook,
} from '@headroom/core/api/capacity';
import { useCallback, useMemo } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { seg } from '../api/client';
import { useApi } from '../api/hooks';
import { type BandSeries, ForecastChart } from '../components/capacity-chart';
import {
  describeEvent,
  formatAmount,
  formatUnitCost,
  HORIZONS,
  HorizonPicker,
  ScenarioPicker,
  Utilisation,
} from '../components/capacity-common';
import { CostCard, ModelCard, RunwayCard, SizingCard } from '../components/capacity-outlook';
import { Async, Badge, Card, Facts, PageHeader, ProblemBox, Time } from '../components/ui';
import { formatPercent } from '../format';

const bandOf = (label: string, o: Outlook, color: string): BandSeries => ({
  label,
  color,
  points: o.points.map((p) => ({ t: Date.parse(p.t), mean: p.mean, lower: p.lower, upper: p.upper })),
});

function ForecastCard({
  forecast,
  scenario,
}: {
  forecast: CapacityForecast;
  scenario: GrowthScenario | undefined;
}) {
  const unit = forecast.unit;
  const format = useCallback((v: number) => formatAmount(v, unit, 1), [unit]);
  const chart = useMemo(() => {
    const history = forecast.history.map((p) => ({ t: Date.parse(p.t), v: p.max }));
    const level = `${Math.round(forecast.organic.level * 100)} %`;
    const forecasts = [bandOf(`Organic (${level})`, forecast.organic, '--series-1')];
    if (forecast.scenario)
      forecasts.push(bandOf(`Scenario ${forecast.scenario.name}`, forecast.scenario.outlook, '--series-2'));
    const lines: { value: number; label: string; tone: 'warn' | 'bad' }[] = [];
    if (forecast.threshold !== null)
      lines.push({
        value: forecast.threshold,
        label: `threshold ${format(forecast.threshold)}`,
        tone: 'warn',
      });
    if (forecast.limit !== null)
      lines.push({ value: forecast.limit, label: `limit ${format(forecast.limit)}`, tone: 'bad' });
    const markers = [{ at: Date.now(), label: 'now' }];
    if (forecast.scenario && scenario)
      for (const e of scenario.events)
        markers.push({ at: Date.parse(e.start), label: `${e.name} ${e.change}` });
    return { history, forecasts, lines, markers };
  }, [forecast, scenario, format]);
  return (
    <Card
      title="Forecast"
      actions={
        <span className="muted">
          history {forecast.history.length} h · horizon {forecast.horizon}
        </span>
      }
    >
      <ForecastChart
        {...chart}
        format={format}
        height={320}
        label={`Usage of ${forecast.resource} with its forecast, interval, threshold and limit`}
      />
      <p className="hint">
        Solid: forecast mean; shaded: the prediction interval; dashed lines: safe threshold and limit. Drag
        across the chart to zoom, double-click to reset.
      </p>
    </Card>
  );
}

function Definition({ r }: { r: CapacityResourceSummary }) {
  return (
    <Card title="Definition">
      <Facts
        items={[
          [
            'Service',
            <Link key="s" to={`/services/${seg(r.service)}`}>
              {r.service}
            </Link>,
          ],
          [
            'Team',
            r.team ? (
              <Link key="t" to={`/admin/teams?team=${seg(r.team)}`}>
                {r.team}
              </Link>
            ) : (
              '—'
            ),
          ],
          ['Measure', `${r.measure} (${r.unit})`],
          [
            'Limit',
            r.limit.query ? (
              <span key="l">
                {formatAmount(r.limit.value, r.unit)} <code className="hint">{r.limit.query}</code>
              </span>
            ) : (
              formatAmount(r.limit.value, r.unit)
            ),
          ],
          [
            'Safe utilisation',
            `${formatPercent(r.safeUtilisation, 0)} → threshold ${formatAmount(r.limit.threshold, r.unit)}`,
          ],
          ['Lead time', r.leadTime],
          ['Per instance', r.perInstance === null ? '—' : formatAmount(r.perInstance, r.unit)],
          ['Redundancy (k of N+k)', String(r.redundancy)],
          [
            'Cost per unit',
            r.costPerUnitMonth === null ? '—' : formatUnitCost(r.costPerUnitMonth, r.currency, r.unit),
          ],
          ['Source', r.source === 'push' ? 'pushed (POST /capacity/usage)' : 'Prometheus'],
          [
            'Latest usage',
            r.latest ? (
              <span key="u">
                {formatAmount(r.latest.max, r.unit)} <Time at={r.latest.t} />
              </span>
            ) : (
              '—'
            ),
          ],
          ['Utilisation', <Utilisation key="ut" value={r.utilisation} safe={r.safeUtilisation} />],
        ]}
      />
      {r.poll && (
        <>
          <h3>Prometheus polling</h3>
          <Facts
            items={[
              [
                'Covered',
                r.poll.coveredFrom ? (
                  <span key="c">
                    <Time at={r.poll.coveredFrom} absolute /> – <Time at={r.poll.coveredTo} absolute />
                  </span>
                ) : (
                  'nothing yet'
                ),
              ],
              ['Last success', <Time key="ls" at={r.poll.lastSuccessAt} />],
              ['Last error', r.poll.lastError ?? '—'],
            ]}
          />
        </>
      )}
      {r.problem && <p className="muted">{r.problem}</p>}
    </Card>
  );
}

function Events({ scenario }: { scenario: GrowthScenario }) {
  return (
    <Card title={`Scenario ${scenario.title ?? scenario.name}`}>
      {scenario.description && <p>{scenario.description}</p>}
      <ul className="cap-notes">
        {scenario.events.map((e) => (
          <li key={e.name}>
            <strong>{e.name}</strong> {describeEvent(e)}
          </li>
        ))}
      </ul>
    </Card>
  );
}

export function CapacityResource() {
  const { name = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const scenario = params.get('scenario') ?? '';
  const horizonParam = params.get('horizon') ?? '90d';
  const horizon = (HORIZONS as readonly string[]).includes(horizonParam) ? horizonParam : '90d';
  const set = (key: string, value: string, fallback: string) => {
    const next = new URLSearchParams(params);
    if (value === fallback) next.delete(key);
    else next.set(key, value);
    setParams(next, { replace: true });
  };
  const summary = useApi<CapacityResourceSummary>(`/capacity/resources/${seg(name)}`, undefined, {
    refreshMs: 60_000,
  });
  const forecast = useApi<CapacityForecast>(
    `/capacity/resources/${seg(name)}/forecast`,
    { horizon, scenario: scenario || undefined },
    { refreshMs: 60_000 },
  );
  const scenarios = useApi<{ items: GrowthScenario[] }>('/capacity/scenarios');
  const chosen = scenarios.data?.items.find((s) => s.name === scenario);
  const r = summary.data;
  const warning = forecast.data?.organic.runway?.warning;
  const scenarioWarning = forecast.data?.scenario?.outlook.runway?.warning;

  return (
    <>
      <PageHeader
        title={r?.title ?? name}
        crumbs={[{ to: '/capacity', label: 'Capacity' }]}
        actions={
          <>
            <ScenarioPicker
              scenarios={scenarios.data?.items}
              value={scenario}
              onChange={(v) => set('scenario', v, '')}
            />
            <HorizonPicker value={horizon} onChange={(h) => set('horizon', h, '90d')} />
          </>
        }
      >
        {r && (
          <p className="muted">
            <code>{r.name}</code> · {r.measure} of <Link to={`/services/${seg(r.service)}`}>{r.service}</Link>
            {r.team && <> · team {r.team}</>} · lead time {r.leadTime}{' '}
            {r.runway?.insideLeadTime && <Badge tone="bad">inside lead time</Badge>}
          </p>
        )}
      </PageHeader>
      <ProblemBox error={scenarios.error} />
      {warning && (
        <div className="problem cap-warning" role="alert" data-testid="lead-time-warning">
          <strong>Order capacity now.</strong> {warning}
        </div>
      )}
      {scenarioWarning && scenarioWarning !== warning && (
        <div className="problem cap-warning" role="alert">
          <strong>Under {forecast.data?.scenario?.name}:</strong> {scenarioWarning}
        </div>
      )}
      <Async state={forecast}>
        {(f) => (
          <>
            <ForecastCard forecast={f} scenario={chosen} />
            <div className="cap-grid">
              <RunwayCard forecast={f} />
              <ModelCard outlook={f.organic} />
              <SizingCard forecast={f} />
              <CostCard forecast={f} />
            </div>
          </>
        )}
      </Async>
      <div className="cap-grid">
        {r ? <Definition r={r} /> : <Async state={summary}>{() => null}</Async>}
        {chosen && <Events scenario={chosen} />}
      </div>
    </>
  );
}

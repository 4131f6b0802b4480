/** The answers of a forecast, organic beside the scenario: runway, model and backtest, sizing, cost. */
import type { CapacityForecast, Outlook } from '@headroom/core/api/capacity';
import { formatDateTime, formatNumber } from '../format';
import { CrossingDate, formatAmount, formatCost, LeadTimeBadge } from './capacity-common';
import { Badge, Card, Empty } from './ui';

type Column = { key: 'organic' | 'scenario'; title: string; outlook: Outlook };

export function columnsOf(f: CapacityForecast): Column[] {
  const cols: Column[] = [{ key: 'organic', title: 'Organic', outlook: f.organic }];
  if (f.scenario)
    cols.push({ key: 'scenario', title: `Scenario ${f.scenario.name}`, outlook: f.scenario.outlook });
  return cols;
}

export function RunwayCard({ forecast }: { forecast: CapacityForecast }) {
  const cols = columnsOf(forecast);
  const unit = forecast.unit;
  return (
    <Card title="Runway">
      <table className="table cap-compare">
        <thead>
          <tr>
            <th>Crossing</th>
            {cols.map((c) => (
              <th key={c.key}>{c.title}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {(['threshold', 'limit'] as const).map((which) => (
            <tr key={which}>
              <th scope="row">
                {which === 'threshold' ? 'Safe threshold' : 'Limit'}
                <span className="hint">
                  {formatAmount(which === 'threshold' ? forecast.threshold : forecast.limit, unit)}
                </span>
              </th>
              {cols.map((c) => {
                const r = c.outlook.runway;
                return (
                  <td key={c.key}>
                    {r ? (
                      <CrossingDate
                        testId={`runway-${which}-${c.key}`}
                        at={r[which].at}
                        early={r[which].early}
                        late={r[which].late}
                        already={which === 'threshold' ? r.alreadyAboveThreshold : r.alreadyAboveLimit}
                      />
                    ) : (
                      <span className="muted">no limit known</span>
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
          <tr>
            <th scope="row">Lead time {forecast.leadTime}</th>
            {cols.map((c) => (
              <td key={c.key}>
                {c.outlook.runway?.insideLeadTime ? (
                  <LeadTimeBadge inside leadTime={forecast.leadTime} />
                ) : c.outlook.runway ? (
                  <Badge tone="ok">outside lead time</Badge>
                ) : (
                  '—'
                )}
              </td>
            ))}
          </tr>
        </tbody>
      </table>
      <p className="hint">
        Dates on the mean forecast; the range under each is early (upper {pct(forecast.organic.level)} bound)
        to late (lower bound). The threshold is the limit × safe utilisation.
      </p>
    </Card>
  );
}

const pct = (level: number) => `${Math.round(level * 100)} %`;

/** What the benchmark forecast says, in words: seasonal naive repeats the last season. */
const benchmarkWords = (benchmark: string) =>
  benchmark.startsWith('seasonal') ? '"same as last season"' : '"same as the last value"';

/** How far to trust a forecast, in one sentence from its MASE. */
export function trustSentence(mase: number | null, benchmark: string): string {
  const words = benchmarkWords(benchmark);
  if (mase === null) return `No MASE: the ${benchmark} benchmark made no error to scale against.`;
  const m = formatNumber(mase, 2);
  if (mase < 0.8)
    return `MASE ${m} < 1: clearly beats the ${benchmark} forecast (${words}) — worth trusting.`;
  if (mase < 1)
    return `MASE ${m} < 1: beats the ${benchmark} forecast (${words}), narrowly — trust it with its interval.`;
  return `MASE ${m} ≥ 1: no better than the ${benchmark} forecast (${words}) — trust it less and read the dates as rough.`;
}

/** "beats seasonal naive" / "beats naive" / "weak". */
export function trustBadge(mase: number | null, benchmark: string) {
  const name = benchmark.replace(/\s*\(.*$/, '').replace('-', ' ');
  if (mase === null) return <Badge tone="muted">no benchmark</Badge>;
  return mase < 1 ? <Badge tone="ok">beats {name}</Badge> : <Badge tone="warn">no better than {name}</Badge>;
}

export function ModelCard({ outlook }: { outlook: Outlook }) {
  const { model, backtest } = outlook;
  return (
    <Card title="Model and backtest">
      <p data-testid="model-explanation" className="cap-explanation">
        {model.explanation}
      </p>
      <p className="muted">
        <code>{model.kind}</code>
        {model.period !== undefined && <> · period {model.period} steps</>}
        {Object.keys(model.params).length > 0 && (
          <>
            {' '}
            ·{' '}
            {Object.entries(model.params)
              .map(([k, v]) => `${k} ${formatNumber(v, 3)}`)
              .join(', ')}
          </>
        )}
      </p>
      {backtest ? (
        <>
          <div className="cap-stats">
            <div className="stat">
              <span className="value" data-testid="backtest-mase" data-mase={backtest.mase ?? ''}>
                {formatNumber(backtest.mase, 2)}
              </span>
              <span className="label">MASE vs {backtest.benchmark}</span>
            </div>
            <div className="stat">
              <span className="value">
                {backtest.mape === null ? '—' : `${formatNumber(backtest.mape, 1)} %`}
              </span>
              <span className="label">MAPE</span>
            </div>
            <div className="stat">
              <span className="value">{formatNumber(backtest.smape, 1)} %</span>
              <span className="label">sMAPE</span>
            </div>
          </div>
          <p>
            {trustBadge(backtest.mase, backtest.benchmark)} {trustSentence(backtest.mase, backtest.benchmark)}
          </p>
          <p className="hint">Backtest: the last {backtest.heldOut} points held out, refitted on the rest.</p>
        </>
      ) : (
        <Empty>No backtest: the series is too short to hold a season out.</Empty>
      )}
      {outlook.notes.length > 0 && (
        <>
          <h3>Notes</h3>
          <ul className="cap-notes">
            {outlook.notes.map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
        </>
      )}
    </Card>
  );
}

export function SizingCard({ forecast }: { forecast: CapacityForecast }) {
  const cols = columnsOf(forecast);
  const first = forecast.organic.sizing;
  if (!first)
    return (
      <Card title="N+k sizing">
        <Empty>No per-instance capacity declared (spec.perInstance), so no instance count.</Empty>
      </Card>
    );
  const regions = first.regions?.map((r) => r.name) ?? [];
  return (
    <Card title={`N+${first.k} sizing`}>
      <table className="table cap-compare">
        <thead>
          <tr>
            <th />
            {cols.map((c) => (
              <th key={c.key}>{c.title}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">Forecast peak</th>
            {cols.map((c) => (
              <td key={c.key}>
                {formatAmount(c.outlook.sizing?.peak, forecast.unit)}
                {c.outlook.sizing?.peakAt && (
                  <span className="hint">{formatDateTime(c.outlook.sizing.peakAt)}</span>
                )}
              </td>
            ))}
          </tr>
          <tr>
            <th scope="row">N (peak ÷ {formatAmount(first.perInstance, forecast.unit)})</th>
            {cols.map((c) => (
              <td key={c.key} className="num">
                {c.outlook.sizing?.needed ?? '—'}
              </td>
            ))}
          </tr>
          {regions.map((name) => (
            <tr key={name}>
              <th scope="row" className="cap-sub">
                {name}
              </th>
              {cols.map((c) => {
                const r = c.outlook.sizing?.regions?.find((x) => x.name === name);
                return (
                  <td key={c.key} className="num">
                    {r ? `${r.needed} + ${first.k} = ${r.total}` : '—'}
                    {r && <span className="hint">peak {formatAmount(r.peak, forecast.unit)}</span>}
                  </td>
                );
              })}
            </tr>
          ))}
          <tr>
            <th scope="row">Instances N+{first.k}</th>
            {cols.map((c) => (
              <td key={c.key} className="num cap-strong" data-testid={`sizing-total-${c.key}`}>
                {c.outlook.sizing?.total ?? '—'}
              </td>
            ))}
          </tr>
        </tbody>
      </table>
      {regions.length > 0 && (
        <p className="hint">Each region serves its share of the peak and keeps its own +{first.k}.</p>
      )}
    </Card>
  );
}

export function CostCard({ forecast }: { forecast: CapacityForecast }) {
  const cols = columnsOf(forecast);
  if (!forecast.organic.cost)
    return (
      <Card title="Monthly cost">
        <Empty>No cost per unit declared (spec.costPerUnitMonth).</Empty>
      </Card>
    );
  const organic = forecast.organic.cost.monthly;
  return (
    <Card title="Monthly cost">
      <table className="table cap-compare">
        <thead>
          <tr>
            <th />
            {cols.map((c) => (
              <th key={c.key}>{c.title}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">Capacity needed</th>
            {cols.map((c) => (
              <td key={c.key}>{formatAmount(c.outlook.cost?.units, forecast.unit)}</td>
            ))}
          </tr>
          <tr>
            <th scope="row">Per month</th>
            {cols.map((c) => {
              const cost = c.outlook.cost;
              const diff = cost && c.key === 'scenario' ? cost.monthly - organic : 0;
              return (
                <td key={c.key} className="cap-strong" data-testid={`cost-${c.key}`}>
                  {formatCost(cost?.monthly, cost?.currency ?? forecast.currency)}
                  {diff !== 0 && (
                    <span className="muted">
                      {' '}
                      ({diff > 0 ? '+' : '−'}
                      {formatCost(Math.abs(diff), forecast.currency)})
                    </span>
                  )}
                </td>
              );
            })}
          </tr>
        </tbody>
      </table>
      <p className="hint">{forecast.organic.cost.basis}</p>
    </Card>
  );
}

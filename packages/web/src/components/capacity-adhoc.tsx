/**
 * Ad-hoc planning: paste or upload `timestamp,value` rows and get a forecast with its model and
 * backtest from POST /capacity/forecast. Nothing is stored.
 */
import type { AdhocForecast, AdhocForecastRequest } from '@headroom/core/api/capacity';
import { parseCsvSeries } from '@headroom/core/capacity/series';
import { type FormEvent, useMemo, useState } from 'react';
import { post } from '../api/client';
import { useAction } from '../api/hooks';
import { formatDuration, formatNumber } from '../format';
import { ForecastChart } from './capacity-chart';
import { trustBadge, trustSentence } from './capacity-outlook';
import { Card, ProblemBox } from './ui';

const format = (v: number) => formatNumber(v, 2);

function Result({ csv, result }: { csv: string; result: AdhocForecast }) {
  const chart = useMemo(() => {
    // The server parsed the same text with the same code; this only draws it.
    let history: { t: number; v: number }[] = [];
    try {
      history = parseCsvSeries(csv).map((s) => ({ t: s.t, v: s.v }));
    } catch {
      history = [];
    }
    const level = `${Math.round(result.level * 100)} %`;
    const points = result.points.map((p) => ({
      t: Date.parse(p.t),
      mean: p.mean,
      lower: p.lower,
      upper: p.upper,
    }));
    return {
      history,
      forecasts: [{ label: `Forecast (${level})`, color: '--series-1', points }],
      markers: history.length > 0 ? [{ at: history[history.length - 1]!.t, label: 'last point' }] : [],
    };
  }, [csv, result]);
  const b = result.backtest;
  return (
    <div className="stack" data-testid="adhoc-result">
      <ForecastChart
        {...chart}
        historyLabel="Your series"
        format={format}
        height={260}
        label="Ad-hoc forecast"
      />
      <p className="cap-explanation" data-testid="adhoc-model">
        {result.model.explanation}{' '}
        <span className="muted">
          (<code>{result.model.kind}</code>, step {formatDuration(result.stepMs)}, {result.points.length}{' '}
          steps ahead)
        </span>
      </p>
      {b ? (
        <p>
          {trustBadge(b.mase, b.benchmark)} MASE{' '}
          <strong data-testid="adhoc-mase" data-mase={b.mase ?? ''}>
            {formatNumber(b.mase, 2)}
          </strong>{' '}
          · MAPE {b.mape === null ? '—' : `${formatNumber(b.mape, 1)} %`} · sMAPE {formatNumber(b.smape, 1)} %
          over the last {b.heldOut} points. {trustSentence(b.mase, b.benchmark)}
        </p>
      ) : (
        <p className="muted">No backtest: too few points to hold a season out.</p>
      )}
      {result.notes.length > 0 && (
        <ul className="cap-notes">
          {result.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function AdhocForecastCard() {
  const [csv, setCsv] = useState('');
  const [season, setSeason] = useState('');
  const [horizon, setHorizon] = useState('');
  const [result, setResult] = useState<{ csv: string; forecast: AdhocForecast }>();
  const action = useAction(async (body: AdhocForecastRequest) => {
    const forecast = await post<AdhocForecast>('/capacity/forecast', body);
    setResult({ csv: body.csv ?? '', forecast });
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body: AdhocForecastRequest = { csv };
    if (season.trim()) body.season = Number(season);
    if (horizon.trim()) body.horizon = Number(horizon);
    void action.run(body);
  };
  return (
    <Card title="Ad-hoc forecast">
      <p className="muted">
        Forecast any series of <code>timestamp,value</code> rows (ISO 8601 or unix seconds/ms, optional
        header) with the same models — nothing is stored.
      </p>
      <form className="stack" onSubmit={submit}>
        <label>
          CSV rows
          <textarea
            rows={6}
            value={csv}
            onChange={(e) => setCsv(e.target.value)}
            placeholder={'timestamp,value\n2026-11-01T00:00:00Z,31.5\n2026-11-01T01:00:00Z,29.8'}
            spellCheck={false}
            className="mono"
          />
        </label>
        <div className="inline-form">
          <label>
            Or upload a file
            <input
              type="file"
              accept=".csv,.txt,text/csv,text/plain"
              onChange={async (e) => {
                const file = e.target.files?.[0];
                if (file) setCsv(await file.text());
              }}
            />
          </label>
          <label>
            Season (steps)
            <input
              type="number"
              min={2}
              max={10000}
              value={season}
              onChange={(e) => setSeason(e.target.value)}
              placeholder="detect"
            />
          </label>
          <label>
            Horizon (steps)
            <input
              type="number"
              min={1}
              max={20000}
              value={horizon}
              onChange={(e) => setHorizon(e.target.value)}
              placeholder={season.trim() || '24'}
            />
          </label>
          <button type="submit" className="primary" disabled={action.pending || csv.trim() === ''}>
            {action.pending ? 'Forecasting…' : 'Forecast'}
          </button>
        </div>
      </form>
      <ProblemBox error={action.error} />
      {result && <Result csv={result.csv} result={result.forecast} />}
    </Card>
  );
}

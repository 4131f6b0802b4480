/** `POST /capacity/forecast`: a forecast of any series given in the request; nothing is stored. */
import type { AdhocForecast, AdhocForecastRequest } from '@headroom/core/api/capacity';
import {
  CapacityInputError,
  forecast as fitForecast,
  parseCsvSeries,
  type Sample,
  seriesFromSamples,
} from '@headroom/core/capacity/index';
import { InputError } from '@headroom/core/errors';
import { fixedDurationMs, parseDuration } from '@headroom/core/slo/duration';
import { HOUR_MS } from './repo.js';

function timeOf(t: string | number, index: number): number {
  const ms = typeof t === 'number' ? t : /^\d{4}-\d{2}-\d{2}/.test(t) ? Date.parse(t) : Number.NaN;
  if (!Number.isFinite(ms))
    throw new CapacityInputError(
      `/points/${index}/t`,
      `points[${index}].t must be an RFC 3339 time or epoch milliseconds`,
    );
  return ms;
}

/** The step of a series: the most common gap between consecutive samples. */
function guessStep(samples: Sample[]): number {
  const counts = new Map<number, number>();
  for (let i = 1; i < samples.length; i++) {
    const d = samples[i]!.t - samples[i - 1]!.t;
    if (d > 0) counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  let best = HOUR_MS;
  let n = 0;
  for (const [d, c] of counts) if (c > n) [best, n] = [d, c];
  return best;
}

/** A forecast of the given points or CSV text; nothing is stored. */
export function adhocForecast(request: AdhocForecastRequest): AdhocForecast {
  if ((request.points === undefined) === (request.csv === undefined))
    throw new InputError('Give either points or csv', [
      { path: '/points', message: 'give points or csv, not both or neither' },
    ]);
  const samples: Sample[] =
    request.csv !== undefined
      ? parseCsvSeries(request.csv)
      : request.points!.map((p, i) => ({ t: timeOf(p.t, i), v: p.v }));
  let stepMs: number;
  if (request.step !== undefined) {
    const d = parseDuration(request.step);
    const ms = d ? fixedDurationMs(d) : null;
    if (ms === null)
      throw new InputError(`step "${request.step}" is not a duration such as 1h`, [
        { path: '/step', message: 'expected a duration such as 1h or 1d' },
      ]);
    stepMs = ms;
  } else stepMs = guessStep(samples);
  const series = seriesFromSamples(samples, stepMs);
  const f = fitForecast(series, {
    horizon: request.horizon ?? request.season ?? 24,
    ...(request.season !== undefined ? { season: request.season } : {}),
    level: request.level ?? 0.8,
  });
  return {
    stepMs,
    model: { ...f.model },
    level: f.level,
    backtest: f.backtest,
    notes: f.notes,
    points: f.points.map((p) => ({
      t: new Date(p.t).toISOString(),
      mean: p.mean,
      lower: p.lower,
      upper: p.upper,
    })),
  };
}

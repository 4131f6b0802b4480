/**
 * forecast(): seasonality detection, automatic model choice (Holt-Winters additive or
 * multiplicative; damped Holt or the least-squares line for short or non-seasonal series),
 * prediction intervals and a backtest on held-out data, with every choice explained.
 */
import { CapacityInputError } from './errors.js';
import { fitDampedHolt, fitHoltWinters, type HwFit, hwPredict, hwVarianceFactors } from './holt-winters.js';
import { describePeriod, detectSeasonality, seasonCandidates } from './seasonality.js';
import { prepareSeries } from './series.js';
import { accuracy, type Line, leastSquares, normalQuantile } from './stats.js';
import type { Backtest, Forecast, ForecastModel, ForecastOptions, ForecastPoint, Series } from './types.js';

/** More steps ahead than this is a mistake, not a plan (ten years of hours). */
export const MAX_HORIZON = 100_000;
/** Below this many points the damped trend is not tried: the least-squares line only. */
const MIN_POINTS_DAMPED = 10;

type Fitted = { kind: 'hw'; fit: HwFit } | { kind: 'line'; line: Line };

function checkOptions(options: ForecastOptions): { horizon: number; season: number | 'auto'; level: number } {
  const horizon = options?.horizon;
  if (!(Number.isInteger(horizon) && horizon >= 1 && horizon <= MAX_HORIZON)) {
    throw new CapacityInputError(
      'horizon',
      `horizon must be a whole number of steps from 1 to ${MAX_HORIZON}, not ${horizon}.`,
    );
  }
  const season = options.season ?? 'auto';
  if (season !== 'auto' && !(Number.isInteger(season) && season >= 2)) {
    throw new CapacityInputError(
      'season',
      `season must be 'auto' or a whole number of steps ≥ 2, not ${season}.`,
    );
  }
  const level = options.level ?? 0.8;
  if (!(typeof level === 'number' && level > 0 && level < 1)) {
    throw new CapacityInputError(
      'level',
      `level must be between 0 and 1 (0.8 = 80 % interval), not ${level}.`,
    );
  }
  return { horizon, season, level };
}

function predict(model: Fitted, horizon: number): Float64Array {
  if (model.kind === 'hw') return hwPredict(model.fit, horizon);
  const out = new Float64Array(horizon);
  const { intercept, slope, n } = model.line;
  for (let h = 1; h <= horizon; h++) out[h - 1] = intercept + slope * (n - 1 + h);
  return out;
}

/** Half-widths of the central interval: z·σ_h (see hwVarianceFactors; OLS prediction error for the line). */
function halfWidths(model: Fitted, horizon: number, z: number): Float64Array {
  const out = new Float64Array(horizon);
  if (model.kind === 'hw') {
    const sigma2 = model.fit.sse / model.fit.count;
    const v = hwVarianceFactors(model.fit, horizon);
    for (let h = 0; h < horizon; h++) out[h] = z * Math.sqrt(sigma2 * v[h]!);
    return out;
  }
  const { sse, n, meanX, sxx } = model.line;
  if (n <= 2) return out;
  const s2 = sse / (n - 2);
  for (let h = 1; h <= horizon; h++) {
    const dx = n - 1 + h - meanX;
    out[h - 1] = z * Math.sqrt(s2 * (1 + 1 / n + (sxx === 0 ? 0 : (dx * dx) / sxx)));
  }
  return out;
}

/** Gaussian AIC on the one-step (or fit) errors: n·ln(SSE/n) + 2k. */
function aic(sse: number, n: number, k: number): number {
  return n * Math.log(Math.max(sse, 1e-300) / n) + 2 * k;
}

/** A non-seasonal fit: damped Holt against the least-squares line, by AIC. */
function fitTrend(y: Float64Array): { model: Fitted; why: string } {
  const line = leastSquares(y);
  if (y.length < MIN_POINTS_DAMPED) {
    return {
      model: { kind: 'line', line },
      why: `only ${y.length} points: least-squares line (as predict_linear)`,
    };
  }
  const holt = fitDampedHolt(y);
  // Holt: α, β, φ, l0, b0 and σ; the line: slope, intercept and σ.
  if (aic(holt.sse, y.length, 6) < aic(line.sse, y.length, 3)) {
    return {
      model: { kind: 'hw', fit: holt },
      why: 'damped trend (Holt, φ fitted): lower AIC than a straight line',
    };
  }
  return {
    model: { kind: 'line', line },
    why: 'least-squares line (as predict_linear): lower AIC than a damped trend',
  };
}

/** Holt-Winters additive and, for strictly positive data, multiplicative; the lower SSE wins. */
function fitSeasonal(
  y: Float64Array,
  m: number,
  positive: boolean,
  warm?: HwFit,
): { fit: HwFit; why: string } {
  if (warm) {
    const fit = fitHoltWinters(y, m, warm.multiplicative, {
      start: [warm.alpha, warm.beta, warm.gamma],
      step: 0.01,
      maxEvals: 20,
    });
    return { fit, why: '' };
  }
  const additive = fitHoltWinters(y, m, false);
  if (!positive) return { fit: additive, why: 'additive (multiplicative needs strictly positive values)' };
  // Warm start from the additive fit: the parameters are usually close, and it halves the work.
  const multiplicative = fitHoltWinters(y, m, true, {
    start: [additive.alpha, additive.beta, additive.gamma],
    step: 0.05,
  });
  const better = multiplicative.sse < additive.sse ? multiplicative : additive;
  const worse = better === additive ? multiplicative : additive;
  const gain = Number.isFinite(worse.sse)
    ? Math.round((1 - Math.sqrt(better.sse / worse.sse)) * 1000) / 10
    : 100;
  return {
    fit: better,
    why: `${better.multiplicative ? 'multiplicative' : 'additive'}: one-step error ${gain} % lower than ${worse.multiplicative ? 'multiplicative' : 'additive'}`,
  };
}

function describe(model: Fitted, m: number | null, why: string, stepMs: number): ForecastModel {
  if (model.kind === 'line') {
    const { slope, intercept } = model.line;
    return {
      kind: 'linear-trend',
      params: { slope, intercept, trend: slope },
      explanation: why,
    };
  }
  const f = model.fit;
  if (f.m === 0) {
    return {
      kind: 'damped-trend',
      params: { alpha: f.alpha, beta: f.beta, phi: f.phi, level: f.level, trend: f.trend },
      explanation: why,
    };
  }
  return {
    kind: f.multiplicative ? 'holt-winters-multiplicative' : 'holt-winters-additive',
    period: m ?? f.m,
    params: { alpha: f.alpha, beta: f.beta, gamma: f.gamma, phi: 1, level: f.level, trend: f.trend },
    explanation: `${describePeriod(f.m, stepMs)}, ${why}`,
  };
}

function backtestOf(y: Float64Array, held: number, model: Fitted, lag: number): Backtest {
  const train = y.subarray(0, y.length - held);
  const actual = y.subarray(y.length - held);
  const predicted = predict(model, held);
  for (let i = 0; i < held; i++) predicted[i] = Math.max(0, predicted[i]!);
  const acc = accuracy(actual, predicted, train, lag);
  return {
    heldOut: held,
    mape: acc.mape,
    smape: acc.smape,
    mase: acc.mase,
    benchmark: lag > 1 ? `seasonal-naive (period ${lag})` : 'naive',
  };
}

/**
 * Forecasts `options.horizon` steps after the series' last value. Throws CapacityInputError for
 * bad input (empty, negative, non-finite values, bad options); short data never throws — it
 * falls back to a trend model and says so in `notes`.
 */
export function forecast(series: Series, options: ForecastOptions): Forecast {
  const { horizon, season, level } = checkOptions(options);
  const prepared = prepareSeries(series);
  const { y, stepMs } = prepared;
  const n = y.length;
  const notes = [...prepared.notes];

  let m: number | null = null;
  let seasonWhy = '';
  if (season !== 'auto') {
    if (n >= 2 * season) {
      m = season;
      seasonWhy = 'season given';
    } else {
      notes.push(
        `Season ${season} needs at least 2 full seasons (${2 * season} points), the series has ${n}: fell back to a trend model.`,
      );
    }
  } else {
    const candidates = seasonCandidates(stepMs);
    const found = detectSeasonality(y, candidates, stepMs);
    m = found.period;
    seasonWhy = found.reason;
    if (m === null) {
      const short = candidates.length > 0 && candidates.every((p) => n < 2 * p + 2);
      notes.push(
        short
          ? `Too short for seasonality: ${n} points is fewer than 2 full seasons of ${Math.min(...candidates)} steps; fell back to a trend model.`
          : `${found.reason.charAt(0).toUpperCase()}${found.reason.slice(1)}; fell back to a trend model.`,
      );
    }
  }

  let positive = true;
  for (let i = 0; i < n; i++) if (!(y[i]! > 0)) positive = false;

  let model: Fitted;
  let why: string;
  let backtest: Backtest | null = null;
  if (m !== null) {
    // Fit on all but the last season first (the backtest), then warm-start the full fit from it.
    const held = m;
    const train = y.subarray(0, n - held);
    if (!options.skipBacktest && train.length >= 2 * m) {
      const chosen = fitSeasonal(train, m, positive);
      backtest = backtestOf(y, held, { kind: 'hw', fit: chosen.fit }, m);
      model = { kind: 'hw', fit: fitSeasonal(y, m, positive, chosen.fit).fit };
      why = chosen.why;
    } else {
      const chosen = fitSeasonal(y, m, positive);
      model = { kind: 'hw', fit: chosen.fit };
      why = chosen.why;
      if (!options.skipBacktest)
        notes.push(`No backtest: holding out a season of ${m} leaves fewer than 2 seasons to fit.`);
    }
    if (seasonWhy === 'season given') why = `season ${m} given, ${why}`;
  } else {
    const fitted = fitTrend(y);
    model = fitted.model;
    why = fitted.why;
    const held = Math.max(1, Math.round(n * 0.2));
    if (!options.skipBacktest && n - held >= 3) {
      const train = y.subarray(0, n - held);
      const trainModel: Fitted =
        model.kind === 'line'
          ? { kind: 'line', line: leastSquares(train) }
          : { kind: 'hw', fit: fitDampedHolt(train) };
      backtest = backtestOf(y, held, trainModel, 1);
    } else if (!options.skipBacktest) {
      notes.push(`No backtest: ${n} points are too few to hold any out.`);
    }
  }

  const mean = predict(model, horizon);
  const z = normalQuantile(0.5 + level / 2);
  const half = halfWidths(model, horizon, z);
  if (model.kind === 'line' && model.line.n <= 2)
    notes.push('Too few points to estimate an interval: it is the mean alone.');
  const last = prepared.start + (n - 1) * stepMs;
  const points: ForecastPoint[] = new Array(horizon);
  for (let h = 0; h < horizon; h++) {
    // Usage is never negative: clamp (this commutes with scaling, so forecasts stay scale-equivariant).
    const mu = Math.max(0, mean[h]!);
    points[h] = {
      t: last + (h + 1) * stepMs,
      mean: mu,
      lower: Math.max(0, mean[h]! - half[h]!),
      upper: Math.max(mu, mean[h]! + half[h]!),
    };
  }
  return {
    model: describe(model, m, why, stepMs),
    level,
    points,
    backtest,
    notes,
    lastObserved: { t: last, value: y[n - 1]! },
  };
}

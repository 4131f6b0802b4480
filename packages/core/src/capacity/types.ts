/**
 * Capacity planning's shared shapes: a usage series in, a forecast with its backtest out, and the
 * answers built on it (runway, N+k sizing, growth scenarios, cost). Pure and browser-safe.
 */

/** A regular series: `values[i]` was measured at `start + i * stepMs`. `null` marks a gap. */
export interface Series {
  start: number;
  stepMs: number;
  values: (number | null)[];
}

export type ForecastModelKind =
  | 'holt-winters-additive'
  | 'holt-winters-multiplicative'
  | 'damped-trend'
  | 'linear-trend';

export interface ForecastModel {
  kind: ForecastModelKind;
  /** Seasonal period in steps (24 = daily on hourly data), when seasonal. */
  period?: number;
  /** Fitted smoothing parameters (alpha, beta, gamma, phi) or, for linear-trend, slope/intercept. */
  params: Record<string, number>;
  /** One sentence a person reads: "weekly seasonality found (period 168 h), multiplicative". */
  explanation: string;
}

export interface Backtest {
  /** Points held out (the last season, or the last 20 % when not seasonal). */
  heldOut: number;
  mape: number | null;
  smape: number;
  /** Mean absolute scaled error against the seasonal naive forecast (naive when not seasonal). */
  mase: number | null;
  /** Name of the benchmark MASE scales against: 'seasonal-naive (period 24)' or 'naive'. */
  benchmark: string;
}

export interface ForecastPoint {
  t: number;
  mean: number;
  lower: number;
  upper: number;
}

export interface Forecast {
  model: ForecastModel;
  /** Central prediction interval level, e.g. 0.8. */
  level: number;
  points: ForecastPoint[];
  backtest: Backtest | null;
  /** Plain-language notes: fallbacks taken, gaps filled, seasonality not found… */
  notes: string[];
  /** The last observed (gap-free) point the forecast starts from: runway's "current usage". */
  lastObserved?: { t: number; value: number };
}

export interface ForecastOptions {
  /** Steps ahead to forecast. */
  horizon: number;
  /** Seasonal period in steps; 'auto' (default) detects it from the data. */
  season?: number | 'auto';
  /** Prediction interval level, default 0.8. */
  level?: number;
  /** Skip the backtest (it refits on the series minus the held-out part). Default false. */
  skipBacktest?: boolean;
}

/** When usage crosses a level: on the mean forecast, and on the interval's early (upper) and late (lower) bounds. */
export interface Crossing {
  level: number;
  /** ms epoch, or null when not crossed within the horizon. */
  at: number | null;
  early: number | null;
  late: number | null;
}

export interface Runway {
  threshold: Crossing;
  limit: Crossing;
  /** Already above the threshold / limit now. */
  alreadyAboveThreshold: boolean;
  alreadyAboveLimit: boolean;
}

/** A demand change laid over the organic forecast. */
export type ScenarioEvent =
  | { name: string; type: 'step'; start: number /** multiplier, 1.4 = +40 % */; factor: number }
  | { name: string; type: 'peak'; start: number; end: number; factor: number }
  | { name: string; type: 'ramp'; start: number; end: number; factor: number };

export interface SizingInput {
  /** Peak demand in the resource's unit. */
  peak: number;
  perInstance: number;
  /** Spare instances (N+k). */
  k: number;
  /** Optional split of demand by region (shares sum to 1); each region gets its own +k. */
  regions?: { name: string; share: number }[];
}

export interface Sizing {
  /** N: ceil(peak / perInstance) (summed over regions). */
  needed: number;
  /** N + k (per region where given). */
  total: number;
  regions?: { name: string; peak: number; needed: number; total: number }[];
}

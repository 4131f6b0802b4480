/**
 * Holt-Winters (additive and multiplicative seasonality, additive trend) and damped Holt, in the
 * classical recursions R's HoltWinters uses (all smoothing parameters in [0, 1]):
 *
 *   level   l_t = α·(y_t − s_{t−m}) + (1 − α)(l_{t−1} + φ·b_{t−1})        (÷ s_{t−m} when multiplicative)
 *   trend   b_t = β·(l_t − l_{t−1}) + (1 − β)·φ·b_{t−1}
 *   season  s_t = γ·(y_t − l_t) + (1 − γ)·s_{t−m}                         (y_t ÷ l_t when multiplicative)
 *
 * Parameters are fitted by minimising the sum of squared one-step-ahead errors with Nelder–Mead.
 */
import { nelderMead } from './nelder-mead.js';

export interface HwFit {
  multiplicative: boolean;
  /** Seasonal period; 0 for damped Holt (no season). */
  m: number;
  alpha: number;
  beta: number;
  gamma: number;
  phi: number;
  /** Sum of squared one-step errors and how many there were. */
  sse: number;
  count: number;
  /** Final states: level, trend and the seasonal indices by phase (t mod m). */
  level: number;
  trend: number;
  season: Float64Array;
  /** Length of the data the model was fitted on (for seasonal phases of forecasts). */
  n: number;
}

interface Init {
  level: number;
  trend: number;
  season: Float64Array;
}

/**
 * Initial states from the first (up to four) seasons: a line through the season means, the
 * seasonal indices averaged over those seasons around that line. `level` is the level just
 * before y[0].
 */
function initialStates(y: Float64Array, m: number, multiplicative: boolean): Init {
  const k = Math.max(1, Math.min(4, Math.floor(y.length / m)));
  const means = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    let s = 0;
    for (let j = 0; j < m; j++) s += y[c * m + j]!;
    means[c] = s / m;
  }
  const trend = k >= 2 ? (means[k - 1]! - means[0]!) / ((k - 1) * m) : 0;
  const season = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    let s = 0;
    for (let c = 0; c < k; c++) {
      const line = means[c]! + trend * (j - (m - 1) / 2);
      s += multiplicative ? y[c * m + j]! / line : y[c * m + j]! - line;
    }
    season[j] = s / k;
  }
  let mean = 0;
  for (let j = 0; j < m; j++) mean += season[j]! / m;
  for (let j = 0; j < m; j++) season[j] = multiplicative ? season[j]! / mean : season[j]! - mean;
  return { level: means[0]! - (trend * (m + 1)) / 2, trend, season };
}

/*
 * The runs below use the equivalent error-correction form (e = one-step error): for additive
 * seasonality l' = l + b + αe, b' = b + αβe, s' = s + γ(1 − α)e. Algebraically the same
 * recursions, but the loop-carried dependency chain is half as long, and the loop is
 * latency-bound: this is where the benchmark's time goes.
 */

/** Runs the recursions; returns the SSE, leaving final states in `s` and `out`. Infinity when invalid. */
function runAdditive(
  y: Float64Array,
  m: number,
  alpha: number,
  beta: number,
  gamma: number,
  init: Init,
  s: Float64Array,
  out: { level: number; trend: number },
): number {
  s.set(init.season);
  let l = init.level;
  let b = init.trend;
  let sse = 0;
  let j = 0;
  const n = y.length;
  const ab = alpha * beta;
  const g = gamma * (1 - alpha);
  for (let t = 0; t < n; t++) {
    const st = s[j]!;
    const base = l + b;
    const e = y[t]! - st - base;
    sse += e * e;
    l = base + alpha * e;
    b += ab * e;
    s[j] = st + g * e;
    if (++j === m) j = 0;
  }
  out.level = l;
  out.trend = b;
  return sse;
}

/** Multiplicative: l' = l + b + α(y/s − l − b), b' = b + αβ(y/s − l − b), s' = γ·y/l' + (1 − γ)s. */
function runMultiplicative(
  y: Float64Array,
  m: number,
  alpha: number,
  beta: number,
  gamma: number,
  init: Init,
  s: Float64Array,
  out: { level: number; trend: number },
): number {
  s.set(init.season);
  let l = init.level;
  let b = init.trend;
  let sse = 0;
  let j = 0;
  const n = y.length;
  const ab = alpha * beta;
  for (let t = 0; t < n; t++) {
    const yt = y[t]!;
    const st = s[j]!;
    const base = l + b;
    const e = yt - base * st;
    sse += e * e;
    const u = yt / st - base;
    l = base + alpha * u;
    b += ab * u;
    if (!(l > 0 && st > 0)) return Number.POSITIVE_INFINITY;
    s[j] = gamma * (yt / l) + (1 - gamma) * st;
    if (++j === m) j = 0;
  }
  out.level = l;
  out.trend = b;
  return sse;
}

/** Damped Holt: l' = l + φb + αe, b' = φb + αβe. */
function runHolt(
  y: Float64Array,
  alpha: number,
  beta: number,
  phi: number,
  l0: number,
  b0: number,
  out: { level: number; trend: number },
): number {
  let l = l0;
  let b = b0;
  let sse = 0;
  const ab = alpha * beta;
  for (let t = 0; t < y.length; t++) {
    const pb = phi * b;
    const base = l + pb;
    const e = y[t]! - base;
    sse += e * e;
    l = base + alpha * e;
    b = pb + ab * e;
  }
  out.level = l;
  out.trend = b;
  return sse;
}

export interface FitOptions {
  /** Start point [α, β, γ] (warm start from an earlier fit); default [0.3, 0.1, 0.1]. */
  start?: number[];
  /** Initial simplex step; default 0.1 (smaller for warm starts). */
  step?: number;
  maxEvals?: number;
}

/** Fits seasonal Holt-Winters with period m (y.length ≥ m, strictly positive y when multiplicative). */
export function fitHoltWinters(
  y: Float64Array,
  m: number,
  multiplicative: boolean,
  options: FitOptions = {},
): HwFit {
  const init = initialStates(y, m, multiplicative);
  const s = new Float64Array(m);
  const states = { level: 0, trend: 0 };
  const run = multiplicative ? runMultiplicative : runAdditive;
  const step = options.step ?? 0.1;
  const best = nelderMead(
    (x) => run(y, m, x[0]!, x[1]!, x[2]!, init, s, states),
    options.start ?? [0.3, 0.1, 0.1],
    [step, step, step],
    [0, 0, 0],
    [1, 1, 1],
    options.maxEvals ?? 220,
  );
  const [alpha, beta, gamma] = best.x as [number, number, number];
  const sse = run(y, m, alpha, beta, gamma, init, s, states);
  return {
    multiplicative,
    m,
    alpha,
    beta,
    gamma,
    phi: 1,
    sse,
    count: y.length,
    level: states.level,
    trend: states.trend,
    season: s,
    n: y.length,
  };
}

/** Fits damped-trend Holt (φ in [0.8, 0.98], Hyndman's usual range); needs y.length ≥ 2. */
export function fitDampedHolt(y: Float64Array, options: FitOptions = {}): HwFit {
  const l0 = y[0]!;
  const b0 = (y[Math.min(y.length - 1, 4)]! - y[0]!) / Math.max(1, Math.min(y.length - 1, 4));
  const states = { level: 0, trend: 0 };
  const best = nelderMead(
    (x) => runHolt(y, x[0]!, x[1]!, x[2]!, l0 - b0, b0, states),
    options.start ?? [0.5, 0.1, 0.9],
    [0.1, 0.1, 0.05],
    [0, 0, 0.8],
    [1, 1, 0.98],
    options.maxEvals ?? 200,
  );
  const [alpha, beta, phi] = best.x as [number, number, number];
  const sse = runHolt(y, alpha, beta, phi, l0 - b0, b0, states);
  return {
    multiplicative: false,
    m: 0,
    alpha,
    beta,
    gamma: 0,
    phi,
    sse,
    count: y.length,
    level: states.level,
    trend: states.trend,
    season: new Float64Array(0),
    n: y.length,
  };
}

/** Point forecast h = 1…horizon steps after the fitted data. */
export function hwPredict(fit: HwFit, horizon: number): Float64Array {
  const out = new Float64Array(horizon);
  let damp = 0;
  let phiPow = 1;
  for (let h = 1; h <= horizon; h++) {
    phiPow *= fit.phi;
    damp += phiPow;
    const base = fit.level + damp * fit.trend;
    if (fit.m === 0) out[h - 1] = base;
    else {
      const s = fit.season[(fit.n + h - 1) % fit.m]!;
      out[h - 1] = fit.multiplicative ? base * s : base + s;
    }
  }
  return out;
}

/**
 * Forecast variance factors v_h (variance = σ²·v_h) from the model's ψ-weights, the class 1
 * result of Hyndman, Koehler, Ord & Snyder (2008, ch. 6) for the additive-error form:
 * v_h = 1 + Σ_{j=1}^{h−1} c_j², c_j = α(1 + β(φ + … + φ^j)) + γ(1 − α)·[j mod m = 0].
 * Exact for the additive models; for multiplicative seasonality it is the usual approximation.
 */
export function hwVarianceFactors(fit: HwFit, horizon: number): Float64Array {
  const out = new Float64Array(horizon);
  let sum = 0;
  let damp = 0;
  let phiPow = 1;
  out[0] = 1;
  for (let h = 2; h <= horizon; h++) {
    const j = h - 1;
    phiPow *= fit.phi;
    damp += phiPow;
    let c = fit.alpha * (1 + fit.beta * damp);
    if (fit.m > 0 && j % fit.m === 0) c += fit.gamma * (1 - fit.alpha);
    sum += c * c;
    out[h - 1] = 1 + sum;
  }
  return out;
}

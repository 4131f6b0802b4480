/** Small statistics helpers: the normal quantile, the least-squares line, accuracy measures. */

/** Inverse standard normal CDF (Acklam's rational approximation, |error| < 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    );
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

export interface Line {
  /** Value at x = 0 (the first point). */
  intercept: number;
  /** Per step. */
  slope: number;
  sse: number;
  n: number;
  meanX: number;
  sxx: number;
}

/** Ordinary least squares over x = 0…n−1, the line Prometheus' predict_linear extrapolates. */
export function leastSquares(y: ArrayLike<number>): Line {
  const n = y.length;
  const meanX = (n - 1) / 2;
  let meanY = 0;
  for (let i = 0; i < n; i++) meanY += y[i]!;
  meanY /= n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    const dx = i - meanX;
    sxy += dx * (y[i]! - meanY);
    sxx += dx * dx;
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  const intercept = meanY - slope * meanX;
  let sse = 0;
  for (let i = 0; i < n; i++) {
    const e = y[i]! - intercept - slope * i;
    sse += e * e;
  }
  return { intercept, slope, sse, n, meanX, sxx };
}

export interface Accuracy {
  mape: number | null;
  smape: number;
  mase: number | null;
}

/**
 * Accuracy of `forecast` against `actual`, in percent for MAPE and sMAPE (sMAPE on the 0–200
 * scale); MASE divides the mean absolute error by the in-sample MAE of the (seasonal) naive
 * one-step forecast on `train` (lag `lag`). MAPE is null when an actual is 0, MASE when the
 * naive forecast is perfect.
 */
export function accuracy(
  actual: ArrayLike<number>,
  forecast: ArrayLike<number>,
  train: ArrayLike<number>,
  lag: number,
): Accuracy {
  const h = actual.length;
  let ape = 0;
  let zero = false;
  let sape = 0;
  let ae = 0;
  for (let i = 0; i < h; i++) {
    const a = actual[i]!;
    const f = forecast[i]!;
    const e = Math.abs(a - f);
    ae += e;
    if (a === 0) zero = true;
    else ape += e / Math.abs(a);
    const denom = Math.abs(a) + Math.abs(f);
    sape += denom === 0 ? 0 : (2 * e) / denom;
  }
  let scale = 0;
  for (let i = lag; i < train.length; i++) scale += Math.abs(train[i]! - train[i - lag]!);
  const count = train.length - lag;
  scale = count > 0 ? scale / count : 0;
  return {
    mape: zero ? null : (100 * ape) / h,
    smape: (100 * sape) / h,
    mase: scale > 0 ? ae / h / scale : null,
  };
}

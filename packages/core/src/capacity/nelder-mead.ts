/**
 * Nelder–Mead simplex minimisation inside a box (points are projected onto the bounds), small
 * and allocation-light: the objective runs a few hundred times per fitted series.
 */
export interface Minimum {
  x: number[];
  f: number;
  evals: number;
}

export function nelderMead(
  f: (x: number[]) => number,
  x0: number[],
  step: number[],
  lo: number[],
  hi: number[],
  maxEvals: number,
  tol = 1e-5,
): Minimum {
  const d = x0.length;
  const clamp = (x: number[]) => {
    for (let i = 0; i < d; i++) x[i] = Math.min(hi[i]!, Math.max(lo[i]!, x[i]!));
    return x;
  };
  let evals = 0;
  const evaluate = (x: number[]) => {
    evals++;
    const v = f(x);
    return Number.isNaN(v) ? Number.POSITIVE_INFINITY : v;
  };
  const pts: number[][] = [clamp([...x0])];
  for (let i = 0; i < d; i++) {
    const p = [...x0];
    // Step inward when the start sits on the upper bound.
    p[i] = p[i]! + step[i]! > hi[i]! ? p[i]! - step[i]! : p[i]! + step[i]!;
    pts.push(clamp(p));
  }
  const vals = pts.map(evaluate);
  const order = pts.map((_, i) => i);
  const centroid = new Array<number>(d).fill(0);
  const along = (c: number, worst: number[]) => clamp(centroid.map((m, i) => m + c * (worst[i]! - m)));

  while (evals < maxEvals) {
    order.sort((a, b) => vals[a]! - vals[b]!);
    const best = order[0]!;
    const worst = order[d]!;
    const second = order[d - 1]!;
    const fBest = vals[best]!;
    const fWorst = vals[worst]!;
    if (Math.abs(fWorst - fBest) <= tol * (Math.abs(fBest) + 1e-30)) break;
    centroid.fill(0);
    for (const k of order) {
      if (k === worst) continue;
      for (let i = 0; i < d; i++) centroid[i] = centroid[i]! + pts[k]![i]! / d;
    }
    const xr = along(-1, pts[worst]!);
    const fr = evaluate(xr);
    if (fr < fBest) {
      const xe = along(-2, pts[worst]!);
      const fe = evaluate(xe);
      if (fe < fr) {
        pts[worst] = xe;
        vals[worst] = fe;
      } else {
        pts[worst] = xr;
        vals[worst] = fr;
      }
      continue;
    }
    if (fr < vals[second]!) {
      pts[worst] = xr;
      vals[worst] = fr;
      continue;
    }
    const outside = fr < fWorst;
    const xc = along(outside ? -0.5 : 0.5, pts[worst]!);
    const fc = evaluate(xc);
    if (fc < (outside ? fr : fWorst)) {
      pts[worst] = xc;
      vals[worst] = fc;
      continue;
    }
    // Shrink towards the best point.
    for (const k of order) {
      if (k === best) continue;
      pts[k] = clamp(pts[k]!.map((v, i) => pts[best]![i]! + 0.5 * (v - pts[best]![i]!)));
      vals[k] = evaluate(pts[k]!);
    }
  }
  let bestIndex = 0;
  for (let k = 1; k <= d; k++) if (vals[k]! < vals[bestIndex]!) bestIndex = k;
  return { x: pts[bestIndex]!, f: vals[bestIndex]!, evals };
}

/**
 * Composite SLOs: objectives that each have their own indicator, combined by `compositeWeight`.
 *
 * What OpenSLO (github.com/OpenSLO/OpenSLO) says:
 *  - the objective field: "compositeWeight: numeric (0.0, inf+] # optional, supported only when
 *    declaring multiple objectives, default value 1." (objectives schema, enhancements/v2alpha.md);
 *  - glossary/README.md, "Composite SLO": "Composite SLO burns its error budget when any of SLOs
 *    beneath burns their error budget. User should be able to specify weight that will decide if
 *    composite SLO is burning faster or slower depending on which inner SLO is burning its error
 *    budget.";
 *  - the pull request that added composites (#182): the weight "specifies how fast error budget
 *    of composite SLO should be burned if given SLO is below its objective".
 * It gives no formula. Headroom reads it, for each budgeting method in that method's own units —
 * events (Occurrences), slices (Timeslices), slice ratios (RatioTimeslices) — as
 *
 *     consumed = Σᵢ wᵢ · badᵢ / bᵢ  ÷  Σᵢ wᵢ · totalᵢ          bᵢ = 1 − targetᵢ
 *
 * Every objective's bad units are priced against its own budget, weighted, and pooled with the
 * other objectives' (weighted) units, so: the composite burns as soon as any objective burns; a
 * heavier objective burns it faster; one objective alone gives back its own error ratio ÷ budget;
 * Occurrences stays a ratio of sums of events, Timeslices counts bad slices among all slices,
 * RatioTimeslices averages slice ratios. A burn rate over a look-back is the same expression over
 * the look-back's sums, and the composite SLI is Σ wᵢ·goodᵢ ÷ Σ wᵢ·totalᵢ.
 */
import { InputError } from '../errors.js';
import { errorBudget } from './budget.js';

export interface CompositePart {
  /** Good units of this objective over the window. */
  good: number;
  total: number;
  /** The objective's target in [0, 1). */
  objective: number;
  /** compositeWeight (> 0), 1 when not written. */
  weight: number;
}

export interface CompositeStatus {
  /** Σ w·good ÷ Σ w·total; null without data. */
  sli: number | null;
  /** The burn over the window (see above); 0 without data. */
  consumed: number;
  remaining: number;
  /** As consumed, but null without data: the burn rate when the sums are a look-back's. */
  burnRate: number | null;
}

export function checkCompositeWeight(weight: number): number {
  if (!(weight > 0 && weight < Number.POSITIVE_INFINITY)) {
    throw new InputError(`compositeWeight must be a number > 0, not ${weight}.`, [
      { path: 'compositeWeight', message: 'must be > 0' },
    ]);
  }
  return weight;
}

export function compositeStatus(parts: readonly CompositePart[]): CompositeStatus {
  let weightedTotal = 0;
  let weightedGood = 0;
  let pricedBad = 0;
  for (const p of parts) {
    const w = checkCompositeWeight(p.weight);
    const budget = errorBudget(p.objective);
    weightedTotal += w * p.total;
    weightedGood += w * p.good;
    pricedBad += (w * (p.total - p.good)) / budget;
  }
  if (!(weightedTotal > 0)) return { sli: null, consumed: 0, remaining: 1, burnRate: null };
  const consumed = pricedBad / weightedTotal;
  return { sli: weightedGood / weightedTotal, consumed, remaining: 1 - consumed, burnRate: consumed };
}

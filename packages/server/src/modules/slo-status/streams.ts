/**
 * Which bucket-store stream holds the data of each objective of an SLO, and in what form.
 * A ratio SLI's good/bad and total sources name the same stream (its two counts); a composite
 * SLO's objectives each have their own indicator and stream.
 */
import { defaultStream, isComposite, type Objective, type Sli, type Slo } from '@headroom/core/slo/model';

export interface ObjectivePlan {
  index: number;
  objective: Objective;
  stream: string;
  /** Data Headroom can turn into (good, total) buckets; threshold SLIs need per-minute values. */
  evaluable: boolean;
  note: string | null;
}

function streamOf(indicator: Sli | null, fallback: string): string {
  if (!indicator) return fallback;
  const m = indicator.metric;
  const source = m.type === 'ratio' ? m.total : m.type === 'raw' ? m.raw : m.metric;
  return source.stream ?? fallback;
}

function noteFor(indicator: Sli | null): string | null {
  if (!indicator) return 'The SLI reference does not resolve; no data can be read.';
  const m = indicator.metric;
  if (m.type === 'threshold')
    return 'Threshold SLIs are stored as per-minute values, which this release does not evaluate yet.';
  if (m.type === 'raw')
    return 'Raw (precomputed ratio) SLIs are not evaluated yet; push good/total counts instead.';
  const sources = [m.good, m.bad, m.total].filter((s) => s !== null);
  if (sources.some((s) => !s.queryable)) {
    return `Source type ${sources.find((s) => !s.queryable)?.effectiveType ?? 'unknown'} is not queryable by Headroom; push its counts to the embedded stream with POST /api/v1/ingest/events.`;
  }
  return null;
}

export function objectivePlans(slo: Slo): ObjectivePlan[] {
  const composite = isComposite(slo);
  return slo.objectives.map((objective, index) => {
    const indicator = composite ? objective.indicator : slo.indicator;
    const fallback = defaultStream(slo.name, composite ? index : undefined);
    const note = noteFor(indicator);
    const evaluable = indicator !== null && indicator.metric.type === 'ratio';
    return { index, objective, stream: streamOf(indicator, fallback), evaluable, note };
  });
}

/**
 * Which stream holds the data of each objective of an SLO, and in what form. A ratio SLI's
 * good/bad and total sources name the same stream (its two counts, in sli_buckets); a threshold
 * or raw SLI's stream holds one value per minute (sli_values, evaluated by values.ts); a
 * composite SLO's objectives each have their own indicator and stream.
 */
import {
  defaultStream,
  isComposite,
  metricSourcesOf,
  type Objective,
  type Sli,
  type Slo,
} from '@headroom/core/slo/model';

export interface ObjectivePlan {
  index: number;
  objective: Objective;
  stream: string;
  /** Where the stream's data is: count buckets (ratio SLIs) or per-minute values (threshold, raw). */
  data: 'buckets' | 'values';
  /** False only when the SLI itself is missing; data pushed to the stream is always evaluated. */
  evaluable: boolean;
  note: string | null;
}

function streamOf(indicator: Sli | null, fallback: string): string {
  if (!indicator) return fallback;
  const m = indicator.metric;
  const source = m.type === 'ratio' ? m.total : m.type === 'raw' ? m.raw : m.metric;
  return source.stream ?? fallback;
}

/** Why a threshold or raw SLI's values may not arrive by themselves, and how to send them. */
function valueNoteFor(indicator: Sli, stream: string): string | null {
  const m = indicator.metric;
  const source = metricSourcesOf(m)[0]!.source;
  const kind = m.type === 'threshold' ? 'Threshold' : 'Raw (precomputed ratio)';
  const push = `push one value per minute to stream '${stream}' with POST /api/v1/ingest/events ({"stream":"${stream}","ts":…,"value":…})`;
  if (source.effectiveType?.toLowerCase() === 'prometheus')
    return `${kind} SLIs are not polled from Prometheus yet (the poller reads the counts of ratio SLIs only): ${push}, for example from a recording rule, and they are evaluated.`;
  if (!source.queryable)
    return `Source type ${source.effectiveType ?? 'unknown'} is not queryable by Headroom; ${push}.`;
  return null;
}

function noteFor(indicator: Sli | null, stream: string): string | null {
  if (!indicator) return 'The SLI reference does not resolve; no data can be read.';
  const m = indicator.metric;
  if (m.type === 'threshold' || m.type === 'raw') return valueNoteFor(indicator, stream);
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
    const stream = streamOf(indicator, defaultStream(slo.name, composite ? index : undefined));
    const type = indicator?.metric.type;
    return {
      index,
      objective,
      stream,
      data: type === 'threshold' || type === 'raw' ? 'values' : 'buckets',
      evaluable: indicator !== null,
      note: noteFor(indicator, stream),
    };
  });
}

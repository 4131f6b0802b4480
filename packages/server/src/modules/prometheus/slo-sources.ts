/**
 * Which SLIs of an SLO Headroom reads from Prometheus, and how: the queries of a ratio SLI whose
 * sources are all `prometheus` (`spec.query`, or `spec.promql`), the connection from the
 * DataSource named by `metricSourceRef` (or a `url` in the source's own spec), and the stream the
 * buckets go to. A composite SLO gives one per objective.
 */
import { InputError } from '@headroom/core';
import type { MetricSource, Sli, Slo } from '@headroom/core/slo/model';
import { openConnectionDetails } from '../secrets/datasources.js';
import { connectionFromDetails, type PrometheusConnection } from './client.js';
import type { PrometheusSli } from './poller.js';

export interface PrometheusSources {
  slis: PrometheusSli[];
  /** Indicators that name Prometheus but cannot be polled, and why. */
  problems: { stream: string | null; message: string }[];
}

function isPrometheus(source: MetricSource | null): boolean {
  return source?.effectiveType?.toLowerCase() === 'prometheus';
}

function queryOf(source: MetricSource, field: string): string {
  const query = source.spec.query ?? source.spec.promql;
  if (typeof query !== 'string' || query.trim() === '') {
    throw new InputError(`the ${field} source has no Prometheus query (spec.query)`);
  }
  return query;
}

function connectionOf(source: MetricSource, field: string): PrometheusConnection {
  // Credentials are stored sealed; opened here, for the request only.
  if (source.dataSource) return connectionFromDetails(openConnectionDetails(source.dataSource));
  if (typeof source.spec.url === 'string') return connectionFromDetails({ url: source.spec.url }, '/spec');
  throw new InputError(
    `the ${field} source names no DataSource (metricSourceRef) whose connectionDetails give the Prometheus URL` +
      (source.metricSourceRef ? ` (DataSource ${source.metricSourceRef} is not applied)` : ''),
  );
}

/** The PrometheusSli of one indicator, null when it does not read Prometheus at all. */
export function prometheusSliOf(sli: Sli): PrometheusSli | null {
  const { metric } = sli;
  const sources =
    metric.type === 'ratio'
      ? [metric.good, metric.bad, metric.total]
      : metric.type === 'raw'
        ? [metric.raw]
        : [metric.metric];
  if (!sources.some(isPrometheus)) return null;
  if (metric.type !== 'ratio') {
    throw new InputError(
      `${metric.type === 'raw' ? 'a raw (precomputed ratio)' : 'a threshold'} SLI is not read from Prometheus yet; ` +
        'only ratioMetric with good or bad, and total',
    );
  }
  const numerator = metric.good ?? metric.bad;
  const as = metric.good ? 'good' : 'bad';
  if (!numerator || !isPrometheus(numerator) || !isPrometheus(metric.total)) {
    throw new InputError(`the ${as} and total sources must both be Prometheus queries`);
  }
  const connection = connectionOf(metric.total, 'total');
  if (JSON.stringify(connectionOf(numerator, as)) !== JSON.stringify(connection)) {
    throw new InputError(`the ${as} and total sources must read the same Prometheus`);
  }
  const stream = metric.total.stream;
  if (!stream) throw new InputError('the indicator is bound to no stream');
  return {
    stream,
    connection,
    queries: {
      [as]: queryOf(numerator, as),
      total: queryOf(metric.total, 'total'),
      ...(metric.counter === null ? {} : { counter: metric.counter }),
    },
  };
}

/** Every Prometheus-backed indicator of an SLO (its own, or each objective's in a composite). */
export function prometheusSourcesOf(slo: Slo): PrometheusSources {
  const indicators = [slo.indicator, ...slo.objectives.map((o) => o.indicator)].filter(
    (sli): sli is Sli => sli !== null,
  );
  const out: PrometheusSources = { slis: [], problems: [] };
  for (const sli of indicators) {
    try {
      const polled = prometheusSliOf(sli);
      if (polled) out.slis.push(polled);
    } catch (error) {
      const stream = sli.metric.type === 'ratio' ? sli.metric.total.stream : null;
      out.problems.push({ stream, message: error instanceof Error ? error.message : String(error) });
    }
  }
  return out;
}

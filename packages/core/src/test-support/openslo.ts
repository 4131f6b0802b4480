/** OpenSLO documents for the config tests: an SLO template and ways to compile or refuse it. */
import { expect } from 'vitest';
import { compileConfig } from '../config/compile.js';
import { builtinKindRegistry } from '../config/index.js';
import type { SloObject } from '../config/openslo/refs.js';
import type { DesiredObject } from '../config/types.js';
import { InputError } from '../errors.js';
import type { Slo } from '../slo/model.js';

export const registry = builtinKindRegistry();
export function compile(content: string, path = 'slo.yaml') {
  return compileConfig([{ path, content }], registry);
}

export function failure(content: string, path = 'slo.yaml'): InputError {
  try {
    compile(content, path);
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected the document to be rejected');
}

/** The errors as [path, line, message] for compact assertions. */
export function problems(content: string) {
  const e = failure(content);
  expect(e.code).toBe('INVALID_CONFIG');
  return (e.errors ?? []).map((p) => [p.path, p.line, p.message] as const);
}

export const sloOf = (content: string): Slo => {
  const o = compile(content).objects.find((x) => x.type === 'slo') as DesiredObject<SloObject>;
  return o.data.slo;
};

export interface SloParts {
  objectives?: string;
  method?: string;
  window?: string;
  indicator?: string;
  extra?: string;
}

export const RATIO = `  indicator:
    metadata:
      name: availability
    spec:
      ratioMetric:
        good:
          metricSource:
            type: Prometheus
            spec:
              query: sum(rate(http_requests_total{code!~"5.."}[{{.window}}]))
        total:
          metricSource:
            type: Prometheus
            spec:
              query: sum(rate(http_requests_total[{{.window}}]))`;

export const THRESHOLD = `  indicator:
    metadata:
      name: latency
    spec:
      thresholdMetric:
        metricSource:
          type: Datadog
          spec:
            query: avg:latency{*}`;

export function slo(parts: SloParts = {}): string {
  return `apiVersion: openslo/v1
kind: SLO
metadata:
  name: checkout-availability
spec:
  service: checkout
${parts.indicator ?? RATIO}
  timeWindow:
${parts.window ?? '    - duration: 28d\n      isRolling: true'}
  budgetingMethod: ${parts.method ?? 'Occurrences'}
  objectives:
${parts.objectives ?? '    - target: 0.999'}
${parts.extra ?? ''}`;
}

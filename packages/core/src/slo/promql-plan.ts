/**
 * How Headroom turns one Prometheus query of a ratio SLI (its good, bad or total source) into a
 * count of events per one-minute bucket. Minute buckets are keyed by their start `M` (epoch ms)
 * and hold the events Prometheus saw in (M, M + 60 s]. Two plans, chosen from the query's shape:
 *
 * **counter** — exact. The query is a counter selector, optionally inside `sum(...)`
 * (`http_requests_total{code!~"5.."}`, `sum by (code) (x_total)`: OpenSLO's `counter: true`).
 * Headroom asks for the raw selector over a range with a 60 s step, so each point is the
 * counter's last sample at a minute boundary, and takes per-series differences of consecutive
 * points itself: a bucket gets v(M + 60 s) − v(M), or v(M + 60 s) when the counter went down (a
 * reset, counted as Prometheus' increase() counts it). Differences are summed over series
 * (which is what the outer `sum` meant, without its flaw: a series that vanishes from a sum
 * looks like a counter reset). No extrapolation: buckets are whole numbers, and the buckets of
 * any stretch add up to exactly the counters' growth between its end samples. A series without
 * a point at both ends of a minute adds nothing to it (a gap, as in Prometheus' own increase());
 * a minute where no series has two points has no bucket.
 *
 * **windowed** — an estimate. The query has the `{{.window}}` placeholder (Sloth, OpenSLO's
 * examples). It is rendered with `1m` and evaluated at each minute's end. It must be a sum of
 * `rate(selector[{{.window}}])` terms (per second: times 60) or of `increase(...)` terms (as is),
 * under `sum`, parentheses, `+`, `-`, or `or vector(0)`, so that the value is a count per minute.
 * Prometheus extrapolates both functions to the window's edges, so buckets are estimates (not
 * whole numbers; exact only when samples fall on the minute boundaries), and a one-minute window
 * needs at least two samples in it: scrape every 30 s or faster.
 *
 * Anything else (ratios, `max`, `histogram_quantile`, a fixed `[5m]` range, gauges) cannot be
 * turned into events per minute and is refused with the reason.
 */
import {
  callArguments,
  expressionChildren,
  functionName,
  hasWindowPlaceholder,
  type PromqlNode,
  type PromqlProblem,
  parsePromql,
} from './promql.js';

export type SliQueryPlan =
  | {
      kind: 'counter';
      /** The selector to evaluate at minute boundaries (the query without its outer sum). */
      query: string;
      exact: true;
    }
  | {
      kind: 'windowed';
      /** The query with `{{.window}}` rendered as `1m`, evaluated at each minute's end. */
      query: string;
      /** 60 for per-second rates, 1 for increases: value × scale = events in the minute. */
      scale: 1 | 60;
      exact: false;
    };

export type SliQueryPlanResult = { ok: true; plan: SliQueryPlan } | { ok: false; errors: PromqlProblem[] };

export interface PlanOptions {
  /** OpenSLO's `ratioMetric.counter`; false means the metric is not a counter. */
  counter?: boolean;
}

/** Width of a bucket, and the range rendered into `{{.window}}` to get one bucket's events. */
export const BUCKET_WINDOW = '1m';

export function planSliQuery(query: string, options: PlanOptions = {}): SliQueryPlanResult {
  const parsed = parsePromql(query, BUCKET_WINDOW);
  if (parsed.errors.length > 0) return { ok: false, errors: parsed.errors };
  const { text } = parsed;
  const root = expressionChildren(parsed.tree.topNode)[0];
  const refuse = (message: string): SliQueryPlanResult => ({
    ok: false,
    errors: [{ message, from: 0, to: query.length, line: 1, column: 1 }],
  });
  if (!root) return refuse('the query is empty');

  if (hasWindowPlaceholder(query)) {
    const isWindow = (node: PromqlNode) =>
      parsed.windows.some((w) => w.from === node.from && w.to === node.to);
    const kind = linearKind(text, root, isWindow);
    if (kind === 'rate' || kind === 'increase') {
      return {
        ok: true,
        plan: { kind: 'windowed', query: text.trim(), scale: kind === 'rate' ? 60 : 1, exact: false },
      };
    }
    return refuse(
      'a query with {{.window}} must add up rate(selector[{{.window}}]) or increase(selector[{{.window}}]) terms ' +
        '(under sum, +, - or "or vector(0)") so that it counts events; ' +
        (kind === 'mixed' ? 'this one mixes rate() and increase()' : 'this one does not'),
    );
  }

  if (options.counter === false) {
    return refuse(
      'a query that is not a counter (counter: false) must use {{.window}} with rate() or increase(), ' +
        'as in sum(rate(x[{{.window}}])), so that it counts events per minute',
    );
  }
  const selector = counterSelector(root);
  if (!selector) {
    return refuse(
      'a counter query must be a counter selector, optionally inside sum(...), such as ' +
        'sum(http_requests_total{code!~"5.."}); for other expressions use rate(...[{{.window}}])',
    );
  }
  return { ok: true, plan: { kind: 'counter', query: text.slice(selector.from, selector.to), exact: true } };
}

/** The selector of `x`, `(x)`, `sum(x)`, `sum by (l) (x)`, `sum without (l) (x)`; null otherwise. */
function counterSelector(node: PromqlNode): PromqlNode | null {
  let current = node;
  let sums = 0;
  for (;;) {
    if (current.name === 'ParenExpr') {
      const inner = expressionChildren(current)[0];
      if (!inner) return null;
      current = inner;
    } else if (current.name === 'AggregateExpr' && isSum(current) && sums === 0) {
      const args = callArguments(current);
      if (args.length !== 1 || !args[0]) return null;
      current = args[0];
      sums++;
    } else if (current.name === 'VectorSelector') {
      return current;
    } else {
      return null;
    }
  }
}

function isSum(node: PromqlNode): boolean {
  return node.getChild('AggregateOp')?.getChild('Sum') != null;
}

type LinearKind = 'rate' | 'increase' | 'zero' | 'mixed' | 'other';

function combine(a: LinearKind, b: LinearKind): LinearKind {
  if (a === 'other' || b === 'other') return 'other';
  if (a === 'zero') return b;
  if (b === 'zero' || a === b) return a;
  return 'mixed';
}

/** What a query adds up: per-second rates, increases, or something that is no count at all. */
function linearKind(text: string, node: PromqlNode, isWindow: (node: PromqlNode) => boolean): LinearKind {
  switch (node.name) {
    case 'ParenExpr': {
      const inner = expressionChildren(node)[0];
      return inner ? linearKind(text, inner, isWindow) : 'other';
    }
    case 'AggregateExpr': {
      const args = callArguments(node);
      return isSum(node) && args.length === 1 && args[0] ? linearKind(text, args[0], isWindow) : 'other';
    }
    case 'NumberDurationLiteral':
      return Number(text.slice(node.from, node.to)) === 0 ? 'zero' : 'other';
    case 'FunctionCall': {
      const name = functionName(text, node);
      const args = callArguments(node);
      if (name === 'vector') {
        return args.length === 1 && args[0] && linearKind(text, args[0], isWindow) === 'zero'
          ? 'zero'
          : 'other';
      }
      if (name !== 'rate' && name !== 'increase') return 'other';
      const matrix = args[0];
      if (args.length !== 1 || matrix?.name !== 'MatrixSelector') return 'other';
      const range = matrix.getChild('DurationExpr');
      return range && isWindow(range) ? name : 'other';
    }
    case 'BinaryExpr': {
      const [left, right] = expressionChildren(node);
      if (!left || !right) return 'other';
      const op = node.getChild('Add')
        ? 'add'
        : node.getChild('Sub')
          ? 'sub'
          : node.getChild('Or')
            ? 'or'
            : null;
      if (!op || node.getChild('BoolModifier')) return 'other';
      const l = linearKind(text, left, isWindow);
      const r = linearKind(text, right, isWindow);
      // `a or vector(0)` fills no data with zero; `a or b` of two counts is no sum.
      if (op === 'or' && l !== 'zero' && r !== 'zero') return 'other';
      return combine(l, r);
    }
    default:
      return 'other';
  }
}

type Path = readonly (string | number)[];

/**
 * The check of an OpenSLO metricSource for apply (`checkMetricSource` of the OpenSLO readers):
 * a `prometheus` source's `spec.query` must be PromQL by Prometheus' grammar (an error, with the
 * line and column inside the query); in a ratio SLI, a query Headroom cannot turn into events per
 * minute is a warning (the SLO applies, and its status says why it has no data).
 */
export function checkPrometheusMetricSource(
  source: { type: string | null; spec: Record<string, unknown> },
  report: { error(path: Path, message: string): void; warn(path: Path, message: string): void },
  path: Path,
): void {
  if (source.type?.toLowerCase() !== 'prometheus') return;
  const field =
    source.spec.query !== undefined ? 'query' : source.spec.promql !== undefined ? 'promql' : null;
  if (field === null) {
    report.error([...path, 'spec'], 'a Prometheus metricSource needs spec.query (PromQL)');
    return;
  }
  const query = source.spec[field];
  if (typeof query !== 'string') {
    report.error([...path, 'spec', field], 'must be a PromQL query (text)');
    return;
  }
  const at = (p: PromqlProblem) =>
    query.includes('\n') ? `line ${p.line}, column ${p.column}` : `column ${p.column}`;
  const check = parsePromql(query);
  if (check.errors.length > 0) {
    for (const p of check.errors) report.error([...path, 'spec', field], `PromQL ${at(p)}: ${p.message}`);
    return;
  }
  if (path.includes('ratioMetric') && ['good', 'bad', 'total'].some((f) => path.includes(f))) {
    const planned = planSliQuery(query);
    if (!planned.ok) {
      report.warn(
        [...path, 'spec', field],
        `Headroom cannot read this query as events per minute: ${planned.errors[0]?.message}`,
      );
    }
  }
}

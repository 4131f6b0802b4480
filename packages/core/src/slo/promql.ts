/**
 * PromQL checks with Prometheus' own grammar (@prometheus-io/lezer-promql, the parser behind
 * the Prometheus UI's editor), plus the few type rules of Prometheus' parser that catch the
 * usual mistakes (`rate(x)` without a range, a range vector where an instant vector belongs).
 * Pure and browser-safe.
 *
 * Queries may carry Sloth's / OpenSLO's `{{.window}}` placeholder (also written
 * `{{ .window }}`), and only as the range of a selector or subquery: `rate(x[{{.window}}])`.
 * It is replaced by a duration before parsing, and positions are reported in the query as
 * written.
 */
import { parser } from '@prometheus-io/lezer-promql';

type Tree = ReturnType<typeof parser.parse>;
export type PromqlNode = Tree['topNode'];

export interface PromqlProblem {
  message: string;
  /** 0-based offsets into the query as written, `to` exclusive. */
  from: number;
  to: number;
  /** 1-based line and column of `from`. */
  line: number;
  column: number;
}

export type PromqlCheck = { ok: true } | { ok: false; errors: PromqlProblem[] };

export const WINDOW_PLACEHOLDER = /\{\{\s*\.window\s*\}\}/g;
const PROMQL_DURATION = /^([0-9]+(ms|[smhdwy]))+$/;

export function hasWindowPlaceholder(query: string): boolean {
  return new RegExp(WINDOW_PLACEHOLDER.source).test(query);
}

/** Replaces every `{{.window}}` with a PromQL duration such as `1m` or `5m`. */
export function renderWindow(query: string, window: string): string {
  if (!PROMQL_DURATION.test(window)) throw new Error(`"${window}" is not a PromQL duration such as 5m`);
  return query.replace(WINDOW_PLACEHOLDER, window);
}

interface Span {
  /** In the query as written. */
  origFrom: number;
  origTo: number;
  /** In the rendered query. */
  from: number;
  to: number;
}

/** The query with each placeholder replaced, and where each replacement sits. */
function substitute(query: string, window: string): { text: string; spans: Span[] } {
  const spans: Span[] = [];
  let text = '';
  let last = 0;
  for (const match of query.matchAll(WINDOW_PLACEHOLDER)) {
    text += query.slice(last, match.index);
    spans.push({
      origFrom: match.index,
      origTo: match.index + match[0].length,
      from: text.length,
      to: text.length + window.length,
    });
    text += window;
    last = match.index + match[0].length;
  }
  return { text: text + query.slice(last), spans };
}

function toOriginal(pos: number, spans: Span[], end: boolean): number {
  let delta = 0;
  for (const span of spans) {
    if (pos < span.from || (end && pos === span.from)) break;
    if (pos < span.to || (end && pos === span.to)) return end ? span.origTo : span.origFrom;
    delta = span.origTo - span.to;
  }
  return pos + delta;
}

function problem(query: string, message: string, from: number, to: number): PromqlProblem {
  const before = query.slice(0, from);
  const line = before.split('\n').length;
  const column = from - (before.lastIndexOf('\n') + 1) + 1;
  return { message, from, to: Math.max(to, from), line, column };
}

/** A parsed query: the tree of the rendered text and a way back to positions as written. */
export interface ParsedPromql {
  text: string;
  tree: Tree;
  errors: PromqlProblem[];
  /** Spans of the rendered text that stand for `{{.window}}`. */
  windows: { from: number; to: number }[];
}

/** Parses `query` with `{{.window}}` rendered as `window`; errors are syntax, placement and type errors. */
export function parsePromql(query: string, window = '5m'): ParsedPromql {
  const { text, spans } = substitute(query, window);
  const tree = parser.parse(text);
  const raw: { message: string; from: number; to: number }[] = [];
  if (text.trim() === '') raw.push({ message: 'the query is empty', from: 0, to: 0 });
  else {
    const syntax = firstSyntaxError(text, tree);
    if (syntax) raw.push(syntax);
  }
  if (raw.length === 0) {
    for (const span of spans) {
      if (!isRangeDuration(tree, span.from)) {
        raw.push({
          message: '{{.window}} may only stand for the range of a selector or subquery, as in x[{{.window}}]',
          from: span.from,
          to: span.to,
        });
      }
    }
    raw.push(...typeErrors(text, tree.topNode));
  }
  const errors = raw.map((e) =>
    problem(query, e.message, toOriginal(e.from, spans, false), toOriginal(e.to, spans, true)),
  );
  return { text, tree, errors, windows: spans.map(({ from, to }) => ({ from, to })) };
}

/** Checks a PromQL query meant to give an SLI: valid syntax, and an instant vector or scalar result. */
export function checkPromql(query: string): PromqlCheck {
  const { errors } = parsePromql(query);
  return errors.length === 0 ? { ok: true } : { ok: false, errors };
}

function firstSyntaxError(text: string, tree: Tree): { message: string; from: number; to: number } | null {
  let found: { from: number; to: number } | null = null;
  tree.iterate({
    enter(node) {
      if (found) return false;
      if (node.type.isError) {
        found = { from: node.from, to: node.to };
        return false;
      }
      return undefined;
    },
  });
  if (!found) return null;
  const { from, to } = found as { from: number; to: number };
  const rest = text.slice(from);
  if (rest.trim() === '') return { message: 'unexpected end of the query', from, to: from };
  const callee = /([A-Za-z_][A-Za-z0-9_:]*)\s*$/.exec(text.slice(0, from));
  if (callee && rest.startsWith('(')) {
    return {
      message: `unknown function "${callee[1]}"`,
      from: from - callee[0].length,
      to: from - callee[0].length + (callee[1]?.length ?? 0),
    };
  }
  const token = /^\s*([A-Za-z0-9_:.]+|"[^"]*"?|'[^']*'?|\S)/.exec(rest);
  const shown = token?.[1] ?? rest.trim().charAt(0);
  const start = from + (token ? token[0].length - shown.length : 0);
  return {
    message: `unexpected ${JSON.stringify(shown.length > 30 ? `${shown.slice(0, 30)}…` : shown)}`,
    from: start,
    to: Math.max(to, start + shown.length),
  };
}

/** True when the text at `pos` is the range of a matrix selector or subquery (`x[here]`, `y[here:1m]`). */
function isRangeDuration(tree: Tree, pos: number): boolean {
  let node: PromqlNode | null = tree.resolveInner(pos, 1);
  while (node && node.name !== 'DurationExpr') node = node.parent;
  const parent = node?.parent;
  return parent?.name === 'MatrixSelector' || parent?.name === 'SubqueryExpr';
}

const EXPRESSIONS = new Set([
  'AggregateExpr',
  'AnchoredExpr',
  'BinaryExpr',
  'FunctionCall',
  'MatrixSelector',
  'NumberDurationLiteral',
  'OffsetExpr',
  'ParenExpr',
  'SmoothedExpr',
  'StepInvariantExpr',
  'StringLiteral',
  'SubqueryExpr',
  'UnaryExpr',
  'VectorSelector',
]);

/** The expression children of a node, in order. */
export function expressionChildren(node: PromqlNode): PromqlNode[] {
  const out: PromqlNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) {
    if (EXPRESSIONS.has(child.name)) out.push(child);
  }
  return out;
}

/** The arguments of a FunctionCall or the parameters and body of an AggregateExpr. */
export function callArguments(node: PromqlNode): PromqlNode[] {
  const body = node.getChild('FunctionCallBody');
  return body ? expressionChildren(body) : [];
}

export function functionName(text: string, call: PromqlNode): string {
  const id = call.getChild('FunctionIdentifier');
  return id ? text.slice(id.from, id.to) : '';
}

/** Functions that take a range vector, and at which argument. */
const RANGE_ARGUMENT: Record<string, number> = {
  rate: 0,
  irate: 0,
  increase: 0,
  delta: 0,
  idelta: 0,
  deriv: 0,
  changes: 0,
  resets: 0,
  predict_linear: 0,
  holt_winters: 0,
  double_exponential_smoothing: 0,
  quantile_over_time: 1,
};

function rangeArgumentIndex(name: string): number | undefined {
  if (name in RANGE_ARGUMENT) return RANGE_ARGUMENT[name];
  return name.endsWith('_over_time') ? 0 : undefined;
}

type ValueType = 'range vector' | 'instant vector' | 'scalar' | 'string';

function typeOf(node: PromqlNode): ValueType {
  switch (node.name) {
    case 'MatrixSelector':
    case 'SubqueryExpr':
      return 'range vector';
    case 'StringLiteral':
      return 'string';
    case 'NumberDurationLiteral':
      return 'scalar';
    case 'ParenExpr':
    case 'OffsetExpr':
    case 'StepInvariantExpr':
    case 'AnchoredExpr':
    case 'SmoothedExpr':
    case 'UnaryExpr': {
      const inner = expressionChildren(node)[0];
      return inner ? typeOf(inner) : 'instant vector';
    }
    default:
      return 'instant vector';
  }
}

function typeErrors(text: string, top: PromqlNode): { message: string; from: number; to: number }[] {
  const errors: { message: string; from: number; to: number }[] = [];
  const root = expressionChildren(top)[0];
  if (!root) return errors;
  const rootType = typeOf(root);
  if (rootType === 'range vector' || rootType === 'string') {
    errors.push({
      message: `the query gives a ${rootType}; an SLI query must give an instant vector or a scalar`,
      from: root.from,
      to: root.to,
    });
  }
  const visit = (node: PromqlNode): void => {
    if (node.name === 'FunctionCall') {
      const name = functionName(text, node);
      const rangeAt = rangeArgumentIndex(name);
      callArguments(node).forEach((arg, index) => {
        const type = typeOf(arg);
        if (index === rangeAt && type !== 'range vector') {
          errors.push({
            message: `${name}() needs a range vector such as x[5m] as argument ${index + 1}, got ${article(type)}`,
            from: arg.from,
            to: arg.to,
          });
        } else if (index !== rangeAt && type === 'range vector') {
          errors.push({
            message: `${name}() does not take a range vector as argument ${index + 1}`,
            from: arg.from,
            to: arg.to,
          });
        }
      });
    } else if (node.name === 'AggregateExpr' || node.name === 'BinaryExpr') {
      for (const operand of node.name === 'AggregateExpr' ? callArguments(node) : expressionChildren(node)) {
        if (typeOf(operand) === 'range vector') {
          errors.push({
            message:
              node.name === 'AggregateExpr'
                ? 'an aggregation takes an instant vector, not a range vector (wrap it in a function such as rate())'
                : 'a binary operator takes instant vectors or scalars, not a range vector',
            from: operand.from,
            to: operand.to,
          });
        }
      }
    }
    for (let child = node.firstChild; child; child = child.nextSibling) visit(child);
  };
  visit(root);
  return errors;
}

function article(type: ValueType): string {
  return type === 'instant vector' ? 'an instant vector' : `a ${type}`;
}

/**
 * Alertmanager's routing tree (dispatch/route.go), its defaults and its group keys.
 *
 * - Every route inherits receiver, escalation policy (Headroom's own), group_by and the three timings from its parent unless it sets
 *   them; the root inherits Alertmanager's defaults: no receiver, group_by [] (one group per
 *   route), group_wait 30s, group_interval 5m, repeat_interval 4h.
 * - `group_by: ['...']` groups by every label (one group per distinct label set).
 * - Matching is depth-first, left to right: a route that matches offers the alert to its children
 *   in order; the first child that matches ends the search at that level unless that child has
 *   `continue: true`; a route none of whose children match is itself the match. A route that does
 *   not match is skipped with its whole subtree. The root matches everything.
 * - A route's key is its parent's key, `/`, and its matchers sorted and printed as
 *   `{name="value",…}`; the group key is `<route key>:<group labels>`, the labels printed as
 *   `{a="x", b="y"}` (sorted, Go-quoted values), e.g. `{}/{severity="page"}:{alertname="X"}`.
 */
import {
  LABEL_NAME,
  type Labels,
  type Matcher,
  matchersToString,
  matches,
  sortMatchers,
} from './matchers.js';

export const DEFAULT_GROUP_WAIT_MS = 30_000;
export const DEFAULT_GROUP_INTERVAL_MS = 5 * 60_000;
export const DEFAULT_REPEAT_INTERVAL_MS = 4 * 3_600_000;
/** The group_by value that groups by all labels. */
export const GROUP_BY_ALL = '...';

/** A route as configured; absent or null options are inherited. */
export interface RouteConfig {
  /** Headroom's name for the route (a Route document's metadata.name); null for nested routes. */
  name?: string | null;
  receiver?: string | null;
  /** An EscalationPolicy name: firing groups of this route page through it. */
  escalationPolicy?: string | null;
  matchers?: readonly Matcher[];
  continue?: boolean;
  /** Label names, or `['...']` for all labels. */
  groupBy?: readonly string[] | null;
  groupWaitMs?: number | null;
  groupIntervalMs?: number | null;
  repeatIntervalMs?: number | null;
  routes?: readonly RouteConfig[];
}

/** The options a route applies, after inheritance. */
export interface RouteOptions {
  /** Null when neither the route nor an ancestor names one: matching alerts are not notified. */
  receiver: string | null;
  /** The EscalationPolicy that pages for this route's groups; null: none (not paged). */
  escalationPolicy: string | null;
  groupBy: string[];
  groupByAll: boolean;
  groupWaitMs: number;
  groupIntervalMs: number;
  repeatIntervalMs: number;
}

export interface InheritedOptions {
  receiver: boolean;
  escalationPolicy: boolean;
  groupBy: boolean;
  groupWait: boolean;
  groupInterval: boolean;
  repeatInterval: boolean;
}

export interface RouteNode {
  name: string | null;
  /** Sorted as Alertmanager sorts them (name, value, type). */
  matchers: Matcher[];
  continue: boolean;
  options: RouteOptions;
  /** True for each option taken from an ancestor or the defaults. */
  inherited: InheritedOptions;
  /** Alertmanager's route key: `{}` for the root, `{}/{severity="page"}` below it. */
  key: string;
  /** The key with the position among siblings, unique in the tree (Alertmanager's route ID). */
  id: string;
  /** Indexes from the root: [] is the root, [0, 2] the third child of the first child. */
  path: number[];
  routes: RouteNode[];
}

export interface RouteMatch {
  route: RouteNode;
  groupLabels: Record<string, string>;
  groupKey: string;
}

const DEFAULT_OPTIONS: RouteOptions = {
  receiver: null,
  escalationPolicy: null,
  groupBy: [],
  groupByAll: false,
  groupWaitMs: DEFAULT_GROUP_WAIT_MS,
  groupIntervalMs: DEFAULT_GROUP_INTERVAL_MS,
  repeatIntervalMs: DEFAULT_REPEAT_INTERVAL_MS,
};

function buildNode(config: RouteConfig, parent: RouteNode | null, position: number | null): RouteNode {
  const base = parent?.options ?? DEFAULT_OPTIONS;
  const options: RouteOptions = { ...base, groupBy: [...base.groupBy] };
  const has = <T>(v: T | null | undefined): v is T => v !== undefined && v !== null;
  if (has(config.receiver) && config.receiver !== '') options.receiver = config.receiver;
  const ownPolicy = has(config.escalationPolicy) && config.escalationPolicy !== '';
  if (ownPolicy) options.escalationPolicy = config.escalationPolicy as string;
  if (has(config.groupBy)) {
    options.groupByAll = config.groupBy.includes(GROUP_BY_ALL);
    options.groupBy = options.groupByAll ? [] : [...config.groupBy];
  }
  if (has(config.groupWaitMs)) options.groupWaitMs = config.groupWaitMs;
  if (has(config.groupIntervalMs)) options.groupIntervalMs = config.groupIntervalMs;
  if (has(config.repeatIntervalMs)) options.repeatIntervalMs = config.repeatIntervalMs;
  const matchers = sortMatchers(config.matchers ?? []);
  const key = parent ? `${parent.key}/${matchersToString(matchers)}` : matchersToString(matchers);
  const node: RouteNode = {
    name: config.name ?? null,
    matchers,
    continue: config.continue ?? false,
    options,
    inherited: {
      receiver: !(has(config.receiver) && config.receiver !== ''),
      escalationPolicy: !ownPolicy,
      groupBy: !has(config.groupBy),
      groupWait: !has(config.groupWaitMs),
      groupInterval: !has(config.groupIntervalMs),
      repeatInterval: !has(config.repeatIntervalMs),
    },
    key,
    id: position === null ? key : `${key}/${position}`,
    path: parent && position !== null ? [...parent.path, position] : [],
    routes: [],
  };
  node.routes = (config.routes ?? []).map((child, i) => buildNode(child, node, i));
  return node;
}

/** The tree with every option resolved. The root's matchers and `continue` are ignored by matching. */
export function buildRouteTree(root: RouteConfig): RouteNode {
  return buildNode(root, null, null);
}

function matchNode(node: RouteNode, labels: Labels, isRoot: boolean): RouteNode[] | null {
  if (!isRoot && !matches(node.matchers, labels)) return null;
  const all: RouteNode[] = [];
  for (const child of node.routes) {
    const found = matchNode(child, labels, false);
    if (found === null) continue;
    all.push(...found);
    if (!child.continue) break;
  }
  return all.length > 0 ? all : [node];
}

/** The labels of an alert that name its group on a route. */
export function groupLabelsFor(labels: Labels, options: RouteOptions): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(labels)) {
    if (options.groupByAll || options.groupBy.includes(name)) out[name] = value;
  }
  return out;
}

/** The routes an alert with these labels goes to, in order, with its group on each. */
export function matchRoutes(tree: RouteNode, labels: Labels): RouteMatch[] {
  return (matchNode(tree, labels, true) ?? []).map((route) => {
    const groupLabels = groupLabelsFor(labels, route.options);
    return { route, groupLabels, groupKey: groupKey(route, groupLabels) };
  });
}

/** Alertmanager's group key: `<route key>:<group labels>`. */
export function groupKey(route: Pick<RouteNode, 'key'>, groupLabels: Labels): string {
  return `${route.key}:${labelSetString(groupLabels)}`;
}

/** Every node, depth-first, root first. */
export function walkRoutes(tree: RouteNode): RouteNode[] {
  return [tree, ...tree.routes.flatMap(walkRoutes)];
}

// ---- printing label sets as Go does

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;
const GO_ESCAPES: Record<number, string> = {
  7: '\\a',
  8: '\\b',
  9: '\\t',
  10: '\\n',
  11: '\\v',
  12: '\\f',
  13: '\\r',
};

/** Go's strconv.Quote (`%q`): printable characters as they are, everything else escaped. */
export function goQuote(s: string): string {
  let out = '"';
  for (const c of s) {
    const cp = c.codePointAt(0)!;
    if (c === '"' || c === '\\') out += `\\${c}`;
    else if (PRINTABLE.test(c)) out += c;
    else if (GO_ESCAPES[cp]) out += GO_ESCAPES[cp];
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp < 0x10000) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += `\\U${cp.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

/**
 * A label set as Alertmanager 0.25's prometheus/common prints it: `name="value"` pairs sorted as
 * strings (so `a1` comes before `a`, as `1` sorts before `=`), joined by `, `, in braces.
 */
export function labelSetString(labels: Labels): string {
  const pairs = Object.entries(labels).map(([name, value]) => `${name}=${goQuote(value)}`);
  pairs.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${pairs.join(', ')}}`;
}

// ---- durations as Prometheus and Alertmanager write them

const DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const UNIT_MS = [365 * 86_400_000, 7 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1_000, 1];

/** `1h30m`, `30s`, `4h`, `0` → milliseconds; null when not a Prometheus duration. */
export function parsePromDuration(text: string): number | null {
  if (text === '0') return 0;
  if (text === '') return null;
  const m = DURATION.exec(text);
  if (!m) return null;
  let ms = 0;
  for (let i = 0; i < UNIT_MS.length; i++) {
    const part = m[i + 1];
    if (part !== undefined) ms += Number(part) * UNIT_MS[i]!;
  }
  return Number.isSafeInteger(ms) ? ms : null;
}

/** Milliseconds as Prometheus prints a duration: `5m`, `4h`, `1h30m`, `90d`, `0s`. */
export function formatPromDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  const units: [string, number, boolean][] = [
    ['y', UNIT_MS[0]!, true],
    ['w', UNIT_MS[1]!, true],
    ['d', UNIT_MS[2]!, false],
    ['h', UNIT_MS[3]!, false],
    ['m', UNIT_MS[4]!, false],
    ['s', UNIT_MS[5]!, false],
    ['ms', 1, false],
  ];
  for (const [unit, size, exact] of units) {
    // Years and weeks only when they divide the rest: 90d reads better than 12w6d.
    if (exact && rest % size !== 0) continue;
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}

// ---- validation shared by the config kinds and the API

export interface RouteProblem {
  /** Path below the route (`['groupBy', 1]`). */
  path: (string | number)[];
  message: string;
}

/** Alertmanager's checks of a group_by list. */
export function checkGroupBy(groupBy: readonly string[]): RouteProblem[] {
  const problems: RouteProblem[] = [];
  const seen = new Set<string>();
  groupBy.forEach((name, i) => {
    if (name !== GROUP_BY_ALL && !LABEL_NAME.test(name))
      problems.push({ path: [i], message: `'${name}' is not a valid label name` });
    else if (seen.has(name)) problems.push({ path: [i], message: `duplicated label '${name}' in groupBy` });
    seen.add(name);
  });
  if (groupBy.includes(GROUP_BY_ALL) && groupBy.length > 1)
    problems.push({
      path: [],
      message: "cannot have the wildcard '...' (group by all labels) and other labels at the same time",
    });
  return problems;
}

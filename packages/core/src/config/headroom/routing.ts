/**
 * `headroom.dev/v1` kinds `Route`, `InhibitRule` and `Silence`: Alertmanager's routing tree,
 * inhibition rules and silences as config as code.
 *
 * Route: each document is one top-level route of the tree (with nested `routes` of its own),
 * tried in `spec.order` (then name) order. One document may instead be the root (`spec.root:
 * true`): its receiver takes every alert no other route matches, and its groupBy and timings are
 * the defaults every route inherits. The root has no matchers, order or continue. Without a root
 * document the root has no receiver (unmatched alerts are not notified) and Alertmanager's defaults
 * (groupBy [], 30s / 5m / 4h). Receivers are NotificationChannel names.
 *
 *     apiVersion: headroom.dev/v1
 *     kind: Route
 *     metadata: { name: payments-pages }
 *     spec:
 *       order: 10
 *       matchers: ['team="payments"', 'severity=~"critical|page"']
 *       receiver: payments-pager
 *       continue: true
 *       groupBy: [alertname, slo]
 *       groupWait: 10s
 *       routes:
 *         - matchers: ['env="staging"']
 *           receiver: payments-slack
 *
 * `escalationPolicy: <EscalationPolicy name>` (root or nested, inherited like `receiver`) pages
 * through that policy when a group of the route fires; a route may page with or without a receiver.
 *
 * Matchers are Alertmanager's strings (`name="v"`, `!=`, `=~`, `!~`; one or a comma list per item);
 * durations Prometheus' (`30s`, `5m`, `1h30m`).
 */
import { type Matcher, MatcherParseError, parseMatchers } from '../../alerting/matchers.js';
import { checkGroupBy, parsePromDuration } from '../../alerting/routes.js';
import { checkSilence } from '../../alerting/silences.js';
import { NOTIFICATION_CHANNEL_REF_KIND } from '../../notifications/channel.js';
import {
  type Fields,
  isMap,
  type Path,
  readBoolean,
  readList,
  readMap,
  readMetadata,
  readName,
  readString,
  warnUnknown,
} from '../openslo/read.js';
import { toPointer } from '../path.js';
import type { KindRegistry } from '../registry.js';
import type { DesiredObject, KindHandler, NormalizeContext, ObjectReference } from '../types.js';
import { HEADROOM_API_VERSION } from './budget-correction.js';
import { ESCALATION_POLICY_REF_KIND } from './escalation-policy.js';

export const ROUTE_KIND = 'Route';
export const ROUTE_TYPE = 'alert-route';
export const ROUTE_REF_KIND = 'route';
export const INHIBIT_RULE_KIND = 'InhibitRule';
export const INHIBIT_RULE_TYPE = 'inhibit-rule';
export const INHIBIT_RULE_REF_KIND = 'inhibitrule';
export const SILENCE_KIND = 'Silence';
export const SILENCE_TYPE = 'silence';
export const SILENCE_REF_KIND = 'silence';

export const COMMENT_MAX = 1050;

/** A route's own settings (nested routes have no name, root or order). */
export interface RouteSpecDefinition {
  matchers: Matcher[];
  /** A NotificationChannel name; null inherits the parent's. */
  receiver: string | null;
  /**
   * An EscalationPolicy name: firing groups of the route page through it; null inherits the
   * parent's. Absent in definitions stored before paging existed (read as null).
   */
  escalationPolicy?: string | null;
  continue: boolean;
  /** null inherits; ['...'] groups by every label. */
  groupBy: string[] | null;
  /** Prometheus durations as written; null inherits. */
  groupWait: string | null;
  groupInterval: string | null;
  repeatInterval: string | null;
  routes: RouteSpecDefinition[];
}

export interface RouteDefinition extends RouteSpecDefinition {
  name: string;
  displayName: string | null;
  root: boolean;
  /** Position among the top-level routes (ascending, then name); 0 for the root. */
  order: number;
}

export interface InhibitRuleDefinition {
  name: string;
  displayName: string | null;
  sourceMatchers: Matcher[];
  targetMatchers: Matcher[];
  equal: string[];
  /**
   * The source alert's `service` mutes target alerts of the services that depend on it
   * (directly or through others, from the catalog's dependsOn and APIs), not of the same service.
   */
  dependants: boolean;
}

export interface SilenceDefinition {
  name: string;
  matchers: Matcher[];
  /** Epoch ms. */
  startsAt: number;
  endsAt: number;
  createdBy: string;
  comment: string;
}

export interface RouteObject {
  route: RouteDefinition;
  document: unknown;
}
export interface InhibitRuleObject {
  rule: InhibitRuleDefinition;
  document: unknown;
}
export interface SilenceObject {
  silence: SilenceDefinition;
  document: unknown;
}

export const routeRef = (name: string) => `${ROUTE_REF_KIND}:default/${name}`;
export const inhibitRuleRef = (name: string) => `${INHIBIT_RULE_REF_KIND}:default/${name}`;
export const silenceRef = (name: string) => `${SILENCE_REF_KIND}:default/${name}`;

// ---- field readers

/** A list of matcher strings; each may hold one matcher or a comma list (with or without braces). */
export function readMatchers(
  ctx: NormalizeContext,
  path: Path,
  value: unknown,
  required: boolean,
): Matcher[] {
  const before = ctx.errorCount;
  const items = readList(ctx, path, value, required);
  const out: Matcher[] = [];
  items.forEach((item, i) => {
    const text = readString(ctx, [...path, i], item, { required: true });
    if (text === null) return;
    try {
      out.push(...parseMatchers(text));
    } catch (error) {
      if (!(error instanceof MatcherParseError)) throw error;
      ctx.error([...path, i], `'${text}': ${error.message}`);
    }
  });
  if (required && out.length === 0 && ctx.errorCount === before)
    ctx.error(path, 'needs at least one matcher, e.g. alertname="HighLatency"');
  return out;
}

/** A Prometheus duration (`30s`, `5m`, `1h30m`) as written, or null. */
function readPromDuration(
  ctx: NormalizeContext,
  path: Path,
  value: unknown,
  options: { nonZero?: boolean } = {},
): string | null {
  if (value === undefined || value === null) return null;
  const text = typeof value === 'number' && value === 0 ? '0' : value;
  const ms = typeof text === 'string' ? parsePromDuration(text) : null;
  if (ms === null) {
    ctx.error(path, `must be a duration such as 30s, 5m, 4h or 1h30m, not ${JSON.stringify(value)}`);
    return null;
  }
  if (options.nonZero && ms === 0) {
    ctx.error(path, 'cannot be zero');
    return null;
  }
  return text as string;
}

function readGroupBy(ctx: NormalizeContext, path: Path, value: unknown): string[] | null {
  if (value === undefined || value === null) return null;
  const names: string[] = [];
  readList(ctx, path, value).forEach((item, i) => {
    const name = readString(ctx, [...path, i], item, { required: true });
    if (name !== null) names.push(name);
  });
  for (const p of checkGroupBy(names)) ctx.error([...path, ...p.path], p.message);
  return names;
}

const SNAKE: Record<string, string> = {
  group_by: 'groupBy',
  group_wait: 'groupWait',
  group_interval: 'groupInterval',
  repeat_interval: 'repeatInterval',
  escalation_policy: 'escalationPolicy',
  source_matchers: 'sourceMatchers',
  target_matchers: 'targetMatchers',
  starts_at: 'startsAt',
  ends_at: 'endsAt',
  created_by: 'createdBy',
};

function warnFields(
  ctx: NormalizeContext,
  path: Path,
  fields: Fields,
  known: readonly string[],
  what: string,
) {
  for (const key of Object.keys(fields)) {
    if (known.includes(key)) continue;
    const hint = SNAKE[key]
      ? `; did you mean ${SNAKE[key]}?`
      : key === 'match' || key === 'match_re' || key === 'source_match' || key === 'target_match'
        ? `; Alertmanager's deprecated ${key} is not supported, write matchers`
        : '';
    ctx.warn([...path, key], `is not a field of ${what}; ignored${hint}`);
  }
}

const ROUTE_FIELDS = [
  'matchers',
  'receiver',
  'escalationPolicy',
  'continue',
  'groupBy',
  'groupWait',
  'groupInterval',
  'repeatInterval',
  'routes',
];

function readRouteSpec(
  ctx: NormalizeContext,
  path: Path,
  spec: Fields,
  references: ObjectReference[],
  depth: number,
): RouteSpecDefinition {
  const receiver = readName(ctx, [...path, 'receiver'], spec.receiver, false);
  if (receiver !== null)
    references.push({
      ref: `${NOTIFICATION_CHANNEL_REF_KIND}:default/${receiver}`,
      path: toPointer([...path, 'receiver']),
      position: ctx.position([...path, 'receiver']),
    });
  const escalationPolicy = readName(ctx, [...path, 'escalationPolicy'], spec.escalationPolicy, false);
  if (escalationPolicy !== null)
    references.push({
      ref: `${ESCALATION_POLICY_REF_KIND}:default/${escalationPolicy}`,
      path: toPointer([...path, 'escalationPolicy']),
      position: ctx.position([...path, 'escalationPolicy']),
    });
  const routes: RouteSpecDefinition[] = [];
  readList(ctx, [...path, 'routes'], spec.routes).forEach((child, i) => {
    const at = [...path, 'routes', i];
    const fields = readMap(ctx, at, child, true);
    if (!fields) return;
    if (depth >= 20) {
      ctx.error(at, 'routes nest at most 20 levels deep');
      return;
    }
    warnFields(ctx, at, fields, ROUTE_FIELDS, 'a route');
    routes.push(readRouteSpec(ctx, at, fields, references, depth + 1));
  });
  return {
    matchers: readMatchers(ctx, [...path, 'matchers'], spec.matchers, false),
    receiver,
    escalationPolicy,
    continue: readBoolean(ctx, [...path, 'continue'], spec.continue) ?? false,
    groupBy: readGroupBy(ctx, [...path, 'groupBy'], spec.groupBy),
    groupWait: readPromDuration(ctx, [...path, 'groupWait'], spec.groupWait),
    groupInterval: readPromDuration(ctx, [...path, 'groupInterval'], spec.groupInterval, { nonZero: true }),
    repeatInterval: readPromDuration(ctx, [...path, 'repeatInterval'], spec.repeatInterval, {
      nonZero: true,
    }),
    routes,
  };
}

function readRoute(ctx: NormalizeContext, value: Fields, references: ObjectReference[]): RouteObject | null {
  warnUnknown(ctx, [], value, ['apiVersion', 'kind', 'metadata', 'spec'], 'a Route');
  const meta = readMetadata(ctx, ['metadata'], value.metadata);
  const spec = readMap(ctx, ['spec'], value.spec, true);
  if (!meta || !spec) return null;
  warnFields(ctx, ['spec'], spec, [...ROUTE_FIELDS, 'root', 'order'], 'a Route');
  const root = readBoolean(ctx, ['spec', 'root'], spec.root) ?? false;
  let order = 0;
  if (root) {
    for (const field of ['matchers', 'order', 'continue'] as const) {
      if (spec[field] !== undefined && spec[field] !== null)
        ctx.error(['spec', field], `the root route takes every alert: it has no ${field}`);
    }
    const none = (v: unknown) => v === undefined || v === null || v === '';
    if (none(spec.receiver) && none(spec.escalationPolicy))
      ctx.error(
        ['spec', 'receiver'],
        'is required on the root (or an escalationPolicy): the channel that gets every alert no other route takes',
      );
    if (spec.routes !== undefined && spec.routes !== null)
      ctx.error(
        ['spec', 'routes'],
        "the root's child routes are the other Route documents, in their spec.order",
      );
  } else if (spec.order === undefined || spec.order === null) {
    ctx.error(
      ['spec', 'order'],
      'is required: a whole number that places this route among the top-level routes (lower first)',
    );
  } else if (typeof spec.order !== 'number' || !Number.isSafeInteger(spec.order)) {
    ctx.error(['spec', 'order'], `must be a whole number, not ${JSON.stringify(spec.order)}`);
  } else order = spec.order;
  const definition = readRouteSpec(ctx, ['spec'], spec, references, 0);
  if (!root && definition.matchers.length === 0 && ctx.errorCount === 0)
    ctx.warn(['spec', 'matchers'], 'no matchers: this route takes every alert that reaches it');
  if (ctx.errorCount > 0) return null;
  return {
    route: { name: meta.name, displayName: meta.displayName, root, order, ...definition },
    document: value,
  };
}

function readInhibitRule(ctx: NormalizeContext, value: Fields): InhibitRuleObject | null {
  warnUnknown(ctx, [], value, ['apiVersion', 'kind', 'metadata', 'spec'], 'an InhibitRule');
  const meta = readMetadata(ctx, ['metadata'], value.metadata);
  const spec = readMap(ctx, ['spec'], value.spec, true);
  if (!meta || !spec) return null;
  warnFields(
    ctx,
    ['spec'],
    spec,
    ['sourceMatchers', 'targetMatchers', 'equal', 'dependants'],
    'an InhibitRule',
  );
  const dependants = readBoolean(ctx, ['spec', 'dependants'], spec.dependants) ?? false;
  // Alertmanager allows empty lists, but then every alert is a source or a target: refused here.
  const sourceMatchers = readMatchers(ctx, ['spec', 'sourceMatchers'], spec.sourceMatchers, true);
  const targetMatchers = readMatchers(ctx, ['spec', 'targetMatchers'], spec.targetMatchers, true);
  const equal: string[] = [];
  readList(ctx, ['spec', 'equal'], spec.equal).forEach((item, i) => {
    const name = readString(ctx, ['spec', 'equal', i], item, { required: true });
    if (name !== null) equal.push(name);
  });
  for (const p of checkGroupBy(equal)) {
    if (p.message.includes('wildcard') || equal[p.path[0] as number] === '...')
      ctx.error(['spec', 'equal', ...p.path], `'...' is not a label name`);
    else ctx.error(['spec', 'equal', ...p.path], p.message.replace('groupBy', 'equal'));
  }
  if (ctx.errorCount > 0) return null;
  return {
    rule: {
      name: meta.name,
      displayName: meta.displayName,
      sourceMatchers,
      targetMatchers,
      equal,
      dependants,
    },
    document: value,
  };
}

const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:\d{2})$/;

/** An RFC 3339 date-time with an offset (a silence is an instant range, not local time). */
export function parseInstant(text: string): number | null {
  const trimmed = text.trim();
  if (!WITH_OFFSET.test(trimmed)) return null;
  const ms = Date.parse(trimmed.replace(' ', 'T'));
  return Number.isNaN(ms) ? null : ms;
}

function readInstant(ctx: NormalizeContext, path: Path, value: unknown): number | null {
  if (value instanceof Date) return value.getTime();
  const text = readString(ctx, path, value, { required: true });
  if (text === null) return null;
  const ms = parseInstant(text);
  if (ms === null)
    ctx.error(path, `must be an RFC 3339 date-time with offset, e.g. 2024-06-01T10:00:00Z, not '${text}'`);
  return ms;
}

function readSilence(ctx: NormalizeContext, value: Fields): SilenceObject | null {
  warnUnknown(ctx, [], value, ['apiVersion', 'kind', 'metadata', 'spec'], 'a Silence');
  const meta = readMetadata(ctx, ['metadata'], value.metadata);
  const spec = readMap(ctx, ['spec'], value.spec, true);
  if (!meta || !spec) return null;
  warnFields(ctx, ['spec'], spec, ['matchers', 'startsAt', 'endsAt', 'createdBy', 'comment'], 'a Silence');
  const matchers = readMatchers(ctx, ['spec', 'matchers'], spec.matchers, true);
  const startsAt = readInstant(ctx, ['spec', 'startsAt'], spec.startsAt);
  const endsAt = readInstant(ctx, ['spec', 'endsAt'], spec.endsAt);
  const createdBy = readString(ctx, ['spec', 'createdBy'], spec.createdBy, {
    required: true,
    maxLength: 200,
  });
  const comment = readString(ctx, ['spec', 'comment'], spec.comment, {
    required: true,
    maxLength: COMMENT_MAX,
  });
  if (startsAt !== null && endsAt !== null && ctx.errorCount === 0) {
    for (const p of checkSilence({ matchers, startsAt, endsAt })) ctx.error(['spec', p.field], p.message);
  }
  if (ctx.errorCount > 0 || startsAt === null || endsAt === null || createdBy === null || comment === null)
    return null;
  return {
    silence: {
      name: meta.name,
      matchers,
      startsAt,
      endsAt,
      createdBy: createdBy.trim(),
      comment: comment.trim(),
    },
    document: value,
  };
}

// ---- handlers

function handler<T>(
  kind: string,
  type: string,
  ref: (name: string) => string,
  read: (ctx: NormalizeContext, value: Fields, references: ObjectReference[]) => T | null,
  nameOf: (data: T) => string,
): KindHandler {
  return {
    apiVersions: [HEADROOM_API_VERSION],
    kind,
    normalize(doc, ctx) {
      if (!isMap(doc.value)) return [];
      const references: ObjectReference[] = [];
      const data = read(ctx, doc.value, references);
      if (!data || ctx.errorCount > 0) return [];
      const object: DesiredObject<T> = {
        type,
        ref: ref(nameOf(data)),
        kind,
        data,
        source: ctx.position([]),
        references,
        locate: (path) => ctx.position(path),
      };
      return [object];
    },
  };
}

export const routeHandler = handler(ROUTE_KIND, ROUTE_TYPE, routeRef, readRoute, (d) => d.route.name);
export const inhibitRuleHandler = handler(
  INHIBIT_RULE_KIND,
  INHIBIT_RULE_TYPE,
  inhibitRuleRef,
  (ctx, value) => readInhibitRule(ctx, value),
  (d) => d.rule.name,
);
export const silenceHandler = handler(
  SILENCE_KIND,
  SILENCE_TYPE,
  silenceRef,
  (ctx, value) => readSilence(ctx, value),
  (d) => d.silence.name,
);

export const isRouteObject = (o: DesiredObject): o is DesiredObject<RouteObject> => o.type === ROUTE_TYPE;
export const isInhibitRuleObject = (o: DesiredObject): o is DesiredObject<InhibitRuleObject> =>
  o.type === INHIBIT_RULE_TYPE;
export const isSilenceObject = (o: DesiredObject): o is DesiredObject<SilenceObject> =>
  o.type === SILENCE_TYPE;

export function registerRoutingKinds(registry: KindRegistry): KindRegistry {
  registry.register(routeHandler).register(inhibitRuleHandler).register(silenceHandler);
  // Only one root among the documents of one apply (the store also checks what is stored).
  return registry.addPass((objects, _warn, error) => {
    const roots = objects.filter(isRouteObject).filter((o) => o.data.route.root);
    for (const extra of roots.slice(1)) {
      const at = extra.locate?.(['spec', 'root']) ?? extra.source;
      const first = roots[0]!;
      error({
        message: `only one Route may be the root; '${first.data.route.name}' (${first.source.file}:${first.source.line}) is one already`,
        file: at.file,
        line: at.line,
        column: at.column,
        path: ['spec', 'root'],
      });
    }
  });
}

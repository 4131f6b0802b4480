/**
 * Routing for readers and the alert pipeline: the effective route tree, route tests, inhibition
 * rules (the built-in ones first) and silences (create, expire, list).
 *
 * For the pipeline: `loadRouting(db, now)` gives the tree, the inhibition rules and the silences
 * that are active or pending, ready for core's matchRoutes, inhibitions and silencedBy.
 */

import { BUILTIN_INHIBIT_RULES, type InhibitRule } from '@headroom/core/alerting/inhibit';
import {
  LABEL_NAME,
  type Matcher,
  MatcherParseError,
  matcherToString,
  parseMatchers,
} from '@headroom/core/alerting/matchers';
import {
  buildRouteTree,
  formatPromDuration,
  matchRoutes,
  parsePromDuration,
  type RouteConfig,
  type RouteNode,
  walkRoutes,
} from '@headroom/core/alerting/routes';
import {
  checkSilence,
  expiredWindow,
  type SilenceRule,
  type SilenceState,
  silencedBy,
  silenceState,
} from '@headroom/core/alerting/silences';
import type {
  InhibitRule as InhibitRuleDto,
  RouteNode as RouteNodeDto,
  RouteTestResult,
  RouteTree,
  SilenceCreate,
  Silence as SilenceDto,
  SilenceListQuery,
} from '@headroom/core/api/routing';
import { hasRole } from '@headroom/core/auth/policy';
import type { RouteSpecDefinition } from '@headroom/core/config/headroom/routing';
import {
  ConflictError,
  type FieldProblem,
  ForbiddenError,
  InputError,
  NotFoundError,
} from '@headroom/core/errors';
import type { Kysely } from 'kysely';
import { withTransaction } from '../../db/index.js';
import type { Database } from '../../db/schema.js';
import { type AuditContext, recordAudit } from '../audit/service.js';
import { iso } from '../catalog/refs.js';
import {
  findSilence,
  insertSilence,
  loadInhibitRuleRecords,
  loadRoutes,
  loadSilences,
  type SilenceRow,
  updateSilence,
} from './repo.js';

// ---- the route tree

const ms = (d: string | null) => (d === null ? null : parsePromDuration(d));

function toConfig(spec: RouteSpecDefinition, name: string | null): RouteConfig {
  return {
    name,
    receiver: spec.receiver,
    escalationPolicy: spec.escalationPolicy ?? null,
    matchers: spec.matchers,
    continue: spec.continue,
    groupBy: spec.groupBy,
    groupWaitMs: ms(spec.groupWait),
    groupIntervalMs: ms(spec.groupInterval),
    repeatIntervalMs: ms(spec.repeatInterval),
    routes: spec.routes.map((child) => toConfig(child, null)),
  };
}

export interface LoadedTree {
  tree: RouteNode;
  /** The root Route document, if one is applied. */
  root: string | null;
}

/** The tree from the stored Route documents: the root document's options, the others as its children. */
export async function loadRouteTree(db: Kysely<Database>): Promise<LoadedTree> {
  const routes = await loadRoutes(db);
  const rootDoc = routes.find((r) => r.definition.root);
  const children = routes.filter((r) => !r.definition.root).map((r) => toConfig(r.definition, r.name));
  const root: RouteConfig = rootDoc
    ? { ...toConfig(rootDoc.definition, rootDoc.name), routes: children }
    : { routes: children };
  return { tree: buildRouteTree(root), root: rootDoc?.name ?? null };
}

function nodeView(node: RouteNode, tree: RouteNode, root: string | null): RouteNodeDto {
  const top = node.path.length === 0 ? tree : tree.routes[node.path[0]!]!;
  return {
    name: node.name,
    document: node.path.length === 0 ? root : top.name,
    path: node.path,
    depth: node.path.length,
    key: node.key,
    matchers: node.matchers.map(matcherToString),
    continue: node.continue,
    receiver: node.options.receiver,
    groupBy: node.options.groupBy,
    groupByAll: node.options.groupByAll,
    groupWait: formatPromDuration(node.options.groupWaitMs),
    groupInterval: formatPromDuration(node.options.groupIntervalMs),
    repeatInterval: formatPromDuration(node.options.repeatIntervalMs),
    inherited: node.inherited,
  };
}

export async function routeTreeView(db: Kysely<Database>): Promise<RouteTree> {
  const { tree, root } = await loadRouteTree(db);
  return { root, routes: walkRoutes(tree).map((n) => nodeView(n, tree, root)) };
}

/** Which routes and receivers an alert with these labels reaches (amtool config routes test). */
export async function testRoutes(
  db: Kysely<Database>,
  labels: Record<string, string>,
  now = Date.now(),
): Promise<RouteTestResult> {
  const problems: FieldProblem[] = Object.keys(labels)
    .filter((name) => !LABEL_NAME.test(name))
    .map((name) => ({ path: `/labels/${name}`, message: `'${name}' is not a valid label name` }));
  if (problems.length > 0) throw new InputError(`labels: ${problems[0]!.message}`, problems);
  const { tree, root } = await loadRouteTree(db);
  const matches = matchRoutes(tree, labels).map((m) => ({
    route: nodeView(m.route, tree, root),
    groupKey: m.groupKey,
    groupLabels: m.groupLabels,
  }));
  const receivers = [
    ...new Set(matches.flatMap((m) => (m.route.receiver === null ? [] : [m.route.receiver]))),
  ];
  const silences = (await loadSilences(db, now)).map(toRule);
  return { labels, receivers, matches, silencedBy: silencedBy(labels, silences, now) };
}

// ---- inhibition rules

const BUILTIN_DESCRIPTIONS: Record<string, string> = {
  'builtin:slo-page-inhibits-ticket':
    'A firing page (ErrorBudgetBurn, tier page) for an SLO mutes the ticket (tier ticket) for the same SLO.',
};

/** The built-in rules, then the InhibitRule documents by name. */
export async function loadInhibitRules(db: Kysely<Database>): Promise<InhibitRule[]> {
  const stored = (await loadInhibitRuleRecords(db)).map((r) => ({
    name: r.name,
    sourceMatchers: r.definition.sourceMatchers,
    targetMatchers: r.definition.targetMatchers,
    equal: r.definition.equal,
    ...(r.definition.dependants && { dependants: true }),
  }));
  return [...BUILTIN_INHIBIT_RULES, ...stored];
}

export async function listInhibitRules(db: Kysely<Database>): Promise<InhibitRuleDto[]> {
  return (await loadInhibitRules(db)).map((r) => ({
    name: r.name,
    builtIn: Object.hasOwn(BUILTIN_DESCRIPTIONS, r.name),
    description: BUILTIN_DESCRIPTIONS[r.name] ?? null,
    sourceMatchers: r.sourceMatchers.map(matcherToString),
    targetMatchers: r.targetMatchers.map(matcherToString),
    equal: [...r.equal],
    dependants: r.dependants ?? false,
  }));
}

// ---- silences

const toRule = (s: SilenceRow): SilenceRule => ({
  id: s.id,
  matchers: s.matchers,
  startsAt: s.startsAt,
  endsAt: s.endsAt,
});

export function silenceView(s: SilenceRow, now: number): SilenceDto {
  return {
    id: s.id,
    name: s.name,
    matchers: s.matchers.map(matcherToString),
    startsAt: iso(s.startsAt),
    endsAt: iso(s.endsAt),
    createdBy: s.createdBy,
    comment: s.comment,
    status: { state: silenceState(s, now) },
    source: s.source,
    createdAt: iso(s.createdAt),
    updatedAt: iso(s.updatedAt),
  };
}

const STATE_ORDER: Record<SilenceState, number> = { active: 0, pending: 1, expired: 2 };

/** Alertmanager's order: active by end, pending by start, then expired, most recent first. */
function compareSilences(now: number) {
  return (a: SilenceRow, b: SilenceRow) => {
    const sa = silenceState(a, now);
    const sb = silenceState(b, now);
    if (sa !== sb) return STATE_ORDER[sa] - STATE_ORDER[sb];
    if (sa === 'active') return a.endsAt - b.endsAt || a.id.localeCompare(b.id);
    if (sa === 'pending') return a.startsAt - b.startsAt || a.id.localeCompare(b.id);
    return b.endsAt - a.endsAt || b.id.localeCompare(a.id);
  };
}

export async function listSilences(
  db: Kysely<Database>,
  query: SilenceListQuery = {},
  now = Date.now(),
): Promise<SilenceDto[]> {
  const rows = await loadSilences(db);
  return rows
    .filter((s) => query.state === undefined || silenceState(s, now) === query.state)
    .sort(compareSilences(now))
    .map((s) => silenceView(s, now));
}

export async function getSilence(db: Kysely<Database>, id: string, now = Date.now()): Promise<SilenceDto> {
  const s = await findSilence(db, id);
  if (!s) throw new NotFoundError('Silence', id);
  return silenceView(s, now);
}

function requireEditor(ctx: AuditContext, what: string): void {
  if (!hasRole(ctx.actor, 'editor'))
    throw new ForbiddenError(`${what} needs the editor or admin role; viewers may only read silences.`);
}

/** Matcher strings → matchers, every problem reported at its index. */
export function parseMatcherStrings(texts: readonly string[], field = 'matchers'): Matcher[] {
  const out: Matcher[] = [];
  const problems: FieldProblem[] = [];
  texts.forEach((text, i) => {
    try {
      out.push(...parseMatchers(text));
    } catch (error) {
      if (!(error instanceof MatcherParseError)) throw error;
      problems.push({ path: `/${field}/${i}`, message: `'${text}': ${error.message}` });
    }
  });
  if (problems.length > 0)
    throw new InputError(`${field}[${problems[0]!.path.split('/').pop()}] ${problems[0]!.message}`, problems);
  return out;
}

function instant(text: string, field: string): number {
  const value = Date.parse(text);
  if (Number.isNaN(value))
    throw new InputError(`${field} must be an RFC 3339 date-time, e.g. 2024-06-01T10:00:00Z`, [
      { path: `/${field}`, message: 'must be an RFC 3339 date-time' },
    ]);
  return value;
}

export async function createSilence(
  db: Kysely<Database>,
  ctx: AuditContext,
  body: SilenceCreate,
  now = Date.now(),
): Promise<SilenceDto> {
  requireEditor(ctx, 'Creating a silence');
  const matchers = parseMatcherStrings(body.matchers);
  // A start in the past means now, as Alertmanager does for a new silence.
  const requested = body.startsAt === undefined ? now : instant(body.startsAt, 'startsAt');
  const startsAt = Math.max(requested, now);
  let endsAt: number;
  if (body.endsAt !== undefined && body.duration !== undefined)
    throw new InputError('Give endsAt or duration, not both.', [
      { path: '/duration', message: 'give endsAt or duration, not both' },
    ]);
  if (body.endsAt !== undefined) endsAt = instant(body.endsAt, 'endsAt');
  else if (body.duration !== undefined) {
    const length = parsePromDuration(body.duration);
    if (length === null || length === 0)
      throw new InputError(`duration must be a duration such as 2h or 1h30m, not '${body.duration}'`, [
        { path: '/duration', message: 'must be a duration such as 2h or 1h30m' },
      ]);
    endsAt = startsAt + length;
  } else
    throw new InputError('Give endsAt or duration: a silence needs an end.', [
      { path: '/endsAt', message: 'give endsAt or duration' },
    ]);
  if (endsAt <= startsAt)
    throw new InputError(
      `endsAt must be after startsAt (${iso(startsAt)})${endsAt < now ? ': it is in the past' : ''}.`,
      [{ path: '/endsAt', message: endsAt < now ? "can't be in the past" : 'must be after startsAt' }],
    );
  const problems = checkSilence({ matchers, startsAt, endsAt });
  if (problems.length > 0)
    throw new InputError(
      `${problems[0]!.field}: ${problems[0]!.message}`,
      problems.map((p) => ({ path: `/${p.field}`, message: p.message })),
    );
  const createdBy = body.createdBy?.trim() || ctx.actor.name;
  const comment = body.comment.trim();
  if (comment === '')
    throw new InputError('comment is required', [{ path: '/comment', message: 'is required' }]);
  return withTransaction(db, async (trx) => {
    const id = await insertSilence(
      trx,
      { name: null, matchers, startsAt, endsAt, createdBy, comment, source: 'api', document: null },
      now,
    );
    await recordAudit(trx, ctx, 'silence.create', 'silence', `silence:${id}`, {
      matchers: matchers.map(matcherToString),
      startsAt: iso(startsAt),
      endsAt: iso(endsAt),
      createdBy,
      comment,
    });
    return silenceView((await findSilence(trx, id))!, now);
  });
}

/** Ends a silence now (a pending one never starts); it stays in the list as expired. */
export async function expireSilence(
  db: Kysely<Database>,
  ctx: AuditContext,
  id: string,
  now = Date.now(),
): Promise<SilenceDto> {
  requireEditor(ctx, 'Expiring a silence');
  return withTransaction(db, async (trx) => {
    const s = await findSilence(trx, id);
    if (!s) throw new NotFoundError('Silence', id);
    if (silenceState(s, now) === 'expired')
      throw new ConflictError(`Silence '${id}' expired already, at ${iso(s.endsAt)}.`, 'SILENCE_EXPIRED');
    const window = expiredWindow(s, now);
    await updateSilence(trx, id, window, now);
    await recordAudit(trx, ctx, 'silence.expire', 'silence', `silence:${id}`, {
      wasState: silenceState(s, now),
      endsAt: iso(window.endsAt),
      ...(s.name !== null && { name: s.name }),
    });
    return silenceView((await findSilence(trx, id))!, now);
  });
}

// ---- for the alert pipeline

export interface Routing {
  tree: RouteNode;
  inhibitRules: InhibitRule[];
  /** Active and pending silences; core's silencedBy picks the active ones at a time. */
  silences: SilenceRule[];
}

export async function loadRouting(db: Kysely<Database>, now = Date.now()): Promise<Routing> {
  const { tree } = await loadRouteTree(db);
  const inhibitRules = await loadInhibitRules(db);
  const silences = await loadSilences(db, now);
  return { tree, inhibitRules, silences: silences.map(toRule) };
}

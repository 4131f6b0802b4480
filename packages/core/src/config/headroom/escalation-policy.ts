/**
 * `headroom.dev/v1` kind `EscalationPolicy`: whom to page, in steps, until someone acknowledges
 * (the state machine is oncall/escalation.ts). A step notifies schedules (whoever is on call
 * then), users and notification channels, then waits its `delay` before the next step; after
 * the last step's delay the whole policy runs again `repeat` more times.
 *
 *     apiVersion: headroom.dev/v1
 *     kind: EscalationPolicy
 *     metadata: { name: payments-critical }
 *     spec:
 *       owner: payments
 *       description: Pages for checkout and payments
 *       repeat: 1                       # run the whole policy once more (0–10; default 0)
 *       steps:
 *         - delay: 5m                   # the wait after this step before the next
 *           notify: [{ schedule: payments-primary }]
 *         - delay: 15m
 *           notify: [{ schedule: payments-secondary }, { user: alice }, { channel: payments-slack }]
 *
 * Schedules, users and channels named are returned as references, not resolved here; the
 * server's apply store refuses unknown schedules and users and warns about unknown channels.
 */
import { parseEntityRef } from '../../catalog/entity-ref.js';
import { NOTIFICATION_CHANNEL_REF_KIND } from '../../notifications/channel.js';
import type { EscalationTarget } from '../../oncall/escalation.js';
import { fixedDurationMs } from '../../slo/duration.js';
import {
  type Fields,
  isMap,
  type Path,
  readDescription,
  readDuration,
  readList,
  readMap,
  readMetadata,
  readName,
  readNumber,
  readString,
} from '../openslo/read.js';
import { toPointer } from '../path.js';
import type { KindRegistry } from '../registry.js';
import type { DesiredObject, KindHandler, NormalizeContext, ObjectReference } from '../types.js';
import { HEADROOM_API_VERSION } from './budget-correction.js';
import { normalizeUserName, SCHEDULE_REF_KIND } from './schedule.js';

export type { EscalationTarget } from '../../oncall/escalation.js';

export const ESCALATION_POLICY_KIND = 'EscalationPolicy';
/** DesiredObject.type and the entity-ref kind (`escalationpolicy:default/<name>`). */
export const ESCALATION_POLICY_TYPE = 'escalation-policy';
export const ESCALATION_POLICY_REF_KIND = 'escalationpolicy';

export const MAX_STEPS = 20;
export const MAX_TARGETS_PER_STEP = 20;
export const MAX_REPEAT = 10;
export const MIN_DELAY_MS = 60_000;
export const MAX_DELAY_MS = 24 * 3_600_000;

export interface EscalationStep {
  /** As written, normalized (`5m`, `1h`). */
  delay: string;
  delayMs: number;
  /** At least one; each target once. */
  notify: EscalationTarget[];
}

/** An EscalationPolicy, normalized; fits oncall/escalation.ts's EscalationPolicySpec. */
export interface EscalationPolicy {
  name: string;
  displayName: string | null;
  description: string | null;
  /** A team (group) ref as written; null = admins only. */
  owner: string | null;
  steps: EscalationStep[];
  /** How many more times the whole policy runs after the last step (0–10). */
  repeat: number;
}

/** What apply keeps: the normalized policy and the document as written. */
export interface EscalationPolicyObject {
  policy: EscalationPolicy;
  document: unknown;
}

export const escalationPolicyRef = (name: string) => `${ESCALATION_POLICY_REF_KIND}:default/${name}`;

const USER_NAME = /^[a-zA-Z0-9]+([-_.][a-zA-Z0-9]+)*$/;
const TARGET_KINDS = ['schedule', 'user', 'channel'] as const;

function warnUnknownFields(
  ctx: NormalizeContext,
  path: Path,
  fields: Fields,
  known: readonly string[],
  what: string,
) {
  for (const key of Object.keys(fields)) {
    if (!known.includes(key)) ctx.warn([...path, key], `is not a field of ${what}; ignored`);
  }
}

function readDelay(ctx: NormalizeContext, path: Path, value: unknown): { text: string; ms: number } | null {
  const d = readDuration(ctx, path, value, { required: true });
  if (d === null) return null;
  const ms = fixedDurationMs(d);
  if (ms === null || ms < MIN_DELAY_MS || ms > MAX_DELAY_MS) {
    ctx.error(
      path,
      `must be from 1m to 24h in minutes or hours (e.g. 5m, 15m, 1h), not '${d.count}${d.unit}'`,
    );
    return null;
  }
  return { text: `${d.count}${d.unit}`, ms };
}

function readTarget(ctx: NormalizeContext, path: Path, value: unknown): EscalationTarget | null {
  const fields = readMap(ctx, path, value, true);
  if (!fields) return null;
  const given = TARGET_KINDS.filter((k) => fields[k] !== undefined && fields[k] !== null);
  warnUnknownFields(ctx, path, fields, TARGET_KINDS, 'an escalation target (schedule, user or channel)');
  if (given.length !== 1) {
    ctx.error(
      path,
      given.length === 0
        ? 'must name one target: { schedule: <name> }, { user: <name> } or { channel: <name> }'
        : `names ${given.join(' and ')}: give one target per item (add another item for the others)`,
    );
    return null;
  }
  const kind = given[0]!;
  const at = [...path, kind];
  if (kind === 'schedule') {
    const name = readName(ctx, at, fields.schedule);
    return name === null ? null : { schedule: name };
  }
  if (kind === 'channel') {
    const name = readName(ctx, at, fields.channel);
    return name === null ? null : { channel: name };
  }
  const text = readString(ctx, at, fields.user, { required: true, maxLength: 200 });
  if (text === null) return null;
  try {
    const r = parseEntityRef(text, { defaultKind: 'user', defaultNamespace: 'default' });
    if (r.kind !== 'user') ctx.error(at, `must name a user, not a ${r.kind}`);
    else if (!USER_NAME.test(r.name)) ctx.error(at, `'${text}' is not a user name`);
    else return { user: normalizeUserName(text) };
  } catch (e) {
    ctx.error(at, (e as Error).message);
  }
  return null;
}

const targetKey = (t: EscalationTarget) =>
  'schedule' in t ? `schedule ${t.schedule}` : 'user' in t ? `user ${t.user}` : `channel ${t.channel}`;

function readStep(ctx: NormalizeContext, path: Path, value: unknown): EscalationStep | null {
  const fields = readMap(ctx, path, value, true);
  if (!fields) return null;
  warnUnknownFields(ctx, path, fields, ['delay', 'notify'], 'an escalation step');
  const before = ctx.errorCount;
  const delay = readDelay(ctx, [...path, 'delay'], fields.delay);
  const items = readList(ctx, [...path, 'notify'], fields.notify, true);
  if (items.length === 0 && fields.notify !== undefined && fields.notify !== null)
    ctx.error([...path, 'notify'], 'needs at least one target: a schedule, user or channel');
  if (items.length > MAX_TARGETS_PER_STEP)
    ctx.error([...path, 'notify'], `at most ${MAX_TARGETS_PER_STEP} targets per step`);
  const notify: EscalationTarget[] = [];
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const target = readTarget(ctx, [...path, 'notify', i], item);
    if (!target) return;
    const key = targetKey(target);
    const first = seen.get(key);
    if (first !== undefined) {
      ctx.warn([...path, 'notify', i], `${key} is target ${first} already; notified once`);
      return;
    }
    seen.set(key, i);
    notify.push(target);
  });
  if (ctx.errorCount > before || delay === null) return null;
  return { delay: delay.text, delayMs: delay.ms, notify };
}

export function readEscalationPolicy(ctx: NormalizeContext, value: Fields): EscalationPolicyObject | null {
  warnUnknownFields(ctx, [], value, ['apiVersion', 'kind', 'metadata', 'spec'], 'an EscalationPolicy');
  const meta = readMetadata(ctx, ['metadata'], value.metadata);
  const spec = readMap(ctx, ['spec'], value.spec, true);
  if (!meta || !spec) return null;
  warnUnknownFields(ctx, ['spec'], spec, ['owner', 'description', 'steps', 'repeat'], 'an EscalationPolicy');
  const owner = readString(ctx, ['spec', 'owner'], spec.owner, { maxLength: 300 });
  if (owner !== null) {
    try {
      const r = parseEntityRef(owner, { defaultKind: 'group', defaultNamespace: 'default' });
      if (r.kind !== 'group') ctx.error(['spec', 'owner'], `must name a team (group), not a ${r.kind}`);
    } catch (e) {
      ctx.error(['spec', 'owner'], (e as Error).message);
    }
  }
  const description = readDescription(ctx, ['spec', 'description'], spec.description);
  let repeat = readNumber(ctx, ['spec', 'repeat'], spec.repeat) ?? 0;
  if (!Number.isInteger(repeat) || repeat < 0 || repeat > MAX_REPEAT) {
    ctx.error(
      ['spec', 'repeat'],
      `must be a whole number from 0 to ${MAX_REPEAT} (how many more times the policy runs after the last step), not ${repeat}`,
    );
    repeat = 0;
  }
  const items = readList(ctx, ['spec', 'steps'], spec.steps, true);
  if (items.length === 0 && spec.steps !== undefined && spec.steps !== null)
    ctx.error(['spec', 'steps'], 'needs at least one step');
  if (items.length > MAX_STEPS) ctx.error(['spec', 'steps'], `at most ${MAX_STEPS} steps`);
  const steps: EscalationStep[] = [];
  items.forEach((item, i) => {
    const step = readStep(ctx, ['spec', 'steps', i], item);
    if (step) steps.push(step);
  });
  if (ctx.errorCount > 0) return null;
  return {
    policy: {
      name: meta.name,
      displayName: meta.displayName,
      description,
      owner,
      steps,
      repeat,
    },
    document: value,
  };
}

/** The owner team and every schedule, user and channel named, at the field that names it. */
function policyReferences(ctx: NormalizeContext, policy: EscalationPolicy): ObjectReference[] {
  const refs: ObjectReference[] = [];
  const add = (ref: string, path: Path) => {
    if (!refs.some((r) => r.ref === ref))
      refs.push({ ref, path: toPointer(path), position: ctx.position(path) });
  };
  if (policy.owner !== null) {
    const r = parseEntityRef(policy.owner, { defaultKind: 'group', defaultNamespace: 'default' });
    add(`group:${r.namespace}/${r.name}`, ['spec', 'owner']);
  }
  // Positions come from the document as written (the normalized steps drop duplicates).
  const spec = isMap(ctx.doc.value) ? ctx.doc.value.spec : undefined;
  const rawSteps = isMap(spec) ? spec.steps : undefined;
  if (!Array.isArray(rawSteps)) return refs;
  rawSteps.forEach((step: unknown, s) => {
    const notify = isMap(step) ? step.notify : undefined;
    if (!Array.isArray(notify)) return;
    notify.forEach((t, i) => {
      if (!isMap(t)) return;
      const path = ['spec', 'steps', s, 'notify', i];
      if (typeof t.schedule === 'string')
        add(`${SCHEDULE_REF_KIND}:default/${t.schedule}`, [...path, 'schedule']);
      else if (typeof t.channel === 'string')
        add(`${NOTIFICATION_CHANNEL_REF_KIND}:default/${t.channel}`, [...path, 'channel']);
      else if (typeof t.user === 'string') {
        const r = parseEntityRef(t.user, { defaultKind: 'user', defaultNamespace: 'default' });
        add(`user:${r.namespace}/${r.name}`, [...path, 'user']);
      }
    });
  });
  return refs;
}

export const escalationPolicyHandler: KindHandler = {
  apiVersions: [HEADROOM_API_VERSION],
  kind: ESCALATION_POLICY_KIND,
  normalize(doc, ctx) {
    if (!isMap(doc.value)) return [];
    const data = readEscalationPolicy(ctx, doc.value);
    if (!data || ctx.errorCount > 0) return [];
    const object: DesiredObject<EscalationPolicyObject> = {
      type: ESCALATION_POLICY_TYPE,
      ref: escalationPolicyRef(data.policy.name),
      kind: ESCALATION_POLICY_KIND,
      data,
      source: ctx.position([]),
      references: policyReferences(ctx, data.policy),
      locate: (path) => ctx.position(path),
    };
    return [object];
  },
};

export const isEscalationPolicyObject = (o: DesiredObject): o is DesiredObject<EscalationPolicyObject> =>
  o.type === ESCALATION_POLICY_TYPE;

/** In builtinKindRegistry; the server's store is modules/escalation-policies/apply-store.ts. */
export function registerEscalationPolicyKinds(registry: KindRegistry): KindRegistry {
  return registry.register(escalationPolicyHandler);
}

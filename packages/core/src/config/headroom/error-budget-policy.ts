/**
 * `headroom.dev/v1` kind `ErrorBudgetPolicy`: the agreement between a service team and SRE on
 * what happens when the error budget runs low, enforced by the release gate
 * (budget-policy/evaluate.ts). The rules' defaults are the SRE Workbook's example policy.
 *
 *     apiVersion: headroom.dev/v1
 *     kind: ErrorBudgetPolicy
 *     metadata: { name: tier-1-services }
 *     spec:
 *       description: Release freeze for tier-1 services that exhaust their budget
 *       owner: sre                         # a team; its editors may change the policy
 *       services: [checkout]               # by catalog name …
 *       tiers: [tier-1]                    # … or by tier (tier-1 or 1) …
 *       labels: { domain: payments }       # … or by the service's labels (all must match)
 *       tags: [pci]                        # … or by any of its tags
 *       rules:
 *         freezeWhenExhausted: true        # default true: budget ≤ 0 → deny, except allowLabels
 *         allowLabels: [p0-fix, security] # default
 *         warnBelow: 0.25                  # default 0.25: budget remaining below → warn
 *         incidentBudgetShare: 0.2         # default 0.2: see below
 *
 * A service is selected when it matches any of `services`, `tiers`, `labels` or `tags`; a policy
 * that gives none of them selects every service (a catalog-wide default).
 *
 * `incidentBudgetShare` documents the incident closing rule (incidents/postmortem.ts,
 * `DEFAULT_POSTMORTEM_POLICY.budgetThreshold`): an incident that consumed more than this share
 * of a four-week budget needs a published postmortem with a P0 action item before it closes.
 * The incident rule applies the same 20 % to every service; the policy's value is shown with
 * the verdict, and a value other than 0.2 is reported as a warning at apply time.
 */
import { parseEntityRef } from '../../catalog/entity-ref.js';
import {
  type Fields,
  isMap,
  type Path,
  readBoolean,
  readDescription,
  readList,
  readMap,
  readMetadata,
  readNumber,
  readString,
} from '../openslo/read.js';
import { toPointer } from '../path.js';
import type { KindRegistry } from '../registry.js';
import type { DesiredObject, KindHandler, NormalizeContext, ObjectReference } from '../types.js';
import { HEADROOM_API_VERSION } from './budget-correction.js';

export const ERROR_BUDGET_POLICY_KIND = 'ErrorBudgetPolicy';
export const ERROR_BUDGET_POLICY_TYPE = 'error-budget-policy';
export const ERROR_BUDGET_POLICY_REF_KIND = 'errorbudgetpolicy';

/** The SRE Workbook's example error budget policy. */
export const DEFAULT_POLICY_RULES: ErrorBudgetPolicyRules = {
  freezeWhenExhausted: true,
  allowLabels: ['p0-fix', 'security'],
  warnBelow: 0.25,
  incidentBudgetShare: 0.2,
};

export interface ErrorBudgetPolicyRules {
  freezeWhenExhausted: boolean;
  /** Change labels that pass a freeze. */
  allowLabels: string[];
  /** Fraction 0–1: budget remaining below it → warn. */
  warnBelow: number;
  /** Fraction 0–1 of a four-week budget one incident may consume without a P0 postmortem. */
  incidentBudgetShare: number;
}

export interface ErrorBudgetPolicySelector {
  services: string[];
  /** 1 (most critical) to 4. */
  tiers: number[];
  /** Every pair must be among the service's labels. */
  labels: Record<string, string>;
  /** Any one among the service's tags. */
  tags: string[];
}

export interface ErrorBudgetPolicy {
  name: string;
  displayName: string | null;
  description: string | null;
  owner: string | null;
  selector: ErrorBudgetPolicySelector;
  rules: ErrorBudgetPolicyRules;
}

export interface ErrorBudgetPolicyObject {
  policy: ErrorBudgetPolicy;
  document: unknown;
}

export const errorBudgetPolicyRef = (name: string) => `${ERROR_BUDGET_POLICY_REF_KIND}:default/${name}`;

const CHANGE_LABEL = /^[a-z0-9]([-a-z0-9_.:/]{0,98}[a-z0-9])?$/;
const MAX_SELECTED = 500;

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

function readFraction(ctx: NormalizeContext, path: Path, value: unknown, fallback: number): number {
  const n = readNumber(ctx, path, value);
  if (n === null) return fallback;
  if (n < 0 || n > 1) {
    ctx.error(path, `must be a fraction from 0 to 1 (0.25 = 25 %), not ${n}`);
    return fallback;
  }
  return n;
}

/** `tier-1`, `1` or `"1"` → 1. */
function readTier(ctx: NormalizeContext, path: Path, value: unknown): number | null {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : null;
  const m = text === null ? null : /^(?:tier-?)?([1-4])$/i.exec(text);
  if (!m) {
    ctx.error(
      path,
      `must be a tier from tier-1 (most critical) to tier-4, or 1–4, not ${JSON.stringify(value)}`,
    );
    return null;
  }
  return Number(m[1]);
}

function readStringList(
  ctx: NormalizeContext,
  path: Path,
  value: unknown,
  check: (s: string) => string | null,
): string[] {
  const out: string[] = [];
  readList(ctx, path, value).forEach((item, i) => {
    const s = readString(ctx, [...path, i], item, { required: true, maxLength: 200 });
    if (s === null) return;
    const problem = check(s);
    if (problem) ctx.error([...path, i], problem);
    else if (!out.includes(s)) out.push(s);
  });
  if (out.length > MAX_SELECTED) ctx.error(path, `at most ${MAX_SELECTED} items`);
  return out;
}

function readSelector(ctx: NormalizeContext, spec: Fields): ErrorBudgetPolicySelector {
  const services = readStringList(ctx, ['spec', 'services'], spec.services, (s) => {
    try {
      const r = parseEntityRef(s, { defaultKind: 'component', defaultNamespace: 'default' });
      return r.kind === 'component' ? null : `must name a service (component), not a ${r.kind}`;
    } catch (e) {
      return (e as Error).message;
    }
  }).map((s) => parseEntityRef(s, { defaultKind: 'component', defaultNamespace: 'default' }).name);
  const tiers: number[] = [];
  readList(ctx, ['spec', 'tiers'], spec.tiers).forEach((item, i) => {
    const t = readTier(ctx, ['spec', 'tiers', i], item);
    if (t !== null && !tiers.includes(t)) tiers.push(t);
  });
  const labels: Record<string, string> = {};
  const labelMap = readMap(ctx, ['spec', 'labels'], spec.labels) ?? {};
  for (const [k, v] of Object.entries(labelMap)) {
    const value = typeof v === 'number' || typeof v === 'boolean' ? String(v) : v;
    if (typeof value !== 'string')
      ctx.error(['spec', 'labels', k], 'must be a string (the label value to match)');
    else labels[k] = value;
  }
  const tags = readStringList(ctx, ['spec', 'tags'], spec.tags, () => null);
  return { services: [...new Set(services)].sort(), tiers: tiers.sort(), labels, tags: tags.sort() };
}

function readRules(ctx: NormalizeContext, value: unknown): ErrorBudgetPolicyRules {
  const path = ['spec', 'rules'];
  const fields = readMap(ctx, path, value) ?? {};
  warnUnknownFields(
    ctx,
    path,
    fields,
    ['freezeWhenExhausted', 'allowLabels', 'warnBelow', 'incidentBudgetShare'],
    'ErrorBudgetPolicy rules',
  );
  const d = DEFAULT_POLICY_RULES;
  const freeze = readBoolean(ctx, [...path, 'freezeWhenExhausted'], fields.freezeWhenExhausted);
  const allowLabels =
    fields.allowLabels === undefined || fields.allowLabels === null
      ? [...d.allowLabels]
      : readStringList(ctx, [...path, 'allowLabels'], fields.allowLabels, (s) =>
          CHANGE_LABEL.test(s)
            ? null
            : `'${s}' is not a change label (lower-case letters, digits, - _ . : /)`,
        );
  const incidentBudgetShare = readFraction(
    ctx,
    [...path, 'incidentBudgetShare'],
    fields.incidentBudgetShare,
    d.incidentBudgetShare,
  );
  if (incidentBudgetShare !== d.incidentBudgetShare)
    ctx.warn(
      [...path, 'incidentBudgetShare'],
      `the incident closing rule applies ${d.incidentBudgetShare} to every service; ${incidentBudgetShare} is shown with the verdict but not enforced`,
    );
  return {
    freezeWhenExhausted: freeze ?? d.freezeWhenExhausted,
    allowLabels: allowLabels.sort(),
    warnBelow: readFraction(ctx, [...path, 'warnBelow'], fields.warnBelow, d.warnBelow),
    incidentBudgetShare,
  };
}

export function readErrorBudgetPolicy(ctx: NormalizeContext, value: Fields): ErrorBudgetPolicyObject | null {
  warnUnknownFields(ctx, [], value, ['apiVersion', 'kind', 'metadata', 'spec'], 'an ErrorBudgetPolicy');
  const meta = readMetadata(ctx, ['metadata'], value.metadata);
  const spec = readMap(ctx, ['spec'], value.spec) ?? {};
  if (!meta) return null;
  warnUnknownFields(
    ctx,
    ['spec'],
    spec,
    ['owner', 'description', 'services', 'tiers', 'labels', 'tags', 'rules'],
    'an ErrorBudgetPolicy',
  );
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
  const selector = readSelector(ctx, spec);
  const rules = readRules(ctx, spec.rules);
  if (ctx.errorCount > 0) return null;
  return {
    policy: { name: meta.name, displayName: meta.displayName, description, owner, selector, rules },
    document: value,
  };
}

function references(ctx: NormalizeContext, policy: ErrorBudgetPolicy): ObjectReference[] {
  const refs: ObjectReference[] = [];
  const add = (ref: string, path: Path) => {
    if (!refs.some((r) => r.ref === ref))
      refs.push({ ref, path: toPointer(path), position: ctx.position(path) });
  };
  if (policy.owner !== null) {
    const r = parseEntityRef(policy.owner, { defaultKind: 'group', defaultNamespace: 'default' });
    add(`group:${r.namespace}/${r.name}`, ['spec', 'owner']);
  }
  const spec = isMap(ctx.doc.value) ? ctx.doc.value.spec : undefined;
  const raw = isMap(spec) && Array.isArray(spec.services) ? spec.services : [];
  raw.forEach((s: unknown, i) => {
    if (typeof s !== 'string') return;
    const r = parseEntityRef(s, { defaultKind: 'component', defaultNamespace: 'default' });
    add(`component:${r.namespace}/${r.name}`, ['spec', 'services', i]);
  });
  return refs;
}

export const errorBudgetPolicyHandler: KindHandler = {
  apiVersions: [HEADROOM_API_VERSION],
  kind: ERROR_BUDGET_POLICY_KIND,
  normalize(doc, ctx) {
    if (!isMap(doc.value)) return [];
    const data = readErrorBudgetPolicy(ctx, doc.value);
    if (!data || ctx.errorCount > 0) return [];
    const object: DesiredObject<ErrorBudgetPolicyObject> = {
      type: ERROR_BUDGET_POLICY_TYPE,
      ref: errorBudgetPolicyRef(data.policy.name),
      kind: ERROR_BUDGET_POLICY_KIND,
      data,
      source: ctx.position([]),
      references: references(ctx, data.policy),
      locate: (path) => ctx.position(path),
    };
    return [object];
  },
};

export const isErrorBudgetPolicyObject = (o: DesiredObject): o is DesiredObject<ErrorBudgetPolicyObject> =>
  o.type === ERROR_BUDGET_POLICY_TYPE;

/** In builtinKindRegistry; the server's store is modules/budget-policies/apply-store.ts. */
export function registerErrorBudgetPolicyKinds(registry: KindRegistry): KindRegistry {
  return registry.register(errorBudgetPolicyHandler);
}

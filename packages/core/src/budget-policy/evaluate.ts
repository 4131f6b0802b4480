/**
 * The release gate's verdict for one service, from the error budget policies that select it, the
 * statuses the SLO evaluator stored, the change's labels and the active exemptions. Pure: the
 * server loads the inputs, this decides.
 *
 * Per SLO (its budget remaining is the lowest of its objectives'):
 * - remaining ≤ 0 and freezeWhenExhausted → deny (release freeze), unless the change carries an
 *   allowed label or an active exemption covers the SLO → warn, naming the label or exemption;
 * - remaining < warnBelow → warn;
 * - otherwise allow. An SLO without a status (or with no data) is not counted.
 * The service's verdict is the strictest of its SLOs'. No policy selects the service → allow.
 *
 * Several policies selecting one service combine to the strictest rules: a freeze if any
 * freezes, the highest warnBelow, only the labels every freezing policy allows, the lowest
 * incidentBudgetShare.
 */
import type { EffectivePolicyRules, GateVerdict, PolicyReason, PolicySlo } from '../api/budget-policy.js';
import type { SloStatus } from '../api/slo-status.js';
import type { ErrorBudgetPolicy } from '../config/headroom/error-budget-policy.js';

export interface PolicyService {
  name: string;
  tier: number;
  labels: Readonly<Record<string, string>>;
  tags: readonly string[];
}

export interface SloInput {
  name: string;
  displayName: string | null;
  /** What the evaluator stored; null: not evaluated yet. */
  status: SloStatus | null;
}

export interface ExemptionInput {
  id: string;
  /** null: every SLO of the service. */
  slos: readonly string[] | null;
  expiresAt: number;
  reason: string;
  approver: string;
}

export interface EvaluateInput {
  /** The policies that select the service (see `selectPolicies`). */
  policies: readonly ErrorBudgetPolicy[];
  slos: readonly SloInput[];
  /** The change's labels, e.g. p0-fix. */
  labels: readonly string[];
  exemptions: readonly ExemptionInput[];
  now: number;
}

export interface Evaluation {
  verdict: GateVerdict;
  reasons: PolicyReason[];
  slos: PolicySlo[];
  policies: string[];
  rules: EffectivePolicyRules | null;
  /** Ids of the exemptions active at `now`. */
  activeExemptions: string[];
}

const RANK: Record<GateVerdict, number> = { allow: 0, warn: 1, deny: 2 };
export const stricter = (a: GateVerdict, b: GateVerdict): GateVerdict => (RANK[a] >= RANK[b] ? a : b);
export const verdictRank = (v: GateVerdict) => RANK[v];

/** A service is selected by any of services, tiers, labels (all pairs) or tags; none given = all. */
export function selects(policy: ErrorBudgetPolicy, service: PolicyService): boolean {
  const s = policy.selector;
  const labelKeys = Object.keys(s.labels);
  if (s.services.length === 0 && s.tiers.length === 0 && labelKeys.length === 0 && s.tags.length === 0)
    return true;
  if (s.services.includes(service.name)) return true;
  if (s.tiers.includes(service.tier)) return true;
  if (labelKeys.length > 0 && labelKeys.every((k) => service.labels[k] === s.labels[k])) return true;
  return s.tags.some((t) => service.tags.includes(t));
}

export function selectPolicies(
  policies: readonly ErrorBudgetPolicy[],
  service: PolicyService,
): ErrorBudgetPolicy[] {
  return policies.filter((p) => selects(p, service)).sort((a, b) => (a.name < b.name ? -1 : 1));
}

interface Combined {
  rules: EffectivePolicyRules;
  /** Which policy set the freeze and the warning threshold, for the reasons. */
  freezeFrom: string | null;
  warnFrom: string;
}

/** The strictest of several policies' rules; null when there are none. */
export function combineRules(policies: readonly ErrorBudgetPolicy[]): Combined | null {
  const first = policies[0];
  if (!first) return null;
  const freezing = policies.filter((p) => p.rules.freezeWhenExhausted);
  const labelSets = (freezing.length > 0 ? freezing : policies).map((p) => p.rules.allowLabels);
  const allowLabels = (labelSets[0] ?? []).filter((l) => labelSets.every((set) => set.includes(l))).sort();
  let warnFrom = first;
  for (const p of policies) if (p.rules.warnBelow > warnFrom.rules.warnBelow) warnFrom = p;
  return {
    rules: {
      freezeWhenExhausted: freezing.length > 0,
      warnBelow: warnFrom.rules.warnBelow,
      allowLabels,
      incidentBudgetShare: Math.min(...policies.map((p) => p.rules.incidentBudgetShare)),
    },
    freezeFrom: freezing[0]?.name ?? null,
    warnFrom: warnFrom.name,
  };
}

/** A percentage that never rounds an objective such as 99.95 % up to 100 %: up to 3 decimals, trailing zeros dropped. */
const pct = (f: number) => `${Number.parseFloat((f * 100).toFixed(3)).toString()} %`;

/** The objective with the least budget left; the headline numbers when there are none. */
function worstObjective(status: SloStatus) {
  let worst: SloStatus['objectives'][number] | undefined;
  for (const o of status.objectives) if (!worst || o.remaining < worst.remaining) worst = o;
  return worst;
}

export function evaluatePolicy(input: EvaluateInput): Evaluation {
  const combined = combineRules(input.policies);
  const active = input.exemptions.filter((e) => e.expiresAt > input.now);
  const labels = new Set(input.labels);
  const reasons: PolicyReason[] = [];
  const slos: PolicySlo[] = [];
  let verdict: GateVerdict = 'allow';
  const reason = (
    r: Partial<PolicyReason> & Pick<PolicyReason, 'rule' | 'verdict' | 'message'>,
  ): PolicyReason => ({
    slo: null,
    objective: null,
    budgetRemaining: null,
    threshold: null,
    policy: null,
    label: null,
    exemption: null,
    ...r,
  });

  if (!combined) {
    reasons.push(
      reason({
        rule: 'no-policy',
        verdict: 'allow',
        message: 'No error budget policy applies to this service.',
      }),
    );
  }

  for (const slo of [...input.slos].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const st = slo.status;
    const worst = st ? worstObjective(st) : undefined;
    const remaining = st ? (worst?.remaining ?? st.errorBudget.remaining) : null;
    const objective = worst
      ? { index: worst.index, displayName: worst.displayName, target: worst.target }
      : null;
    const row: PolicySlo = {
      name: slo.name,
      displayName: slo.displayName,
      state: st?.state ?? null,
      budgetRemaining: remaining,
      window: st?.window ?? null,
      evaluatedAt: st?.evaluatedAt ?? null,
      objectives: (st?.objectives ?? []).map((o) => ({
        index: o.index,
        displayName: o.displayName,
        target: o.target,
        state: o.state,
        budgetRemaining: o.remaining,
      })),
      verdict: 'allow',
    };
    slos.push(row);
    if (!combined) continue;
    const { rules } = combined;
    const base = { slo: slo.name, objective, budgetRemaining: remaining };
    const target = objective ? ` (objective ${pct(objective.target)})` : '';
    let r: PolicyReason;
    if (st === null || remaining === null || st.state === 'no-data') {
      r = reason({
        ...base,
        rule: 'no-data',
        verdict: 'allow',
        message: `SLO '${slo.name}' has ${st === null ? 'not been evaluated yet' : 'no data in its window'}; it does not hold the gate.`,
      });
    } else if (remaining <= 0 && rules.freezeWhenExhausted) {
      const left = `SLO '${slo.name}'${target} has ${pct(remaining)} of its error budget left`;
      const label = rules.allowLabels.find((l) => labels.has(l));
      const exemption = active.find((e) => e.slos === null || e.slos.includes(slo.name));
      if (label !== undefined) {
        r = reason({
          ...base,
          rule: 'allowed-label',
          verdict: 'warn',
          threshold: 0,
          policy: combined.freezeFrom,
          label,
          message: `${left}: release freeze (policy '${combined.freezeFrom}'), passed because the change is labelled '${label}'.`,
        });
      } else if (exemption) {
        r = reason({
          ...base,
          rule: 'exemption',
          verdict: 'warn',
          threshold: 0,
          policy: combined.freezeFrom,
          exemption: exemption.id,
          message: `${left}: release freeze (policy '${combined.freezeFrom}') exempted until ${new Date(exemption.expiresAt).toISOString()} by ${exemption.approver}: ${exemption.reason}`,
        });
      } else {
        const allowed =
          rules.allowLabels.length > 0
            ? ` Only changes labelled ${rules.allowLabels.join(' or ')} pass.`
            : '';
        r = reason({
          ...base,
          rule: 'freeze-when-exhausted',
          verdict: 'deny',
          threshold: 0,
          policy: combined.freezeFrom,
          message: `${left}: release freeze until it is back within objective (policy '${combined.freezeFrom}').${allowed}`,
        });
      }
    } else if (remaining < rules.warnBelow) {
      r = reason({
        ...base,
        rule: 'warn-below',
        verdict: 'warn',
        threshold: rules.warnBelow,
        policy: combined.warnFrom,
        message: `SLO '${slo.name}'${target} has ${pct(remaining)} of its error budget left, below the warning threshold of ${pct(rules.warnBelow)} (policy '${combined.warnFrom}').`,
      });
    } else {
      r = reason({
        ...base,
        rule: 'within-budget',
        verdict: 'allow',
        threshold: rules.warnBelow,
        policy: combined.warnFrom,
        message: `SLO '${slo.name}'${target} has ${pct(remaining)} of its error budget left (warning below ${pct(rules.warnBelow)}).`,
      });
    }
    row.verdict = r.verdict;
    verdict = stricter(verdict, r.verdict);
    reasons.push(r);
  }

  if (combined && input.slos.length === 0) {
    reasons.push(
      reason({
        rule: 'no-data',
        verdict: 'allow',
        message: 'The service has no SLOs; nothing holds the gate.',
      }),
    );
  }
  // Strictest first, so the first reason explains the verdict.
  reasons.sort((a, b) => RANK[b.verdict] - RANK[a.verdict]);
  return {
    verdict,
    reasons,
    slos,
    policies: input.policies.map((p) => p.name),
    rules: combined?.rules ?? null,
    activeExemptions: active.map((e) => e.id),
  };
}

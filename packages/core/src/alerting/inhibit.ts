/**
 * Inhibition as Alertmanager 0.25 does it (inhibit/inhibit.go): an alert matching a rule's target
 * matchers is muted while a firing alert matches its source matchers and has the same values for
 * every label in `equal` (a label absent on both sides counts as equal: both are "").
 *
 * An alert never inhibits itself: when the target alert matches the source matchers too, source
 * alerts that also match the target matchers are not considered (so two alerts that each match
 * both sides do not mute each other). A source alert mutes even when it is itself silenced.
 */
import { BURN_RATE_ALERTNAME } from './burn-rate.js';
import { type Labels, type Matcher, matches } from './matchers.js';

export interface InhibitRule {
  /** The InhibitRule document's name, or the built-in rule's. */
  name: string;
  sourceMatchers: readonly Matcher[];
  targetMatchers: readonly Matcher[];
  equal: readonly string[];
  /**
   * Catalog-aware: a source mutes only targets whose `service` depends on the source's `service`
   * (as `dependantsOf` says), and `equal` is checked on the other labels.
   */
  dependants?: boolean;
}

/** The services that depend on a service, directly or not (from the catalog). */
export type DependantsOf = (service: string) => ReadonlySet<string>;

export interface InhibitionCandidate {
  fingerprint: string;
  labels: Labels;
  /** Only firing alerts inhibit. */
  firing: boolean;
}

export interface Inhibition {
  rule: string;
  /** Fingerprint of the source alert that mutes. */
  by: string;
}

/** Built in: a page for an SLO mutes the ticket for the same SLO (they say the same thing). */
export const SLO_PAGE_INHIBITS_TICKET: InhibitRule = {
  name: 'builtin:slo-page-inhibits-ticket',
  sourceMatchers: [
    { name: 'alertname', type: '=', value: BURN_RATE_ALERTNAME },
    { name: 'tier', type: '=', value: 'page' },
  ],
  targetMatchers: [
    { name: 'alertname', type: '=', value: BURN_RATE_ALERTNAME },
    { name: 'tier', type: '=', value: 'ticket' },
  ],
  equal: ['slo'],
};

export const BUILTIN_INHIBIT_RULES: readonly InhibitRule[] = [SLO_PAGE_INHIBITS_TICKET];

const labelValue = (labels: Labels, name: string) => (Object.hasOwn(labels, name) ? labels[name]! : '');

function sourceFor(
  rule: InhibitRule,
  labels: Labels,
  sources: readonly InhibitionCandidate[],
  dependantsOf?: DependantsOf,
): InhibitionCandidate | undefined {
  const twoSided = matches(rule.sourceMatchers, labels);
  const dependsOnSource = (s: InhibitionCandidate) => {
    if (!rule.dependants) return true;
    const source = labelValue(s.labels, 'service');
    const target = labelValue(labels, 'service');
    return source !== '' && target !== '' && (dependantsOf?.(source).has(target) ?? false);
  };
  return sources.find(
    (s) =>
      rule.equal.every(
        (n) => (rule.dependants && n === 'service') || labelValue(s.labels, n) === labelValue(labels, n),
      ) &&
      !(twoSided && matches(rule.targetMatchers, s.labels)) &&
      dependsOnSource(s),
  );
}

/** The first rule (in order) that mutes an alert with these labels, given the alerts known now. */
export function inhibitedBy(
  labels: Labels,
  rules: readonly InhibitRule[],
  alerts: readonly InhibitionCandidate[],
  dependantsOf?: DependantsOf,
): Inhibition | null {
  for (const rule of rules) {
    if (!matches(rule.targetMatchers, labels)) continue;
    const sources = alerts.filter((a) => a.firing && matches(rule.sourceMatchers, a.labels));
    const source = sourceFor(rule, labels, sources, dependantsOf);
    if (source) return { rule: rule.name, by: source.fingerprint };
  }
  return null;
}

/** Every inhibited alert among `alerts` (firing or not), by fingerprint. */
export function inhibitions(
  alerts: readonly InhibitionCandidate[],
  rules: readonly InhibitRule[],
  dependantsOf?: DependantsOf,
): Map<string, Inhibition> {
  const out = new Map<string, Inhibition>();
  const sourcesByRule = rules.map((rule) =>
    alerts.filter((a) => a.firing && matches(rule.sourceMatchers, a.labels)),
  );
  for (const alert of alerts) {
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i]!;
      if (!matches(rule.targetMatchers, alert.labels)) continue;
      const source = sourceFor(rule, alert.labels, sourcesByRule[i]!, dependantsOf);
      if (source) {
        out.set(alert.fingerprint, { rule: rule.name, by: source.fingerprint });
        break;
      }
    }
  }
  return out;
}

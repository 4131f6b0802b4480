/**
 * Multiwindow, multi-burn-rate alerts (Google SRE Workbook, "Alerting on SLOs", table 5-8) and
 * OpenSLO `AlertCondition`s of kind burnrate.
 *
 * Tiers for a 30-day SLO window, each a pair of (long, short) windows whose burn rates must both
 * exceed the factor:
 *
 * | tier   | long | short | budget spent in the long window | factor (30d) | factor (28d) |
 * |--------|------|-------|---------------------------------|--------------|--------------|
 * | page   | 1h   | 5m    | 2 %                             | 14.4         | 13.44        |
 * | page   | 6h   | 30m   | 5 %                             | 6            | 5.6          |
 * | ticket | 1d   | 2h    | 10 %                            | 3            | 2.8          |
 * | ticket | 3d   | 6h    | 10 %                            | 1            | 0.933        |
 *
 * For another SLO window the factor is budget share × SLO window ÷ long window (a calendar
 * window uses the length of its current period).
 *
 * Low traffic: a pair fires only when its long window holds at least `minEvents` events. By
 * default ('auto') that is ⌈1 ÷ (error budget × factor)⌉, the fewest events in which one failed
 * request alone cannot push the burn rate above the factor (99.9 % and the 1h page: 70 events;
 * the 3d ticket of a 30-day window: 1,000). A number sets the minimum for every pair.
 *
 * Nothing fires while a budget correction covers the present.
 */

import { type Duration, fixedDurationMs, formatDuration } from '../slo/duration.js';
import { BURN_RATE_WINDOWS, type BurnRateKey } from '../slo/evaluate.js';
import type { AlertCondition, Operator } from '../slo/model.js';

export const BURN_RATE_ALERTNAME = 'ErrorBudgetBurn';
export type BurnRateTier = 'page' | 'ticket';
export const BURN_RATE_TIER_NAMES: readonly BurnRateTier[] = ['page', 'ticket'];
export type WindowKey = Exclude<BurnRateKey, 'window'>;

export interface WindowPair {
  long: WindowKey;
  short: WindowKey;
  /** Share of the whole window's error budget spent in the long window at the factor. */
  budgetShare: number;
}

export interface TierDefinition {
  tier: BurnRateTier;
  defaultSeverity: string;
  pairs: readonly WindowPair[];
}

export const BURN_RATE_TIERS: readonly TierDefinition[] = [
  {
    tier: 'page',
    defaultSeverity: 'critical',
    pairs: [
      { long: '1h', short: '5m', budgetShare: 0.02 },
      { long: '6h', short: '30m', budgetShare: 0.05 },
    ],
  },
  {
    tier: 'ticket',
    defaultSeverity: 'warning',
    pairs: [
      { long: '1d', short: '2h', budgetShare: 0.1 },
      { long: '3d', short: '6h', budgetShare: 0.1 },
    ],
  },
];

export const WINDOW_MS: Record<WindowKey, number> = Object.fromEntries(
  BURN_RATE_WINDOWS.map((w) => [w.key, w.minutes * 60_000]),
) as Record<WindowKey, number>;

/** Rounds away binary noise (0.02 × 672 = 13.440000000000001). */
const clean = (x: number) => Number(x.toPrecision(12));

/** budget share × SLO window ÷ long window. */
export function burnRateFactor(budgetShare: number, sloWindowMs: number, longWindowMs: number): number {
  return clean((budgetShare * sloWindowMs) / longWindowMs);
}

export interface PairThreshold extends WindowPair {
  tier: BurnRateTier;
  factor: number;
}

/** The four pairs with their factors for an SLO window. */
export function burnRateThresholds(sloWindowMs: number): PairThreshold[] {
  return BURN_RATE_TIERS.flatMap((t) =>
    t.pairs.map((p) => ({
      ...p,
      tier: t.tier,
      factor: burnRateFactor(p.budgetShare, sloWindowMs, WINDOW_MS[p.long]),
    })),
  );
}

/** The fewest events in which one failed request cannot, alone, push the burn rate above `factor`. */
export function minimumEvents(target: number, factor: number): number {
  const budget = 1 - target;
  if (!(budget > 0) || !(factor > 0)) return 1;
  return Math.max(1, Math.ceil(1 / (budget * factor) - 1e-9));
}

// ---- options

export interface TierOptions {
  /** Default true. */
  enabled?: boolean;
  /** Default: critical for page, warning for ticket. */
  severity?: string;
}

export interface BurnRateAlertOptions {
  page?: TierOptions;
  ticket?: TierOptions;
  /** Extra labels on every alert of the SLO; they cannot replace alertname, slo, service, tier, severity, window, objective. */
  labels?: Record<string, string>;
  /** 'auto' (default) or at least this many events in the long window. */
  minEvents?: number | 'auto';
}

export const RESERVED_ALERT_LABELS = [
  'alertname',
  'slo',
  'service',
  'tier',
  'severity',
  'window',
  'objective',
];

export const ALERT_ANNOTATIONS = {
  tiers: 'headroom.dev/alert-tiers',
  pageSeverity: 'headroom.dev/alert-severity-page',
  ticketSeverity: 'headroom.dev/alert-severity-ticket',
  labels: 'headroom.dev/alert-labels',
  minEvents: 'headroom.dev/alert-min-events',
} as const;

/**
 * An SLO's burn-rate alert options from its metadata annotations:
 * `headroom.dev/alert-tiers: page,ticket | page | ticket | none`,
 * `headroom.dev/alert-severity-page: critical`, `headroom.dev/alert-severity-ticket: warning`,
 * `headroom.dev/alert-labels: "team=payments, env=prod"`, `headroom.dev/alert-min-events: 100 | auto`.
 */
export function burnRateOptionsFromAnnotations(annotations: Record<string, string>): {
  options: BurnRateAlertOptions;
  problems: { annotation: string; message: string }[];
} {
  const options: BurnRateAlertOptions = {};
  const problems: { annotation: string; message: string }[] = [];
  const tiers = annotations[ALERT_ANNOTATIONS.tiers];
  if (tiers !== undefined) {
    const names = tiers
      .split(',')
      .map((t) => t.trim())
      .filter((t) => t !== '');
    const bad = names.filter((n) => n !== 'none' && !(BURN_RATE_TIER_NAMES as readonly string[]).includes(n));
    if (bad.length > 0 || (names.includes('none') && names.length > 1))
      problems.push({
        annotation: ALERT_ANNOTATIONS.tiers,
        message: `must be a list of page and ticket, or none; not '${tiers}'`,
      });
    else {
      options.page = { enabled: names.includes('page') };
      options.ticket = { enabled: names.includes('ticket') };
    }
  }
  for (const [tier, key] of [
    ['page', ALERT_ANNOTATIONS.pageSeverity],
    ['ticket', ALERT_ANNOTATIONS.ticketSeverity],
  ] as const) {
    const severity = annotations[key]?.trim();
    if (severity === undefined) continue;
    if (severity === '') problems.push({ annotation: key, message: 'must not be empty' });
    else options[tier] = { ...options[tier], severity };
  }
  const labels = annotations[ALERT_ANNOTATIONS.labels];
  if (labels !== undefined) {
    const out: Record<string, string> = {};
    for (const part of labels.split(',')) {
      if (part.trim() === '') continue;
      const eq = part.indexOf('=');
      const name = eq === -1 ? '' : part.slice(0, eq).trim();
      if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name))
        problems.push({
          annotation: ALERT_ANNOTATIONS.labels,
          message: `'${part.trim()}' is not name=value`,
        });
      else if (RESERVED_ALERT_LABELS.includes(name))
        problems.push({ annotation: ALERT_ANNOTATIONS.labels, message: `'${name}' is set by Headroom` });
      else out[name] = part.slice(eq + 1).trim();
    }
    options.labels = out;
  }
  const min = annotations[ALERT_ANNOTATIONS.minEvents]?.trim();
  if (min !== undefined) {
    if (min === 'auto') options.minEvents = 'auto';
    else if (/^[1-9][0-9]*$/.test(min) && Number.isSafeInteger(Number(min))) options.minEvents = Number(min);
    else
      problems.push({
        annotation: ALERT_ANNOTATIONS.minEvents,
        message: `must be a whole number ≥ 1 or auto, not '${min}'`,
      });
  }
  return { options, problems };
}

// ---- evaluation

export interface BurnRateSubject {
  slo: string;
  service: string;
  /** An objective's name when the SLO has several (label `objective`); null for one. */
  objective?: string | null;
  /** The objective's target in [0, 1). */
  target: number;
  /** The SLO window as written (`28d`), label `window`. */
  sloWindow: string;
  sloWindowMs: number;
}

export interface BurnRateObservation {
  burnRates: Partial<Record<BurnRateKey, number | null>>;
  /** Events (total units) in each window. */
  events: Partial<Record<BurnRateKey, number>>;
  /** A budget correction covers now. */
  inCorrection?: boolean;
}

export interface PairResult extends PairThreshold {
  longRate: number | null;
  shortRate: number | null;
  longEvents: number | null;
  minEvents: number;
  enoughEvents: boolean;
  /** Both burn rates above the factor and enough events. */
  met: boolean;
}

export type Suppression = 'disabled' | 'correction';

export interface TierResult {
  tier: BurnRateTier;
  firing: boolean;
  /** Why the tier cannot fire, whatever the burn rates; null when it is evaluated. */
  suppressed: Suppression | null;
  pairs: PairResult[];
  labels: Record<string, string>;
  annotations: { summary: string; description: string };
}

/** 3 decimals at most: 13.44, 0.933, 14.4. */
export const formatNumber = (x: number) => String(Number(x.toFixed(3)));
const percent = (share: number) => `${formatNumber(share * 100)}%`;

function baseLabels(subject: BurnRateSubject, extra: Record<string, string> | undefined) {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(extra ?? {})) if (!RESERVED_ALERT_LABELS.includes(k)) labels[k] = v;
  labels.slo = subject.slo;
  labels.service = subject.service;
  if (subject.objective) labels.objective = subject.objective;
  return labels;
}

function pairText(p: PairResult, sloWindow: string): string {
  const rate = (r: number | null) => (r === null ? 'unknown (no data)' : formatNumber(r));
  const events = p.longEvents === null ? 'unknown' : p.longEvents.toLocaleString('en-US');
  return (
    `the ${p.long} burn rate is ${rate(p.longRate)} and the ${p.short} burn rate is ${rate(p.shortRate)} ` +
    `(threshold ${formatNumber(p.factor)}: ${percent(p.budgetShare)} of the ${sloWindow} error budget in ${p.long}); ` +
    `${events} events in the last ${p.long}${p.enoughEvents ? '' : `, fewer than the ${p.minEvents.toLocaleString('en-US')} needed to alert`}`
  );
}

/** Both tiers of an SLO objective, firing or not, with labels and annotations ready for an alert. */
export function evaluateBurnRateTiers(
  subject: BurnRateSubject,
  observation: BurnRateObservation,
  options: BurnRateAlertOptions = {},
): TierResult[] {
  const thresholds = burnRateThresholds(subject.sloWindowMs);
  return BURN_RATE_TIERS.map((def) => {
    const tierOptions = options[def.tier] ?? {};
    const suppressed: Suppression | null =
      tierOptions.enabled === false ? 'disabled' : observation.inCorrection ? 'correction' : null;
    const pairs = thresholds
      .filter((t) => t.tier === def.tier)
      .map((t): PairResult => {
        const longRate = observation.burnRates[t.long] ?? null;
        const shortRate = observation.burnRates[t.short] ?? null;
        const longEvents = observation.events[t.long] ?? null;
        const minEvents =
          typeof options.minEvents === 'number' ? options.minEvents : minimumEvents(subject.target, t.factor);
        const enoughEvents = longEvents !== null && longEvents >= minEvents;
        const above = longRate !== null && shortRate !== null && longRate > t.factor && shortRate > t.factor;
        return { ...t, longRate, shortRate, longEvents, minEvents, enoughEvents, met: above && enoughEvents };
      });
    const firing = suppressed === null && pairs.some((p) => p.met);
    const severity = tierOptions.severity ?? def.defaultSeverity;
    const labels = {
      alertname: BURN_RATE_ALERTNAME,
      ...baseLabels(subject, options.labels),
      tier: def.tier,
      severity,
      window: subject.sloWindow,
    };
    const what = subject.objective ? `SLO ${subject.slo} (${subject.objective})` : `SLO ${subject.slo}`;
    const summary = `${what} of ${subject.service} is burning its error budget ${def.tier === 'page' ? 'fast' : 'steadily'}`;
    const shown = pairs.filter((p) => p.met);
    const details = (shown.length > 0 ? shown : pairs)
      .map((p) => pairText(p, subject.sloWindow))
      .join('; and ');
    const description = `${firing ? 'Firing' : suppressed === 'correction' ? 'Not alerting during a budget correction' : suppressed === 'disabled' ? 'Tier disabled' : 'Not firing'}: ${details}.`;
    return { tier: def.tier, firing, suppressed, pairs, labels, annotations: { summary, description } };
  });
}

// ---- OpenSLO AlertConditions

const NOMINAL_MS: Record<string, number> = { M: 30 * 86_400_000, Q: 91 * 86_400_000, Y: 365 * 86_400_000 };

/** A duration in ms; calendar units at their nominal length (M 30d, Q 91d, Y 365d). */
export function nominalDurationMs(d: Duration): number {
  return fixedDurationMs(d) ?? d.count * NOMINAL_MS[d.unit]!;
}

/** The standard window a look-back equals (`1h` → '1h', `60m` → '1h'), or null. */
export function lookbackKey(d: Duration): WindowKey | null {
  const ms = fixedDurationMs(d);
  return (Object.keys(WINDOW_MS) as WindowKey[]).find((k) => WINDOW_MS[k] === ms) ?? null;
}

export function compare(value: number, op: Operator, threshold: number): boolean {
  switch (op) {
    case 'lt':
      return value < threshold;
    case 'lte':
      return value <= threshold;
    case 'gt':
      return value > threshold;
    case 'gte':
      return value >= threshold;
  }
}

const OP_TEXT: Record<Operator, string> = {
  lt: 'below',
  lte: 'at or below',
  gt: 'above',
  gte: 'at or above',
};

export interface ConditionInput {
  condition: AlertCondition;
  /** The AlertPolicy that lists it. */
  policy: string | null;
  /** The burn rate over condition.lookbackWindow; null without data. */
  burnRate: number | null;
  /** Events in the look-back, for the minimum-events guard (gt/gte only); null skips the guard. */
  events: number | null;
  /** When the condition became true, from the previous evaluation; null when it was not true. */
  trueSince: number | null;
  now: number;
  inCorrection?: boolean;
}

export interface ConditionResult {
  /** The comparison holds now (and enough events, no correction). */
  holds: boolean;
  /** It has held for alertAfter. */
  firing: boolean;
  /** Keep for the next evaluation. */
  trueSince: number | null;
  /** When it will fire if it keeps holding; null unless holding and waiting for alertAfter. */
  firesAt: number | null;
  labels: Record<string, string>;
  annotations: { summary: string; description: string };
}

/** An OpenSLO AlertCondition: `burnRate op threshold` over lookbackWindow, for alertAfter. */
export function evaluateAlertCondition(
  subject: Omit<BurnRateSubject, 'sloWindow' | 'sloWindowMs'>,
  input: ConditionInput,
  options: Pick<BurnRateAlertOptions, 'labels' | 'minEvents'> = {},
): ConditionResult {
  const { condition: c, burnRate } = input;
  const spec = c.condition;
  const positive = (spec.op === 'gt' || spec.op === 'gte') && spec.threshold > 0;
  const minEvents = !positive
    ? 0
    : typeof options.minEvents === 'number'
      ? options.minEvents
      : minimumEvents(subject.target, spec.threshold);
  const enoughEvents = input.events === null || input.events >= minEvents;
  const compared = burnRate !== null && compare(burnRate, spec.op, spec.threshold);
  const holds = compared && enoughEvents && !input.inCorrection;
  const trueSince = holds ? (input.trueSince ?? input.now) : null;
  const afterMs = spec.alertAfter ? nominalDurationMs(spec.alertAfter) : 0;
  const firing = trueSince !== null && input.now - trueSince >= afterMs;
  const lookback = formatDuration(spec.lookbackWindow);
  const labels = {
    alertname: c.name,
    ...baseLabels({ ...subject, sloWindow: '', sloWindowMs: 0 }, options.labels),
    tier: 'openslo',
    severity: c.severity,
    window: lookback,
    ...(input.policy !== null && { alert_policy: input.policy }),
  };
  const rate = burnRate === null ? 'unknown (no data)' : formatNumber(burnRate);
  const state = input.inCorrection
    ? 'Not alerting during a budget correction'
    : !enoughEvents
      ? `Not alerting: ${input.events} events in the last ${lookback}, fewer than the ${minEvents} needed`
      : firing
        ? 'Firing'
        : holds
          ? `Pending until it has held for ${spec.alertAfter ? formatDuration(spec.alertAfter) : '0m'}`
          : 'Not firing';
  return {
    holds,
    firing,
    trueSince,
    firesAt: holds && !firing && trueSince !== null ? trueSince + afterMs : null,
    labels,
    annotations: {
      summary:
        c.description ??
        `${c.name}: SLO ${subject.slo} of ${subject.service}, burn rate over ${lookback} ${OP_TEXT[spec.op]} ${formatNumber(spec.threshold)}`,
      description: `${state}: the ${lookback} burn rate is ${rate}, threshold ${OP_TEXT[spec.op]} ${formatNumber(spec.threshold)}.`,
    },
  };
}

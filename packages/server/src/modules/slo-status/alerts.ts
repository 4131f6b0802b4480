/**
 * Headroom's own alerts from each evaluation pass: the multiwindow, multi-burn-rate page and
 * ticket tiers of every SLO objective, and the OpenSLO AlertConditions of its AlertPolicies, as
 * alerts in the alert store (source `headroom`) — where the routing pipeline takes them like
 * any alert that came in from Alertmanager. A tier that stops firing is resolved; so are the
 * alerts of an SLO that is gone.
 *
 * While an alert fires its annotations stay as they were when it started (the numbers then), so
 * that a pass that only sees burn rates move writes no event; the current numbers are in the
 * SLO's status.
 */
import {
  type BurnRateSubject,
  burnRateOptionsFromAnnotations,
  burnRateThresholds,
  evaluateAlertCondition,
  evaluateBurnRateTiers,
  lookbackKey,
  type PairThreshold,
} from '@headroom/core/alerting/burn-rate';
import { fingerprint } from '@headroom/core/alerting/fingerprint';
import type { IncomingAlertState } from '@headroom/core/alerting/lifecycle';
import { objectiveLabel, sloWindowLabel } from '@headroom/core/alerting/prometheus-rules';
import type { SloEvaluation } from '@headroom/core/slo/evaluate';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { upsertAlerts } from '../alerts/store.js';
import type { SloContext, SloEvaluations } from './evaluate.js';

/**
 * An alert annotation listing NotificationChannel names (comma-separated) that get the alert
 * directly, whatever the routes say: how an OpenSLO AlertPolicy's notification targets reach
 * Headroom's channels.
 */
export const NOTIFY_ANNOTATION = 'headroom.dev/notify';

/** When each OpenSLO condition started to hold, by alert fingerprint (kept between passes). */
export type ConditionClock = Map<string, number>;

export interface ProducedAlert {
  fingerprint: string;
  incoming: IncomingAlertState;
}

const thresholdsByWindow = new Map<number, PairThreshold[]>();

/** Whether any tier's window pair has both burn rates above its factor (before the events rule). */
function mightFire(e: SloEvaluation, windowMs: number): boolean {
  let thresholds = thresholdsByWindow.get(windowMs);
  if (!thresholds) {
    thresholds = burnRateThresholds(windowMs);
    thresholdsByWindow.set(windowMs, thresholds);
  }
  return thresholds.some(
    (t) => (e.burnRates[t.long] ?? 0) > t.factor && (e.burnRates[t.short] ?? 0) > t.factor,
  );
}

export interface AlertSubject {
  evaluation: SloEvaluation;
  objective: string | null;
  target: number;
}

/** A composite alerts on its one budget; otherwise each objective on its own target. */
export function alertSubjects(ctx: SloContext, evals: SloEvaluations): AlertSubject[] {
  if (ctx.headline === 'all')
    return [
      {
        evaluation: evals.headline,
        objective: null,
        target: Math.max(...evals.objectives.map((o) => o.plan.objective.target)),
      },
    ];
  return evals.objectives.map((o) => ({
    evaluation: o.evaluation,
    objective: objectiveLabel(ctx.slo, o.plan.index),
    target: o.plan.objective.target,
  }));
}

/** Nothing alerts while a budget correction covers the present. */
export const inCorrectionAt = (ctx: SloContext) =>
  ctx.intervals.some((i) => i.start <= ctx.now && ctx.now < i.end);

/** The firing alerts of one SLO at ctx.now. */
export function sloAlerts(ctx: SloContext, evals: SloEvaluations, clock: ConditionClock): ProducedAlert[] {
  const { slo, now } = ctx;
  if (evals.objectives.length === 0) return [];
  const inCorrection = inCorrectionAt(ctx);
  const subjects = alertSubjects(ctx, evals);
  const windowMs = ctx.window.end - ctx.window.start;
  // Most SLOs burn slowly: skip the tiers' labels and texts unless a pair can fire.
  if (slo.alertPolicies.length === 0 && !subjects.some((s) => mightFire(s.evaluation, windowMs))) return [];
  const { options } = burnRateOptionsFromAnnotations(slo.annotations);
  const out: ProducedAlert[] = [];
  const push = (labels: Record<string, string>, annotations: Record<string, string>, details: object) => {
    out.push({
      fingerprint: fingerprint(labels),
      incoming: {
        source: 'headroom',
        integrationId: null,
        status: 'firing',
        labels,
        annotations,
        details: details as Record<string, unknown>,
      },
    });
  };
  for (const s of subjects) {
    const subject: BurnRateSubject = {
      slo: slo.name,
      service: slo.service,
      objective: s.objective,
      target: s.target,
      sloWindow: sloWindowLabel(slo),
      sloWindowMs: windowMs,
    };
    const e = s.evaluation;
    for (const tier of evaluateBurnRateTiers(
      subject,
      { burnRates: e.burnRates, events: e.events, inCorrection },
      options,
    ))
      if (tier.firing)
        push(tier.labels, tier.annotations, { burnRates: e.burnRates, remaining: e.remaining });
    // OpenSLO AlertConditions: burn rate over a standard look-back (5m … 3d) or the SLO window.
    for (const policy of slo.alertPolicies) {
      for (const linked of policy.value?.conditions ?? []) {
        const condition = linked.value;
        if (!condition) continue;
        const key = lookbackKey(condition.condition.lookbackWindow);
        const isWindow =
          key === null &&
          JSON.stringify(condition.condition.lookbackWindow) === JSON.stringify(slo.timeWindow.duration);
        if (key === null && !isWindow) continue;
        const rateKey = key ?? 'window';
        const clockKey = `${slo.name}|${s.objective ?? ''}|${policy.value?.name ?? ''}|${condition.name}`;
        const held = evaluateAlertCondition(
          { slo: slo.name, service: slo.service, objective: s.objective, target: s.target },
          {
            condition,
            policy: policy.value?.name ?? null,
            burnRate: e.burnRates[rateKey],
            events: e.events[rateKey],
            trueSince: clock.get(clockKey) ?? null,
            now,
            inCorrection,
          },
          options,
        );
        if (held.trueSince === null) clock.delete(clockKey);
        else clock.set(clockKey, held.trueSince);
        if (!held.firing) continue;
        // The policy's AlertNotificationTargets name the channels it goes to, besides the routes.
        const targets = (policy.value?.notificationTargets ?? [])
          .map((t) => t.value?.target ?? t.ref)
          .filter((t): t is string => typeof t === 'string' && t !== '');
        push(
          held.labels,
          targets.length > 0
            ? { ...held.annotations, [NOTIFY_ANNOTATION]: targets.join(',') }
            : held.annotations,
          { burnRate: e.burnRates[rateKey] },
        );
      }
    }
  }
  return out;
}

/**
 * Stores a pass's alerts: firing ones (annotations kept while they fire), and a resolve for
 * every Headroom alert firing in the store that this pass did not report.
 */
export async function storeSloAlerts(
  db: Kysely<Database>,
  produced: readonly ProducedAlert[],
  now: number,
  /** SLOs that failed to evaluate this pass: their alerts stay as they are. */
  untouched: ReadonlySet<string> = new Set(),
): Promise<{ firing: number; changed: number }> {
  const stored = await db
    .selectFrom('alerts')
    .select(['fingerprint', 'annotations', 'labels'])
    .where('source', '=', 'headroom')
    .where('status', '=', 'firing')
    .execute();
  const firingNow = new Map(stored.map((r) => [r.fingerprint, r]));
  const reported = new Set<string>();
  const incoming: IncomingAlertState[] = [];
  for (const p of produced) {
    if (reported.has(p.fingerprint)) continue;
    reported.add(p.fingerprint);
    const kept = firingNow.get(p.fingerprint);
    incoming.push(kept ? { ...p.incoming, annotations: JSON.parse(kept.annotations) } : p.incoming);
  }
  for (const [fp, row] of firingNow) {
    if (reported.has(fp)) continue;
    const labels = JSON.parse(row.labels) as Record<string, string>;
    // Only SLO alerts carry `slo`; other Headroom producers (capacity runway) resolve their own.
    if (labels.slo === undefined || untouched.has(labels.slo)) continue;
    incoming.push({
      source: 'headroom',
      integrationId: null,
      status: 'resolved',
      labels,
      annotations: JSON.parse(row.annotations),
      endsAt: now,
    });
  }
  const result = await upsertAlerts(db, incoming, now);
  return { firing: reported.size, changed: result.changed };
}

/**
 * The SLO page's alert tiers: the same multiwindow, multi-burn-rate evaluation the evaluator's
 * alerts come from (alerts.ts), computed now from the stored buckets, with each tier's alert as
 * the alert store holds it.
 */

import { burnRateOptionsFromAnnotations, evaluateBurnRateTiers } from '@headroom/core/alerting/burn-rate';
import { fingerprint } from '@headroom/core/alerting/fingerprint';
import { sloWindowLabel } from '@headroom/core/alerting/prometheus-rules';
import type { SloAlertTiers } from '@headroom/core/api/slo-alert-tiers';
import type { Slo } from '@headroom/core/slo/model';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { loadCorrections } from '../corrections/repo.js';
import { alertSubjects, inCorrectionAt } from './alerts.js';
import { evaluationsOf, readParts, sloContext } from './evaluate.js';

const iso = (ms: number) => new Date(ms).toISOString();

export async function sloAlertTiers(
  db: Kysely<Database>,
  name: string,
  slo: Slo,
  now = Date.now(),
): Promise<SloAlertTiers> {
  const ctx = sloContext(slo, now, await loadCorrections(db));
  const parts = await readParts(db, ctx);
  if (parts.length === 0) return { slo: name, evaluatedAt: iso(now), subjects: [] };
  const evals = evaluationsOf(ctx, parts);
  const { options } = burnRateOptionsFromAnnotations(slo.annotations);
  const inCorrection = inCorrectionAt(ctx);
  const evaluated = alertSubjects(ctx, evals).map((s) => ({
    subject: s,
    tiers: evaluateBurnRateTiers(
      {
        slo: slo.name,
        service: slo.service,
        objective: s.objective,
        target: s.target,
        sloWindow: sloWindowLabel(slo),
        sloWindowMs: ctx.window.end - ctx.window.start,
      },
      { burnRates: s.evaluation.burnRates, events: s.evaluation.events, inCorrection },
      options,
    ),
  }));
  // A tier's alert has the fingerprint of its labels, firing or not, so it is found by them.
  const fingerprints = evaluated.flatMap((e) => e.tiers.map((t) => fingerprint(t.labels)));
  const rows = await db
    .selectFrom('alerts')
    .select(['id', 'fingerprint', 'status', 'acknowledged', 'starts_at', 'ends_at'])
    .where('source', '=', 'headroom')
    .where('fingerprint', 'in', fingerprints)
    .execute();
  const stored = new Map(rows.map((r) => [r.fingerprint, r]));
  return {
    slo: name,
    evaluatedAt: iso(now),
    subjects: evaluated.map(({ subject, tiers }) => ({
      objective: subject.objective,
      target: subject.target,
      tiers: tiers.map((t) => {
        const row = stored.get(fingerprint(t.labels));
        return {
          tier: t.tier,
          severity: t.labels.severity ?? '',
          firing: t.firing,
          suppressed: t.suppressed,
          description: t.annotations.description,
          pairs: t.pairs.map((p) => ({
            long: p.long,
            short: p.short,
            budgetShare: p.budgetShare,
            factor: p.factor,
            longRate: p.longRate,
            shortRate: p.shortRate,
            longEvents: p.longEvents,
            minEvents: p.minEvents,
            enoughEvents: p.enoughEvents,
            met: p.met,
          })),
          alert: row
            ? {
                id: row.id,
                fingerprint: row.fingerprint,
                status: row.status,
                acknowledged: row.acknowledged === 1,
                startsAt: iso(row.starts_at),
                endsAt: row.ends_at === null ? null : iso(row.ends_at),
              }
            : null,
        };
      }),
    })),
  };
}

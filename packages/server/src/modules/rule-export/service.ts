/**
 * `headroom export prometheus-rules`: the stored SLOs as a Prometheus rule file equivalent to
 * Headroom's burn-rate alerts (core/alerting/prometheus-rules.ts says what is and is not exported).
 */
import { burnRateOptionsFromAnnotations } from '@headroom/core/alerting/burn-rate';
import { prometheusRules, type RuleExport } from '@headroom/core/alerting/prometheus-rules';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { listResolvedSlos } from '../slos/service.js';

export async function exportPrometheusRules(
  db: Kysely<Database>,
  query: { service?: string | undefined },
): Promise<RuleExport> {
  const slos = await listResolvedSlos(db, query.service ? { service: query.service } : {});
  return prometheusRules(
    slos.map((r) => ({
      slo: r.slo,
      service: r.slo.service,
      options: burnRateOptionsFromAnnotations(r.slo.annotations).options,
    })),
  );
}

/**
 * `POST /capacity/resources/{name}/backfill` (`headroom capacity backfill <resource> --from 90d`):
 * a Prometheus-backed resource's usage read back to `from` before now, audited.
 */
import type { CapacityBackfillResult } from '@headroom/core/api/capacity';
import { canChangeOwned } from '@headroom/core/auth/policy';
import { ForbiddenError, InputError, NotFoundError } from '@headroom/core/errors';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { serviceOwnerTeam } from '../apply/openslo-stores.js';
import { type AuditContext, recordAudit } from '../audit/service.js';
import { parseSince } from '../prometheus/backfill.js';
import { backfillResource, type ChunkProgress, type ClientFor } from './poll.js';
import { findResource, USAGE_RETENTION_DAYS } from './repo.js';

export async function backfillCapacity(
  db: Kysely<Database>,
  ctx: AuditContext,
  name: string,
  from: string,
  options: { now?: number; clientFor?: ClientFor; onProgress?: (p: ChunkProgress) => void } = {},
): Promise<CapacityBackfillResult> {
  const sinceMs = parseSince(from);
  if (sinceMs > USAGE_RETENTION_DAYS * 86_400_000)
    throw new InputError(`from "${from}" reaches past the ${USAGE_RETENTION_DAYS}-day retention`, [
      { path: 'from', message: `at most ${USAGE_RETENTION_DAYS}d` },
    ]);
  const found = await findResource(db, name);
  if (!found) throw new NotFoundError('Capacity resource', name, 'CAPACITY_RESOURCE_NOT_FOUND');
  const def = found.definition;
  const team = await serviceOwnerTeam(db, `component:default/${def.service}`);
  const verdict = canChangeOwned(ctx.actor, team, `capacity resource '${name}'`);
  if (!verdict.allowed) throw new ForbiddenError(verdict.reason);
  if (def.source.type !== 'prometheus')
    throw new InputError(
      `Resource ${name} takes pushed usage (POST /capacity/usage); there is nothing to backfill from Prometheus`,
      undefined,
      'NOT_PROMETHEUS',
    );
  const report = await backfillResource(db, def, sinceMs, options);
  await recordAudit(db, ctx, 'capacity.backfill', 'capacity-resource', name, {
    from: new Date(report.from).toISOString(),
    to: new Date(report.to).toISOString(),
    samples: report.samples,
  });
  return {
    resource: name,
    from: new Date(report.from).toISOString(),
    to: new Date(report.to).toISOString(),
    samples: report.samples,
    hours: report.hours,
    chunks: report.chunks,
    warnings: report.warnings,
  };
}

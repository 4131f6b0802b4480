import type { SloStatus } from '@headroom/core/api/slo-status';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

export async function saveStatus(
  db: Kysely<Database>,
  slo: string,
  status: SloStatus,
  at: number,
): Promise<void> {
  const row = { evaluated_at: at, state: status.state, status: JSON.stringify(status) };
  await db
    .insertInto('slo_status')
    .values({ slo_name: slo, ...row })
    .onConflict((oc) => oc.column('slo_name').doUpdateSet(row))
    .execute();
}

export async function loadStatuses(
  db: Kysely<Database>,
  names?: readonly string[],
): Promise<Map<string, SloStatus>> {
  let q = db.selectFrom('slo_status').select(['slo_name', 'status']);
  if (names) {
    if (names.length === 0) return new Map();
    q = q.where('slo_name', 'in', names);
  }
  const rows = await q.execute();
  return new Map(rows.map((r) => [r.slo_name, JSON.parse(r.status) as SloStatus]));
}

/** Statuses of SLOs that no longer exist. */
export async function deleteStatusesExcept(db: Kysely<Database>, names: readonly string[]): Promise<void> {
  let q = db.deleteFrom('slo_status');
  if (names.length > 0) q = q.where('slo_name', 'not in', names);
  await q.execute();
}

import type { SloStatus } from '@headroom/core/api/slo-status';
import type { Kysely } from 'kysely';
import { withTransaction } from '../../db/index.js';
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

/** Stores a pass's statuses in one transaction, many rows per statement. */
export async function saveStatuses(
  db: Kysely<Database>,
  statuses: readonly { name: string; status: SloStatus }[],
  at: number,
): Promise<void> {
  if (statuses.length === 0) return;
  await withTransaction(db, async (trx) => {
    for (let i = 0; i < statuses.length; i += 500) {
      const rows = statuses.slice(i, i + 500).map(({ name, status }) => ({
        slo_name: name,
        evaluated_at: at,
        state: status.state,
        status: JSON.stringify(status),
      }));
      await trx
        .insertInto('slo_status')
        .values(rows)
        .onConflict((oc) =>
          oc.column('slo_name').doUpdateSet((eb) => ({
            evaluated_at: eb.ref('excluded.evaluated_at'),
            state: eb.ref('excluded.state'),
            status: eb.ref('excluded.status'),
          })),
        )
        .execute();
    }
  });
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

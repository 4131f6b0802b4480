/**
 * Rows of escalation policies (written by apply). No authorisation or audit here: apply does both.
 */
import type { EscalationPolicy } from '@headroom/core/config/headroom/escalation-policy';
import type { Kysely, Selectable } from 'kysely';
import { uuidv7 } from 'uuidv7';
import type { Database, EscalationPoliciesTable } from '../../db/schema.js';
import { json } from '../catalog/refs.js';

/** A policy as apply compares and writes it. */
export interface EscalationPolicyRecord {
  name: string;
  definition: EscalationPolicy;
  document: unknown;
}

export interface StoredEscalationPolicy extends EscalationPolicyRecord {
  id: string;
  createdAt: number;
  updatedAt: number;
}

function loadRow(row: Selectable<EscalationPoliciesTable>): StoredEscalationPolicy {
  return {
    id: row.id,
    name: row.name,
    definition: json.parse<EscalationPolicy>(row.definition),
    document: json.parse(row.document),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

export async function findEscalationPolicy(
  db: Kysely<Database>,
  name: string,
): Promise<StoredEscalationPolicy | undefined> {
  const row = await db
    .selectFrom('escalation_policies')
    .selectAll()
    .where('name', '=', name)
    .executeTakeFirst();
  return row && loadRow(row);
}

export async function loadEscalationPolicies(db: Kysely<Database>): Promise<StoredEscalationPolicy[]> {
  const rows = await db.selectFrom('escalation_policies').selectAll().orderBy('name').execute();
  return rows.map(loadRow);
}

export async function writeEscalationPolicy(
  db: Kysely<Database>,
  record: EscalationPolicyRecord,
): Promise<void> {
  const now = Date.now();
  const columns = {
    owner_ref: record.definition.owner,
    definition: json.stringify(record.definition),
    document: json.stringify(record.document),
    updated_at: now,
  };
  const existing = await db
    .selectFrom('escalation_policies')
    .select('id')
    .where('name', '=', record.name)
    .executeTakeFirst();
  if (existing)
    await db.updateTable('escalation_policies').set(columns).where('id', '=', existing.id).execute();
  else
    await db
      .insertInto('escalation_policies')
      .values({ id: uuidv7(), name: record.name, created_at: now, ...columns })
      .execute();
}

export async function deleteEscalationPolicy(db: Kysely<Database>, name: string): Promise<void> {
  await db.deleteFrom('escalation_policies').where('name', '=', name).execute();
}

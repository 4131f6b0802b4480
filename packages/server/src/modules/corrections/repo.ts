/**
 * Rows of budget corrections (written by apply) and which SLOs each selects. No authorisation or
 * audit here; apply does both.
 */
import {
  type BudgetCorrection,
  type CorrectionSelector,
  selectsSlo,
} from '@headroom/core/config/headroom/budget-correction';
import type { Kysely, Selectable } from 'kysely';
import { uuidv7 } from 'uuidv7';
import type { BudgetCorrectionsTable, Database } from '../../db/schema.js';
import { json } from '../catalog/refs.js';
import { serviceRefOf } from '../slos/repo.js';

/** A correction as stored. */
export interface CorrectionRecord {
  name: string;
  definition: BudgetCorrection;
  document: unknown;
}

export interface StoredCorrection extends CorrectionRecord {
  id: string;
  createdAt: number;
  updatedAt: number;
}

/** What selection needs to know of an SLO. */
export interface SelectableSlo {
  name: string;
  /** spec.service as written. */
  service: string;
  labels: Record<string, readonly string[]>;
}

/** Does the selector pick this SLO? A service selector compares catalog refs (`checkout` = `component:default/checkout`). */
export function selects(selector: CorrectionSelector, slo: SelectableSlo): boolean {
  const sloService = serviceRefOf(slo.service) ?? slo.service;
  return selectsSlo(selector, slo, (service) => (serviceRefOf(service) ?? service) === sloService);
}

function loadRow(row: Selectable<BudgetCorrectionsTable>): StoredCorrection {
  return {
    id: row.id,
    name: row.name,
    definition: json.parse<BudgetCorrection>(row.definition),
    document: json.parse(row.document),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

export async function findCorrection(
  db: Kysely<Database>,
  name: string,
): Promise<StoredCorrection | undefined> {
  const row = await db
    .selectFrom('budget_corrections')
    .selectAll()
    .where('name', '=', name)
    .executeTakeFirst();
  return row && loadRow(row);
}

export async function loadCorrections(db: Kysely<Database>): Promise<StoredCorrection[]> {
  const rows = await db.selectFrom('budget_corrections').selectAll().orderBy('name').execute();
  return rows.map(loadRow);
}

export async function writeCorrection(db: Kysely<Database>, record: CorrectionRecord): Promise<void> {
  const now = Date.now();
  const columns = {
    definition: json.stringify(record.definition),
    document: json.stringify(record.document),
    updated_at: now,
  };
  const existing = await db
    .selectFrom('budget_corrections')
    .select('id')
    .where('name', '=', record.name)
    .executeTakeFirst();
  if (existing)
    await db.updateTable('budget_corrections').set(columns).where('id', '=', existing.id).execute();
  else
    await db
      .insertInto('budget_corrections')
      .values({ id: uuidv7(), name: record.name, created_at: now, ...columns })
      .execute();
}

export async function deleteCorrection(db: Kysely<Database>, name: string): Promise<void> {
  await db.deleteFrom('budget_corrections').where('name', '=', name).execute();
}

/**
 * Rows of error budget policies (written by apply), exemptions and gate decisions.
 * No authorisation or audit here: the service and apply do both.
 */
import type { Exemption, GateChange, GateDecision, PolicyReason } from '@headroom/core/api/budget-policy';
import type { ErrorBudgetPolicy } from '@headroom/core/config/headroom/error-budget-policy';
import type { Kysely, Selectable } from 'kysely';
import { uuidv7 } from 'uuidv7';
import type { BudgetExemptionsTable, Database, GateDecisionsTable } from '../../db/schema.js';
import { iso, json } from '../catalog/refs.js';

export interface ErrorBudgetPolicyRecord {
  name: string;
  definition: ErrorBudgetPolicy;
  document: unknown;
}

export async function findErrorBudgetPolicy(db: Kysely<Database>, name: string) {
  const row = await db
    .selectFrom('error_budget_policies')
    .selectAll()
    .where('name', '=', name)
    .executeTakeFirst();
  return (
    row && {
      id: row.id,
      name: row.name,
      definition: json.parse<ErrorBudgetPolicy>(row.definition),
      document: json.parse(row.document),
    }
  );
}

export async function loadErrorBudgetPolicies(db: Kysely<Database>): Promise<ErrorBudgetPolicy[]> {
  const rows = await db.selectFrom('error_budget_policies').select('definition').orderBy('name').execute();
  return rows.map((r) => json.parse<ErrorBudgetPolicy>(r.definition));
}

export async function writeErrorBudgetPolicy(
  db: Kysely<Database>,
  record: ErrorBudgetPolicyRecord,
): Promise<void> {
  const now = Date.now();
  const columns = {
    owner_ref: record.definition.owner,
    definition: json.stringify(record.definition),
    document: json.stringify(record.document),
    updated_at: now,
  };
  const updated = await db
    .updateTable('error_budget_policies')
    .set(columns)
    .where('name', '=', record.name)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) > 0) return;
  await db
    .insertInto('error_budget_policies')
    .values({ id: uuidv7(), name: record.name, created_at: now, ...columns })
    .execute();
}

export async function deleteErrorBudgetPolicy(db: Kysely<Database>, name: string): Promise<void> {
  await db.deleteFrom('error_budget_policies').where('name', '=', name).execute();
}

export interface StoredExemption {
  id: string;
  serviceRef: string;
  reason: string;
  approver: string;
  slos: string[] | null;
  expiresAt: number;
  createdBy: string;
  createdAt: number;
}

const loadExemption = (r: Selectable<BudgetExemptionsTable>): StoredExemption => ({
  id: r.id,
  serviceRef: r.service_ref,
  reason: r.reason,
  approver: r.approver,
  slos: r.slos === null ? null : json.parse<string[]>(r.slos),
  expiresAt: Number(r.expires_at),
  createdBy: r.created_by,
  createdAt: Number(r.created_at),
});

export function exemptionView(e: StoredExemption, service: string, now: number): Exemption {
  return {
    id: e.id,
    service,
    reason: e.reason,
    approver: e.approver,
    slos: e.slos,
    expiresAt: iso(e.expiresAt),
    createdBy: e.createdBy,
    createdAt: iso(e.createdAt),
    active: e.expiresAt > now,
  };
}

export async function insertExemption(db: Kysely<Database>, e: StoredExemption): Promise<void> {
  await db
    .insertInto('budget_exemptions')
    .values({
      id: e.id,
      service_ref: e.serviceRef,
      reason: e.reason,
      approver: e.approver,
      slos: e.slos === null ? null : json.stringify(e.slos),
      expires_at: e.expiresAt,
      created_by: e.createdBy,
      created_at: e.createdAt,
    })
    .execute();
}

/** Newest first; `activeAt` keeps only those not expired then. */
export async function listExemptions(
  db: Kysely<Database>,
  serviceRef: string,
  activeAt?: number,
): Promise<StoredExemption[]> {
  let q = db.selectFrom('budget_exemptions').selectAll().where('service_ref', '=', serviceRef);
  if (activeAt !== undefined) q = q.where('expires_at', '>', activeAt);
  const rows = await q.orderBy('id', 'desc').execute();
  return rows.map(loadExemption);
}

export async function deleteExemption(db: Kysely<Database>, serviceRef: string, id: string) {
  const row = await db
    .selectFrom('budget_exemptions')
    .selectAll()
    .where('service_ref', '=', serviceRef)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  await db.deleteFrom('budget_exemptions').where('id', '=', id).execute();
  return loadExemption(row);
}

export interface DecisionToRecord {
  id: string;
  serviceRef: string;
  at: number;
  verdict: GateDecision['verdict'];
  reasons: PolicyReason[];
  slos: GateDecision['slos'];
  change: GateChange;
  requestedBy: string;
}

export async function insertGateDecision(db: Kysely<Database>, d: DecisionToRecord): Promise<void> {
  await db
    .insertInto('gate_decisions')
    .values({
      id: d.id,
      service_ref: d.serviceRef,
      at: d.at,
      verdict: d.verdict,
      reasons: json.stringify(d.reasons),
      slos: json.stringify(d.slos),
      change: json.stringify(d.change),
      requested_by: d.requestedBy,
    })
    .execute();
}

const loadDecision = (r: Selectable<GateDecisionsTable>, service: string): GateDecision => ({
  id: r.id,
  service,
  at: iso(Number(r.at)),
  verdict: r.verdict as GateDecision['verdict'],
  reasons: json.parse(r.reasons),
  slos: json.parse(r.slos),
  change: json.parse(r.change),
  requestedBy: r.requested_by,
});

export async function listGateDecisions(
  db: Kysely<Database>,
  serviceRef: string,
  service: string,
  filter: { limit: number; verdict?: string | undefined; from?: number | undefined; to?: number | undefined },
): Promise<GateDecision[]> {
  let q = db.selectFrom('gate_decisions').selectAll().where('service_ref', '=', serviceRef);
  if (filter.verdict) q = q.where('verdict', '=', filter.verdict);
  if (filter.from !== undefined) q = q.where('at', '>=', filter.from);
  if (filter.to !== undefined) q = q.where('at', '<', filter.to);
  const rows = await q.orderBy('id', 'desc').limit(filter.limit).execute();
  return rows.map((r) => loadDecision(r, service));
}

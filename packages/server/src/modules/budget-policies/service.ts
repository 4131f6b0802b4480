/**
 * Error budget policies at work: a service's verdict now, the release gate (which records each
 * decision), and exemptions. Statuses come from what the SLO evaluator stored (slo_status), never
 * recomputed here, so the gate costs a handful of indexed reads whatever the number of SLOs.
 */
import type {
  Exemption,
  ExemptionCreate,
  GateChange,
  GateDecision,
  GateRequest,
  GateResponse,
  PolicyVerdict,
} from '@headroom/core/api/budget-policy';
import { canChangeOwned } from '@headroom/core/auth/policy';
import { combineRules, evaluatePolicy, selectPolicies } from '@headroom/core/budget-policy/evaluate';
import { ForbiddenError, InputError, NotFoundError } from '@headroom/core/errors';
import type { Kysely } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { withTransaction } from '../../db/index.js';
import type { Database } from '../../db/schema.js';
import { type AuditContext, recordAudit } from '../audit/service.js';
import { iso, json, REF_KIND, refOf, shortName } from '../catalog/refs.js';
import { findServiceByRef } from '../catalog/services.js';
import { findUserByRef } from '../catalog/users.js';
import { loadStatuses } from '../slo-status/repo.js';
import {
  deleteExemption as deleteExemptionRow,
  exemptionView,
  insertExemption,
  insertGateDecision,
  listExemptions as listExemptionRows,
  listGateDecisions,
  loadErrorBudgetPolicies,
} from './repo.js';

const MAX_EXEMPTION_MS = 90 * 86_400_000;

async function requireService(db: Kysely<Database>, name: string) {
  let row: Awaited<ReturnType<typeof findServiceByRef>>;
  try {
    row = await findServiceByRef(db, name);
  } catch {
    row = undefined;
  }
  if (!row) throw new NotFoundError('Service', name, 'SERVICE_NOT_FOUND');
  return {
    ref: refOf(REF_KIND.service, row.namespace, row.name),
    name: shortName(row.namespace, row.name),
    policyService: {
      name: row.name,
      tier: Number(row.tier),
      labels: json.parse<Record<string, string>>(row.labels || '{}'),
      tags: json.parse<string[]>(row.tags || '[]'),
    },
    ownerRef: row.owner_ref,
    ownerTeamId: row.owner_team_id,
  };
}

type ServiceInfo = Awaited<ReturnType<typeof requireService>>;

async function verdictFor(
  db: Kysely<Database>,
  svc: ServiceInfo,
  labels: readonly string[],
  now: number,
): Promise<PolicyVerdict> {
  const [policies, slos, exemptions] = await Promise.all([
    loadErrorBudgetPolicies(db),
    db
      .selectFrom('slos')
      .select(['name', 'display_name'])
      .where('service_ref', '=', svc.ref)
      .orderBy('name')
      .execute(),
    listExemptionRows(db, svc.ref, now),
  ]);
  const statuses = await loadStatuses(
    db,
    slos.map((s) => s.name),
  );
  const e = evaluatePolicy({
    policies: selectPolicies(policies, svc.policyService),
    slos: slos.map((s) => ({
      name: s.name,
      displayName: s.display_name,
      status: statuses.get(s.name) ?? null,
    })),
    labels,
    exemptions,
    now,
  });
  return {
    service: svc.name,
    verdict: e.verdict,
    reasons: e.reasons,
    slos: e.slos,
    policies: e.policies,
    rules: e.rules,
    exemptions: exemptions.map((x) => exemptionView(x, svc.name, now)),
    at: iso(now),
  };
}

/** `GET /services/{name}/policy`: the verdict for a change without labels, recorded nowhere. */
export async function servicePolicyVerdict(db: Kysely<Database>, name: string, now = Date.now()) {
  return verdictFor(db, await requireService(db, name), [], now);
}

/** Labels trimmed, lower-cased and each once: `P0-Fix` passes as `p0-fix`. */
export function normalizeLabels(labels: readonly string[]): string[] {
  return [...new Set(labels.map((l) => l.trim().toLowerCase()).filter((l) => l !== ''))];
}

export async function askGate(
  db: Kysely<Database>,
  ctx: AuditContext,
  name: string,
  request: GateRequest,
  now = Date.now(),
): Promise<GateResponse> {
  const svc = await requireService(db, name);
  const labels = normalizeLabels(request.labels ?? []);
  const verdict = await verdictFor(db, svc, labels, now);
  const change: GateChange = {
    commit: request.commit ?? null,
    author: request.author ?? null,
    labels,
    version: request.version ?? null,
    pipelineUrl: request.pipelineUrl ?? null,
  };
  const decisionId = uuidv7();
  await insertGateDecision(db, {
    id: decisionId,
    serviceRef: svc.ref,
    at: now,
    verdict: verdict.verdict,
    reasons: verdict.reasons,
    slos: verdict.slos.map((s) => ({ name: s.name, budgetRemaining: s.budgetRemaining, verdict: s.verdict })),
    change,
    requestedBy: ctx.actor.name,
  });
  return { ...verdict, decisionId, change };
}

export async function gateDecisions(
  db: Kysely<Database>,
  name: string,
  filter: { limit?: number; verdict?: string; from?: string; to?: string },
): Promise<GateDecision[]> {
  const svc = await requireService(db, name);
  const from = filter.from === undefined ? undefined : Date.parse(filter.from);
  const to = filter.to === undefined ? undefined : Date.parse(filter.to);
  return listGateDecisions(db, svc.ref, svc.name, {
    limit: filter.limit ?? 100,
    verdict: filter.verdict,
    from,
    to,
  });
}

export async function listServiceExemptions(
  db: Kysely<Database>,
  name: string,
  all = false,
  now = Date.now(),
): Promise<Exemption[]> {
  const svc = await requireService(db, name);
  const rows = await listExemptionRows(db, svc.ref, all ? undefined : now);
  return rows.map((r) => exemptionView(r, svc.name, now));
}

function authoriseExemption(ctx: AuditContext, svc: ServiceInfo) {
  const verdict = canChangeOwned(ctx.actor, svc.ownerTeamId, `exemptions of service '${svc.name}'`);
  if (!verdict.allowed) throw new ForbiddenError(verdict.reason);
}

export async function createExemption(
  db: Kysely<Database>,
  ctx: AuditContext,
  name: string,
  input: ExemptionCreate,
  now = Date.now(),
): Promise<Exemption> {
  const svc = await requireService(db, name);
  authoriseExemption(ctx, svc);
  const problems: { path: string; message: string }[] = [];
  const expiresAt = Date.parse(input.expiresAt);
  if (!Number.isFinite(expiresAt)) problems.push({ path: '/expiresAt', message: 'must be a date-time' });
  else if (expiresAt <= now) problems.push({ path: '/expiresAt', message: 'must be in the future' });
  else if (expiresAt - now > MAX_EXEMPTION_MS)
    problems.push({ path: '/expiresAt', message: 'must be at most 90 days ahead; add a new exemption then' });
  const approver = await findUserByRef(db, input.approver).catch(() => undefined);
  if (!approver) problems.push({ path: '/approver', message: `user '${input.approver}' does not exist` });
  let slos: string[] | null = null;
  if (input.slos) {
    slos = [...new Set(input.slos)].sort();
    const known = new Set(
      (await db.selectFrom('slos').select('name').where('service_ref', '=', svc.ref).execute()).map(
        (s) => s.name,
      ),
    );
    slos.forEach((s, i) => {
      if (!known.has(s))
        problems.push({ path: `/slos/${i}`, message: `SLO '${s}' is not an SLO of service '${svc.name}'` });
    });
  }
  if (problems.length > 0)
    throw new InputError(
      `The exemption is not valid: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}.`,
      problems,
    );
  const stored = {
    id: uuidv7(),
    serviceRef: svc.ref,
    reason: input.reason.trim(),
    approver: shortName(approver!.namespace, approver!.name),
    slos,
    expiresAt,
    createdBy: ctx.actor.name,
    createdAt: now,
  };
  await withTransaction(db, async (trx) => {
    await insertExemption(trx, stored);
    await recordAudit(trx, ctx, 'exemption.create', 'service', svc.ref, {
      exemption: stored.id,
      reason: stored.reason,
      approver: stored.approver,
      slos: stored.slos,
      expiresAt: iso(expiresAt),
    });
  });
  return exemptionView(stored, svc.name, now);
}

export async function removeExemption(
  db: Kysely<Database>,
  ctx: AuditContext,
  name: string,
  id: string,
): Promise<void> {
  const svc = await requireService(db, name);
  authoriseExemption(ctx, svc);
  await withTransaction(db, async (trx) => {
    const gone = await deleteExemptionRow(trx, svc.ref, id);
    if (!gone) throw new NotFoundError('Exemption', id, 'EXEMPTION_NOT_FOUND');
    await recordAudit(trx, ctx, 'exemption.delete', 'service', svc.ref, {
      exemption: id,
      reason: gone.reason,
      approver: gone.approver,
    });
  });
}

/**
 * The incident closing rule's threshold for an incident on these services: the strictest
 * `incidentBudgetShare` of the policies that select any of them; null when none does (the
 * closing rule then keeps the SRE Workbook's 20 %).
 */
export async function incidentBudgetShare(
  db: Kysely<Database>,
  services: readonly string[],
): Promise<number | null> {
  if (services.length === 0) return null;
  const policies = await loadErrorBudgetPolicies(db);
  if (policies.length === 0) return null;
  let share: number | null = null;
  for (const name of services) {
    let svc: ServiceInfo;
    try {
      svc = await requireService(db, name);
    } catch {
      continue; // a service gone from the catalog has no policy any more
    }
    const rules = combineRules(selectPolicies(policies, svc.policyService));
    if (rules) share = Math.min(share ?? 1, rules.rules.incidentBudgetShare);
  }
  return share;
}

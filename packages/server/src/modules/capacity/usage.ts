/**
 * `POST /capacity/usage`: usage samples `{resource, ts, value}` as a JSON array or NDJSON.
 * All or nothing: every record is checked first and any bad one refuses the whole batch with a
 * problem naming its index (and line, for NDJSON) and field; then the batch is written in one
 * transaction. Samples are kept per resource and minute, so sending the same batch again replaces
 * the same rows and recomputes the same hours (see migration 0021_capacity).
 */
import type { UsageResult } from '@headroom/core/api/capacity';
import { type Actor, canChangeOwned } from '@headroom/core/auth/policy';
import { MAX_USAGE_VALUE } from '@headroom/core/capacity/index';
import type { CapacityResourceDefinition } from '@headroom/core/config/headroom/capacity';
import { type FieldProblem, ForbiddenError, InputError } from '@headroom/core/errors';
import type { Kysely } from 'kysely';
import { withTransaction } from '../../db/index.js';
import type { Database } from '../../db/schema.js';
import { serviceOwnerTeam } from '../apply/openslo-stores.js';
import { type AuditContext, recordAudit } from '../audit/service.js';
import {
  listResourceDefinitions,
  pruneUsage,
  USAGE_RETENTION_DAYS,
  type UsageSample,
  writeUsage,
} from './repo.js';

/** Largest batch: a year of per-minute samples of one resource, with room. */
export const MAX_USAGE_RECORDS = 600_000;
const FUTURE_SLACK_MS = 5 * 60_000;
const MAX_PROBLEMS = 50;

export interface UsageBody {
  format: 'json' | 'ndjson';
  text: string;
}

interface RawRecord {
  value: unknown;
  /** 1-based line of an NDJSON record. */
  line?: number;
}

function records(body: UsageBody): RawRecord[] {
  if (body.format === 'ndjson') {
    const out: RawRecord[] = [];
    const lines = body.text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const text = lines[i]!.trim();
      if (text === '') continue;
      try {
        out.push({ value: JSON.parse(text), line: i + 1 });
      } catch (e) {
        throw new InputError(`Line ${i + 1} is not JSON: ${(e as Error).message}`, [
          { path: `/${out.length}`, line: i + 1, message: 'not a JSON object', code: 'NOT_JSON' },
        ]);
      }
    }
    return out;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.text);
  } catch (e) {
    throw new InputError(`The body is not valid JSON: ${(e as Error).message}`, [
      { path: '', message: 'not JSON', code: 'NOT_JSON' },
    ]);
  }
  if (!Array.isArray(parsed))
    throw new InputError('The body must be a JSON array of {resource, ts, value} (or NDJSON)', [
      { path: '', message: 'must be an array', code: 'NOT_ARRAY' },
    ]);
  return parsed.map((value) => ({ value }));
}

function timeOf(ts: unknown): number | null {
  if (typeof ts === 'number') return Number.isFinite(ts) && Number.isInteger(ts) && ts > 0 ? ts : null;
  if (typeof ts !== 'string') return null;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(ts)) return null;
  const ms = Date.parse(ts);
  return Number.isNaN(ms) ? null : ms;
}

/** Checks every record; throws one InputError listing the problems (by record index and field). */
export function validateUsage(
  raw: RawRecord[],
  resources: ReadonlyMap<string, CapacityResourceDefinition>,
  now: number,
): UsageSample[] {
  if (raw.length === 0)
    throw new InputError('The batch has no records', [{ path: '', message: 'no records', code: 'EMPTY' }]);
  if (raw.length > MAX_USAGE_RECORDS)
    throw new InputError(`At most ${MAX_USAGE_RECORDS} records per batch, got ${raw.length}`, [
      { path: '', message: 'too many records', code: 'TOO_MANY' },
    ]);
  const oldest = now - USAGE_RETENTION_DAYS * 86_400_000;
  const problems: FieldProblem[] = [];
  const out: UsageSample[] = [];
  raw.forEach((r, i) => {
    const problem = (field: string, message: string, code: string) => {
      if (problems.length < MAX_PROBLEMS)
        problems.push({
          path: `/${i}${field ? `/${field}` : ''}`,
          message,
          code,
          ...(r.line ? { line: r.line } : {}),
        });
    };
    const v = r.value;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      problem('', 'must be an object {resource, ts, value}', 'NOT_OBJECT');
      return;
    }
    const rec = v as Record<string, unknown>;
    const unknown = Object.keys(rec).filter((k) => !['resource', 'ts', 'value'].includes(k));
    if (unknown.length > 0) problem(unknown[0]!, 'is not a field of a usage record', 'UNKNOWN_FIELD');
    let ok = unknown.length === 0;
    const def = typeof rec.resource === 'string' ? resources.get(rec.resource) : undefined;
    if (typeof rec.resource !== 'string' || rec.resource === '') {
      problem('resource', 'is required: the metadata.name of a CapacityResource', 'MISSING_RESOURCE');
      ok = false;
    } else if (!def) {
      problem('resource', `no CapacityResource named '${rec.resource}'`, 'UNKNOWN_RESOURCE');
      ok = false;
    } else if (def.source.type !== 'push') {
      problem(
        'resource',
        `'${rec.resource}' reads its usage from Prometheus; it takes no pushed usage`,
        'NOT_PUSH',
      );
      ok = false;
    }
    const ts = timeOf(rec.ts);
    if (ts === null) {
      problem('ts', 'must be an RFC 3339 time with offset or epoch milliseconds', 'BAD_TIME');
      ok = false;
    } else if (ts > now + FUTURE_SLACK_MS) {
      problem('ts', 'is in the future', 'FUTURE');
      ok = false;
    } else if (ts < oldest) {
      problem('ts', `is older than the ${USAGE_RETENTION_DAYS}-day retention`, 'TOO_OLD');
      ok = false;
    }
    const value = rec.value;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      problem('value', 'must be a number', 'NOT_NUMBER');
      ok = false;
    } else if (value < 0) {
      problem('value', 'must not be negative', 'NEGATIVE');
      ok = false;
    } else if (value > MAX_USAGE_VALUE) {
      problem('value', 'is above 1e18: use a larger unit', 'TOO_LARGE');
      ok = false;
    }
    if (ok) out.push({ resource: rec.resource as string, ts: ts!, value: value as number });
  });
  if (problems.length > 0) {
    const first = problems[0]!;
    throw new InputError(
      `${problems.length === MAX_PROBLEMS ? 'At least ' : ''}${problems.length} invalid record(s); nothing was stored. First: record ${first.path.split('/')[1]}${first.line ? ` (line ${first.line})` : ''} ${first.path.split('/')[2] ?? ''} ${first.message}`.replace(
        /\s+/g,
        ' ',
      ),
      problems,
      'INVALID_USAGE',
    );
  }
  return out;
}

export async function ingestUsage(
  db: Kysely<Database>,
  ctx: AuditContext,
  body: UsageBody,
  now = Date.now(),
): Promise<UsageResult> {
  if (ctx.actor.role === 'viewer') throw new ForbiddenError('Sending usage needs the editor or admin role.');
  const defs = new Map((await listResourceDefinitions(db)).map((d) => [d.name, d]));
  const samples = validateUsage(records(body), defs, now);
  const names = [...new Set(samples.map((s) => s.resource))].sort();
  await authorise(
    db,
    ctx.actor,
    names.map((n) => defs.get(n)!),
  );
  const result = await withTransaction(db, async (trx) => {
    const written = await writeUsage(trx, samples, now);
    await recordAudit(trx, ctx, 'capacity.usage', 'capacity-resource', names.join(','), {
      records: samples.length,
      resources: names,
    });
    return written;
  });
  // Retention is swept on the back of writes, as nothing else grows the store.
  await pruneUsage(db, now).catch(() => undefined);
  return { accepted: result.accepted, resources: names, hours: result.hours };
}

async function authorise(db: Kysely<Database>, actor: Actor, defs: CapacityResourceDefinition[]) {
  for (const def of defs) {
    const team = await serviceOwnerTeam(db, `component:default/${def.service}`);
    const verdict = canChangeOwned(actor, team, `usage of capacity resource '${def.name}'`);
    if (!verdict.allowed) throw new ForbiddenError(verdict.reason);
  }
}

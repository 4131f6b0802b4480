/**
 * Where apply keeps each type of desired object. The core's kind registry turns documents into
 * DesiredObjects with a `type`; a store of that type knows how to read the current state, tell
 * what differs, authorise a change, write and delete. A later issue adds e.g. an 'slo' store
 * to `applyStores` beside the catalog ones.
 */

import type { PlanAction } from '@headroom/core/api/apply';
import type { Actor, Verdict } from '@headroom/core/auth/policy';
import type { EntityRef } from '@headroom/core/catalog/entity-ref';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { json } from '../catalog/refs.js';

export interface CurrentState<R = unknown> {
  id: string;
  record: R;
}

export interface ChangeToAuthorise<R = unknown> {
  action: Exclude<PlanAction, 'unchanged'>;
  current?: CurrentState<R>;
  desired?: R;
  /** Human name for messages: `service 'checkout'`. */
  what: string;
}

export interface ApplyStore<D = unknown, R = unknown> {
  /** Matches DesiredObject.type. */
  readonly type: string;
  /** Kinds of entity ref this store holds (`component`), to find the store of a ref. */
  readonly refKinds: readonly string[];
  /** Writes go in ascending order (teams before users before services), deletes descending. */
  readonly order: number;
  /** target_kind in the audit log. */
  readonly auditKind: string;
  /** The record to compare and write, from a desired object's data. */
  toRecord(data: D): R;
  load(db: Kysely<Database>, ref: EntityRef): Promise<CurrentState<R> | undefined>;
  /** Names of the fields that differ; fields the desired record leaves undefined are not managed. */
  diff(current: R, desired: R): string[];
  authorise(db: Kysely<Database>, actor: Actor, change: ChangeToAuthorise<R>): Promise<Verdict>;
  write(db: Kysely<Database>, record: R): Promise<void>;
  remove(db: Kysely<Database>, ref: EntityRef): Promise<void>;
}

const IDENTITY = new Set(['kind', 'namespace', 'name']);
/** Record fields shown under the names the API uses. */
const FIELD_NAMES: Record<string, string> = { ownerRef: 'owner', systemRef: 'system', parentRef: 'parent' };

/** Compares records field by field as canonical JSON (key order does not matter). */
export function diffRecords<R extends object>(current: R, desired: R): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(desired)) {
    if (value === undefined || IDENTITY.has(key)) continue;
    const before = (current as Record<string, unknown>)[key];
    if (json.stringify(before ?? null) !== json.stringify(value)) out.push(FIELD_NAMES[key] ?? key);
  }
  return out;
}

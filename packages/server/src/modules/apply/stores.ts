/**
 * Where apply keeps each type of desired object. The core's kind registry turns documents into
 * DesiredObjects with a `type`; a store of that type knows how to read the current state, tell
 * what differs, authorise a change, write and delete, and optionally check rules that span
 * objects (`verify`). OpenSLO's stores (openslo-stores.ts) sit beside the catalog ones.
 */

import type { PlanAction, PlanWarning } from '@headroom/core/api/apply';
import type { Actor, Verdict } from '@headroom/core/auth/policy';
import type { EntityRef } from '@headroom/core/catalog/entity-ref';
import type { DesiredObject } from '@headroom/core/config/types';
import type { FieldProblem } from '@headroom/core/errors';
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
  /** An object declared in the files being applied, by ref (it may not be stored yet). */
  declared?: (ref: string) => DesiredObject | undefined;
}

/** What a store's cross-object check sees: every declared object and what the plan deletes. */
export interface PlanContext {
  objects: readonly DesiredObject[];
  declared: ReadonlySet<string>;
  /** Refs the plan deletes (prune). */
  removed: ReadonlySet<string>;
}

export interface PlanCheck {
  warnings: PlanWarning[];
  /** Problems that refuse the whole apply (400 INVALID_CONFIG), with file and line where known. */
  problems: FieldProblem[];
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
  /** Rules across objects and what is stored (e.g. an SLO's indicatorRef), checked once per plan. */
  verify?(db: Kysely<Database>, plan: PlanContext): Promise<PlanCheck>;
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

/** A store record kept as a normalized definition beside the document as written. */
export interface DefinitionRecord<D = unknown> {
  name: string;
  definition: D;
  document: unknown;
}

/** Fields of two definitions that differ; a change of the document's form only is `document`. */
export function diffDefinitions(
  current: { definition: unknown; document: unknown },
  desired: { definition: unknown; document: unknown },
): string[] {
  const a = current.definition as Record<string, unknown>;
  const b = desired.definition as Record<string, unknown>;
  const changed = [...new Set([...Object.keys(a), ...Object.keys(b)])]
    .filter((k) => json.stringify(a[k] ?? null) !== json.stringify(b[k] ?? null))
    .sort();
  if (changed.length > 0) return changed;
  return json.stringify(current.document) === json.stringify(desired.document) ? [] : ['document'];
}

/** The current state of a definition-backed object, as a store's `load` returns it. */
export function loadedDefinition<D>(
  found: { id: string; name: string; definition: D; document: unknown } | undefined,
): CurrentState<DefinitionRecord<D>> | undefined {
  return found
    ? { id: found.id, record: { name: found.name, definition: found.definition, document: found.document } }
    : undefined;
}

/**
 * Apply stores for the catalog: services (Components), teams (Groups), users (Users) and
 * generic entities (System, Domain, API, Resource). Authorisation is the API's own policy.
 */
import { type Actor, canChangeOwned, canChangeTeam, canManageUsers } from '@headroom/core/auth/policy';
import type {
  EntityObject,
  ServiceObject,
  TeamObject,
  UserObject,
} from '@headroom/core/config/catalog-objects';
import { normalizeRelations, OBJECT_TYPE } from '@headroom/core/config/catalog-objects';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import {
  deleteEntityRecord,
  deleteTeamRecord,
  deleteUserRecord,
  type EntityRecord,
  findEntityRow,
  findTeamRow,
  findUserRow,
  loadEntityRecord,
  loadTeamRecord,
  loadUserRecord,
  ownerTeamId,
  type TeamRecord,
  type UserRecord,
  writeEntityRecord,
  writeTeamRecord,
  writeUserRecord,
} from '../catalog/records.js';
import { REF_KIND } from '../catalog/refs.js';
import {
  deleteServiceRecord,
  findServiceByRef,
  loadServiceRecord,
  type ServiceRecord,
  writeServiceRecord,
} from '../catalog/services.js';
import type { ApplyStore, ChangeToAuthorise } from './stores.js';
import { diffRecords } from './stores.js';

/** Services and entities: an editor may change what their team owns, before and after. */
async function authoriseOwned(
  db: Kysely<Database>,
  actor: Actor,
  change: ChangeToAuthorise<{ ownerRef: string | null }>,
) {
  const before = change.current ? await ownerTeamId(db, change.current.record.ownerRef) : undefined;
  if (before !== undefined) {
    const verdict = canChangeOwned(actor, before, change.what);
    if (!verdict.allowed) return verdict;
  }
  if (change.desired && (!change.current || change.desired.ownerRef !== change.current.record.ownerRef)) {
    return canChangeOwned(actor, await ownerTeamId(db, change.desired.ownerRef), change.what);
  }
  return { allowed: true } as const;
}

export const serviceStore: ApplyStore<ServiceObject, ServiceRecord> = {
  type: OBJECT_TYPE.service,
  refKinds: [REF_KIND.service],
  order: 30,
  auditKind: 'service',
  toRecord: (data) => ({ ...data, relations: normalizeRelations(data.relations) }),
  async load(db, ref) {
    const row = await findServiceByRef(db, `${ref.namespace}/${ref.name}`);
    if (!row) return undefined;
    const record = await loadServiceRecord(db, row);
    return { id: row.id, record: { ...record, relations: normalizeRelations(record.relations) } };
  },
  diff: diffRecords,
  authorise: authoriseOwned,
  async write(db, record) {
    await writeServiceRecord(db, record);
  },
  remove: (db, ref) => deleteServiceRecord(db, ref.namespace, ref.name),
};

export const teamStore: ApplyStore<TeamObject, TeamRecord> = {
  type: OBJECT_TYPE.team,
  refKinds: [REF_KIND.team],
  order: 10,
  auditKind: 'team',
  toRecord: ({ members: _members, ...record }) => record,
  async load(db, ref) {
    const row = await findTeamRow(db, ref.namespace, ref.name);
    return row ? { id: row.id, record: await loadTeamRecord(db, row) } : undefined;
  },
  diff: diffRecords,
  async authorise(_db, actor, change) {
    return canChangeTeam(actor, change.current?.id ?? null, change.action);
  },
  async write(db, record) {
    await writeTeamRecord(db, record);
  },
  remove: (db, ref) => deleteTeamRecord(db, ref.namespace, ref.name),
};

export const userStore: ApplyStore<UserObject, UserRecord> = {
  type: OBJECT_TYPE.user,
  refKinds: [REF_KIND.user],
  order: 20,
  auditKind: 'user',
  toRecord: ({ memberOf: _memberOf, ...record }) => record,
  async load(db, ref) {
    const row = await findUserRow(db, ref.namespace, ref.name);
    return row ? { id: row.id, record: loadUserRecord(row) } : undefined;
  },
  diff: diffRecords,
  authorise: async (_db, actor) => canManageUsers(actor),
  async write(db, record) {
    await writeUserRecord(db, record);
  },
  remove: (db, ref) => deleteUserRecord(db, ref.namespace, ref.name),
};

export const entityStore: ApplyStore<EntityObject, EntityRecord> = {
  type: OBJECT_TYPE.entity,
  refKinds: ['system', 'domain', 'api', 'resource'],
  order: 40,
  auditKind: 'entity',
  toRecord: (data) => ({ ...data, relations: normalizeRelations(data.relations) }),
  async load(db, ref) {
    const row = await findEntityRow(db, ref.kind, ref.namespace, ref.name);
    return row ? { id: row.id, record: await loadEntityRecord(db, row) } : undefined;
  },
  diff: diffRecords,
  authorise: authoriseOwned,
  async write(db, record) {
    await writeEntityRecord(db, record);
  },
  remove: (db, ref) => deleteEntityRecord(db, ref.kind, ref.namespace, ref.name),
};

/** Every store apply knows, by object type. */
export const applyStores: readonly ApplyStore[] = [
  teamStore,
  userStore,
  serviceStore,
  entityStore,
] as unknown as readonly ApplyStore[];

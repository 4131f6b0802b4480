/**
 * Record-level reads and writes for teams, users, memberships and generic entities: the
 * stored shape that config as code compares and writes. No authorisation or audit here;
 * callers (apply) do both. Services have theirs in services.ts.
 */
import { parseEntityRef } from '@headroom/core/catalog/entity-ref';
import {
  type EntityObject,
  normalizeRelations,
  type Relation,
  type TeamObject,
  type UserObject,
} from '@headroom/core/config/catalog-objects';
import type { Kysely, Selectable } from 'kysely';
import { uuidv7 } from 'uuidv7';
import type { Database, EntitiesTable, TeamsTable, UsersTable } from '../../db/schema.js';
import { json, REF_KIND, refOf } from './refs.js';
import { resolveOwners } from './teams.js';

/** The stored shapes are the desired-state shapes of core's config objects, less what is kept elsewhere. */
export type TeamRecord = Omit<TeamObject, 'members'>;
export type UserRecord = Omit<UserObject, 'memberOf'>;
export type EntityRecord = EntityObject;

// ---- relations

export async function loadRelations(db: Kysely<Database>, sourceRef: string): Promise<Relation[]> {
  const rows = await db
    .selectFrom('relations')
    .select(['type', 'target_ref'])
    .where('source_ref', '=', sourceRef)
    .execute();
  return normalizeRelations(rows.map((r) => ({ type: r.type, target: r.target_ref })));
}

export async function replaceRelations(db: Kysely<Database>, sourceRef: string, relations: Relation[]) {
  await db.deleteFrom('relations').where('source_ref', '=', sourceRef).execute();
  const unique = normalizeRelations(relations);
  if (unique.length > 0) {
    await db
      .insertInto('relations')
      .values(unique.map((r) => ({ source_ref: sourceRef, type: r.type, target_ref: r.target })))
      .execute();
  }
}

/** The team an owner ref names; refs to users (`user:jdoe`) own nothing team-wise. */
export async function ownerTeamId(db: Kysely<Database>, ownerRef: string | null): Promise<string | null> {
  if (!ownerRef) return null;
  const r = parseEntityRef(ownerRef, { defaultKind: REF_KIND.team });
  if (r.kind !== REF_KIND.team) return null;
  const row = await findTeamRow(db, r.namespace, r.name);
  return row?.id ?? null;
}

// ---- teams

export function findTeamRow(db: Kysely<Database>, namespace: string, name: string) {
  return db
    .selectFrom('teams')
    .selectAll()
    .where('namespace', '=', namespace)
    .where('name', '=', name)
    .executeTakeFirst();
}

export async function loadTeamRecord(db: Kysely<Database>, row: Selectable<TeamsTable>): Promise<TeamRecord> {
  return {
    namespace: row.namespace,
    name: row.name,
    title: row.title,
    description: row.description,
    type: row.type,
    email: row.email,
    picture: row.picture,
    parentRef: row.parent_ref,
    tags: json.parse(row.tags),
    links: json.parse(row.links),
    annotations: json.parse(row.annotations),
    labels: json.parse(row.labels),
    relations: await loadRelations(db, refOf(REF_KIND.team, row.namespace, row.name)),
  };
}

/** Creates or updates a team; a new team also becomes the resolved owner of what names it. */
export async function writeTeamRecord(db: Kysely<Database>, record: TeamRecord): Promise<string> {
  const now = Date.now();
  const columns = {
    title: record.title,
    description: record.description,
    type: record.type,
    email: record.email,
    picture: record.picture,
    parent_ref: record.parentRef,
    tags: json.stringify(record.tags),
    links: json.stringify(record.links),
    annotations: json.stringify(record.annotations),
    labels: json.stringify(record.labels),
    updated_at: now,
  };
  const existing = await findTeamRow(db, record.namespace, record.name);
  let id: string;
  if (existing) {
    id = existing.id;
    await db.updateTable('teams').set(columns).where('id', '=', id).execute();
  } else {
    id = uuidv7();
    await db
      .insertInto('teams')
      .values({ id, namespace: record.namespace, name: record.name, created_at: now, ...columns })
      .execute();
    await resolveOwners(db, id, record.namespace, record.name);
  }
  await replaceRelations(db, refOf(REF_KIND.team, record.namespace, record.name), record.relations);
  return id;
}

/** Deletes a team; memberships go with it, services keep their owner ref (unresolved). */
export async function deleteTeamRecord(db: Kysely<Database>, namespace: string, name: string): Promise<void> {
  await db
    .deleteFrom('relations')
    .where('source_ref', '=', refOf(REF_KIND.team, namespace, name))
    .execute();
  await db.deleteFrom('teams').where('namespace', '=', namespace).where('name', '=', name).execute();
}

// ---- users

/** User names keep their case (`Jane.Doe`) but are found case-insensitively, as users.ts does. */
export function findUserRow(db: Kysely<Database>, namespace: string, name: string) {
  return db
    .selectFrom('users')
    .selectAll()
    .where('namespace', '=', namespace)
    .where((eb) => eb(eb.fn<string>('lower', ['name']), '=', name.toLowerCase()))
    .executeTakeFirst();
}

export function loadUserRecord(row: Selectable<UsersTable>): UserRecord {
  return {
    namespace: row.namespace,
    name: row.name,
    displayName: row.display_name,
    email: row.email,
    picture: row.picture,
    role: row.role,
    tags: json.parse(row.tags),
    links: json.parse(row.links),
    annotations: json.parse(row.annotations),
    labels: json.parse(row.labels),
  };
}

/** Creates or updates a user's profile. Never touches the password or tokens. */
export async function writeUserRecord(db: Kysely<Database>, record: UserRecord): Promise<string> {
  const now = Date.now();
  const columns = {
    display_name: record.displayName,
    email: record.email,
    picture: record.picture,
    tags: json.stringify(record.tags),
    links: json.stringify(record.links),
    annotations: json.stringify(record.annotations),
    labels: json.stringify(record.labels),
    updated_at: now,
  };
  const existing = await findUserRow(db, record.namespace, record.name);
  if (existing) {
    await db
      .updateTable('users')
      .set({ ...columns, ...(record.role !== undefined && { role: record.role }) })
      .where('id', '=', existing.id)
      .execute();
    return existing.id;
  }
  const id = uuidv7();
  await db
    .insertInto('users')
    .values({
      id,
      namespace: record.namespace,
      name: record.name,
      role: record.role ?? 'viewer',
      password_hash: null,
      created_at: now,
      ...columns,
    })
    .execute();
  return id;
}

/** Deletes a user; their memberships, tokens and sessions go with them (foreign keys). */
export async function deleteUserRecord(db: Kysely<Database>, namespace: string, name: string): Promise<void> {
  const row = await findUserRow(db, namespace, name);
  if (row) await db.deleteFrom('users').where('id', '=', row.id).execute();
}

// ---- memberships

export interface Membership {
  teamRef: string;
  userRef: string;
  teamId: string;
  userId: string;
}

export async function loadMemberships(db: Kysely<Database>): Promise<Membership[]> {
  const rows = await db
    .selectFrom('team_members')
    .innerJoin('teams', 'teams.id', 'team_members.team_id')
    .innerJoin('users', 'users.id', 'team_members.user_id')
    .select([
      'team_members.team_id',
      'team_members.user_id',
      'teams.namespace as team_namespace',
      'teams.name as team_name',
      'users.namespace as user_namespace',
      'users.name as user_name',
    ])
    .execute();
  return rows.map((r) => ({
    teamRef: refOf(REF_KIND.team, r.team_namespace, r.team_name),
    userRef: refOf(REF_KIND.user, r.user_namespace, r.user_name),
    teamId: r.team_id,
    userId: r.user_id,
  }));
}

export async function addMembership(db: Kysely<Database>, teamId: string, userId: string): Promise<void> {
  const exists = await db
    .selectFrom('team_members')
    .select('user_id')
    .where('team_id', '=', teamId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!exists) await db.insertInto('team_members').values({ team_id: teamId, user_id: userId }).execute();
}

export async function removeMembership(db: Kysely<Database>, teamId: string, userId: string): Promise<void> {
  await db.deleteFrom('team_members').where('team_id', '=', teamId).where('user_id', '=', userId).execute();
}

// ---- System, Domain, API, Resource

export function findEntityRow(db: Kysely<Database>, kind: string, namespace: string, name: string) {
  return db
    .selectFrom('entities')
    .selectAll()
    .where('kind', '=', kind)
    .where('namespace', '=', namespace)
    .where('name', '=', name)
    .executeTakeFirst();
}

export async function loadEntityRecord(
  db: Kysely<Database>,
  row: Selectable<EntitiesTable>,
): Promise<EntityRecord> {
  return {
    kind: row.kind,
    namespace: row.namespace,
    name: row.name,
    title: row.title,
    description: row.description,
    ownerRef: row.owner_ref,
    spec: json.parse(row.spec),
    tags: json.parse(row.tags),
    links: json.parse(row.links),
    annotations: json.parse(row.annotations),
    labels: json.parse(row.labels),
    relations: await loadRelations(db, refOf(row.kind, row.namespace, row.name)),
  };
}

export async function writeEntityRecord(db: Kysely<Database>, record: EntityRecord): Promise<string> {
  const now = Date.now();
  const columns = {
    title: record.title,
    description: record.description,
    owner_ref: record.ownerRef,
    owner_team_id: await ownerTeamId(db, record.ownerRef),
    spec: json.stringify(record.spec),
    tags: json.stringify(record.tags),
    links: json.stringify(record.links),
    annotations: json.stringify(record.annotations),
    labels: json.stringify(record.labels),
    updated_at: now,
  };
  const existing = await findEntityRow(db, record.kind, record.namespace, record.name);
  let id: string;
  if (existing) {
    id = existing.id;
    await db.updateTable('entities').set(columns).where('id', '=', id).execute();
  } else {
    id = uuidv7();
    await db
      .insertInto('entities')
      .values({
        id,
        kind: record.kind,
        namespace: record.namespace,
        name: record.name,
        created_at: now,
        ...columns,
      })
      .execute();
  }
  await replaceRelations(db, refOf(record.kind, record.namespace, record.name), record.relations);
  return id;
}

export async function deleteEntityRecord(
  db: Kysely<Database>,
  kind: string,
  namespace: string,
  name: string,
): Promise<void> {
  await db
    .deleteFrom('relations')
    .where('source_ref', '=', refOf(kind, namespace, name))
    .execute();
  await db
    .deleteFrom('entities')
    .where('kind', '=', kind)
    .where('namespace', '=', namespace)
    .where('name', '=', name)
    .execute();
}

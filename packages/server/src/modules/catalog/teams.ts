import type { Team, TeamCreate, TeamUpdate } from '@headroom/core/api/catalog';
import { type Actor, canChangeTeam } from '@headroom/core/auth/policy';
import { ConflictError, ForbiddenError, NotFoundError } from '@headroom/core/errors';
import type { Kysely, Selectable } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { unlessDuplicate, withTransaction } from '../../db/index.js';
import type { Database, TeamsTable } from '../../db/schema.js';
import { recordAudit } from '../audit/service.js';
import { iso, json, parseRef, REF_KIND, refOf, shortName } from './refs.js';
import { findUserByRef } from './users.js';

interface Ctx {
  actor: Actor;
  requestId: string | null;
}

export async function findTeamByRef(db: Kysely<Database>, input: string, defaultNamespace?: string) {
  const r = parseRef(input, REF_KIND.team, defaultNamespace, 'team');
  // `user:payments` or `component:payments` names no team, even when a team has that name.
  if (r.kind !== REF_KIND.team) return undefined;
  return db
    .selectFrom('teams')
    .selectAll()
    .where('namespace', '=', r.namespace)
    .where('name', '=', r.name)
    .executeTakeFirst();
}

async function requireTeam(db: Kysely<Database>, ref: string) {
  const row = await findTeamByRef(db, ref);
  if (!row) throw new NotFoundError('Team', ref, 'TEAM_NOT_FOUND');
  return row;
}

async function views(db: Kysely<Database>, rows: Selectable<TeamsTable>[]): Promise<Team[]> {
  const ids = rows.map((r) => r.id);
  const members = new Map<string, string[]>();
  const services = new Map<string, string[]>();
  if (ids.length > 0) {
    const m = await db
      .selectFrom('team_members')
      .innerJoin('users', 'users.id', 'team_members.user_id')
      .select(['team_members.team_id', 'users.name', 'users.namespace'])
      .where('team_members.team_id', 'in', ids)
      .orderBy('users.name')
      .execute();
    for (const r of m)
      members.set(r.team_id, [...(members.get(r.team_id) ?? []), shortName(r.namespace, r.name)]);
    const s = await db
      .selectFrom('services')
      .select(['owner_team_id', 'name', 'namespace'])
      .where('owner_team_id', 'in', ids)
      .orderBy('name')
      .execute();
    for (const r of s) {
      if (r.owner_team_id)
        services.set(r.owner_team_id, [
          ...(services.get(r.owner_team_id) ?? []),
          shortName(r.namespace, r.name),
        ]);
    }
  }
  return rows.map((row) => ({
    id: row.id,
    ref: refOf(REF_KIND.team, row.namespace, row.name),
    name: row.name,
    namespace: row.namespace,
    title: row.title,
    description: row.description,
    type: row.type,
    email: row.email,
    parent: row.parent_ref,
    picture: row.picture,
    tags: json.parse(row.tags),
    links: json.parse(row.links),
    members: members.get(row.id) ?? [],
    services: services.get(row.id) ?? [],
    annotations: json.parse(row.annotations),
    labels: json.parse(row.labels),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  }));
}

export async function listTeams(db: Kysely<Database>): Promise<Team[]> {
  const rows = await db.selectFrom('teams').selectAll().orderBy('namespace').orderBy('name').execute();
  return views(db, rows);
}

export async function getTeam(db: Kysely<Database>, ref: string): Promise<Team> {
  const [team] = await views(db, [await requireTeam(db, ref)]);
  return team!;
}

/** Links services that name this team as owner but were written before it existed. */
export async function resolveOwners(
  db: Kysely<Database>,
  teamId: string,
  namespace: string,
  name: string,
): Promise<void> {
  const ref = refOf(REF_KIND.team, namespace, name);
  await db.updateTable('services').set({ owner_team_id: teamId }).where('owner_ref', '=', ref).execute();
  await db.updateTable('entities').set({ owner_team_id: teamId }).where('owner_ref', '=', ref).execute();
}

export async function createTeam(db: Kysely<Database>, ctx: Ctx, input: TeamCreate): Promise<Team> {
  const verdict = canChangeTeam(ctx.actor, null, 'create');
  if (!verdict.allowed) throw new ForbiddenError(verdict.reason);
  const namespace = input.namespace ?? 'default';
  const exists = () =>
    new ConflictError(`Team '${shortName(namespace, input.name)}' already exists.`, 'TEAM_EXISTS');
  if (await findTeamByRef(db, `${namespace}/${input.name}`)) throw exists();
  const now = Date.now();
  const id = uuidv7();
  const write = withTransaction(db, async (trx) => {
    await trx
      .insertInto('teams')
      .values({
        id,
        namespace,
        name: input.name,
        title: input.title ?? null,
        description: input.description ?? null,
        type: input.type ?? 'team',
        email: input.email ?? null,
        parent_ref: input.parent ? parseRef(input.parent, REF_KIND.team, namespace, '/parent').ref : null,
        annotations: json.stringify(input.annotations ?? {}),
        labels: json.stringify(input.labels ?? {}),
        links: json.stringify(input.links ?? []),
        picture: input.picture ?? null,
        tags: json.stringify(input.tags ?? []),
        created_at: now,
        updated_at: now,
      })
      .execute();
    await resolveOwners(trx, id, namespace, input.name);
    await recordAudit(trx, ctx, 'team.create', 'team', refOf(REF_KIND.team, namespace, input.name));
  });
  await unlessDuplicate(write, exists);
  return getTeam(db, `${namespace}/${input.name}`);
}

export async function updateTeam(
  db: Kysely<Database>,
  ctx: Ctx,
  ref: string,
  input: TeamUpdate,
): Promise<Team> {
  const row = await requireTeam(db, ref);
  const verdict = canChangeTeam(ctx.actor, row.id, 'update');
  if (!verdict.allowed) throw new ForbiddenError(verdict.reason);
  await withTransaction(db, async (trx) => {
    await trx
      .updateTable('teams')
      .set({
        ...(input.title !== undefined && { title: input.title }),
        ...(input.description !== undefined && { description: input.description }),
        ...(input.type !== undefined && { type: input.type }),
        ...(input.email !== undefined && { email: input.email }),
        ...(input.parent !== undefined && {
          parent_ref: input.parent && parseRef(input.parent, REF_KIND.team, row.namespace, '/parent').ref,
        }),
        ...(input.annotations !== undefined && { annotations: json.stringify(input.annotations) }),
        ...(input.labels !== undefined && { labels: json.stringify(input.labels) }),
        ...(input.links !== undefined && { links: json.stringify(input.links) }),
        ...(input.picture !== undefined && { picture: input.picture }),
        ...(input.tags !== undefined && { tags: json.stringify(input.tags) }),
        updated_at: Date.now(),
      })
      .where('id', '=', row.id)
      .execute();
    await recordAudit(trx, ctx, 'team.update', 'team', refOf(REF_KIND.team, row.namespace, row.name), {
      changed: Object.keys(input),
    });
  });
  return getTeam(db, refOf(REF_KIND.team, row.namespace, row.name));
}

export async function deleteTeam(db: Kysely<Database>, ctx: Ctx, ref: string): Promise<void> {
  const row = await requireTeam(db, ref);
  const verdict = canChangeTeam(ctx.actor, row.id, 'delete');
  if (!verdict.allowed) throw new ForbiddenError(verdict.reason);
  await withTransaction(db, async (trx) => {
    // Services keep their owner ref as written; they become unresolved until the team returns.
    await trx.deleteFrom('teams').where('id', '=', row.id).execute();
    await recordAudit(trx, ctx, 'team.delete', 'team', refOf(REF_KIND.team, row.namespace, row.name));
  });
}

export async function addTeamMember(
  db: Kysely<Database>,
  ctx: Ctx,
  teamRef: string,
  userRef: string,
): Promise<Team> {
  const team = await requireTeam(db, teamRef);
  const verdict = canChangeTeam(ctx.actor, team.id, 'update');
  if (!verdict.allowed) throw new ForbiddenError(verdict.reason);
  const user = await findUserByRef(db, userRef);
  if (!user) throw new NotFoundError('User', userRef, 'USER_NOT_FOUND');
  await withTransaction(db, async (trx) => {
    const exists = await trx
      .selectFrom('team_members')
      .select('user_id')
      .where('team_id', '=', team.id)
      .where('user_id', '=', user.id)
      .executeTakeFirst();
    // A concurrent add of the same member may commit between the check and the insert.
    if (!exists)
      await trx
        .insertInto('team_members')
        .values({ team_id: team.id, user_id: user.id })
        .onConflict((oc) => oc.columns(['team_id', 'user_id']).doNothing())
        .execute();
    await recordAudit(trx, ctx, 'team.member.add', 'team', refOf(REF_KIND.team, team.namespace, team.name), {
      user: shortName(user.namespace, user.name),
    });
  });
  return getTeam(db, refOf(REF_KIND.team, team.namespace, team.name));
}

export async function removeTeamMember(
  db: Kysely<Database>,
  ctx: Ctx,
  teamRef: string,
  userRef: string,
): Promise<Team> {
  const team = await requireTeam(db, teamRef);
  const verdict = canChangeTeam(ctx.actor, team.id, 'update');
  if (!verdict.allowed) throw new ForbiddenError(verdict.reason);
  const user = await findUserByRef(db, userRef);
  if (!user) throw new NotFoundError('User', userRef, 'USER_NOT_FOUND');
  await withTransaction(db, async (trx) => {
    await trx
      .deleteFrom('team_members')
      .where('team_id', '=', team.id)
      .where('user_id', '=', user.id)
      .execute();
    await recordAudit(
      trx,
      ctx,
      'team.member.remove',
      'team',
      refOf(REF_KIND.team, team.namespace, team.name),
      {
        user: shortName(user.namespace, user.name),
      },
    );
  });
  return getTeam(db, refOf(REF_KIND.team, team.namespace, team.name));
}

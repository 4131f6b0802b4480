import type { User, UserCreate, UserUpdate } from '@headroom/core/api/catalog';
import { type Actor, canManageUsers } from '@headroom/core/auth/policy';
import { ConflictError, ForbiddenError, InputError, NotFoundError } from '@headroom/core/errors';
import type { Kysely, Selectable } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { unlessDuplicate, withTransaction } from '../../db/index.js';
import type { Database, UsersTable } from '../../db/schema.js';
import { recordAudit } from '../audit/service.js';
import { hashPassword } from '../auth/secrets.js';
import { iso, json, parseRef, REF_KIND, refOf, shortName } from './refs.js';

interface Ctx {
  actor: Actor;
  requestId: string | null;
}

export async function findUserByRef(
  db: Kysely<Database>,
  input: string,
): Promise<Selectable<UsersTable> | undefined> {
  const r = parseRef(input, REF_KIND.user, undefined, 'user');
  if (r.kind !== REF_KIND.user) return undefined;
  // User names keep their case (Backstage allows `Jane.Doe`), but refs compare case-insensitively
  // and parseRef lower-cases them, so the stored name is compared lower-cased too.
  return db
    .selectFrom('users')
    .selectAll()
    .where('namespace', '=', r.namespace)
    .where((eb) => eb(eb.fn<string>('lower', ['name']), '=', r.name))
    .executeTakeFirst();
}

async function teamNamesOf(db: Kysely<Database>, userIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (userIds.length === 0) return out;
  const rows = await db
    .selectFrom('team_members')
    .innerJoin('teams', 'teams.id', 'team_members.team_id')
    .select(['team_members.user_id', 'teams.name', 'teams.namespace'])
    .where('team_members.user_id', 'in', userIds)
    .orderBy('teams.name')
    .execute();
  for (const r of rows) {
    const list = out.get(r.user_id) ?? [];
    list.push(shortName(r.namespace, r.name));
    out.set(r.user_id, list);
  }
  return out;
}

function view(row: Selectable<UsersTable>, teams: string[]): User {
  return {
    id: row.id,
    ref: refOf(REF_KIND.user, row.namespace, row.name),
    name: row.name,
    namespace: row.namespace,
    displayName: row.display_name,
    email: row.email,
    role: row.role,
    teams,
    picture: row.picture,
    tags: json.parse(row.tags),
    links: json.parse(row.links),
    hasPassword: row.password_hash !== null,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

export async function listUsers(db: Kysely<Database>, filter: { team?: string } = {}): Promise<User[]> {
  let q = db.selectFrom('users').selectAll('users').orderBy('users.namespace').orderBy('users.name');
  if (filter.team) {
    const t = parseRef(filter.team, REF_KIND.team, undefined, 'team');
    q = q
      .innerJoin('team_members', 'team_members.user_id', 'users.id')
      .innerJoin('teams', 'teams.id', 'team_members.team_id')
      .where('teams.namespace', '=', t.namespace)
      .where('teams.name', '=', t.name);
  }
  const rows = await q.execute();
  const teams = await teamNamesOf(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => view(r, teams.get(r.id) ?? []));
}

export async function getUser(db: Kysely<Database>, ref: string): Promise<User> {
  const row = await findUserByRef(db, ref);
  if (!row) throw new NotFoundError('User', ref, 'USER_NOT_FOUND');
  return view(row, (await teamNamesOf(db, [row.id])).get(row.id) ?? []);
}

async function teamIdsFor(db: Kysely<Database>, refs: string[], namespace: string): Promise<string[]> {
  const ids: string[] = [];
  for (const [i, ref] of refs.entries()) {
    const t = parseRef(ref, REF_KIND.team, namespace, `/teams/${i}`);
    const row =
      t.kind === REF_KIND.team
        ? await db
            .selectFrom('teams')
            .select('id')
            .where('namespace', '=', t.namespace)
            .where('name', '=', t.name)
            .executeTakeFirst()
        : undefined;
    if (!row)
      throw new InputError(
        `Team '${ref}' does not exist.`,
        [{ path: `/teams/${i}`, message: 'unknown team' }],
        'UNKNOWN_TEAM',
      );
    ids.push(row.id);
  }
  return ids;
}

export async function setUserTeams(db: Kysely<Database>, userId: string, teamIds: string[]): Promise<void> {
  await db.deleteFrom('team_members').where('user_id', '=', userId).execute();
  const unique = [...new Set(teamIds)];
  if (unique.length > 0) {
    await db
      .insertInto('team_members')
      .values(unique.map((team_id) => ({ team_id, user_id: userId })))
      .execute();
  }
}

export async function createUser(db: Kysely<Database>, ctx: Ctx, input: UserCreate): Promise<User> {
  const verdict = canManageUsers(ctx.actor);
  if (!verdict.allowed) throw new ForbiddenError(verdict.reason);
  const namespace = input.namespace ?? 'default';
  const exists = () =>
    new ConflictError(`User '${shortName(namespace, input.name)}' already exists.`, 'USER_EXISTS');
  if (await findUserByRef(db, refOf(REF_KIND.user, namespace, input.name))) throw exists();
  const teamIds = await teamIdsFor(db, input.teams ?? [], namespace);
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  const now = Date.now();
  const id = uuidv7();
  const write = withTransaction(db, async (trx) => {
    await trx
      .insertInto('users')
      .values({
        id,
        namespace,
        name: input.name,
        display_name: input.displayName ?? null,
        email: input.email ?? null,
        role: input.role ?? 'viewer',
        password_hash: passwordHash,
        annotations: '{}',
        labels: '{}',
        created_at: now,
        updated_at: now,
      })
      .execute();
    await setUserTeams(trx, id, teamIds);
    await recordAudit(trx, ctx, 'user.create', 'user', refOf('user', namespace, input.name), {
      role: input.role ?? 'viewer',
      teams: input.teams ?? [],
    });
  });
  await unlessDuplicate(write, exists);
  return getUser(db, refOf('user', namespace, input.name));
}

export async function updateUser(
  db: Kysely<Database>,
  ctx: Ctx,
  ref: string,
  input: UserUpdate,
): Promise<User> {
  const row = await findUserByRef(db, ref);
  if (!row) throw new NotFoundError('User', ref, 'USER_NOT_FOUND');
  // Anyone may change their own display name, email and password; roles and teams are an admin's.
  const self = row.id === ctx.actor.userId;
  const adminOnly = input.role !== undefined || input.teams !== undefined;
  if (!self || adminOnly) {
    const verdict = canManageUsers(ctx.actor);
    if (!verdict.allowed) throw new ForbiddenError(verdict.reason);
  }
  if (self && input.role !== undefined && input.role !== 'admin' && row.role === 'admin') {
    const admins = await db
      .selectFrom('users')
      .select(db.fn.countAll().as('n'))
      .where('role', '=', 'admin')
      .executeTakeFirstOrThrow();
    if (Number(admins.n) <= 1)
      throw new ConflictError('The last admin cannot give up the admin role.', 'LAST_ADMIN');
  }
  const teamIds = input.teams ? await teamIdsFor(db, input.teams, row.namespace) : undefined;
  const passwordHash = input.password ? await hashPassword(input.password) : undefined;
  await withTransaction(db, async (trx) => {
    await trx
      .updateTable('users')
      .set({
        ...(input.displayName !== undefined && { display_name: input.displayName }),
        ...(input.email !== undefined && { email: input.email }),
        ...(input.role !== undefined && { role: input.role }),
        ...(passwordHash !== undefined && { password_hash: passwordHash }),
        updated_at: Date.now(),
      })
      .where('id', '=', row.id)
      .execute();
    if (teamIds) await setUserTeams(trx, row.id, teamIds);
    // A new password ends every web session of the user, so a stolen cookie dies with the old one.
    if (passwordHash !== undefined) await trx.deleteFrom('sessions').where('user_id', '=', row.id).execute();
    const changed = Object.keys(input);
    await recordAudit(trx, ctx, 'user.update', 'user', refOf('user', row.namespace, row.name), { changed });
  });
  return getUser(db, refOf('user', row.namespace, row.name));
}

export async function deleteUser(db: Kysely<Database>, ctx: Ctx, ref: string): Promise<void> {
  const verdict = canManageUsers(ctx.actor);
  if (!verdict.allowed) throw new ForbiddenError(verdict.reason);
  const row = await findUserByRef(db, ref);
  if (!row) throw new NotFoundError('User', ref, 'USER_NOT_FOUND');
  if (row.id === ctx.actor.userId) throw new ConflictError('You cannot delete yourself.', 'SELF_DELETE');
  await withTransaction(db, async (trx) => {
    await trx.deleteFrom('users').where('id', '=', row.id).execute();
    await recordAudit(trx, ctx, 'user.delete', 'user', refOf('user', row.namespace, row.name));
  });
}

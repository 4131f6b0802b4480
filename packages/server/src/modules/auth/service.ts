import type { Actor } from '@headroom/core/auth/policy';
import {
  AuthenticationError,
  ForbiddenError,
  InputError,
  NotFoundError,
  TooManyRequestsError,
} from '@headroom/core/errors';
import type { Kysely } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { withTransaction } from '../../db/index.js';
import type { Database } from '../../db/schema.js';
import { recordAudit } from '../audit/service.js';
import { findUserByRef } from '../catalog/users.js';
import type { LoginThrottle } from './login-throttle.js';
import {
  hashPassword,
  hashToken,
  newApiToken,
  randomSecret,
  tokenPrefix,
  verifyPassword,
} from './secrets.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export async function actorForUser(db: Kysely<Database>, userId: string): Promise<Actor | null> {
  const user = await db
    .selectFrom('users')
    .select(['id', 'name', 'namespace', 'role'])
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!user) return null;
  const teams = await db.selectFrom('team_members').select('team_id').where('user_id', '=', userId).execute();
  return {
    userId: user.id,
    name: user.namespace === 'default' ? user.name : `${user.namespace}/${user.name}`,
    role: user.role,
    teamIds: new Set(teams.map((t) => t.team_id)),
  };
}

// last_used_at is written at most once a minute per token so reads stay cheap.
const LAST_USED_RESOLUTION_MS = 60_000;

export async function authenticateToken(db: Kysely<Database>, token: string): Promise<Actor> {
  const row = await db
    .selectFrom('api_tokens')
    .select(['id', 'user_id', 'expires_at', 'revoked_at', 'last_used_at'])
    .where('token_hash', '=', hashToken(token))
    .executeTakeFirst();
  const now = Date.now();
  if (!row || row.revoked_at !== null)
    throw new AuthenticationError('The API token is unknown or revoked.', 'INVALID_TOKEN');
  if (row.expires_at !== null && row.expires_at <= now)
    throw new AuthenticationError('The API token has expired.', 'TOKEN_EXPIRED');
  if (row.last_used_at === null || now - row.last_used_at > LAST_USED_RESOLUTION_MS) {
    await db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', row.id).execute();
  }
  const actor = await actorForUser(db, row.user_id);
  if (!actor)
    throw new AuthenticationError('The token belongs to a user that no longer exists.', 'INVALID_TOKEN');
  return actor;
}

export async function createToken(
  db: Kysely<Database>,
  ctx: { actor: Actor; requestId: string | null },
  input: { name: string; user?: string; expiresInDays?: number },
  secret: string = newApiToken(),
) {
  let userId = ctx.actor.userId;
  let userName = ctx.actor.name;
  if (input.user !== undefined && input.user !== ctx.actor.name) {
    if (ctx.actor.role !== 'admin')
      throw new ForbiddenError('Only an admin can create tokens for another user.');
    const user = await findUserByRef(db, input.user);
    if (!user) throw new NotFoundError('User', input.user, 'USER_NOT_FOUND');
    userId = user.id;
    userName = input.user;
  }
  if (!userId) throw new ForbiddenError('This principal cannot own tokens.');
  const now = Date.now();
  const row = {
    id: uuidv7(),
    user_id: userId,
    name: input.name,
    token_hash: hashToken(secret),
    prefix: tokenPrefix(secret),
    created_at: now,
    expires_at: input.expiresInDays ? now + input.expiresInDays * 86_400_000 : null,
    last_used_at: null,
    revoked_at: null,
  };
  await withTransaction(db, async (trx) => {
    await trx.insertInto('api_tokens').values(row).execute();
    await recordAudit(trx, ctx, 'token.create', 'token', row.id, { name: input.name, user: userName });
  });
  return { token: secret, info: tokenView(row, userName) };
}

function tokenView(
  row: Pick<
    Database['api_tokens'],
    'id' | 'name' | 'prefix' | 'created_at' | 'expires_at' | 'last_used_at' | 'revoked_at'
  >,
  user: string,
) {
  return {
    id: row.id,
    name: row.name,
    user,
    prefix: row.prefix,
    createdAt: new Date(row.created_at).toISOString(),
    expiresAt: iso(row.expires_at),
    lastUsedAt: iso(row.last_used_at),
    revokedAt: iso(row.revoked_at),
  };
}

/** Admins see every token; others see their own. */
export async function listTokens(db: Kysely<Database>, actor: Actor) {
  let q = db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .select([
      'api_tokens.id',
      'api_tokens.name',
      'api_tokens.prefix',
      'api_tokens.created_at',
      'api_tokens.expires_at',
      'api_tokens.last_used_at',
      'api_tokens.revoked_at',
      'users.name as user_name',
      'users.namespace as user_namespace',
    ])
    .orderBy('api_tokens.created_at');
  if (actor.role !== 'admin') q = q.where('api_tokens.user_id', '=', actor.userId ?? '');
  const rows = await q.execute();
  return rows.map((r) =>
    tokenView(r, r.user_namespace === 'default' ? r.user_name : `${r.user_namespace}/${r.user_name}`),
  );
}

export async function revokeToken(
  db: Kysely<Database>,
  ctx: { actor: Actor; requestId: string | null },
  id: string,
) {
  const row = await db
    .selectFrom('api_tokens')
    .select(['id', 'user_id', 'revoked_at'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new NotFoundError('Token', id, 'TOKEN_NOT_FOUND');
  if (ctx.actor.role !== 'admin' && row.user_id !== ctx.actor.userId) {
    throw new ForbiddenError('Only an admin can revoke another user’s token.');
  }
  if (row.revoked_at !== null) return;
  await withTransaction(db, async (trx) => {
    await trx.updateTable('api_tokens').set({ revoked_at: Date.now() }).where('id', '=', id).execute();
    await recordAudit(trx, ctx, 'token.revoke', 'token', id);
  });
}

export interface BootstrapResult {
  created: boolean;
  /** The generated admin token, to print once; undefined when it came from HEADROOM_ADMIN_TOKEN. */
  generatedToken?: string;
}

/** On first start with no users, creates `admin` with an API token (given or generated). */
export async function bootstrapAdmin(
  db: Kysely<Database>,
  adminToken: string | undefined,
): Promise<BootstrapResult> {
  return db.transaction().execute(async (trx) => {
    const any = await trx.selectFrom('users').select('id').limit(1).executeTakeFirst();
    if (any) return { created: false };
    if (adminToken !== undefined && adminToken.length < 16) {
      throw new InputError('HEADROOM_ADMIN_TOKEN must be at least 16 characters long.');
    }
    const now = Date.now();
    const userId = uuidv7();
    // Several processes may start at once on one empty PostgreSQL: the one whose insert loses
    // the race (it waits for the winner's commit) finds the admin made and stops there.
    const inserted = await trx
      .insertInto('users')
      .values({
        id: userId,
        namespace: 'default',
        name: 'admin',
        display_name: 'Administrator',
        email: null,
        role: 'admin',
        password_hash: null,
        annotations: '{}',
        labels: '{}',
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.columns(['namespace', 'name']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) return { created: false };
    const secret = adminToken ?? newApiToken();
    await trx
      .insertInto('api_tokens')
      .values({
        id: uuidv7(),
        user_id: userId,
        name: 'bootstrap',
        token_hash: hashToken(secret),
        prefix: tokenPrefix(secret),
        created_at: now,
        expires_at: null,
        last_used_at: null,
        revoked_at: null,
      })
      .execute();
    await trx
      .insertInto('audit_log')
      .values({
        id: uuidv7(),
        at: now,
        actor_id: null,
        actor_name: 'system',
        action: 'user.bootstrap-admin',
        target_kind: 'user',
        target_ref: 'admin',
        detail: '{}',
        request_id: null,
      })
      .execute();
    return adminToken === undefined ? { created: true, generatedToken: secret } : { created: true };
  });
}

export interface LoginGuard {
  throttle: LoginThrottle;
  clientIp: string;
  requestId: string | null;
}

export async function login(
  db: Kysely<Database>,
  userRef: string,
  password: string,
  ttlMs: number,
  guard: LoginGuard,
) {
  const keys = [`user:${userRef.toLowerCase()}`, `ip:${guard.clientIp}`];
  const wait = guard.throttle.retryAfterSeconds(keys);
  if (wait > 0) throw new TooManyRequestsError(`Too many failed logins; try again in ${wait} s.`, wait);
  const user = await findUserByRef(db, userRef).catch(() => undefined);
  // Verify against a dummy hash when the user is unknown, so timing does not reveal names.
  const stored = user?.password_hash ?? (await dummyHash());
  const ok = await verifyPassword(password, stored);
  if (!user?.password_hash || !ok) {
    guard.throttle.recordFailure(keys);
    throw new AuthenticationError('Unknown user or wrong password.', 'INVALID_CREDENTIALS');
  }
  guard.throttle.recordSuccess(keys);
  const sessionId = randomSecret();
  const csrfToken = randomSecret();
  const now = Date.now();
  await withTransaction(db, async (trx) => {
    // Expired sessions are useless; sweeping them here keeps the table small without a job.
    await trx.deleteFrom('sessions').where('expires_at', '<=', now).execute();
    await trx
      .insertInto('sessions')
      .values({
        id_hash: hashToken(sessionId),
        user_id: user.id,
        csrf_token: csrfToken,
        created_at: now,
        expires_at: now + ttlMs,
      })
      .execute();
    const actor = await actorForUser(trx, user.id);
    if (actor) {
      await recordAudit(trx, { actor, requestId: guard.requestId }, 'auth.login', 'user', actor.name, {
        ip: guard.clientIp,
      });
    }
  });
  return { sessionId, csrfToken, expiresAt: now + ttlMs };
}

let dummy: Promise<string> | undefined;
const dummyHash = () => {
  dummy ??= hashPassword('headroom-dummy-password');
  return dummy;
};

export async function authenticateSession(db: Kysely<Database>, sessionId: string) {
  const row = await db
    .selectFrom('sessions')
    .selectAll()
    .where('id_hash', '=', hashToken(sessionId))
    .executeTakeFirst();
  if (!row || row.expires_at <= Date.now()) return null;
  const actor = await actorForUser(db, row.user_id);
  return actor ? { actor, csrfToken: row.csrf_token } : null;
}

export async function logout(
  db: Kysely<Database>,
  sessionId: string,
  requestId: string | null,
): Promise<void> {
  const session = await db
    .selectFrom('sessions')
    .select('user_id')
    .where('id_hash', '=', hashToken(sessionId))
    .executeTakeFirst();
  if (!session) return;
  await withTransaction(db, async (trx) => {
    await trx.deleteFrom('sessions').where('id_hash', '=', hashToken(sessionId)).execute();
    const actor = await actorForUser(trx, session.user_id);
    if (actor) await recordAudit(trx, { actor, requestId }, 'auth.logout', 'user', actor.name);
  });
}

/**
 * Team memberships, declared from both ends: a User's `spec.memberOf` and a Group's
 * `spec.members`. A membership is managed by the config when its user is declared (memberOf is
 * the user's full list) or its group writes `members` (then that list is the group's full
 * list); memberships of anything else, e.g. added through the API to a group that does not
 * list members, are left alone.
 */
import { parseEntityRef } from '@headroom/core/catalog/entity-ref';
import { OBJECT_TYPE, type TeamObject, type UserObject } from '@headroom/core/config/catalog-objects';
import type { DesiredObject } from '@headroom/core/config/types';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import {
  addMembership,
  findTeamRow,
  findUserRow,
  loadMemberships,
  type Membership,
  removeMembership,
} from '../catalog/records.js';
import type { CatalogLookup } from './references.js';

export interface MembershipPlan {
  add: { teamRef: string; userRef: string }[];
  remove: Membership[];
  /** Declared groups with `members` whose membership changes. */
  teams: Set<string>;
  /** Declared users whose memberships change. */
  users: Set<string>;
}

const edge = (teamRef: string, userRef: string) => `${teamRef} ${userRef}`;
/** Only groups have members and only users are members (`memberOf: [user:x]` links nothing). */
const isKind = (ref: string, kind: string) => ref.startsWith(`${kind}:`);

export async function planMemberships(
  db: Kysely<Database>,
  objects: readonly DesiredObject[],
  lookup: CatalogLookup,
  removed: ReadonlySet<string>,
): Promise<MembershipPlan> {
  const users = objects.filter((o): o is DesiredObject<UserObject> => o.type === OBJECT_TYPE.user);
  const listing = objects.filter(
    (o): o is DesiredObject<TeamObject> =>
      o.type === OBJECT_TYPE.team && (o.data as TeamObject).members !== undefined,
  );
  const declaredUsers = new Set(users.map((u) => u.ref));
  const authoritativeTeams = new Set(listing.map((t) => t.ref));
  const managed = (teamRef: string, userRef: string) =>
    declaredUsers.has(userRef) || authoritativeTeams.has(teamRef);

  const desired = new Map<string, { teamRef: string; userRef: string }>();
  for (const u of users) {
    for (const teamRef of u.data.memberOf) {
      if (isKind(teamRef, 'group') && (await lookup.exists(teamRef)))
        desired.set(edge(teamRef, u.ref), { teamRef, userRef: u.ref });
    }
  }
  for (const t of listing) {
    for (const userRef of t.data.members ?? []) {
      if (isKind(userRef, 'user') && (await lookup.exists(userRef)))
        desired.set(edge(t.ref, userRef), { teamRef: t.ref, userRef });
    }
  }

  const current = (await loadMemberships(db)).filter(
    (m) => managed(m.teamRef, m.userRef) && !removed.has(m.teamRef) && !removed.has(m.userRef),
  );
  const currentKeys = new Set(current.map((m) => edge(m.teamRef, m.userRef)));
  const plan: MembershipPlan = {
    add: [...desired.entries()].filter(([k]) => !currentKeys.has(k)).map(([, e]) => e),
    remove: current.filter((m) => !desired.has(edge(m.teamRef, m.userRef))),
    teams: new Set(),
    users: new Set(),
  };
  for (const e of [...plan.add, ...plan.remove]) {
    if (declaredUsers.has(e.userRef)) plan.users.add(e.userRef);
    if (authoritativeTeams.has(e.teamRef)) plan.teams.add(e.teamRef);
  }
  return plan;
}

/** Runs after teams and users are written, so new ones have ids. */
export async function executeMemberships(db: Kysely<Database>, plan: MembershipPlan): Promise<void> {
  for (const m of plan.remove) await removeMembership(db, m.teamId, m.userId);
  for (const e of plan.add) {
    const t = parseEntityRef(e.teamRef);
    const u = parseEntityRef(e.userRef);
    const team = await findTeamRow(db, t.namespace, t.name);
    const user = await findUserRow(db, u.namespace, u.name);
    if (team && user) await addMembership(db, team.id, user.id);
  }
}

/**
 * Who may change what. Every authenticated user may read. An editor may change only what
 * their teams own; an admin may change anything. Pure, so the server, the CLI and the web UI
 * agree on the answer (the UI hides buttons with the same rules).
 */
import type { Role } from '../api/common.js';

export interface Actor {
  userId: string | null;
  name: string;
  role: Role;
  /** Ids of the teams the actor belongs to. */
  teamIds: ReadonlySet<string>;
}

const rank: Record<Role, number> = { viewer: 0, editor: 1, admin: 2 };

export function hasRole(actor: Actor, role: Role): boolean {
  return rank[actor.role] >= rank[role];
}

export type Verdict = { allowed: true } | { allowed: false; reason: string };

const allow: Verdict = { allowed: true };

/** May the actor create, change or delete something owned by `ownerTeamId` (null = no owner)? */
export function canChangeOwned(actor: Actor, ownerTeamId: string | null, what: string): Verdict {
  if (actor.role === 'admin') return allow;
  if (actor.role === 'viewer') return { allowed: false, reason: `Viewers cannot change ${what}.` };
  if (ownerTeamId !== null && actor.teamIds.has(ownerTeamId)) return allow;
  return {
    allowed: false,
    reason: ownerTeamId
      ? `${actor.name} is not a member of the team that owns ${what}.`
      : `${what} has no owning team; only an admin can change it.`,
  };
}

/** Teams: admins create and delete them; an editor may update a team they belong to. */
export function canChangeTeam(
  actor: Actor,
  teamId: string | null,
  action: 'create' | 'update' | 'delete',
): Verdict {
  if (actor.role === 'admin') return allow;
  if (action === 'update' && teamId !== null) return canChangeOwned(actor, teamId, 'this team');
  return { allowed: false, reason: `Only an admin can ${action} teams.` };
}

/** Users and their roles are an admin's business. */
export function canManageUsers(actor: Actor): Verdict {
  return actor.role === 'admin' ? allow : { allowed: false, reason: 'Only an admin can manage users.' };
}

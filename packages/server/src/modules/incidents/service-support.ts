/** Checks the incident services share: roles, existence, catalog users. */
import { hasRole } from '@headroom/core/auth/policy';
import { ForbiddenError, InputError, NotFoundError } from '@headroom/core/errors';
import type { Incident } from '@headroom/core/incidents/model';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { AuditContext } from '../audit/service.js';
import { findUserByRef } from '../catalog/users.js';
import { findIncident } from './repo.js';

export const field = (path: string, message: string, code = 'INVALID_INPUT') =>
  new InputError(`${path} ${message}`, [{ path, message }], code);

export function requireEditor(ctx: AuditContext, what: string): void {
  if (!hasRole(ctx.actor, 'editor')) throw new ForbiddenError(`Viewers cannot ${what}.`);
}

export async function requireIncident(db: Kysely<Database>, id: string): Promise<Incident> {
  const incident = await findIncident(db, id);
  if (!incident) throw new NotFoundError('Incident', id, 'INCIDENT_NOT_FOUND');
  return incident;
}

/** The catalog name of the user, or a 400 naming the field. */
export async function catalogUser(db: Kysely<Database>, user: string, path: string): Promise<string> {
  let row: Awaited<ReturnType<typeof findUserByRef>>;
  try {
    row = await findUserByRef(db, user);
  } catch {
    row = undefined;
  }
  if (!row) throw field(path, `'${user}' is not a catalog user.`, 'UNKNOWN_USER');
  return row.namespace === 'default' ? row.name : `${row.namespace}/${row.name}`;
}

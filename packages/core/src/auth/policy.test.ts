import { describe, expect, it } from 'vitest';
import { type Actor, canChangeOwned, canChangeTeam, canManageUsers, hasRole } from './policy.js';

const actor = (role: Actor['role'], teams: string[] = []): Actor => ({
  userId: 'u',
  name: 'u',
  role,
  teamIds: new Set(teams),
});

describe('access policy', () => {
  it('orders roles viewer < editor < admin', () => {
    expect(hasRole(actor('editor'), 'viewer')).toBe(true);
    expect(hasRole(actor('editor'), 'admin')).toBe(false);
    expect(hasRole(actor('admin'), 'editor')).toBe(true);
  });

  it('lets an editor change only what their teams own', () => {
    expect(canChangeOwned(actor('editor', ['t1']), 't1', 'x').allowed).toBe(true);
    expect(canChangeOwned(actor('editor', ['t1']), 't2', 'x').allowed).toBe(false);
    expect(canChangeOwned(actor('editor', ['t1']), null, 'x').allowed).toBe(false);
    expect(canChangeOwned(actor('viewer', ['t1']), 't1', 'x').allowed).toBe(false);
    expect(canChangeOwned(actor('admin'), null, 'x').allowed).toBe(true);
  });

  it('keeps team creation and deletion to admins', () => {
    expect(canChangeTeam(actor('editor', ['t1']), 't1', 'update').allowed).toBe(true);
    expect(canChangeTeam(actor('editor', ['t1']), 't1', 'delete').allowed).toBe(false);
    expect(canChangeTeam(actor('editor', ['t1']), null, 'create').allowed).toBe(false);
    expect(canChangeTeam(actor('admin'), null, 'create').allowed).toBe(true);
    expect(canManageUsers(actor('editor')).allowed).toBe(false);
  });
});

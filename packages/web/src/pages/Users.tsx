import type { Team, User, UserCreate, UserUpdate } from '@headroom/core/api/catalog';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { del, patch, post, seg } from '../api/client';
import { useAction, useApi } from '../api/hooks';
import { useAuth } from '../auth';
import { AdminOnly } from '../components/incident-admin';
import { Async, Badge, Card, Empty, PageHeader, ProblemBox, Time } from '../components/ui';
import '../styles/incident.css';

type Role = User['role'];
const ROLES: Role[] = ['viewer', 'editor', 'admin'];

function CreateUser({ teams, onCreated }: { teams: readonly Team[]; onCreated: () => void }) {
  const [form, setForm] = useState({
    name: '',
    displayName: '',
    email: '',
    role: 'viewer' as Role,
    password: '',
  });
  const [chosen, setChosen] = useState<string[]>([]);
  const create = useAction((body: UserCreate) => post<User>('/users', body));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body: UserCreate = {
      name: form.name.trim(),
      role: form.role,
      ...(form.displayName.trim() ? { displayName: form.displayName.trim() } : {}),
      ...(form.email.trim() ? { email: form.email.trim() } : {}),
      ...(form.password ? { password: form.password } : {}),
      ...(chosen.length ? { teams: chosen } : {}),
    };
    if (await create.run(body)) {
      setForm({ name: '', displayName: '', email: '', role: 'viewer', password: '' });
      setChosen([]);
      onCreated();
    }
  };
  return (
    <Card title="Create a user">
      <form className="inline-form" onSubmit={submit}>
        <label>
          User name
          <input
            required
            maxLength={63}
            pattern="[a-zA-Z0-9]+([\-_.][a-zA-Z0-9]+)*"
            value={form.name}
            onChange={(e) => setForm({ ...form, name: e.target.value })}
          />
        </label>
        <label>
          Display name
          <input
            value={form.displayName}
            onChange={(e) => setForm({ ...form, displayName: e.target.value })}
          />
        </label>
        <label>
          E-mail
          <input
            type="email"
            value={form.email}
            onChange={(e) => setForm({ ...form, email: e.target.value })}
          />
        </label>
        <label>
          Role
          <select value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })}>
            {ROLES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
        <label>
          Password (optional)
          <input
            type="password"
            autoComplete="new-password"
            minLength={12}
            value={form.password}
            onChange={(e) => setForm({ ...form, password: e.target.value })}
          />
          <span className="hint">12+ characters; without one the user signs in with tokens only</span>
        </label>
        {teams.length > 0 && (
          <label>
            Teams
            <select
              multiple
              size={Math.min(4, teams.length)}
              value={chosen}
              onChange={(e) => setChosen([...e.target.selectedOptions].map((o) => o.value))}
            >
              {teams.map((t) => (
                <option key={t.name} value={t.name}>
                  {t.title ?? t.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <button type="submit" className="primary" disabled={create.pending}>
          Create
        </button>
      </form>
      <ProblemBox error={create.error} />
    </Card>
  );
}

function EditUser({ user, onDone }: { user: User; onDone: (changed: boolean) => void }) {
  const [displayName, setDisplayName] = useState(user.displayName ?? '');
  const [email, setEmail] = useState(user.email ?? '');
  const [role, setRole] = useState<Role>(user.role);
  const [password, setPassword] = useState('');
  const save = useAction((body: UserUpdate) => patch<User>(`/users/${seg(user.name)}`, body));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body: UserUpdate = {
      displayName: displayName.trim() === '' ? null : displayName.trim(),
      email: email.trim() === '' ? null : email.trim(),
      role,
      ...(password ? { password } : {}),
    };
    if (await save.run(body)) onDone(true);
  };
  return (
    <tr>
      <td colSpan={7}>
        <form className="inline-form" onSubmit={submit} aria-label={`Edit ${user.name}`}>
          <strong className="mono">{user.name}</strong>
          <label>
            Display name
            <input value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
          </label>
          <label>
            E-mail
            <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} />
          </label>
          <label>
            Role
            <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
              {ROLES.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
          </label>
          <label>
            New password
            <input
              type="password"
              autoComplete="new-password"
              minLength={12}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              placeholder="unchanged"
            />
          </label>
          <button type="submit" className="primary" disabled={save.pending}>
            Save
          </button>
          <button type="button" className="ghost" onClick={() => onDone(false)}>
            Cancel
          </button>
        </form>
        <ProblemBox error={save.error} />
      </td>
    </tr>
  );
}

function UsersAdmin() {
  const { me } = useAuth();
  const users = useApi<User[]>('/users');
  const teams = useApi<Team[]>('/teams');
  const [editing, setEditing] = useState<string | null>(null);
  const [filter, setFilter] = useState('');
  const remove = useAction(async (u: User) => {
    if (!window.confirm(`Delete the user ${u.name}? Their tokens stop working.`)) return;
    await del(`/users/${seg(u.name)}`);
    users.reload();
  });
  const f = filter.trim().toLowerCase();
  return (
    <>
      <PageHeader title="Users" />
      <CreateUser teams={teams.data ?? []} onCreated={users.reload} />
      <Card
        title="All users"
        actions={
          <label className="inc-inline-label">
            Filter
            <input
              value={filter}
              onChange={(e) => setFilter(e.target.value)}
              placeholder="name, e-mail, team"
            />
          </label>
        }
      >
        <ProblemBox error={remove.error} />
        <Async state={users}>
          {(all) => {
            const list = all.filter(
              (u) =>
                !f ||
                [u.name, u.displayName ?? '', u.email ?? '', ...u.teams].some((s) =>
                  s.toLowerCase().includes(f),
                ),
            );
            if (list.length === 0) return <Empty>No users match.</Empty>;
            return (
              <table className="table">
                <thead>
                  <tr>
                    <th>User</th>
                    <th>Display name</th>
                    <th>E-mail</th>
                    <th>Role</th>
                    <th>Teams</th>
                    <th>Since</th>
                    <th>
                      <span className="skip">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((u) =>
                    editing === u.name ? (
                      <EditUser
                        key={u.name}
                        user={u}
                        onDone={(changed) => {
                          setEditing(null);
                          if (changed) users.reload();
                        }}
                      />
                    ) : (
                      <tr key={u.name}>
                        <td className="mono">
                          {u.name}
                          {!u.hasPassword && (
                            <span className="hint" title="Signs in with API tokens only">
                              no password
                            </span>
                          )}
                        </td>
                        <td>{u.displayName ?? <span className="muted">—</span>}</td>
                        <td>{u.email ?? <span className="muted">—</span>}</td>
                        <td>
                          <Badge tone={u.role === 'admin' ? 'bad' : u.role === 'editor' ? 'info' : 'muted'}>
                            {u.role}
                          </Badge>
                        </td>
                        <td>
                          <span className="inc-list">
                            {u.teams.map((t) => (
                              <Link key={t} to={`/admin/teams?team=${seg(t)}`}>
                                {t}
                              </Link>
                            ))}
                          </span>
                        </td>
                        <td>
                          <Time at={u.createdAt} />
                        </td>
                        <td className="inc-nowrap">
                          <button type="button" className="ghost" onClick={() => setEditing(u.name)}>
                            Edit<span className="skip"> {u.name}</span>
                          </button>
                          {u.name !== me?.user && (
                            <button
                              type="button"
                              className="danger"
                              disabled={remove.pending}
                              onClick={() => void remove.run(u)}
                            >
                              Delete<span className="skip"> {u.name}</span>
                            </button>
                          )}
                        </td>
                      </tr>
                    ),
                  )}
                </tbody>
              </table>
            );
          }}
        </Async>
      </Card>
    </>
  );
}

export function Users() {
  return (
    <AdminOnly title="Users">
      <UsersAdmin />
    </AdminOnly>
  );
}

import type { Team, TeamCreate, TeamUpdate, User } from '@headroom/core/api/catalog';
import { type FormEvent, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { del, patch, post, seg } from '../api/client';
import { useAction, useApi } from '../api/hooks';
import { AdminOnly } from '../components/incident-admin';
import { Async, Card, Empty, Facts, PageHeader, ProblemBox } from '../components/ui';
import '../styles/incident.css';

const clean = (s: string) => (s.trim() === '' ? null : s.trim());

function CreateTeam({ onCreated }: { onCreated: (name: string) => void }) {
  const [form, setForm] = useState({ name: '', title: '', email: '', description: '' });
  const create = useAction((body: TeamCreate) => post<Team>('/teams', body));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body: TeamCreate = {
      name: form.name.trim(),
      type: 'team',
      ...(form.title.trim() ? { title: form.title.trim() } : {}),
      ...(form.email.trim() ? { email: form.email.trim() } : {}),
      ...(form.description.trim() ? { description: form.description.trim() } : {}),
    };
    if (await create.run(body)) {
      setForm({ name: '', title: '', email: '', description: '' });
      onCreated(body.name);
    }
  };
  return (
    <Card title="Create a team">
      <form className="inline-form" onSubmit={submit}>
        <label>
          Name
          <input
            required
            maxLength={63}
            pattern="[a-z0-9]([\-a-z0-9]*[a-z0-9])?"
            title="lower-case letters, digits and dashes"
            value={form.name}
            onChange={(e) => setForm({ ...form, name: e.target.value })}
          />
        </label>
        <label>
          Title
          <input value={form.title} onChange={(e) => setForm({ ...form, title: e.target.value })} />
        </label>
        <label>
          E-mail
          <input
            type="email"
            value={form.email}
            onChange={(e) => setForm({ ...form, email: e.target.value })}
          />
        </label>
        <label className="inc-grow">
          Description
          <input
            value={form.description}
            onChange={(e) => setForm({ ...form, description: e.target.value })}
          />
        </label>
        <button type="submit" className="primary" disabled={create.pending}>
          Create
        </button>
      </form>
      <ProblemBox error={create.error} />
    </Card>
  );
}

function TeamDetail({
  team,
  users,
  onChanged,
  onDeleted,
}: {
  team: Team;
  users: readonly User[];
  onChanged: () => void;
  onDeleted: () => void;
}) {
  const [editing, setEditing] = useState(false);
  const [form, setForm] = useState({ title: '', email: '', description: '' });
  const [member, setMember] = useState('');
  const path = `/teams/${seg(team.name)}`;
  const act = useAction(async (fn: () => Promise<unknown>) => {
    await fn();
    onChanged();
  });
  const remove = useAction(async () => {
    if (!window.confirm(`Delete the team ${team.name}? Its services become unowned.`)) return;
    await del(path);
    onDeleted();
  });
  const save = async (e: FormEvent) => {
    e.preventDefault();
    const body: TeamUpdate = {
      title: clean(form.title),
      email: clean(form.email),
      description: clean(form.description),
    };
    if (await act.run(() => patch<Team>(path, body))) setEditing(false);
  };
  const addMember = async (e: FormEvent) => {
    e.preventDefault();
    if (await act.run(() => post<Team>(`${path}/members`, { user: member.trim() }))) setMember('');
  };
  const candidates = users.filter((u) => !team.members.includes(u.name));
  return (
    <Card
      title={
        <>
          {team.title ?? team.name} <span className="muted mono">{team.name}</span>
        </>
      }
      actions={
        !editing && (
          <>
            <button
              type="button"
              className="ghost"
              onClick={() => {
                setForm({
                  title: team.title ?? '',
                  email: team.email ?? '',
                  description: team.description ?? '',
                });
                setEditing(true);
              }}
            >
              Edit
            </button>
            <button
              type="button"
              className="danger"
              disabled={remove.pending}
              onClick={() => void remove.run()}
            >
              Delete team
            </button>
          </>
        )
      }
    >
      {editing ? (
        <form className="inline-form" onSubmit={save} aria-label={`Edit ${team.name}`}>
          <label>
            Title
            <input value={form.title} onChange={(e) => setForm({ ...form, title: e.target.value })} />
          </label>
          <label>
            E-mail
            <input
              type="email"
              value={form.email}
              onChange={(e) => setForm({ ...form, email: e.target.value })}
            />
          </label>
          <label className="inc-grow">
            Description
            <input
              value={form.description}
              onChange={(e) => setForm({ ...form, description: e.target.value })}
            />
          </label>
          <button type="submit" className="primary" disabled={act.pending}>
            Save
          </button>
          <button type="button" className="ghost" onClick={() => setEditing(false)}>
            Cancel
          </button>
        </form>
      ) : (
        <Facts
          items={[
            ['E-mail', team.email ?? <span className="muted">—</span>],
            ['Description', team.description ?? <span className="muted">—</span>],
            ['Parent', team.parent ?? <span className="muted">—</span>],
            [
              'Services',
              team.services.length ? (
                <span key="s" className="inc-list">
                  {team.services.map((s) => (
                    <Link key={s} to={`/services/${seg(s)}`}>
                      {s}
                    </Link>
                  ))}
                </span>
              ) : (
                <span key="s" className="muted">
                  none
                </span>
              ),
            ],
          ]}
        />
      )}
      <h3>Members</h3>
      {team.members.length === 0 ? (
        <Empty>No members.</Empty>
      ) : (
        <table className="table">
          <tbody>
            {team.members.map((m) => {
              const u = users.find((x) => x.name === m);
              return (
                <tr key={m}>
                  <td className="mono">{m}</td>
                  <td>{u?.displayName ?? ''}</td>
                  <td>{u?.role ?? ''}</td>
                  <td>
                    <button
                      type="button"
                      className="ghost"
                      disabled={act.pending}
                      onClick={() => void act.run(() => del<Team>(`${path}/members/${seg(m)}`))}
                    >
                      Remove<span className="skip"> {m}</span>
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <form className="row" onSubmit={addMember}>
        <label className="inc-compact">
          <span className="skip">User to add</span>
          <select value={member} onChange={(e) => setMember(e.target.value)} required>
            <option value="">add a member…</option>
            {candidates.map((u) => (
              <option key={u.name} value={u.name}>
                {u.displayName ? `${u.displayName} (${u.name})` : u.name}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={!member || act.pending}>
          Add member
        </button>
      </form>
      <ProblemBox error={act.error ?? remove.error} />
    </Card>
  );
}

function TeamsAdmin() {
  const teams = useApi<Team[]>('/teams');
  const users = useApi<User[]>('/users');
  const [params, setParams] = useSearchParams();
  const selected = params.get('team');
  const select = (name: string | null) => setParams(name ? { team: name } : {}, { replace: true });
  const current = (teams.data ?? []).find((t) => t.name === selected);
  return (
    <>
      <PageHeader title="Teams" />
      <div className="grid-2">
        <div className="stack">
          <Card title="All teams">
            <Async state={teams}>
              {(list) =>
                list.length === 0 ? (
                  <Empty>No teams yet.</Empty>
                ) : (
                  <table className="table">
                    <thead>
                      <tr>
                        <th>Team</th>
                        <th>Title</th>
                        <th className="num">Members</th>
                        <th className="num">Services</th>
                      </tr>
                    </thead>
                    <tbody>
                      {list.map((t) => (
                        <tr key={t.name} className={t.name === selected ? 'inc-selected' : ''}>
                          <td>
                            <Link
                              to={`/admin/teams?team=${seg(t.name)}`}
                              aria-current={t.name === selected ? 'true' : undefined}
                            >
                              {t.name}
                            </Link>
                          </td>
                          <td>{t.title ?? ''}</td>
                          <td className="num">{t.members.length}</td>
                          <td className="num">{t.services.length}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )
              }
            </Async>
          </Card>
          <CreateTeam
            onCreated={(name) => {
              teams.reload();
              select(name);
            }}
          />
        </div>
        <div className="stack">
          {current ? (
            <TeamDetail
              key={current.name}
              team={current}
              users={users.data ?? []}
              onChanged={() => {
                teams.reload();
                users.reload();
              }}
              onDeleted={() => {
                select(null);
                teams.reload();
              }}
            />
          ) : (
            <Card>
              <Empty>
                {selected ? `No team named ${selected}.` : 'Choose a team to see and change its members.'}
              </Empty>
            </Card>
          )}
        </div>
      </div>
    </>
  );
}

export function Teams() {
  return (
    <AdminOnly title="Teams">
      <TeamsAdmin />
    </AdminOnly>
  );
}

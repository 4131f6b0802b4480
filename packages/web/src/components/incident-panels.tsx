/** The incident page's side panels: roles, milestones, services, alert groups, impact, subscribers. */

import type { AlertGroup } from '@headroom/core/api/alert-group';
import type { User } from '@headroom/core/api/catalog';
import type { IncidentChangeRequest, IncidentDetail, IncidentImpact } from '@headroom/core/api/incident';
import type { NotificationChannel } from '@headroom/core/api/notification';
import type { Subscribers } from '@headroom/core/api/postmortem';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { ApiError, del, post, seg } from '../api/client';
import { type Action, useAction, useApi } from '../api/hooks';
import { useAuth } from '../auth';
import { formatPercent } from '../format';
import { UserOptions } from './incident-action-items';
import { fromLocalInput, toLocalInput } from './incident-common';
import { Card, Empty, ProblemBox, Time } from './ui';

/** One change per request, as POST /incidents/{id}/changes takes them; reloads the page after. */
export function useChange(id: string, onDone: () => void): Action<[IncidentChangeRequest]> {
  return useAction(async (change: IncidentChangeRequest) => {
    await post<IncidentDetail>(`/incidents/${seg(id)}/changes`, change);
    onDone();
  });
}

const ROLES = [
  ['commander', 'Incident commander'],
  ['operations', 'Operations lead'],
  ['communications', 'Communications lead'],
  ['scribe', 'Scribe'],
] as const;

function RoleRow({
  role,
  label,
  holder,
  change,
  canWrite,
}: {
  role: (typeof ROLES)[number][0];
  label: string;
  holder: string | undefined;
  change: Action<[IncidentChangeRequest]>;
  canWrite: boolean;
}) {
  const [user, setUser] = useState('');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await change.run({ type: 'role', role, user: user.trim() })) setUser('');
  };
  return (
    <div className="inc-role">
      <div className="inc-role-head">
        <span className="muted">{label}</span>
        <strong>{holder ?? <span className="muted">nobody</span>}</strong>
      </div>
      {canWrite && (
        <form className="row inc-nowrap" onSubmit={submit}>
          <label className="inc-compact">
            <span className="skip">{holder ? `Hand ${label} over to` : `Assign ${label} to`}</span>
            <input
              list="inc-role-users"
              value={user}
              onChange={(e) => setUser(e.target.value)}
              placeholder="user"
              required
            />
          </label>
          <button type="submit" disabled={change.pending}>
            {holder ? 'Hand over' : 'Assign'}
          </button>
          {holder && (
            <button
              type="button"
              className="ghost"
              disabled={change.pending}
              onClick={() => void change.run({ type: 'role', role, user: null })}
            >
              Step down
            </button>
          )}
        </form>
      )}
    </div>
  );
}

export function RolesPanel({ incident, canWrite, reload }: PanelProps) {
  const change = useChange(incident.id, reload);
  const final = incident.nextStatuses.length === 0;
  return (
    <Card title="Roles">
      <UserOptions id="inc-role-users" />
      <div className="inc-roles">
        {ROLES.map(([role, label]) => (
          <RoleRow
            key={role}
            role={role}
            label={label}
            holder={incident.roles[role]}
            change={change}
            canWrite={canWrite && !final}
          />
        ))}
      </div>
      <ProblemBox error={change.error} />
    </Card>
  );
}

interface PanelProps {
  incident: IncidentDetail;
  canWrite: boolean;
  reload: () => void;
}

type MilestoneKey = keyof IncidentDetail['milestones'];
const MILESTONE_LABELS: [MilestoneKey, string][] = [
  ['impactStartedAt', 'Impact started'],
  ['detectedAt', 'Detected'],
  ['declaredAt', 'Declared'],
  ['acknowledgedAt', 'Acknowledged'],
  ['mitigatedAt', 'Mitigated'],
  ['resolvedAt', 'Resolved'],
  ['closedAt', 'Closed'],
];

function MilestoneRow({
  name,
  label,
  value,
  change,
  canWrite,
}: {
  name: MilestoneKey;
  label: string;
  value: string | null;
  change: Action<[IncidentChangeRequest]>;
  canWrite: boolean;
}) {
  const [editing, setEditing] = useState(false);
  const [input, setInput] = useState('');
  const save = async (e: FormEvent) => {
    e.preventDefault();
    const at = fromLocalInput(input);
    if (at === null && name === 'declaredAt') return;
    if (await change.run({ type: 'milestones', milestones: { [name]: at } })) setEditing(false);
  };
  return (
    <tr>
      <th scope="row">{label}</th>
      {editing ? (
        <td colSpan={2}>
          <form className="row inc-nowrap" onSubmit={save}>
            <label className="inc-compact">
              <span className="skip">{label} at</span>
              <input
                type="datetime-local"
                value={input}
                required={name === 'declaredAt'}
                onChange={(e) => setInput(e.target.value)}
              />
            </label>
            <button type="submit" className="primary" disabled={change.pending}>
              Save
            </button>
            <button type="button" className="ghost" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </form>
          <span className="hint">Your local time; leave empty to clear.</span>
        </td>
      ) : (
        <>
          <td>
            <Time at={value} absolute />
          </td>
          {canWrite && (
            <td>
              <button
                type="button"
                className="ghost"
                onClick={() => {
                  setInput(toLocalInput(value));
                  setEditing(true);
                }}
              >
                Correct<span className="skip"> {label}</span>
              </button>
            </td>
          )}
        </>
      )}
    </tr>
  );
}

export function MilestonesPanel({ incident, canWrite, reload }: PanelProps) {
  const change = useChange(incident.id, reload);
  return (
    <Card title="Milestones">
      <table className="table">
        <tbody>
          {MILESTONE_LABELS.map(([name, label]) => (
            <MilestoneRow
              key={name}
              name={name}
              label={label}
              value={incident.milestones[name]}
              change={change}
              canWrite={canWrite}
            />
          ))}
        </tbody>
      </table>
      <p className="hint">Corrections are written to the timeline and audited.</p>
      <ProblemBox error={change.error} />
    </Card>
  );
}

export function ServicesPanel({
  incident,
  canWrite,
  reload,
  allServices,
}: PanelProps & { allServices: readonly string[] }) {
  const change = useChange(incident.id, reload);
  const [add, setAdd] = useState('');
  const candidates = allServices.filter((s) => !incident.services.includes(s));
  return (
    <Card title="Impacted services">
      {incident.services.length === 0 ? (
        <Empty>No services named yet.</Empty>
      ) : (
        <ul className="inc-plain">
          {incident.services.map((s) => (
            <li key={s} className="row">
              <Link to={`/services/${seg(s)}`}>{s}</Link>
              {canWrite && (
                <button
                  type="button"
                  className="ghost"
                  disabled={change.pending}
                  onClick={() => void change.run({ type: 'services', remove: [s] })}
                >
                  Remove<span className="skip"> {s}</span>
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {canWrite && candidates.length > 0 && (
        <form
          className="row"
          onSubmit={async (e) => {
            e.preventDefault();
            if (add && (await change.run({ type: 'services', add: [add] }))) setAdd('');
          }}
        >
          <label className="inc-compact">
            <span className="skip">Service to add</span>
            <select value={add} onChange={(e) => setAdd(e.target.value)}>
              <option value="">add a service…</option>
              {candidates.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          </label>
          <button type="submit" disabled={!add || change.pending}>
            Add
          </button>
        </form>
      )}
      <ProblemBox error={change.error} />
    </Card>
  );
}

export function AlertGroupsPanel({ incident, canWrite, reload }: PanelProps) {
  const change = useChange(incident.id, reload);
  const [group, setGroup] = useState('');
  // Suggest the current alert groups by their labels, so nobody has to copy an id.
  const groups = useApi<AlertGroup[]>(canWrite ? '/alert-groups' : null);
  const suggestions = (groups.data ?? []).filter((g) => !incident.alertGroups.includes(g.id));
  return (
    <Card title="Linked alert groups">
      <datalist id="inc-alert-groups">
        {suggestions.map((g) => (
          <option key={g.id} value={g.id}>
            {Object.entries(g.groupLabels)
              .map(([k, v]) => `${k}=${v}`)
              .join(', ') || g.routeId}
          </option>
        ))}
      </datalist>
      {incident.alertGroups.length === 0 ? (
        <Empty>No alert groups linked.</Empty>
      ) : (
        <ul className="inc-plain">
          {incident.alertGroups.map((g) => (
            <li key={g} className="row">
              <Link className="mono" to={`/alerts/groups/${seg(g)}`}>
                {g}
              </Link>
              {canWrite && (
                <button
                  type="button"
                  className="ghost"
                  disabled={change.pending}
                  onClick={() => void change.run({ type: 'alert-groups', unlink: [g] })}
                >
                  Unlink<span className="skip"> {g}</span>
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {canWrite && (
        <form
          className="row"
          onSubmit={async (e) => {
            e.preventDefault();
            if (await change.run({ type: 'alert-groups', link: [group.trim()] })) setGroup('');
          }}
        >
          <label className="inc-compact">
            <span className="skip">Alert group id to link</span>
            <input
              list="inc-alert-groups"
              value={group}
              onChange={(e) => setGroup(e.target.value)}
              placeholder="alert group id"
              required
            />
          </label>
          <button type="submit" disabled={change.pending}>
            Link
          </button>
        </form>
      )}
      <ProblemBox error={change.error} />
    </Card>
  );
}

function shareTone(share: number | null) {
  if (share === null) return '';
  return share > 0.2 ? 'bad' : share > 0.05 ? 'warn' : '';
}

/** Error budget each SLO objective lost between impact start and resolution. */
export function ImpactPanel({ impact }: { impact: IncidentImpact | undefined }) {
  return (
    <Card title="Error budget consumed">
      {!impact ? (
        <Empty>Not computed yet.</Empty>
      ) : (
        <>
          <p className="hint">
            From <Time at={impact.from} absolute /> to{' '}
            {impact.open ? 'now (not resolved)' : <Time at={impact.to} absolute />}. {impact.formula}
          </p>
          {impact.objectives.length === 0 ? (
            <Empty>No SLOs on the impacted services.</Empty>
          ) : (
            <table className="table">
              <thead>
                <tr>
                  <th>SLO</th>
                  <th className="num">Bad / total</th>
                  <th className="num">Window budget</th>
                  <th className="num" title="The closing rule reads this share: over 20 % needs a postmortem">
                    4-week budget
                  </th>
                </tr>
              </thead>
              <tbody>
                {impact.objectives.map((o) => (
                  <tr key={`${o.slo}:${o.objective}`}>
                    <td>
                      <Link to={`/slos/${seg(o.slo)}`}>{o.label}</Link>
                      <span className="hint">
                        <Link to={`/services/${seg(o.service)}`}>{o.service}</Link> · target{' '}
                        {formatPercent(o.target, 3)} · {o.budgetingMethod}
                        {o.note && ` · ${o.note}`}
                      </span>
                    </td>
                    <td className="num">
                      {o.bad.toLocaleString()} / {o.total.toLocaleString()} {o.unit}
                    </td>
                    <td className="num">{formatPercent(o.window.share, 1)}</td>
                    <td className="num">
                      <div className="inc-share">
                        {formatPercent(o.fourWeeks.share, 1)}
                        <div className={`meter ${shareTone(o.fourWeeks.share)}`} aria-hidden="true">
                          <span style={{ width: `${Math.min(100, (o.fourWeeks.share ?? 0) * 100)}%` }} />
                        </div>
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </Card>
  );
}

export function SubscribersPanel({ incidentId, canWrite }: { incidentId: string; canWrite: boolean }) {
  const subs = useApi<Subscribers>(`/incidents/${seg(incidentId)}/subscribers`);
  const channels = useApi<NotificationChannel[]>(canWrite ? '/channels' : null);
  const { me } = useAuth();
  const mine = useApi<User>(me ? `/users/${seg(me.user)}` : null);
  const [channel, setChannel] = useState('');
  const act = useAction(async (fn: () => Promise<unknown>) => {
    await fn();
    subs.reload();
  });
  if (subs.error instanceof ApiError && subs.error.status === 404 && !subs.data) return null;
  const current = subs.data?.channels ?? [];
  const candidates = (channels.data ?? []).map((c) => c.name).filter((c) => !current.includes(c));
  // Anyone may follow by e-mail: their subscription is the channel mailto:<their address>.
  const myChannel = mine.data?.email ? `mailto:${mine.data.email}` : null;
  const following = myChannel !== null && current.includes(myChannel);
  return (
    <Card title="Subscribers">
      <p className="hint">Channels and people (by e-mail) that receive this incident's status updates.</p>
      {mine.data &&
        (myChannel === null ? (
          <p className="hint">Add an e-mail address to your user to follow this incident by e-mail.</p>
        ) : (
          <div className="row">
            <button
              type="button"
              disabled={act.pending}
              onClick={() =>
                void act.run(() =>
                  following
                    ? del(`/incidents/${seg(incidentId)}/subscribers/${seg(myChannel)}`)
                    : post(`/incidents/${seg(incidentId)}/subscribers`, { user: 'me' }),
                )
              }
            >
              {following ? 'Stop following' : 'Follow by e-mail'}
            </button>
          </div>
        ))}
      {current.length === 0 ? (
        <Empty>No channels subscribed.</Empty>
      ) : (
        <ul className="inc-plain">
          {current.map((c) => (
            <li key={c} className="row">
              <span>{c}</span>
              {(canWrite || c === myChannel) && (
                <button
                  type="button"
                  className="ghost"
                  disabled={act.pending}
                  onClick={() =>
                    void act.run(() => del(`/incidents/${seg(incidentId)}/subscribers/${seg(c)}`))
                  }
                >
                  Unsubscribe<span className="skip"> {c}</span>
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {canWrite && candidates.length > 0 && (
        <form
          className="row"
          onSubmit={async (e) => {
            e.preventDefault();
            if (
              channel &&
              (await act.run(() => post(`/incidents/${seg(incidentId)}/subscribers`, { channel })))
            )
              setChannel('');
          }}
        >
          <label className="inc-compact">
            <span className="skip">Channel to subscribe</span>
            <select value={channel} onChange={(e) => setChannel(e.target.value)}>
              <option value="">subscribe a channel…</option>
              {candidates.map((c) => (
                <option key={c}>{c}</option>
              ))}
            </select>
          </label>
          <button type="submit" disabled={!channel || act.pending}>
            Subscribe
          </button>
        </form>
      )}
      <ProblemBox error={act.error ?? (subs.data ? undefined : subs.error)} />
    </Card>
  );
}

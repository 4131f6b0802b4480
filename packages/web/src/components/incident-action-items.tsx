/** Action items: a dense table with add and inline edit, used by the incident, postmortem and list pages. */

import type { User } from '@headroom/core/api/catalog';
import type { ActionItem, ActionItemCreate, ActionItemUpdate } from '@headroom/core/api/incident';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { patch, post, seg } from '../api/client';
import { useAction, useApi } from '../api/hooks';
import { IncidentLink, ITEM_STATUSES, PRIORITIES, PriorityBadge } from './incident-common';
import { Badge, Empty, ProblemBox } from './ui';

/** A <datalist> of catalog users so owner and role fields suggest real names. */
export function UserOptions({ id }: { id: string }) {
  const users = useApi<User[]>('/users');
  return (
    <datalist id={id}>
      {(users.data ?? []).map((u) => (
        <option key={u.name} value={u.name}>
          {u.displayName ?? u.name}
        </option>
      ))}
    </datalist>
  );
}

function itemStatusTone(status: ActionItem['status']) {
  return status === 'done'
    ? 'ok'
    : status === 'wont-do'
      ? 'muted'
      : status === 'in-progress'
        ? 'info'
        : 'warn';
}

interface Draft {
  title: string;
  owner: string;
  priority: ActionItem['priority'];
  dueDate: string;
  status: ActionItem['status'];
  service: string;
  ticketUrl: string;
}

const emptyDraft: Draft = {
  title: '',
  owner: '',
  priority: 'P2',
  dueDate: '',
  status: 'open',
  service: '',
  ticketUrl: '',
};

function draftOf(item: ActionItem): Draft {
  return {
    title: item.title,
    owner: item.owner,
    priority: item.priority,
    dueDate: item.dueDate ?? '',
    status: item.status,
    service: item.service ?? '',
    ticketUrl: item.ticketUrl ?? '',
  };
}

function bodyOf(d: Draft): ActionItemCreate {
  return {
    title: d.title.trim(),
    owner: d.owner.trim(),
    priority: d.priority,
    status: d.status,
    dueDate: d.dueDate === '' ? null : d.dueDate,
    service: d.service.trim() === '' ? null : d.service.trim(),
    ticketUrl: d.ticketUrl.trim() === '' ? null : d.ticketUrl.trim(),
  };
}

function DraftFields({
  draft,
  set,
  services,
}: {
  draft: Draft;
  set: (d: Draft) => void;
  services?: readonly string[];
}) {
  return (
    <>
      <label className="inc-grow">
        Title
        <input required value={draft.title} onChange={(e) => set({ ...draft, title: e.target.value })} />
      </label>
      <label>
        Owner
        <input
          required
          list="inc-item-users"
          value={draft.owner}
          onChange={(e) => set({ ...draft, owner: e.target.value })}
        />
      </label>
      <label>
        Priority
        <select
          value={draft.priority}
          onChange={(e) => set({ ...draft, priority: e.target.value as Draft['priority'] })}
        >
          {PRIORITIES.map((p) => (
            <option key={p}>{p}</option>
          ))}
        </select>
      </label>
      <label>
        Due
        <input
          type="date"
          value={draft.dueDate}
          onChange={(e) => set({ ...draft, dueDate: e.target.value })}
        />
      </label>
      <label>
        Status
        <select
          value={draft.status}
          onChange={(e) => set({ ...draft, status: e.target.value as Draft['status'] })}
        >
          {ITEM_STATUSES.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      </label>
      {services && services.length > 0 ? (
        <label>
          Service
          <select value={draft.service} onChange={(e) => set({ ...draft, service: e.target.value })}>
            <option value="">—</option>
            {services.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
      ) : (
        <label>
          Service
          <input value={draft.service} onChange={(e) => set({ ...draft, service: e.target.value })} />
        </label>
      )}
      <label>
        Ticket URL
        <input
          type="url"
          value={draft.ticketUrl}
          onChange={(e) => set({ ...draft, ticketUrl: e.target.value })}
          placeholder="https://…"
        />
      </label>
    </>
  );
}

/** Add an action item to an incident: POST /incidents/{id}/action-items. */
export function AddActionItem({
  incidentId,
  services,
  onAdded,
}: {
  incidentId: string;
  services: readonly string[];
  onAdded: () => void;
}) {
  const [draft, setDraft] = useState<Draft>({ ...emptyDraft, service: services[0] ?? '' });
  const add = useAction((body: ActionItemCreate) =>
    post<ActionItem>(`/incidents/${seg(incidentId)}/action-items`, body),
  );
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await add.run(bodyOf(draft))) {
      setDraft({ ...emptyDraft, service: draft.service });
      onAdded();
    }
  };
  return (
    <form className="inline-form inc-item-form" onSubmit={submit} aria-label="Add an action item">
      <DraftFields draft={draft} set={setDraft} services={services} />
      <button type="submit" className="primary" disabled={add.pending}>
        Add item
      </button>
      <ProblemBox error={add.error} />
    </form>
  );
}

function EditRow({
  item,
  colSpan,
  onDone,
}: {
  item: ActionItem;
  colSpan: number;
  onDone: (changed: boolean) => void;
}) {
  const [draft, setDraft] = useState<Draft>(draftOf(item));
  const save = useAction((body: ActionItemUpdate) =>
    patch<ActionItem>(`/action-items/${seg(item.id)}`, body),
  );
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await save.run(bodyOf(draft))) onDone(true);
  };
  return (
    <tr>
      <td colSpan={colSpan}>
        <form className="inline-form inc-item-form" onSubmit={submit} aria-label={`Edit ${item.id}`}>
          <DraftFields draft={draft} set={setDraft} />
          <button type="submit" className="primary" disabled={save.pending}>
            Save
          </button>
          <button type="button" onClick={() => onDone(false)}>
            Cancel
          </button>
          <ProblemBox error={save.error} />
        </form>
      </td>
    </tr>
  );
}

export function ActionItemsTable({
  items,
  canWrite,
  showIncident,
  onChanged,
}: {
  items: readonly ActionItem[];
  canWrite: boolean;
  showIncident?: boolean;
  onChanged: () => void;
}) {
  const [editing, setEditing] = useState<string | null>(null);
  if (items.length === 0) return <Empty>No action items.</Empty>;
  const cols = 8 + (showIncident ? 1 : 0) + (canWrite ? 1 : 0);
  return (
    <>
      <UserOptions id="inc-item-users" />
      <table className="table">
        <thead>
          <tr>
            <th>Id</th>
            {showIncident && <th>Incident</th>}
            <th>Title</th>
            <th>Priority</th>
            <th>Owner</th>
            <th>Due</th>
            <th>Status</th>
            <th>Service</th>
            <th>Team</th>
            {canWrite && (
              <th>
                <span className="skip">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {items.map((item) =>
            editing === item.id ? (
              <EditRow
                key={item.id}
                item={item}
                colSpan={cols}
                onDone={(changed) => {
                  setEditing(null);
                  if (changed) onChanged();
                }}
              />
            ) : (
              <tr key={item.id}>
                <td className="mono inc-nowrap">{item.id}</td>
                {showIncident && (
                  <td>
                    <IncidentLink id={item.incidentId} />
                  </td>
                )}
                <td>
                  {item.ticketUrl ? (
                    <a href={item.ticketUrl} target="_blank" rel="noreferrer">
                      {item.title}
                    </a>
                  ) : (
                    item.title
                  )}
                </td>
                <td>
                  <PriorityBadge priority={item.priority} />
                </td>
                <td>{item.owner}</td>
                <td>
                  {item.dueDate ?? <span className="muted">—</span>}{' '}
                  {item.overdue && <Badge tone="bad">overdue</Badge>}
                </td>
                <td>
                  <Badge tone={itemStatusTone(item.status)}>{item.status}</Badge>
                </td>
                <td>
                  {item.service ? <Link to={`/services/${seg(item.service)}`}>{item.service}</Link> : '—'}
                </td>
                <td>{item.team ?? <span className="muted">—</span>}</td>
                {canWrite && (
                  <td>
                    <button type="button" className="ghost" onClick={() => setEditing(item.id)}>
                      Edit<span className="skip"> {item.id}</span>
                    </button>
                  </td>
                )}
              </tr>
            ),
          )}
        </tbody>
      </table>
    </>
  );
}

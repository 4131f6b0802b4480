import type { Service } from '@headroom/core/api/catalog';
import type { ActionItem, IncidentDetail, IncidentImpact } from '@headroom/core/api/incident';
import { type FormEvent, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError, seg } from '../api/client';
import { useApi } from '../api/hooks';
import { useCanWrite } from '../auth';
import { ActionItemsTable, AddActionItem } from '../components/incident-action-items';
import {
  type IncidentStatus,
  incidentPath,
  PostmortemBadge,
  SEVERITY_OPTIONS,
  SeverityBadge,
  StatusBadge,
} from '../components/incident-common';
import { DeploymentsPanel } from '../components/incident-deployments';
import {
  AlertGroupsPanel,
  ImpactPanel,
  MilestonesPanel,
  RolesPanel,
  ServicesPanel,
  SubscribersPanel,
  useChange,
} from '../components/incident-panels';
import { NoteForm, Timeline } from '../components/incident-timeline';
import { Markdown } from '../components/Markdown';
import { Async, Card, Facts, PageHeader, ProblemBox, Time } from '../components/ui';
import '../styles/incident.css';

const STATUS_VERB: Partial<Record<IncidentStatus, string>> = {
  investigating: 'Investigating',
  mitigated: 'Mitigated',
  resolved: 'Resolve',
  closed: 'Close',
  cancelled: 'Cancel incident',
  merged: 'Merge into…',
};

/** The allowed next statuses as buttons; each asks for an optional reason before it is sent. */
function StatusControls({ incident, reload }: { incident: IncidentDetail; reload: () => void }) {
  const change = useChange(incident.id, () => {
    setTarget(null);
    reload();
  });
  const [target, setTarget] = useState<IncidentStatus | null>(null);
  const [reason, setReason] = useState('');
  const [mergedInto, setMergedInto] = useState('');
  const reopen = (to: IncidentStatus) =>
    to === 'investigating' && (incident.status === 'mitigated' || incident.status === 'resolved');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!target) return;
    void change.run({
      type: 'status',
      status: target,
      ...(reason.trim() ? { reason: reason.trim() } : {}),
      ...(target === 'merged' ? { mergedInto: mergedInto.trim() } : {}),
    });
  };
  const blocked = change.error instanceof ApiError && change.error.problem.code === 'POSTMORTEM_REQUIRED';
  return (
    <div className="stack">
      <fieldset className="row inc-fieldset">
        <legend className="skip">Move the incident to</legend>
        {incident.nextStatuses.map((s) => (
          <button
            key={s}
            type="button"
            className={s === 'cancelled' || s === 'merged' ? 'ghost' : target === s ? 'primary' : ''}
            aria-pressed={target === s}
            onClick={() => {
              change.clearError();
              setTarget(target === s ? null : s);
            }}
          >
            {reopen(s) ? 'Reopen' : (STATUS_VERB[s] ?? s)}
          </button>
        ))}
      </fieldset>
      {target && (
        <form className="inline-form" onSubmit={submit} aria-label={`Move to ${target}`}>
          {target === 'merged' && (
            <label>
              Duplicate of incident
              <input
                required
                value={mergedInto}
                onChange={(e) => setMergedInto(e.target.value)}
                placeholder="INC-…"
              />
            </label>
          )}
          <label className="inc-grow">
            Reason (optional, on the timeline)
            <input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={2000} />
          </label>
          <button type="submit" className="primary" disabled={change.pending}>
            {incident.status} → {target}
          </button>
          <button type="button" className="ghost" onClick={() => setTarget(null)}>
            Cancel
          </button>
        </form>
      )}
      <ProblemBox error={change.error} />
      {blocked && (
        <p>
          <Link to={`${incidentPath(incident.id)}/postmortem`}>Open the postmortem</Link> to write and publish
          it.
        </p>
      )}
    </div>
  );
}

function SeverityControl({ incident, reload }: { incident: IncidentDetail; reload: () => void }) {
  const change = useChange(incident.id, reload);
  const [severity, setSeverity] = useState(incident.severity);
  return (
    <form
      className="row"
      onSubmit={(e) => {
        e.preventDefault();
        void change.run({ type: 'severity', severity });
      }}
    >
      <label className="inc-inline-label">
        Severity
        <select value={severity} onChange={(e) => setSeverity(e.target.value as typeof severity)}>
          {SEVERITY_OPTIONS.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      </label>
      <button type="submit" disabled={change.pending || severity === incident.severity}>
        Change
      </button>
      <ProblemBox error={change.error} />
    </form>
  );
}

function SummaryCard({
  incident,
  canWrite,
  reload,
}: {
  incident: IncidentDetail;
  canWrite: boolean;
  reload: () => void;
}) {
  const [editing, setEditing] = useState(false);
  const [title, setTitle] = useState('');
  const [summary, setSummary] = useState('');
  const change = useChange(incident.id, () => {
    setEditing(false);
    reload();
  });
  return (
    <Card
      title="Summary"
      actions={
        canWrite &&
        !editing && (
          <button
            type="button"
            className="ghost"
            onClick={() => {
              setTitle(incident.title);
              setSummary(incident.summary);
              setEditing(true);
            }}
          >
            Edit title and summary
          </button>
        )
      }
    >
      {editing ? (
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            void change.run({ type: 'edit', title: title.trim(), summary });
          }}
        >
          <label>
            Title
            <input required maxLength={200} value={title} onChange={(e) => setTitle(e.target.value)} />
          </label>
          <label>
            Summary (Markdown)
            <textarea value={summary} onChange={(e) => setSummary(e.target.value)} />
          </label>
          <ProblemBox error={change.error} />
          <div className="row">
            <button type="submit" className="primary" disabled={change.pending}>
              Save
            </button>
            <button type="button" className="ghost" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </div>
        </form>
      ) : incident.summary.trim() ? (
        <Markdown source={incident.summary} />
      ) : (
        <p className="muted">No summary yet.</p>
      )}
    </Card>
  );
}

function PostmortemCard({ incident, canWrite }: { incident: IncidentDetail; canWrite: boolean }) {
  const items = useApi<ActionItem[]>('/action-items', { incident: incident.id }, { refreshMs: 15_000 });
  const [adding, setAdding] = useState(false);
  const pm = incident.postmortem;
  const pmPath = `${incidentPath(incident.id)}/postmortem`;
  return (
    <Card
      title="Postmortem and action items"
      actions={<Link to={pmPath}>{pm.status === null ? 'Write the postmortem' : 'Open the postmortem'}</Link>}
    >
      <Facts
        items={[
          ['Postmortem', <PostmortemBadge key="s" status={pm.status} />],
          ['Required', pm.required ? 'yes' : 'no'],
          ['P0 action item required', pm.p0ActionItemRequired ? 'yes' : 'no'],
        ]}
      />
      {pm.reasons.length > 0 && (
        <ul className="inc-reasons">
          {pm.reasons.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      )}
      <h3>Action items</h3>
      {items.error instanceof ApiError && items.error.status === 404 && !items.data ? (
        <p className="muted">Action items are not available from this server.</p>
      ) : (
        <Async state={items}>
          {(list) => <ActionItemsTable items={list} canWrite={canWrite} onChanged={items.reload} />}
        </Async>
      )}
      {canWrite &&
        (adding ? (
          <AddActionItem
            incidentId={incident.id}
            services={incident.services}
            onAdded={() => {
              setAdding(false);
              items.reload();
            }}
          />
        ) : (
          <button type="button" onClick={() => setAdding(true)}>
            Add an action item
          </button>
        ))}
    </Card>
  );
}

function IncidentView({
  incident,
  reload,
  allServices,
}: {
  incident: IncidentDetail;
  reload: () => void;
  allServices: readonly string[];
}) {
  const canWrite = useCanWrite();
  const note = useChange(incident.id, reload);
  const ack = useChange(incident.id, reload);
  const final = incident.nextStatuses.length === 0;
  const impact = useApi<IncidentImpact>(`/incidents/${seg(incident.id)}/impact`, undefined, {
    refreshMs: 30_000,
  });
  // A change (milestones, status, services) moves the impact span: fetch it again at once.
  const reloadImpact = impact.reload;
  // biome-ignore lint/correctness/useExhaustiveDependencies: updatedAt is the trigger
  useEffect(() => reloadImpact(), [incident.updatedAt, reloadImpact]);
  return (
    <>
      <PageHeader
        title={incident.title}
        crumbs={[{ to: '/incidents', label: 'Incidents' }]}
        actions={
          <>
            <SeverityBadge severity={incident.severity} />
            <StatusBadge status={incident.status} />
          </>
        }
      >
        <Facts
          items={[
            [
              'Id',
              <span key="id" className="mono">
                {incident.id}
              </span>,
            ],
            ['Declared', <Time key="d" at={incident.milestones.declaredAt} absolute />],
            ['Commander', incident.roles.commander ?? <span className="muted">nobody</span>],
            ['Declared by', incident.createdBy],
            ['Updated', <Time key="u" at={incident.updatedAt} />],
            ...(incident.mergedInto
              ? ([
                  [
                    'Merged into',
                    <Link key="m" to={incidentPath(incident.mergedInto)}>
                      {incident.mergedInto}
                    </Link>,
                  ],
                ] as [React.ReactNode, React.ReactNode][])
              : []),
          ]}
        />
      </PageHeader>
      {canWrite && (
        <Card title="Status" className="inc-status-card">
          {final ? (
            <p className="muted">
              This incident is {incident.status}: only corrections and notes are accepted.
            </p>
          ) : (
            <StatusControls incident={incident} reload={reload} />
          )}
          <div className="row inc-status-extra">
            <SeverityControl key={incident.severity} incident={incident} reload={reload} />
            {incident.milestones.acknowledgedAt === null && !final && (
              <button
                type="button"
                disabled={ack.pending}
                onClick={() => void ack.run({ type: 'acknowledge' })}
              >
                Acknowledge
              </button>
            )}
          </div>
          <ProblemBox error={ack.error} />
        </Card>
      )}
      {incident.closingBlockers.length > 0 && incident.status === 'resolved' && (
        <div className="problem" role="status">
          <strong>Cannot close yet.</strong>
          <ul>
            {incident.closingBlockers.map((b) => (
              <li key={b}>{b}</li>
            ))}
          </ul>
          <Link to={`${incidentPath(incident.id)}/postmortem`}>Go to the postmortem</Link>
        </div>
      )}
      <div className="grid-2">
        <div className="stack">
          <SummaryCard incident={incident} canWrite={canWrite} reload={reload} />
          <Card title="Timeline">
            {canWrite && <NoteForm change={note} />}
            <Timeline entries={incident.timeline} />
          </Card>
          <ImpactPanel impact={impact.data ?? incident.impact} />
          <PostmortemCard incident={incident} canWrite={canWrite} />
        </div>
        <div className="stack">
          <RolesPanel incident={incident} canWrite={canWrite} reload={reload} />
          <MilestonesPanel incident={incident} canWrite={canWrite} reload={reload} />
          <ServicesPanel
            incident={incident}
            canWrite={canWrite && !final}
            reload={reload}
            allServices={allServices}
          />
          <AlertGroupsPanel incident={incident} canWrite={canWrite && !final} reload={reload} />
          <DeploymentsPanel incident={incident} canWrite={canWrite} reload={reload} />
          <SubscribersPanel incidentId={incident.id} canWrite={canWrite} />
        </div>
      </div>
    </>
  );
}

export function Incident() {
  const { id = '' } = useParams();
  const state = useApi<IncidentDetail>(`/incidents/${seg(id)}`, undefined, { refreshMs: 5000 });
  const services = useApi<Service[]>('/services');
  const names = (services.data ?? []).map((s) => s.name).sort();
  if (!state.data)
    return (
      <>
        <PageHeader title={`Incident ${id}`} crumbs={[{ to: '/incidents', label: 'Incidents' }]} />
        <Async state={state}>{() => null}</Async>
      </>
    );
  return <IncidentView incident={state.data} reload={state.reload} allServices={names} />;
}

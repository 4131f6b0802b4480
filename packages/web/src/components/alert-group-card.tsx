/** One alert group as routed: who it goes to, its members, the next notification and why. */
import type { AlertGroup } from '@headroom/core/api/alert-group';
import { useState } from 'react';
import { Link } from 'react-router';
import { post, seg } from '../api/client';
import { useAction } from '../api/hooks';
import { useCanWrite } from '../auth';
import { LabelChips, labelsToMatchers } from './alert-labels';
import { SilenceForm } from './alert-silences';
import { Badge, ProblemBox, Time, type Tone } from './ui';

export type GroupAlert = AlertGroup['alerts'][number];

export const pageTone: Record<string, Tone> = {
  active: 'bad',
  acknowledged: 'warn',
  resolved: 'ok',
  exhausted: 'bad',
  cancelled: 'muted',
};

/** A readable name for a group: its alertnames, else its group labels. */
export function groupTitle(group: AlertGroup): string {
  const names = [...new Set(group.alerts.map((a) => a.labels.alertname).filter(Boolean))];
  if (names.length > 0)
    return names.slice(0, 3).join(', ') + (names.length > 3 ? ` +${names.length - 3}` : '');
  const labels = Object.entries(group.groupLabels).map(([k, v]) => `${k}=${v}`);
  return labels.length > 0 ? labels.join(', ') : `Group ${group.id.slice(0, 8)}`;
}

export const isMuted = (a: GroupAlert) => a.silencedBy.length > 0 || a.inhibitedBy !== null;

export function AlertState({ alert }: { alert: GroupAlert }) {
  if (alert.status === 'resolved') return <Badge tone="ok">resolved</Badge>;
  if (alert.silencedBy.length > 0)
    return (
      <Badge tone="muted" title={`Silenced by ${alert.silencedBy.join(', ')}`}>
        silenced
      </Badge>
    );
  if (alert.inhibitedBy)
    return (
      <Badge
        tone="muted"
        title={`Inhibited by rule ${alert.inhibitedBy.rule} (source ${alert.inhibitedBy.by})`}
      >
        inhibited
      </Badge>
    );
  if (alert.acknowledged) return <Badge tone="warn">acknowledged</Badge>;
  return <Badge tone="bad">firing</Badge>;
}

/**
 * The pipeline's own "Next notification at … because …" (times in UTC), and when the group is
 * next flushed (checked against group_interval), which need not send anything.
 */
export function NextNotification({ group }: { group: AlertGroup }) {
  return (
    <div className="explanation">
      {group.explanation}
      {group.nextAt && (
        <span className="muted">
          {' '}
          · next flush <Time at={group.nextAt} />
        </span>
      )}
    </div>
  );
}

/** Acknowledge the group's active page (stops the escalation); any signed-in user may, as the person paged may be a viewer. */
export function AcknowledgeButton({ group, onDone }: { group: AlertGroup; onDone: () => void }) {
  const ack = useAction(async () => {
    await post(`/alert-groups/${seg(group.id)}/acknowledge`, { via: 'api' });
    onDone();
  });
  if (group.page?.status !== 'active') return null;
  return (
    <>
      <button type="button" className="primary" disabled={ack.pending} onClick={() => void ack.run()}>
        {ack.pending ? 'Acknowledging…' : 'Acknowledge'}
      </button>
      <ProblemBox error={ack.error} />
    </>
  );
}

export function GroupFacts({ group }: { group: AlertGroup }) {
  return (
    <div className="group-meta">
      <span>
        Receiver:{' '}
        {group.receiver ? (
          <Link to={`/notifications?channel=${encodeURIComponent(group.receiver)}`}>{group.receiver}</Link>
        ) : (
          <strong>none (pages only)</strong>
        )}
      </span>
      {group.escalationPolicy && (
        <span>
          Escalation:{' '}
          <Link to={`/oncall/policies/${seg(group.escalationPolicy)}`}>{group.escalationPolicy}</Link>
        </span>
      )}
      <span>
        Route: <code title={group.groupKey}>{group.routeId}</code>
      </span>
      <span>
        Since <Time at={group.createdAt} />
      </span>
      <span>
        Last notified: <Time at={group.lastNotification?.at} />
      </span>
      {group.page && (
        <span>
          Page: <Badge tone={pageTone[group.page.status]}>{group.page.status}</Badge>
          {group.page.acknowledgedBy && <> by {group.page.acknowledgedBy}</>}
          {group.page.incidentId && (
            <>
              {' '}
              · <Link to={`/incidents/${seg(group.page.incidentId)}`}>{group.page.incidentId}</Link>
            </>
          )}
        </span>
      )}
    </div>
  );
}

export function GroupCard({
  group,
  alerts,
  onChange,
}: {
  group: AlertGroup;
  /** The members to show (after the page's filters). */
  alerts: GroupAlert[];
  onChange: () => void;
}) {
  const canWrite = useCanWrite();
  const [silencing, setSilencing] = useState(false);
  const firing = group.alerts.filter((a) => a.status === 'firing');
  const live = firing.filter((a) => !isMuted(a));
  const state = live.length > 0 ? 'firing' : firing.length > 0 ? 'muted-group' : 'resolved';
  return (
    <section className={`card group-card ${state}`} aria-label={groupTitle(group)}>
      <div className="group-head">
        <div>
          <h2>
            <Link to={`/alerts/groups/${seg(group.id)}`}>{groupTitle(group)}</Link>
          </h2>
          <LabelChips labels={group.groupLabels} emphasise={group.groupLabels} />
        </div>
        <div className="actions">
          <Badge tone={live.length > 0 ? 'bad' : 'muted'}>{firing.length} firing</Badge>
          {firing.length !== live.length && <Badge tone="muted">{firing.length - live.length} muted</Badge>}
          {group.alerts.length > firing.length && (
            <Badge tone="ok">{group.alerts.length - firing.length} resolved</Badge>
          )}
          <AcknowledgeButton group={group} onDone={onChange} />
          {canWrite && firing.length > 0 && !silencing && (
            <button type="button" onClick={() => setSilencing(true)}>
              Silence this group
            </button>
          )}
        </div>
      </div>
      <GroupFacts group={group} />
      <NextNotification group={group} />
      {silencing && (
        <div className="inline-panel">
          <SilenceForm
            initialMatchers={labelsToMatchers(
              Object.keys(group.groupLabels).length > 0 ? group.groupLabels : (firing[0]?.labels ?? {}),
            )}
            onDone={() => {
              setSilencing(false);
              onChange();
            }}
            onCancel={() => setSilencing(false)}
          />
        </div>
      )}
      <GroupAlertsTable group={group} alerts={alerts} />
    </section>
  );
}

export function GroupAlertsTable({ group, alerts }: { group: AlertGroup; alerts: GroupAlert[] }) {
  if (alerts.length === 0) return <p className="muted">No member alerts match the filters.</p>;
  return (
    <table className="table compact">
      <thead>
        <tr>
          <th>State</th>
          <th>Alert</th>
          <th>Labels (besides the group’s)</th>
          <th>Started</th>
        </tr>
      </thead>
      <tbody>
        {alerts.map((a) => (
          <tr key={a.id}>
            <td>
              <AlertState alert={a} />
            </td>
            <td>{a.labels.alertname ?? <span className="muted">—</span>}</td>
            <td>
              <LabelChips labels={a.labels} skip={['alertname', ...Object.keys(group.groupLabels)]} />
            </td>
            <td>
              <Time at={a.startsAt} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

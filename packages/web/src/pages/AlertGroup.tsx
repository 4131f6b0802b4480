import type { Alert } from '@headroom/core/api/alert';
import type { AlertGroup as AlertGroupView } from '@headroom/core/api/alert-group';
import type { Incident, IncidentDetail } from '@headroom/core/api/incident';
import type { Notification } from '@headroom/core/api/notification';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { post, seg } from '../api/client';
import { useAction, useApi } from '../api/hooks';
import { useCanWrite } from '../auth';
import {
  AcknowledgeButton,
  AlertState,
  GroupFacts,
  groupTitle,
  NextNotification,
} from '../components/alert-group-card';
import { GroupLogCard } from '../components/alert-group-log';
import { LabelChips, labelsToMatchers } from '../components/alert-labels';
import { SilenceForm } from '../components/alert-silences';
import { NotificationsTable } from '../components/oncall-notifications';
import { Async, Card, Empty, PageHeader, ProblemBox, Time } from '../components/ui';
import '../styles/oncall.css';

export function AlertGroup() {
  const { id = '' } = useParams();
  const group = useApi<AlertGroupView>(`/alert-groups/${seg(id)}`, undefined, { refreshMs: 5000 });
  return (
    <>
      <PageHeader
        title={group.data ? groupTitle(group.data) : 'Alert group'}
        crumbs={[{ to: '/alerts', label: 'Alerts' }]}
      />
      <Async state={group}>{(g) => <GroupDetail group={g} reload={group.reload} />}</Async>
    </>
  );
}

function GroupDetail({ group, reload }: { group: AlertGroupView; reload: () => void }) {
  const canWrite = useCanWrite();
  const navigate = useNavigate();
  const [silencing, setSilencing] = useState(false);
  // Annotations live on the alerts themselves: every member shares the group labels.
  const alerts = useApi<Alert[]>(
    '/alerts',
    { label: Object.entries(group.groupLabels).map(([k, v]) => `${k}=${v}`), limit: 1000 },
    { refreshMs: 10_000 },
  );
  const full = new Map((alerts.data ?? []).map((a) => [a.id, a]));
  const declare = useAction(async () => {
    const incident = await post<IncidentDetail>(`/alert-groups/${seg(group.id)}/incident`, {});
    navigate(`/incidents/${seg(incident.id)}`);
  });
  const firing = group.alerts.filter((a) => a.status === 'firing');
  // The group does not list its incidents; open incidents list their groups.
  const incidents = useApi<Incident[]>('/incidents', { status: 'open', limit: 1000 }, { refreshMs: 10_000 });
  const linked = (incidents.data ?? []).filter((i) => i.alertGroups.includes(group.id));
  return (
    <>
      <Card
        title="Group"
        actions={
          <>
            <AcknowledgeButton group={group} onDone={reload} />
            {canWrite && firing.length > 0 && !silencing && (
              <button type="button" onClick={() => setSilencing(true)}>
                Silence this group
              </button>
            )}
            {canWrite && linked.length === 0 && !group.page?.incidentId && (
              <button type="button" disabled={declare.pending} onClick={() => void declare.run()}>
                {declare.pending ? 'Declaring…' : 'Declare incident'}
              </button>
            )}
          </>
        }
      >
        <LabelChips labels={group.groupLabels} emphasise={group.groupLabels} />
        <GroupFacts group={group} />
        <NextNotification group={group} />
        {linked.length > 0 && (
          <p>
            Open incident{linked.length > 1 ? 's' : ''}:{' '}
            {linked.map((i) => (
              <span key={i.id}>
                <Link to={`/incidents/${seg(i.id)}`}>
                  {i.id} {i.title}
                </Link>{' '}
              </span>
            ))}
          </p>
        )}
        <ProblemBox error={declare.error} />
        {silencing && (
          <div className="inline-panel">
            <SilenceForm
              initialMatchers={labelsToMatchers(
                Object.keys(group.groupLabels).length > 0 ? group.groupLabels : (firing[0]?.labels ?? {}),
              )}
              onDone={() => {
                setSilencing(false);
                reload();
              }}
              onCancel={() => setSilencing(false)}
            />
          </div>
        )}
        <p className="hint">
          Group key <code>{group.groupKey}</code> · id <code>{group.id}</code>
        </p>
      </Card>

      <Card title={`Alerts (${group.alerts.length})`}>
        <ProblemBox error={alerts.error} />
        <table className="table compact">
          <thead>
            <tr>
              <th>State</th>
              <th>Labels</th>
              <th>Annotations</th>
              <th>Started</th>
              <th>Source</th>
            </tr>
          </thead>
          <tbody>
            {group.alerts.map((a) => {
              const detail = full.get(a.id);
              return (
                <tr key={a.id}>
                  <td>
                    <AlertState alert={a} />
                  </td>
                  <td>
                    <LabelChips labels={a.labels} emphasise={group.groupLabels} />
                  </td>
                  <td>
                    {detail ? (
                      <Annotations annotations={detail.annotations} generatorURL={detail.generatorURL} />
                    ) : (
                      <span className="muted">…</span>
                    )}
                  </td>
                  <td>
                    <Time at={a.startsAt} absolute />
                    {detail?.endsAt && (
                      <div className="hint">
                        ends <Time at={detail.endsAt} />
                      </div>
                    )}
                  </td>
                  <td>
                    {detail?.source ?? ''}
                    {detail?.integration && <div className="hint">{detail.integration}</div>}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </Card>

      <GroupLogCard groupId={group.id} version={group.page?.status ?? ''} />
      <GroupNotifications group={group} />
    </>
  );
}

function Annotations({
  annotations,
  generatorURL,
}: {
  annotations: Record<string, string>;
  generatorURL: string | null;
}) {
  const entries = Object.entries(annotations);
  return (
    <div className="stack" style={{ gap: 2 }}>
      {entries.length === 0 && !generatorURL && <span className="muted">none</span>}
      {entries.map(([k, v]) => (
        <div key={k}>
          <span className="muted">{k}: </span>
          {/^https?:\/\//.test(v) ? (
            <a href={v} target="_blank" rel="noreferrer">
              {v}
            </a>
          ) : (
            v
          )}
        </div>
      ))}
      {generatorURL && /^https?:\/\//.test(generatorURL) && (
        <a href={generatorURL} target="_blank" rel="noreferrer">
          Source
        </a>
      )}
    </div>
  );
}

/**
 * The notifications sent for this group: the route's (keyed `alert-group:<id>:…`) and the page's
 * (`page:<pageId>:…`). The API has no group filter, so the latest 1000 are filtered here.
 */
function GroupNotifications({ group }: { group: AlertGroupView }) {
  const list = useApi<Notification[]>('/notifications', { limit: 1000 }, { refreshMs: 10_000 });
  const prefixes = [`alert-group:${group.id}:`, ...(group.page ? [`page:${group.page.id}:`] : [])];
  const mine = (list.data ?? []).filter((n) => prefixes.some((p) => n.idempotencyKey.startsWith(p)));
  return (
    <Card title="Notifications" actions={<Link to="/notifications">All notifications</Link>}>
      <Async state={list}>
        {() =>
          mine.length === 0 ? (
            <Empty>No notification has been sent for this group yet.</Empty>
          ) : (
            <NotificationsTable items={mine} onChange={list.reload} />
          )
        }
      </Async>
    </Card>
  );
}

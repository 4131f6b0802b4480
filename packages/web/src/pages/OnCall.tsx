import type { EscalationPolicyDetail, EscalationPolicySummary } from '@headroom/core/api/escalation-policy';
import type { OnCallEntry, ScheduleSummary } from '@headroom/core/api/schedule';
import { Link } from 'react-router';
import { seg } from '../api/client';
import { useApi } from '../api/hooks';
import { OnCallLine, Person, StepNow, TargetView } from '../components/oncall-people';
import { Async, Card, Empty, PageHeader, Time } from '../components/ui';
import '../styles/oncall.css';

export function OnCall() {
  const onCall = useApi<OnCallEntry[]>('/oncall', undefined, { refreshMs: 30_000 });
  const schedules = useApi<ScheduleSummary[]>('/schedules', undefined, { refreshMs: 60_000 });
  const policies = useApi<EscalationPolicySummary[]>('/escalation-policies');
  return (
    <>
      <PageHeader title="On-call">
        <span className="muted">
          Who is on call now, the schedules, and whom each escalation step would page.
        </span>
      </PageHeader>
      <Card title="On call now">
        <Async state={onCall}>
          {(list) =>
            list.length === 0 ? (
              <Empty>No schedules. Apply a Schedule document to add one.</Empty>
            ) : (
              <table className="table compact">
                <thead>
                  <tr>
                    <th>Schedule</th>
                    <th>On call</th>
                    <th>Why</th>
                    <th>Since</th>
                    <th>Next hand-off</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((e) => (
                    <tr key={e.schedule}>
                      <td>
                        <Link to={`/oncall/schedules/${seg(e.schedule)}`}>{e.displayName ?? e.schedule}</Link>
                      </td>
                      <td>
                        <strong>
                          <Person name={e.user} />
                        </strong>
                      </td>
                      <td className="muted">
                        {e.source === 'override'
                          ? 'override'
                          : e.source === 'layer'
                            ? `layer ${e.layer}`
                            : 'gap'}
                      </td>
                      <td>
                        <Time at={e.since} />
                      </td>
                      <td>
                        {e.nextHandoff ? (
                          <span className="row">
                            <Time at={e.nextHandoff.at} /> → <Person name={e.nextHandoff.user} />
                          </span>
                        ) : (
                          <span className="muted">—</span>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )
          }
        </Async>
      </Card>
      <Card title="Schedules">
        <Async state={schedules}>
          {(list) =>
            list.length === 0 ? (
              <Empty>No schedules.</Empty>
            ) : (
              <table className="table compact">
                <thead>
                  <tr>
                    <th>Schedule</th>
                    <th>Owner</th>
                    <th>Time zone</th>
                    <th>Layers</th>
                    <th>Now</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((s) => (
                    <tr key={s.name}>
                      <td>
                        <Link to={`/oncall/schedules/${seg(s.name)}`}>{s.displayName ?? s.name}</Link>
                        {s.description && <div className="hint">{s.description}</div>}
                      </td>
                      <td>{s.owner ?? <span className="muted">—</span>}</td>
                      <td>{s.timeZone}</td>
                      <td>{s.layers.join(', ')}</td>
                      <td>
                        <OnCallLine onCall={s.onCall} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )
          }
        </Async>
      </Card>
      <Card title="Escalation policies">
        <Async state={policies}>
          {(list) =>
            list.length === 0 ? (
              <Empty>No escalation policies. Apply an EscalationPolicy document to add one.</Empty>
            ) : (
              <div className="grid">
                {list.map((p) => (
                  <PolicyCard key={p.name} policy={p} />
                ))}
              </div>
            )
          }
        </Async>
      </Card>
    </>
  );
}

/** A policy's steps, with whom each would page now (from the policy's detail). */
function PolicyCard({ policy }: { policy: EscalationPolicySummary }) {
  const detail = useApi<EscalationPolicyDetail>(`/escalation-policies/${seg(policy.name)}`, undefined, {
    refreshMs: 60_000,
  });
  return (
    <section className="card" style={{ background: 'var(--panel-2)' }} aria-label={policy.name}>
      <h3 style={{ marginTop: 0 }}>
        <Link to={`/oncall/policies/${seg(policy.name)}`}>{policy.displayName ?? policy.name}</Link>
      </h3>
      <div className="hint">
        {policy.owner ? `Owner ${policy.owner} · ` : ''}
        {policy.repeat > 0 ? `repeats ${policy.repeat}×` : 'no repeat'}
        {policy.description ? ` · ${policy.description}` : ''}
      </div>
      <ol className="steps">
        {policy.steps.map((s, i) => {
          const now = detail.data?.steps[i];
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: steps are ordered and have no id
            <li key={i}>
              <span className="row">
                {s.notify.map((t) => (
                  <TargetView key={JSON.stringify(t)} target={t} />
                ))}
                <span className="muted">then wait {s.delay}</span>
              </span>
              {now && <StepNow step={now} />}
            </li>
          );
        })}
      </ol>
    </section>
  );
}

import type { EscalationPolicyDetail } from '@headroom/core/api/escalation-policy';
import { useParams } from 'react-router';
import { seg } from '../api/client';
import { useApi } from '../api/hooks';
import { StepNow, TargetView } from '../components/oncall-people';
import { Async, Card, Facts, PageHeader, Time } from '../components/ui';
import { formatDuration } from '../format';
import '../styles/oncall.css';

export function EscalationPolicy() {
  const { name = '' } = useParams();
  const policy = useApi<EscalationPolicyDetail>(`/escalation-policies/${seg(name)}`, undefined, {
    refreshMs: 30_000,
  });
  return (
    <>
      <PageHeader title={policy.data?.displayName ?? name} crumbs={[{ to: '/oncall', label: 'On-call' }]}>
        {policy.data?.description && <span className="muted">{policy.data.description}</span>}
      </PageHeader>
      <Async state={policy}>{(p) => <PolicyDetail policy={p} />}</Async>
    </>
  );
}

function PolicyDetail({ policy }: { policy: EscalationPolicyDetail }) {
  const cycle = policy.steps.reduce((ms, s) => ms + s.delayMs, 0);
  // When each step fires if nobody acknowledges: the delays add up, and the whole run repeats.
  let offset = 0;
  const starts = policy.steps.map((s) => {
    const at = offset;
    offset += s.delayMs;
    return at;
  });
  return (
    <>
      <Card title="Policy">
        <Facts
          items={[
            ['Name', <code key="n">{policy.name}</code>],
            ['Owner', policy.owner ?? '—'],
            ['Steps', policy.steps.length],
            [
              'Repeat',
              policy.repeat > 0
                ? `${policy.repeat} more time${policy.repeat > 1 ? 's' : ''} after the last step`
                : 'no repeat',
            ],
            ['One run takes', formatDuration(cycle)],
            ['Targets resolved', <Time key="a" at={policy.at} />],
            ['Updated', <Time key="u" at={policy.updatedAt} />],
          ]}
        />
      </Card>
      <Card title="Steps, and whom each would page now">
        <table className="table">
          <thead>
            <tr>
              <th className="num">Step</th>
              <th>Pages at</th>
              <th>Targets</th>
              <th>Would page now</th>
              <th>Then waits</th>
            </tr>
          </thead>
          <tbody>
            {policy.steps.map((s, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: steps are ordered and have no id
              <tr key={i}>
                <td className="num">{i + 1}</td>
                <td>{starts[i] === 0 ? 'at once' : `+${formatDuration(starts[i] ?? 0)}`}</td>
                <td>
                  <div className="stack" style={{ gap: 2 }}>
                    {s.notify.map((t) => (
                      <TargetView key={JSON.stringify(t)} target={t} />
                    ))}
                  </div>
                </td>
                <td>
                  <StepNow step={s} />
                </td>
                <td>{s.delay}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {policy.repeat > 0 && (
          <p className="hint">
            Unacknowledged after the last step, the policy starts again from step 1, {policy.repeat} more time
            {policy.repeat > 1 ? 's' : ''}.
          </p>
        )}
      </Card>
    </>
  );
}

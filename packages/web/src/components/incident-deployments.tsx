/** The deployments linked to an incident, the ones that may have caused it, link and unlink. */
import type { DeploymentSuggestions, IncidentDeploymentLink } from '@headroom/core/api/deployment';
import type { IncidentDetail } from '@headroom/core/api/incident';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { del, post, seg } from '../api/client';
import { useAction, useApi } from '../api/hooks';
import { formatDuration } from '../format';
import { DeploymentStatusBadge } from './release-deployments';
import { Async, Badge, Card, Empty, ProblemBox, Time } from './ui';
import '../styles/release.css';

const HOURS = [6, 24, 72] as const;

export function DeploymentsPanel({
  incident,
  canWrite,
  reload,
}: {
  incident: IncidentDetail;
  canWrite: boolean;
  reload: () => void;
}) {
  const base = `/incidents/${seg(incident.id)}`;
  const [hours, setHours] = useState<number>(24);
  const [manual, setManual] = useState('');
  const links = useApi<IncidentDeploymentLink[]>(`${base}/deployments`, undefined, { refreshMs: 30_000 });
  const suggestions = useApi<DeploymentSuggestions>(`${base}/deployment-suggestions`, { hours });
  const changed = () => {
    links.reload();
    suggestions.reload();
    reload();
  };
  const link = useAction((deployment: string, source: 'manual' | 'suggestion') =>
    post<IncidentDeploymentLink[]>(`${base}/deployments`, { deployment, source }),
  );
  const unlink = useAction((deployment: string) => del(`${base}/deployments/${seg(deployment)}`));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await link.run(manual.trim(), 'manual')) {
      setManual('');
      changed();
    }
  };
  return (
    <Card title="Deployments" className="inc-deployments">
      <Async state={links}>
        {(list) =>
          list.length === 0 ? (
            <Empty>No deployments linked: none is known to have caused this incident.</Empty>
          ) : (
            <ul className="inc-plain" data-testid="linked-deployments">
              {list.map((l) => (
                <li key={l.deployment.id} className="row">
                  <span>
                    <Link to={`/deployments?service=${seg(l.deployment.service)}`}>
                      {l.deployment.service}
                    </Link>{' '}
                    {l.deployment.version} <span className="mono muted">{l.deployment.id}</span>{' '}
                    <DeploymentStatusBadge status={l.deployment.status} />
                    <span className="hint">
                      started <Time at={l.deployment.startedAt} absolute />; linked by {l.linkedBy}
                      {l.source === 'suggestion' ? ' from a suggestion' : ''} <Time at={l.linkedAt} />
                    </span>
                  </span>
                  {canWrite && (
                    <button
                      type="button"
                      className="ghost"
                      disabled={unlink.pending}
                      onClick={async () => {
                        if (await unlink.run(l.deployment.id)) changed();
                      }}
                    >
                      Unlink<span className="skip"> {l.deployment.id}</span>
                    </button>
                  )}
                </li>
              ))}
            </ul>
          )
        }
      </Async>
      <ProblemBox error={unlink.error} />
      <h3>
        Suggested{' '}
        <select
          aria-label="Look back"
          value={hours}
          onChange={(e) => setHours(Number(e.target.value))}
          className="inc-hours"
        >
          {HOURS.map((h) => (
            <option key={h} value={h}>
              {h} h before
            </option>
          ))}
        </select>
      </h3>
      <Async state={suggestions}>
        {(s) =>
          s.suggestions.length === 0 ? (
            <Empty>
              No other deployments of {s.services.join(', ') || 'its services'} in the {s.hours} h before{' '}
              {s.reference === 'impactStartedAt'
                ? 'impact started'
                : s.reference === 'detectedAt'
                  ? 'detection'
                  : 'declaration'}
              .
            </Empty>
          ) : (
            <ul className="inc-plain" data-testid="deployment-suggestions">
              {s.suggestions.map((x) => (
                <li key={x.deployment.id} className="row">
                  <span>
                    <Badge tone="warn">{formatDuration(x.secondsBefore * 1000)} before</Badge>{' '}
                    {x.deployment.service} {x.deployment.version}{' '}
                    <span className="mono muted">{x.deployment.id}</span>
                    <span className="hint">{x.reason}</span>
                  </span>
                  {canWrite && (
                    <button
                      type="button"
                      disabled={link.pending}
                      onClick={async () => {
                        if (await link.run(x.deployment.id, 'suggestion')) changed();
                      }}
                    >
                      Link<span className="skip"> {x.deployment.id}</span>
                    </button>
                  )}
                </li>
              ))}
            </ul>
          )
        }
      </Async>
      {canWrite && (
        <form className="inline-form" onSubmit={submit}>
          <label>
            Deployment id
            <input value={manual} onChange={(e) => setManual(e.target.value)} placeholder="DEP-42" required />
          </label>
          <button type="submit" disabled={link.pending}>
            Link
          </button>
        </form>
      )}
      <ProblemBox error={link.error} />
    </Card>
  );
}

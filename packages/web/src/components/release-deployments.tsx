import type { Deployment, DeploymentStatus } from '@headroom/core/api/deployment';
import { type FormEvent, type ReactNode, useState } from 'react';
import { Link } from 'react-router';
import { post, seg } from '../api/client';
import { useAction } from '../api/hooks';
import { formatDuration } from '../format';
import { IncidentLink } from './incident-common';
import { Badge, ProblemBox, Time } from './ui';

export function DeploymentStatusBadge({ status }: { status: DeploymentStatus }) {
  return <Badge tone={status === 'succeeded' ? 'ok' : status === 'failed' ? 'bad' : 'warn'}>{status}</Badge>;
}

const lead = (d: Deployment) =>
  d.commitTime ? formatDuration(Date.parse(d.startedAt) - Date.parse(d.commitTime)) : '—';

/** Deployments, newest first: service, version and commit, status, lead time, linked incidents. */
export function DeploymentTable({
  items,
  showService = true,
  action,
}: {
  items: Deployment[];
  showService?: boolean;
  /** An extra last column (e.g. a link/unlink button). */
  action?: { title: string; cell: (d: Deployment) => ReactNode };
}) {
  return (
    <table className="table release-deployments">
      <thead>
        <tr>
          <th>Started</th>
          {showService && <th>Service</th>}
          <th>Version</th>
          <th>Commit</th>
          <th>Status</th>
          <th className="num" title="Commit time → deployment start">
            Lead time
          </th>
          <th>Author</th>
          <th>Incidents</th>
          {action && <th>{action.title}</th>}
        </tr>
      </thead>
      <tbody>
        {items.map((d) => (
          <tr key={d.id} data-deployment={d.id}>
            <td>
              <Time at={d.startedAt} />
              {d.environment !== 'production' && <span className="muted"> · {d.environment}</span>}
            </td>
            {showService && (
              <td>
                <Link to={`/services/${seg(d.service)}`}>{d.service}</Link>
                {d.team && <span className="muted"> · {d.team}</span>}
              </td>
            )}
            <td>
              {d.pipelineUrl ? (
                <a href={d.pipelineUrl} target="_blank" rel="noreferrer noopener" title={`${d.id}: pipeline`}>
                  {d.version}
                </a>
              ) : (
                <span title={d.id}>{d.version}</span>
              )}
              {d.labels.length > 0 && <span className="muted"> [{d.labels.join(', ')}]</span>}
            </td>
            <td>
              <code title={d.commit}>{d.commit.slice(0, 12)}</code>
            </td>
            <td>
              <DeploymentStatusBadge status={d.status} />
            </td>
            <td className="num">{lead(d)}</td>
            <td>{d.author ?? <span className="muted">—</span>}</td>
            <td>
              {d.incidents.length === 0 ? (
                <span className="muted">—</span>
              ) : (
                d.incidents.map((id) => (
                  <span key={id}>
                    <IncidentLink id={id}>{id}</IncidentLink>{' '}
                  </span>
                ))
              )}
            </td>
            {action && <td>{action.cell(d)}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const localNow = () => {
  const d = new Date();
  d.setSeconds(0, 0);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};

/** Record a deployment by hand, as `headroom deploy record` does from CI. */
export function RecordDeploymentForm({
  services,
  service: fixed,
  onDone,
}: {
  services: string[];
  service?: string;
  onDone: (d: Deployment) => void;
}) {
  const [service, setService] = useState(fixed ?? '');
  const [version, setVersion] = useState('');
  const [commit, setCommit] = useState('');
  const [commitTime, setCommitTime] = useState('');
  const [startedAt, setStartedAt] = useState(localNow);
  const [status, setStatus] = useState<DeploymentStatus>('succeeded');
  const [labels, setLabels] = useState('');
  const record = useAction(async () => {
    const d = await post<Deployment>('/deployments', {
      service: fixed ?? service,
      version,
      commit,
      startedAt: new Date(startedAt).toISOString(),
      ...(commitTime ? { commitTime: new Date(commitTime).toISOString() } : {}),
      status,
      labels: labels
        .split(',')
        .map((l) => l.trim())
        .filter(Boolean),
    });
    onDone(d);
  });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await record.run()) {
      setVersion('');
      setCommit('');
    }
  };
  return (
    <form className="stack release-form" onSubmit={submit}>
      <div className="inline-form">
        {!fixed && (
          <label>
            Service
            <select value={service} onChange={(e) => setService(e.target.value)} required>
              <option value="">choose…</option>
              {services.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          Version
          <input value={version} onChange={(e) => setVersion(e.target.value)} required maxLength={200} />
        </label>
        <label>
          Commit
          <input value={commit} onChange={(e) => setCommit(e.target.value)} required maxLength={200} />
        </label>
        <label>
          Commit time
          <input type="datetime-local" value={commitTime} onChange={(e) => setCommitTime(e.target.value)} />
        </label>
        <label>
          Started
          <input
            type="datetime-local"
            value={startedAt}
            onChange={(e) => setStartedAt(e.target.value)}
            required
          />
        </label>
        <label>
          Status
          <select value={status} onChange={(e) => setStatus(e.target.value as DeploymentStatus)}>
            <option value="succeeded">succeeded</option>
            <option value="failed">failed</option>
            <option value="rolled-back">rolled-back</option>
          </select>
        </label>
        <label>
          Labels
          <input value={labels} onChange={(e) => setLabels(e.target.value)} placeholder="p0-fix, security" />
        </label>
        <button type="submit" className="primary" disabled={record.pending}>
          Record deployment
        </button>
      </div>
      <ProblemBox error={record.error} />
    </form>
  );
}

import type { Service } from '@headroom/core/api/catalog';
import type {
  DeclareIncidentRequest,
  Incident,
  IncidentDetail,
  MttxReport,
} from '@headroom/core/api/incident';
import { type FormEvent, useMemo, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { post } from '../api/client';
import { useAction, useApi } from '../api/hooks';
import { useCanWrite } from '../auth';
import {
  IncidentLink,
  incidentPath,
  PostmortemBadge,
  SEVERITY_OPTIONS,
  ServiceLinks,
  SeverityBadge,
  STATUS_OPTIONS,
  StatusBadge,
} from '../components/incident-common';
import { Async, Card, Empty, PageHeader, ProblemBox, Time } from '../components/ui';
import { formatDuration } from '../format';
import '../styles/incident.css';

function DeclareForm({ services, onCancel }: { services: readonly string[]; onCancel: () => void }) {
  const navigate = useNavigate();
  const [title, setTitle] = useState('');
  const [severity, setSeverity] = useState<DeclareIncidentRequest['severity']>('SEV3');
  const [chosen, setChosen] = useState<string[]>([]);
  const [summary, setSummary] = useState('');
  const declare = useAction(async (body: DeclareIncidentRequest) => {
    const created = await post<IncidentDetail>('/incidents', body);
    navigate(incidentPath(created.id));
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void declare.run({ title: title.trim(), severity, services: chosen, summary });
  };
  return (
    <Card title="Declare an incident">
      <form className="stack" onSubmit={submit}>
        <div className="inline-form">
          <label className="inc-grow">
            Title
            <input required maxLength={200} value={title} onChange={(e) => setTitle(e.target.value)} />
          </label>
          <label>
            Severity
            <select value={severity} onChange={(e) => setSeverity(e.target.value as typeof severity)}>
              {SEVERITY_OPTIONS.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          </label>
          <label>
            Impacted services
            <select
              multiple
              size={Math.min(6, Math.max(3, services.length))}
              value={chosen}
              onChange={(e) => setChosen([...e.target.selectedOptions].map((o) => o.value))}
            >
              {services.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
            <span className="hint">Ctrl/⌘-click for several</span>
          </label>
        </div>
        <label>
          Summary (Markdown)
          <textarea value={summary} onChange={(e) => setSummary(e.target.value)} />
        </label>
        <ProblemBox error={declare.error} />
        <div className="row">
          <button type="submit" className="primary" disabled={declare.pending}>
            Declare
          </button>
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </Card>
  );
}

const PERIODS = [
  { days: 7, label: '7 days' },
  { days: 30, label: '30 days' },
  { days: 90, label: '90 days' },
  { days: 365, label: '1 year' },
];

function seconds(s: number | null): string {
  return s === null ? '—' : formatDuration(s * 1000);
}

function MttxPanel({ service, severity }: { service: string; severity: string }) {
  const [days, setDays] = useState(30);
  // Rounded to the minute so polling does not refetch a new key every render.
  const range = useMemo(() => {
    const to = Math.ceil(Date.now() / 60_000) * 60_000;
    return { from: new Date(to - days * 86_400_000).toISOString(), to: new Date(to).toISOString() };
  }, [days]);
  const report = useApi<MttxReport>('/incidents/mttx', {
    ...range,
    service: service || undefined,
    severity: severity || undefined,
  });
  return (
    <Card
      title="Response times"
      actions={
        <label className="inc-inline-label">
          Period
          <select value={days} onChange={(e) => setDays(Number(e.target.value))}>
            {PERIODS.map((p) => (
              <option key={p.days} value={p.days}>
                {p.label}
              </option>
            ))}
          </select>
        </label>
      }
    >
      <Async state={report}>
        {(r) => (
          <>
            <div className="inc-mttx">
              {r.definitions.map((d) => {
                const stats = r.overall.metrics[d.metric];
                return (
                  <div key={d.metric} className="stat inc-mttx-stat">
                    <span className="label">
                      <abbr title={d.description}>{d.name}</abbr>
                    </span>
                    <span className="value">{seconds(stats.meanSeconds)}</span>
                    <span className="hint">
                      median {seconds(stats.medianSeconds)} · {stats.count} measured
                      {stats.missing > 0 && `, ${stats.missing} lacking a milestone`}
                    </span>
                    <span className="hint">
                      clock: <code>{d.from}</code> → <code>{d.to}</code>
                    </span>
                  </div>
                );
              })}
            </div>
            <p className="hint">
              {r.overall.incidents} incidents declared between <Time at={r.period.from} absolute /> and{' '}
              <Time at={r.period.to} absolute />
              {service && ` for ${service}`}
              {severity && ` at ${severity}`}; excluded: {r.excluded.cancelled} cancelled, {r.excluded.merged}{' '}
              merged. Means shown large.
            </p>
          </>
        )}
      </Async>
    </Card>
  );
}

export function Incidents() {
  const canWrite = useCanWrite();
  const [params, setParams] = useSearchParams();
  const status = params.get('status') ?? 'open';
  const severity = params.get('severity') ?? '';
  const service = params.get('service') ?? '';
  const [declaring, setDeclaring] = useState(params.get('declare') === '1');
  const incidents = useApi<Incident[]>(
    '/incidents',
    {
      status: status === 'all' ? undefined : status,
      severity: severity || undefined,
      service: service || undefined,
    },
    { refreshMs: 10_000 },
  );
  const services = useApi<Service[]>('/services');
  const serviceNames = (services.data ?? []).map((s) => s.name).sort();

  const setFilter = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value === '' || (key === 'status' && value === 'open')) next.delete(key);
    else next.set(key, value);
    next.delete('declare');
    setParams(next, { replace: true });
  };

  return (
    <>
      <PageHeader
        title="Incidents"
        actions={
          canWrite &&
          !declaring && (
            <button type="button" className="primary" onClick={() => setDeclaring(true)}>
              Declare incident
            </button>
          )
        }
      />
      {declaring && <DeclareForm services={serviceNames} onCancel={() => setDeclaring(false)} />}
      <Card>
        <form
          className="inline-form inc-filters"
          aria-label="Filter incidents"
          onSubmit={(e) => e.preventDefault()}
        >
          <label>
            Status
            <select value={status} onChange={(e) => setFilter('status', e.target.value)}>
              <option value="open">open</option>
              <option value="all">all</option>
              {STATUS_OPTIONS.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          </label>
          <label>
            Severity
            <select value={severity} onChange={(e) => setFilter('severity', e.target.value)}>
              <option value="">any</option>
              {SEVERITY_OPTIONS.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          </label>
          <label>
            Service
            <select value={service} onChange={(e) => setFilter('service', e.target.value)}>
              <option value="">any</option>
              {serviceNames.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          </label>
        </form>
        <Async state={incidents}>
          {(list) =>
            list.length === 0 ? (
              <Empty>No incidents match.</Empty>
            ) : (
              <table className="table">
                <thead>
                  <tr>
                    <th>Id</th>
                    <th>Title</th>
                    <th>Severity</th>
                    <th>Status</th>
                    <th>Services</th>
                    <th>Commander</th>
                    <th>Declared</th>
                    <th>Postmortem</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((i) => (
                    <tr key={i.id}>
                      <td className="mono">
                        <IncidentLink id={i.id} />
                      </td>
                      <td>
                        <Link to={incidentPath(i.id)}>{i.title}</Link>
                      </td>
                      <td>
                        <SeverityBadge severity={i.severity} />
                      </td>
                      <td>
                        <StatusBadge status={i.status} />
                      </td>
                      <td>
                        <ServiceLinks names={i.services} />
                      </td>
                      <td>{i.roles.commander ?? <span className="muted">—</span>}</td>
                      <td>
                        <Time at={i.milestones.declaredAt} />
                      </td>
                      <td>
                        {i.postmortem.required || i.postmortem.status !== null ? (
                          <Link to={`${incidentPath(i.id)}/postmortem`}>
                            <PostmortemBadge status={i.postmortem.status} />
                          </Link>
                        ) : (
                          <span className="muted">not required</span>
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
      <MttxPanel service={service} severity={severity} />
    </>
  );
}

import type { Alert } from '@headroom/core/api/alert';
import type { AlertGroup } from '@headroom/core/api/alert-group';
import type { Service } from '@headroom/core/api/catalog';
import type { Incident } from '@headroom/core/api/incident';
import type { OnCallEntry } from '@headroom/core/api/schedule';
import type { Slo } from '@headroom/core/api/slo';
import { Link } from 'react-router';
import { seg } from '../api/client';
import { useApi } from '../api/hooks';
import { IncidentLink, SeverityBadge, StatusBadge } from '../components/incident-common';
import {
  SERVICE_STATE_RULE,
  ServiceLink,
  StateBadge,
  serviceBudgetState,
  serviceStateTitle,
} from '../components/slo-common';
import { Async, Badge, Card, Empty, PageHeader, Time } from '../components/ui';
import '../styles/slo.css';

const LIVE = { refreshMs: 10_000 };
const RECENT_ALERTS = 8;

function ServicesByTeam({ services, slos }: { services: Service[]; slos: Slo[] }) {
  const byService = new Map<string, Slo[]>();
  for (const s of slos) byService.set(s.service, [...(byService.get(s.service) ?? []), s]);
  const teams = new Map<string, Service[]>();
  for (const s of services) {
    const team = s.ownerTeam ?? '';
    teams.set(team, [...(teams.get(team) ?? []), s]);
  }
  const ordered = [...teams.entries()].sort(([a], [b]) =>
    a === '' ? 1 : b === '' ? -1 : a.localeCompare(b),
  );
  const counts = { exhausted: 0, burning: 0, healthy: 0, 'no-data': 0 };
  for (const s of services) counts[serviceBudgetState(byService.get(s.name) ?? [])]++;
  return (
    <Card
      title="Services by team"
      actions={
        <span className="row" title={SERVICE_STATE_RULE}>
          <Badge tone="bad">{counts.exhausted} exhausted</Badge>
          <Badge tone="warn">{counts.burning} burning</Badge>
          <Badge tone="ok">{counts.healthy} healthy</Badge>
          {counts['no-data'] > 0 && <Badge>{counts['no-data']} no data</Badge>}
        </span>
      }
    >
      {services.length === 0 ? (
        <Empty>
          No services yet: add some with <code>headroom apply</code>.
        </Empty>
      ) : (
        ordered.map(([team, list]) => (
          <div className="slo-team" key={team || '(none)'}>
            <h3>{team ? <Link to={`/admin/teams?team=${seg(team)}`}>{team}</Link> : 'No owning team'}</h3>
            <ul className="slo-team-services">
              {list
                .sort((a, b) => a.name.localeCompare(b.name))
                .map((s) => {
                  const own = byService.get(s.name) ?? [];
                  return (
                    <li key={s.name}>
                      <span>
                        <ServiceLink name={s.name} /> <span className="muted">T{s.tier}</span>
                      </span>
                      <StateBadge state={serviceBudgetState(own)} title={serviceStateTitle(own)} />
                    </li>
                  );
                })}
            </ul>
          </div>
        ))
      )}
    </Card>
  );
}

function FiringAlerts({ alerts, groups }: { alerts: Alert[]; groups: AlertGroup[] | undefined }) {
  // An alert's page is its group's: find the group that holds its fingerprint.
  const groupOf = new Map<string, string>();
  for (const g of groups ?? []) for (const a of g.alerts) groupOf.set(a.fingerprint, g.id);
  const recent = [...alerts]
    .sort((a, b) => Date.parse(b.startsAt) - Date.parse(a.startsAt))
    .slice(0, RECENT_ALERTS);
  return (
    <Card
      title={
        <>
          Firing alerts{' '}
          <Badge tone={alerts.length ? 'bad' : 'ok'}>{alerts.length >= 1000 ? '1000+' : alerts.length}</Badge>
        </>
      }
      actions={<Link to="/alerts">All alerts</Link>}
    >
      {recent.length === 0 ? (
        <Empty>Nothing is firing.</Empty>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>Alert</th>
              <th>Service</th>
              <th>Severity</th>
              <th>Since</th>
            </tr>
          </thead>
          <tbody>
            {recent.map((a) => {
              const name = a.labels.alertname ?? a.fingerprint;
              const group = groupOf.get(a.fingerprint);
              const service = a.labels.service;
              return (
                <tr key={a.id}>
                  <td>
                    {group ? <Link to={`/alerts/groups/${seg(group)}`}>{name}</Link> : name}
                    {a.labels.slo && (
                      <span className="hint">
                        SLO <Link to={`/slos/${seg(a.labels.slo)}`}>{a.labels.slo}</Link>
                        {a.labels.tier ? ` · ${a.labels.tier}` : ''}
                      </span>
                    )}
                    {a.acknowledged && <Badge tone="info">acknowledged</Badge>}
                  </td>
                  <td>{service ? <ServiceLink name={service} /> : <span className="muted">—</span>}</td>
                  <td>{a.labels.severity ?? <span className="muted">—</span>}</td>
                  <td>
                    <Time at={a.startsAt} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </Card>
  );
}

function OpenIncidents({ incidents }: { incidents: Incident[] }) {
  return (
    <Card
      title={
        <>
          Open incidents <Badge tone={incidents.length ? 'bad' : 'ok'}>{incidents.length}</Badge>
        </>
      }
      actions={<Link to="/incidents">All incidents</Link>}
    >
      {incidents.length === 0 ? (
        <Empty>No open incidents.</Empty>
      ) : (
        <table className="table">
          <tbody>
            {incidents.map((i) => (
              <tr key={i.id}>
                <td>
                  <SeverityBadge severity={i.severity} />
                </td>
                <td>
                  <IncidentLink id={i.id}>{i.title}</IncidentLink>
                  <span className="hint">
                    {i.services.map((s, n) => (
                      <span key={s}>
                        {n > 0 && ', '}
                        <ServiceLink name={s} />
                      </span>
                    ))}
                  </span>
                </td>
                <td>
                  <StatusBadge status={i.status} />
                </td>
                <td>
                  <Time at={i.milestones.declaredAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}

function OnCallNow({ entries }: { entries: OnCallEntry[] }) {
  return (
    <Card title="On call now" actions={<Link to="/oncall">On-call</Link>}>
      {entries.length === 0 ? (
        <Empty>No schedules.</Empty>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>Schedule</th>
              <th>On call</th>
              <th>Until</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.schedule}>
                <td>
                  <Link to={`/oncall/schedules/${seg(e.schedule)}`}>{e.displayName ?? e.schedule}</Link>
                </td>
                <td>
                  {e.user ?? <Badge tone="bad">nobody</Badge>}
                  {e.source === 'override' && <span className="hint">override</span>}
                </td>
                <td>
                  {e.nextHandoff ? (
                    <>
                      <Time at={e.nextHandoff.at} />
                      {<span className="hint">then {e.nextHandoff.user ?? 'nobody'}</span>}
                    </>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}

export function Overview() {
  const services = useApi<Service[]>('/services', undefined, LIVE);
  const slos = useApi<Slo[]>('/slos', undefined, LIVE);
  const alerts = useApi<Alert[]>('/alerts', { status: 'firing', limit: 1000 }, LIVE);
  const groups = useApi<AlertGroup[]>('/alert-groups', undefined, LIVE);
  const incidents = useApi<Incident[]>('/incidents', { status: 'open' }, LIVE);
  const oncall = useApi<OnCallEntry[]>('/oncall', undefined, LIVE);
  return (
    <>
      <PageHeader title="Overview" />
      <div className="grid-2">
        <div className="stack">
          <Async
            state={{
              ...services,
              data: services.data && slos.data ? services.data : undefined,
              error: services.error ?? slos.error,
            }}
          >
            {(list) => <ServicesByTeam services={list} slos={slos.data ?? []} />}
          </Async>
          <Async state={alerts}>{(list) => <FiringAlerts alerts={list} groups={groups.data} />}</Async>
        </div>
        <div className="stack">
          <Async state={incidents}>{(list) => <OpenIncidents incidents={list} />}</Async>
          <Async state={oncall}>{(list) => <OnCallNow entries={list} />}</Async>
        </div>
      </div>
    </>
  );
}

import type { DependencyGraph, Service as ServiceDto } from '@headroom/core/api/catalog';
import type { Incident } from '@headroom/core/api/incident';
import type { Slo } from '@headroom/core/api/slo';
import { Link, useParams } from 'react-router';
import { seg } from '../api/client';
import { useApi } from '../api/hooks';
import { ServiceCapacity } from '../components/capacity-service';
import { IncidentLink, SeverityBadge, StatusBadge } from '../components/incident-common';
import { ServiceRelease } from '../components/release-service';
import {
  ServiceLink,
  SloTable,
  StateBadge,
  serviceBudgetState,
  serviceStateTitle,
  sortSlos,
} from '../components/slo-common';
import { Async, Card, Empty, Facts, PageHeader, Time } from '../components/ui';
import { formatDuration } from '../format';
import '../styles/slo.css';
import { formatMoney } from './Services';

function Dependencies({ name, direction }: { name: string; direction: 'upstream' | 'downstream' }) {
  const graph = useApi<DependencyGraph>(`/services/${seg(name)}/dependencies`, { direction });
  return (
    <div>
      <h3>{direction === 'upstream' ? 'Depends on (upstream)' : 'Depended on by (downstream)'}</h3>
      <Async state={graph}>
        {(g) =>
          g.nodes.length === 0 ? (
            <Empty>None.</Empty>
          ) : (
            <ul>
              {g.nodes.map((n) => (
                <li key={`${n.ref}|${n.via}`}>
                  {n.kind === 'component' && n.resolved ? (
                    <ServiceLink name={n.name} />
                  ) : (
                    <span title={n.resolved ? n.ref : `${n.ref}: not in the catalog`}>{n.name}</span>
                  )}{' '}
                  <span className="muted">
                    {n.kind !== 'component' && `${n.kind} `}
                    {n.depth > 1 && `via ${n.via.replace(/^[^:]*:(default\/)?/, '')}`}
                    {!n.resolved && ' (not in the catalog)'}
                  </span>
                </li>
              ))}
            </ul>
          )
        }
      </Async>
    </div>
  );
}

function Incidents({ name }: { name: string }) {
  const incidents = useApi<Incident[]>('/incidents', { service: name, limit: 50 }, { refreshMs: 10_000 });
  return (
    <Card title="Incidents" actions={<Link to="/incidents">All incidents</Link>}>
      <Async state={incidents}>
        {(list) =>
          list.length === 0 ? (
            <Empty>No incidents for this service.</Empty>
          ) : (
            <table className="table">
              <thead>
                <tr>
                  <th>Incident</th>
                  <th>Severity</th>
                  <th>Status</th>
                  <th>Declared</th>
                  <th className="num">Impact</th>
                </tr>
              </thead>
              <tbody>
                {list.map((i) => {
                  const start = i.milestones.impactStartedAt ?? i.milestones.declaredAt;
                  const end = i.milestones.mitigatedAt ?? i.milestones.resolvedAt;
                  return (
                    <tr key={i.id}>
                      <td>
                        <IncidentLink id={i.id}>{i.title}</IncidentLink>
                      </td>
                      <td>
                        <SeverityBadge severity={i.severity} />
                      </td>
                      <td>
                        <StatusBadge status={i.status} />
                      </td>
                      <td>
                        <Time at={i.milestones.declaredAt} />
                      </td>
                      <td className="num">
                        {end ? (
                          formatDuration(Date.parse(end) - Date.parse(start))
                        ) : (
                          <span className="muted">ongoing</span>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )
        }
      </Async>
    </Card>
  );
}

function ServiceBody({ service }: { service: ServiceDto }) {
  const slos = useApi<Slo[]>('/slos', { service: service.name }, { refreshMs: 10_000 });
  const b = service.business;
  return (
    <>
      <PageHeader
        title={service.title ?? service.name}
        crumbs={[{ to: '/services', label: 'Services' }]}
        actions={
          slos.data && (
            <StateBadge state={serviceBudgetState(slos.data)} title={serviceStateTitle(slos.data)} />
          )
        }
      >
        {service.description && <p className="muted">{service.description}</p>}
      </PageHeader>
      <div className="grid-2">
        <Card title="About">
          <Facts
            items={[
              ['Name', <code key="n">{service.ref}</code>],
              [
                'Owner',
                service.ownerTeam ? (
                  <Link key="o" to={`/admin/teams?team=${seg(service.ownerTeam)}`}>
                    {service.ownerTeam}
                  </Link>
                ) : (
                  (service.owner ?? 'unowned')
                ),
              ],
              ['Tier', `Tier ${service.tier}${service.tier === 1 ? ' (most critical)' : ''}`],
              ['Lifecycle', service.lifecycle],
              ['Type', service.type ?? '—'],
              ['System', service.system ?? '—'],
              ['Revenue per hour at risk', formatMoney(b.revenuePerHourAtRisk, b.currency)],
              ['Users served', b.usersServed?.toLocaleString() ?? '—'],
              ['Journeys', b.journeys?.length ? b.journeys.join(', ') : '—'],
              ['Tags', service.tags.length ? service.tags.join(', ') : '—'],
            ]}
          />
          {service.links.length > 0 && (
            <>
              <h3>Links</h3>
              <ul>
                {service.links.map((l) => (
                  <li key={l.url}>
                    <a href={l.url} target="_blank" rel="noreferrer noopener">
                      {l.title ?? l.url}
                    </a>
                    {l.type && <span className="muted"> {l.type}</span>}
                  </li>
                ))}
              </ul>
            </>
          )}
        </Card>
        <Card title="Dependencies">
          <div className="slo-deps">
            <Dependencies name={service.name} direction="upstream" />
            <Dependencies name={service.name} direction="downstream" />
          </div>
        </Card>
      </div>
      <Card title="SLOs" actions={<Link to={`/slos?service=${seg(service.name)}`}>In the SLO list</Link>}>
        <Async state={slos}>
          {(list) =>
            list.length === 0 ? (
              <Empty>No SLOs for this service.</Empty>
            ) : (
              <SloTable slos={sortSlos(list, 'budget')} showService={false} />
            )
          }
        </Async>
      </Card>
      <ServiceRelease service={service.name} slos={(slos.data ?? []).map((s) => s.name)} />
      <ServiceCapacity service={service.name} />
      <Incidents name={service.name} />
    </>
  );
}

export function Service() {
  const { name = '' } = useParams();
  const service = useApi<ServiceDto>(`/services/${seg(name)}`);
  if (service.data) return <ServiceBody service={service.data} />;
  return (
    <>
      <PageHeader title={name} crumbs={[{ to: '/services', label: 'Services' }]} />
      <Async state={service}>{() => null}</Async>
    </>
  );
}

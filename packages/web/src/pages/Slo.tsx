import type { PolicyVerdict } from '@headroom/core/api/budget-policy';
import type { BudgetCorrection } from '@headroom/core/api/correction';
import type { Deployment } from '@headroom/core/api/deployment';
import type { Incident } from '@headroom/core/api/incident';
import type { Slo as SloDto } from '@headroom/core/api/slo';
import type { SloAlertTiers } from '@headroom/core/api/slo-alert-tiers';
import type { SloStatus } from '@headroom/core/api/slo-status';
import { Link, useParams } from 'react-router';
import { seg } from '../api/client';
import { useApi } from '../api/hooks';
import { IncidentLink, SeverityBadge, StatusBadge } from '../components/incident-common';
import { PolicyVerdictCard } from '../components/release-policy';
import { SloCharts } from '../components/slo-charts';
import { BudgetMeter, formatRate, ServiceLink, StateBadge } from '../components/slo-common';
import { DefinitionCard } from '../components/slo-definition';
import { AlertTiersCard } from '../components/slo-tiers';
import { Async, Badge, Card, Empty, PageHeader, Time } from '../components/ui';
import { formatDuration, formatNumber, formatPercent } from '../format';
import '../styles/slo.css';

function Stat({ label, children, title }: { label: string; children: React.ReactNode; title?: string }) {
  return (
    <div className="stat" title={title}>
      <span className="value">{children}</span>
      <span className="label">{label}</span>
    </div>
  );
}

function BudgetCard({ status }: { status: SloStatus }) {
  const b = status.errorBudget;
  const ex = status.exhaustion;
  return (
    <Card title="Error budget">
      <div className="slo-stats">
        <Stat label="Budget remaining" title={`errorBudget.remaining = ${b.remaining}`}>
          <span data-testid="budget-remaining" data-budget-remaining={b.remaining}>
            {formatPercent(b.remaining, 2)}
          </span>
        </Stat>
        <Stat label="Consumed">{formatPercent(b.consumed, 2)}</Stat>
        <Stat label="SLI over the window">{formatPercent(status.sli, 3)}</Stat>
        <Stat label="Bad events still allowed">{formatNumber(b.remainingEvents, 0)}</Stat>
        <Stat label="Minutes of total failure left" title="At the last hour’s traffic">
          {b.remainingMinutes === null ? '—' : formatDuration(b.remainingMinutes * 60_000)}
        </Stat>
        <Stat label="Burn rate 1 h / window">
          {formatRate(status.burnRates['1h'])} / {formatRate(status.burnRates.window)}
        </Stat>
      </div>
      <p>
        <BudgetMeter remaining={b.remaining} />
      </p>
      <h3>Exhaustion forecast</h3>
      <table className="table">
        <tbody>
          {(['1h', '1d', '7d'] as const).map((k) => (
            <tr key={k}>
              <td>At the last {k}’s burn rate</td>
              <td>
                {ex[k] ? (
                  <>
                    <Badge tone="warn">runs out</Badge> <Time at={ex[k]} />{' '}
                    <span className="muted">
                      (<Time at={ex[k]} absolute />)
                    </span>
                  </>
                ) : (
                  <span className="muted">lasts the window</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Data</h3>
      <p>
        Window <Time at={status.window.start} absolute /> → <Time at={status.window.end} absolute />,
        evaluated <Time at={status.evaluatedAt} />. Newest data <Time at={status.lastDataAt} absolute />
        {status.dataAge !== null && (
          <>
            {' '}
            (age{' '}
            <Badge tone={status.dataAge > 600 ? 'bad' : status.dataAge > 180 ? 'warn' : 'ok'}>
              {formatDuration(status.dataAge * 1000)}
            </Badge>
            )
          </>
        )}
        .{status.noDataSlices > 0 && ` ${status.noDataSlices} slices without data left out.`}
      </p>
      {status.note && <p className="problem">{status.note}</p>}
    </Card>
  );
}

function BurnRates({ status }: { status: SloStatus }) {
  const keys = ['5m', '30m', '1h', '2h', '6h', '1d', '3d', 'window'] as const;
  return (
    <table className="table">
      <thead>
        <tr>
          <th>Look-back</th>
          <th className="num">Burn rate</th>
        </tr>
      </thead>
      <tbody>
        {keys.map((k) => (
          <tr key={k}>
            <td>{k === 'window' ? 'whole window' : k}</td>
            <td className="num">{formatRate(status.burnRates[k])}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Annotations({ incidents, corrections }: { incidents: Incident[]; corrections: BudgetCorrection[] }) {
  return (
    <Card title="Incidents and corrections">
      {incidents.length === 0 && corrections.length === 0 ? (
        <Empty>No incidents of this service in the window, and no budget corrections.</Empty>
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
                </td>
                <td>
                  <StatusBadge status={i.status} />
                </td>
                <td>
                  <Time at={i.milestones.impactStartedAt ?? i.milestones.declaredAt} absolute /> →{' '}
                  {i.milestones.resolvedAt ? <Time at={i.milestones.resolvedAt} absolute /> : 'ongoing'}
                </td>
              </tr>
            ))}
            {corrections.map((c) => (
              <tr key={c.name}>
                <td>
                  <Badge>correction</Badge>
                </td>
                <td>
                  {c.displayName ?? c.name}
                  <span className="hint">{c.reason}</span>
                </td>
                <td>{c.category}</td>
                <td>
                  {c.occurrence ? (
                    <>
                      {c.occurrence.active ? 'now: ' : 'next: '}
                      <Time at={c.occurrence.start} absolute /> → <Time at={c.occurrence.end} absolute />
                    </>
                  ) : (
                    <span className="muted">no coming occurrence</span>
                  )}
                  {c.rrule && <span className="hint">repeats: {c.rrule}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}

function SloBody({ slo }: { slo: SloDto }) {
  const status = slo.status;
  const since = status?.window.start;
  const incidents = useApi<Incident[]>(
    since ? '/incidents' : null,
    { service: slo.service, since, limit: 200 },
    { refreshMs: 30_000 },
  );
  const corrections = useApi<BudgetCorrection[]>('/corrections', { slo: slo.name });
  const tiers = useApi<SloAlertTiers>(`/slos/${seg(slo.name)}/alert-tiers`, undefined, { refreshMs: 30_000 });
  const verdict = useApi<PolicyVerdict>(
    slo.serviceInCatalog ? `/services/${seg(slo.service)}/policy` : null,
    undefined,
    { refreshMs: 15_000 },
  );
  const deployments = useApi<Deployment[]>(
    since && slo.serviceInCatalog ? '/deployments' : null,
    { service: slo.service, from: since, limit: 1000 },
    { refreshMs: 60_000 },
  );
  return (
    <>
      <PageHeader
        title={slo.displayName ?? slo.name}
        crumbs={[{ to: '/slos', label: 'SLOs' }]}
        actions={<StateBadge state={status?.state} />}
      >
        <p className="muted">
          {slo.displayName && <code>{slo.name}</code>} SLO of{' '}
          {slo.serviceInCatalog ? <ServiceLink name={slo.service} /> : slo.service}
          {slo.ownerTeam && (
            <>
              {' '}
              owned by <Link to={`/admin/teams?team=${seg(slo.ownerTeam)}`}>{slo.ownerTeam}</Link>
            </>
          )}{' '}
          · target {formatPercent(slo.definition.objective, 3)} over {slo.definition.window.duration}{' '}
          {slo.definition.window.type}
          {slo.description && <span className="hint">{slo.description}</span>}
        </p>
      </PageHeader>
      {status === null ? (
        <Card>
          <Empty>Not evaluated yet: the evaluator runs every 30 seconds.</Empty>
        </Card>
      ) : (
        <>
          <div className="grid-2">
            <BudgetCard status={status} />
            <Card title="Burn rates now">
              <BurnRates status={status} />
              <span className="hint">
                Error ratio ÷ error budget over each look-back; 1× spends the budget exactly over the window.
              </span>
            </Card>
          </div>
          {slo.serviceInCatalog && (
            <PolicyVerdictCard service={slo.service} only={slo.name} verdict={verdict} />
          )}
          <SloCharts
            slo={slo}
            status={status}
            incidents={incidents.data ?? []}
            tiers={tiers.data}
            deployments={deployments.data}
          />
          <AlertTiersCard slo={slo.name} tiers={tiers} />
          <Annotations incidents={incidents.data ?? []} corrections={corrections.data ?? []} />
        </>
      )}
      <DefinitionCard slo={slo} />
    </>
  );
}

export function Slo() {
  const { name = '' } = useParams();
  const slo = useApi<SloDto>(`/slos/${seg(name)}`, undefined, { refreshMs: 10_000 });
  if (slo.data) return <SloBody slo={slo.data} />;
  return (
    <>
      <PageHeader title={name} crumbs={[{ to: '/slos', label: 'SLOs' }]} />
      <Async state={slo}>{() => null}</Async>
    </>
  );
}

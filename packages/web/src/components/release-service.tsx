import type { PolicyVerdict } from '@headroom/core/api/budget-policy';
import type { Deployment, DoraReport } from '@headroom/core/api/deployment';
import { useState } from 'react';
import { Link } from 'react-router';
import { seg } from '../api/client';
import { useApi } from '../api/hooks';
import { useCanWrite } from '../auth';
import { DeploymentTable, RecordDeploymentForm } from './release-deployments';
import { DoraPanel } from './release-dora';
import { ExemptionsCard, GateDecisionsCard, PolicyVerdictCard } from './release-policy';
import { Async, Card, Empty } from './ui';
import '../styles/release.css';

const DAY = 86_400_000;
export const DORA_PERIODS = [
  { days: 7, label: '7 days' },
  { days: 30, label: '30 days' },
  { days: 90, label: '90 days' },
] as const;

/** Period buttons shared by the DORA views. */
export function PeriodPicker({ days, onChange }: { days: number; onChange: (days: number) => void }) {
  return (
    <fieldset className="slo-range">
      <legend className="skip">Period</legend>
      {DORA_PERIODS.map((p) => (
        <button key={p.days} type="button" aria-pressed={days === p.days} onClick={() => onChange(p.days)}>
          {p.label}
        </button>
      ))}
    </fieldset>
  );
}

/** The DORA query for the last `days` days up to the current minute (stable between renders). */
export function periodQuery(days: number): { from: string; to: string } {
  const to = Math.ceil(Date.now() / 60_000) * 60_000;
  return { from: new Date(to - days * DAY).toISOString(), to: new Date(to).toISOString() };
}

function ServiceDora({ service }: { service: string }) {
  const [days, setDays] = useState(30);
  const [query, setQuery] = useState(() => periodQuery(30));
  const report = useApi<DoraReport>('/dora', { service, ...query });
  return (
    <Card
      title="DORA four keys"
      actions={
        <>
          <PeriodPicker
            days={days}
            onChange={(d) => {
              setDays(d);
              setQuery(periodQuery(d));
            }}
          />
          <Link to={`/dora?service=${seg(service)}`}>All services and teams</Link>
        </>
      }
    >
      <Async state={report}>
        {(r) => {
          const figures = r.byService[service];
          return figures ? (
            <DoraPanel figures={figures} definitions={r.definitions} />
          ) : (
            <Empty>
              No deployments of {service} to production in the last {days} days.
            </Empty>
          );
        }}
      </Async>
    </Card>
  );
}

function ServiceDeployments({ service }: { service: string }) {
  const canWrite = useCanWrite();
  const list = useApi<Deployment[]>('/deployments', { service, limit: 10 }, { refreshMs: 30_000 });
  return (
    <Card
      title="Recent deployments"
      actions={<Link to={`/deployments?service=${seg(service)}`}>All deployments of {service}</Link>}
    >
      <Async state={list}>
        {(items) =>
          items.length === 0 ? (
            <Empty>
              No deployments recorded. CI records them with <code>headroom deploy record {service}</code>.
            </Empty>
          ) : (
            <DeploymentTable items={items} showService={false} />
          )
        }
      </Async>
      {canWrite && (
        <details className="release-details">
          <summary>Record a deployment</summary>
          <RecordDeploymentForm services={[service]} service={service} onDone={() => list.reload()} />
        </details>
      )}
    </Card>
  );
}

/** The service page's release section: policy verdict, exemptions, gate decisions, deployments, DORA. */
export function ServiceRelease({ service, slos }: { service: string; slos: string[] }) {
  const verdict = useApi<PolicyVerdict>(`/services/${seg(service)}/policy`, undefined, { refreshMs: 15_000 });
  return (
    <>
      <PolicyVerdictCard service={service} verdict={verdict} />
      <ExemptionsCard service={service} slos={slos} onChange={verdict.reload} />
      <GateDecisionsCard service={service} />
      <ServiceDeployments service={service} />
      <ServiceDora service={service} />
    </>
  );
}

import type { DoraReport } from '@headroom/core/api/deployment';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { seg } from '../api/client';
import { useApi } from '../api/hooks';
import { DoraPanel, DoraSource, DoraTable } from '../components/release-dora';
import { PeriodPicker, periodQuery } from '../components/release-service';
import { Async, Card, Empty, PageHeader, Time } from '../components/ui';
import '../styles/release.css';
import '../styles/slo.css';

export function Dora() {
  const [params, setParams] = useSearchParams();
  const days = Number(params.get('days') ?? 30) || 30;
  const focus = params.get('service') ?? '';
  const [query, setQuery] = useState(() => periodQuery(days));
  const report = useApi<DoraReport>('/dora', query);
  const choose = (d: number) => {
    const next = new URLSearchParams(params);
    if (d === 30) next.delete('days');
    else next.set('days', String(d));
    setParams(next, { replace: true });
    setQuery(periodQuery(d));
  };
  return (
    <>
      <PageHeader title="DORA four keys" actions={<PeriodPicker days={days} onChange={choose} />}>
        <p className="muted">
          Deployment frequency, lead time for changes, change failure rate and failed-deployment recovery time
          from the recorded <Link to="/deployments">deployments</Link> and the incidents linked to them, each
          with its 2024 State of DevOps performance level.
        </p>
      </PageHeader>
      <Async state={report}>
        {(r) => {
          const services = Object.entries(r.byService).sort(([a], [b]) => a.localeCompare(b));
          const teams = Object.entries(r.byTeam).sort(([a], [b]) => a.localeCompare(b));
          const focused = focus ? r.byService[focus] : undefined;
          return (
            <>
              <p className="hint">
                <Time at={r.period.from} absolute /> → <Time at={r.period.to} absolute /> ({r.period.days}{' '}
                days), environment {r.environment}.
              </p>
              {focused && (
                <Card
                  title={`Service ${focus}`}
                  actions={<Link to={`/services/${seg(focus)}`}>Service page</Link>}
                >
                  <DoraPanel figures={focused} definitions={r.definitions} />
                </Card>
              )}
              <Card title="Whole organisation">
                <DoraPanel figures={r.overall} definitions={r.definitions} />
                <DoraSource report={r} />
              </Card>
              <Card title="Per team">
                {teams.length === 0 ? (
                  <Empty>No deployments of team-owned services in this period.</Empty>
                ) : (
                  <DoraTable
                    rows={teams}
                    heading="Team"
                    name={(t) => <Link to={`/deployments?team=${seg(t)}`}>{t}</Link>}
                  />
                )}
              </Card>
              <Card title="Per service">
                {services.length === 0 ? (
                  <Empty>No deployments in this period.</Empty>
                ) : (
                  <DoraTable
                    rows={services}
                    heading="Service"
                    name={(s) => (
                      <>
                        <Link to={`/services/${seg(s)}`}>{s}</Link>{' '}
                        <Link
                          className="muted"
                          to={`/dora?service=${seg(s)}${days !== 30 ? `&days=${days}` : ''}`}
                        >
                          details
                        </Link>
                      </>
                    )}
                  />
                )}
              </Card>
            </>
          );
        }}
      </Async>
    </>
  );
}

import type { Service, Team } from '@headroom/core/api/catalog';
import type { Deployment } from '@headroom/core/api/deployment';
import { Link, useSearchParams } from 'react-router';
import { useApi } from '../api/hooks';
import { useCanWrite } from '../auth';
import { DeploymentTable, RecordDeploymentForm } from '../components/release-deployments';
import { Async, Card, Empty, PageHeader } from '../components/ui';
import '../styles/release.css';
import '../styles/slo.css';

const LIMITS = [50, 200, 1000] as const;

export function Deployments() {
  const canWrite = useCanWrite();
  const [params, setParams] = useSearchParams();
  const service = params.get('service') ?? '';
  const team = params.get('team') ?? '';
  const limit = Number(params.get('limit') ?? 50);
  const services = useApi<Service[]>('/services');
  const teams = useApi<Team[]>('/teams');
  const list = useApi<Deployment[]>(
    '/deployments',
    { service: service || undefined, team: team || undefined, limit },
    { refreshMs: 30_000 },
  );
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  const serviceNames = (services.data ?? []).map((s) => s.name).sort();
  return (
    <>
      <PageHeader
        title="Deployments"
        actions={
          <Link to={`/dora${service ? `?service=${encodeURIComponent(service)}` : ''}`}>DORA four keys</Link>
        }
      >
        <p className="muted">
          Every deployment CI recorded (<code>headroom deploy record</code>), newest first, with its lead time
          and the incidents it was linked to.
        </p>
      </PageHeader>
      <Card>
        <form className="inline-form release-filters" onSubmit={(e) => e.preventDefault()}>
          <label>
            Service
            <select value={service} onChange={(e) => set('service', e.target.value)}>
              <option value="">all services</option>
              {serviceNames.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
          <label>
            Team
            <select value={team} onChange={(e) => set('team', e.target.value)}>
              <option value="">all teams</option>
              {(teams.data ?? []).map((t) => (
                <option key={t.name} value={t.name}>
                  {t.title ?? t.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            Show
            <select
              value={limit}
              onChange={(e) => set('limit', e.target.value === '50' ? '' : e.target.value)}
            >
              {LIMITS.map((l) => (
                <option key={l} value={l}>
                  newest {l}
                </option>
              ))}
            </select>
          </label>
        </form>
        <Async state={list}>
          {(items) =>
            items.length === 0 ? (
              <Empty>No deployments match.</Empty>
            ) : (
              <>
                <DeploymentTable items={items} />
                <p className="hint">
                  {items.length} shown
                  {items.length === limit ? ` (the newest ${limit}; show more above)` : ''}.
                </p>
              </>
            )
          }
        </Async>
      </Card>
      {canWrite && (
        <Card title="Record a deployment">
          <RecordDeploymentForm
            services={serviceNames}
            service={service || undefined}
            onDone={() => list.reload()}
          />
        </Card>
      )}
    </>
  );
}

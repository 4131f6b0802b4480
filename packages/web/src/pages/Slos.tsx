import type { Service } from '@headroom/core/api/catalog';
import type { Slo } from '@headroom/core/api/slo';
import { useSearchParams } from 'react-router';
import { useApi } from '../api/hooks';
import { type SloSort, SloTable, sortSlos } from '../components/slo-common';
import { Async, Card, Empty, PageHeader } from '../components/ui';
import '../styles/slo.css';

const STATES = ['exhausted', 'burning', 'healthy', 'no-data'] as const;

export function Slos() {
  const [params, setParams] = useSearchParams();
  const service = params.get('service') ?? '';
  const team = params.get('team') ?? '';
  const status = params.get('status') ?? '';
  const sort = (params.get('sort') ?? 'budget') as SloSort;
  const slos = useApi<Slo[]>('/slos', { service, team, status }, { refreshMs: 10_000 });
  const services = useApi<Service[]>('/services');
  const serviceNames = (services.data ?? []).map((s) => s.name).sort();
  const teams = [
    ...new Set((services.data ?? []).map((s) => s.ownerTeam).filter((t): t is string => !!t)),
  ].sort();
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  return (
    <>
      <PageHeader title="SLOs" />
      <Card>
        <div className="slo-filters">
          <label>
            Service
            <select value={service} onChange={(e) => set('service', e.target.value)}>
              <option value="">All services</option>
              {serviceNames.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          </label>
          <label>
            Team
            <select value={team} onChange={(e) => set('team', e.target.value)}>
              <option value="">All teams</option>
              {teams.map((t) => (
                <option key={t}>{t}</option>
              ))}
            </select>
          </label>
          <label>
            State
            <select value={status} onChange={(e) => set('status', e.target.value)}>
              <option value="">Any state</option>
              {STATES.map((s) => (
                <option key={s} value={s}>
                  {s === 'no-data' ? 'no data' : s}
                </option>
              ))}
            </select>
          </label>
          <label>
            Sort by
            <select
              value={sort}
              onChange={(e) => set('sort', e.target.value === 'budget' ? '' : e.target.value)}
            >
              <option value="budget">Budget remaining (least first)</option>
              <option value="burn">1 h burn rate (fastest first)</option>
              <option value="name">Name</option>
            </select>
          </label>
        </div>
      </Card>
      <Card>
        <Async state={slos}>
          {(list) =>
            list.length === 0 ? <Empty>No SLOs match.</Empty> : <SloTable slos={sortSlos(list, sort)} />
          }
        </Async>
      </Card>
    </>
  );
}

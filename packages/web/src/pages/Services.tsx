import type { Service } from '@headroom/core/api/catalog';
import type { Slo } from '@headroom/core/api/slo';
import { Link, useSearchParams } from 'react-router';
import { seg } from '../api/client';
import { useApi } from '../api/hooks';
import { ServiceLink, StateBadge, serviceBudgetState, serviceStateTitle } from '../components/slo-common';
import { Async, Card, Empty, PageHeader } from '../components/ui';
import '../styles/slo.css';

export function Services() {
  const [params, setParams] = useSearchParams();
  const team = params.get('team') ?? '';
  const tier = params.get('tier') ?? '';
  const q = params.get('q') ?? '';
  const services = useApi<Service[]>('/services', { team, tier, q }, { refreshMs: 30_000 });
  const all = useApi<Service[]>('/services');
  const slos = useApi<Slo[]>('/slos', undefined, { refreshMs: 10_000 });
  const teams = [...new Set((all.data ?? []).map((s) => s.ownerTeam).filter((t): t is string => !!t))].sort();
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  const byService = new Map<string, Slo[]>();
  for (const s of slos.data ?? []) byService.set(s.service, [...(byService.get(s.service) ?? []), s]);
  return (
    <>
      <PageHeader title="Services" />
      <Card>
        <div className="slo-filters">
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
            Tier
            <select value={tier} onChange={(e) => set('tier', e.target.value)}>
              <option value="">Any tier</option>
              {[1, 2, 3, 4].map((t) => (
                <option key={t} value={t}>
                  Tier {t}
                </option>
              ))}
            </select>
          </label>
          <label>
            Search
            <input
              type="search"
              value={q}
              placeholder="name, title, description"
              onChange={(e) => set('q', e.target.value)}
            />
          </label>
        </div>
      </Card>
      <Card>
        <Async state={services}>
          {(list) =>
            list.length === 0 ? (
              <Empty>No services match.</Empty>
            ) : (
              <table className="table">
                <thead>
                  <tr>
                    <th>Service</th>
                    <th>Team</th>
                    <th className="num">Tier</th>
                    <th>Lifecycle</th>
                    <th>Budget state</th>
                    <th className="num">SLOs</th>
                    <th className="num">Revenue/h at risk</th>
                    <th>Depends on</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((s) => {
                    const own = byService.get(s.name) ?? [];
                    return (
                      <tr key={s.ref}>
                        <td>
                          <ServiceLink name={s.name} />
                          {s.title && <span className="hint">{s.title}</span>}
                        </td>
                        <td>
                          {s.ownerTeam ? (
                            <Link to={`/admin/teams?team=${seg(s.ownerTeam)}`}>{s.ownerTeam}</Link>
                          ) : (
                            <span className="muted">{s.owner ?? '—'}</span>
                          )}
                        </td>
                        <td className="num">{s.tier}</td>
                        <td>{s.lifecycle}</td>
                        <td>
                          {slos.data ? (
                            <StateBadge state={serviceBudgetState(own)} title={serviceStateTitle(own)} />
                          ) : (
                            <span className="muted">…</span>
                          )}
                        </td>
                        <td className="num">{own.length}</td>
                        <td className="num">
                          {formatMoney(s.business.revenuePerHourAtRisk, s.business.currency)}
                        </td>
                        <td className="muted">{s.dependsOn.length ? s.dependsOn.join(', ') : '—'}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            )
          }
        </Async>
      </Card>
    </>
  );
}

export function formatMoney(value: number | undefined, currency = 'USD'): string {
  if (value === undefined) return '—';
  try {
    return value.toLocaleString(undefined, { style: 'currency', currency, maximumFractionDigits: 0 });
  } catch {
    return `${value} ${currency}`;
  }
}

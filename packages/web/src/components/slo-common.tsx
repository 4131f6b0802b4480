/** Shared pieces of the overview, service and SLO pages: budget states, meters and the SLO table. */
import type { Slo } from '@headroom/core/api/slo';
import type { SloState } from '@headroom/core/api/slo-status';
import { Link } from 'react-router';
import { seg } from '../api/client';
import { formatDuration, formatPercent } from '../format';
import { Badge, budgetTone } from './ui';

export const sloPath = (name: string) => `/slos/${seg(name)}`;
export const servicePath = (name: string) => `/services/${seg(name)}`;

export function SloLink({ name, children }: { name: string; children?: React.ReactNode }) {
  return <Link to={sloPath(name)}>{children ?? name}</Link>;
}
export function ServiceLink({ name }: { name: string }) {
  return <Link to={servicePath(name)}>{name}</Link>;
}

/** Worst first: a service is as bad as its worst SLO. */
const SEVERITY: Record<SloState, number> = { exhausted: 3, burning: 2, healthy: 1, 'no-data': 0 };

export const SERVICE_STATE_RULE =
  'A service takes the worst state of its SLOs, as the API reports them: exhausted (an SLO has no budget left) › ' +
  'burning (an SLO’s last hour burns faster than its budget allows) › healthy; no data when no SLO has any.';

/** The one rule for a service's budget state: the worst of its SLOs' states (null status: no data). */
export function serviceBudgetState(slos: readonly Pick<Slo, 'status'>[]): SloState {
  let worst: SloState = 'no-data';
  for (const s of slos) {
    const state = s.status?.state ?? 'no-data';
    if (SEVERITY[state] > SEVERITY[worst]) worst = state;
  }
  return worst;
}

/** The tooltip that explains a service's state: the rule and each SLO's own state. */
export function serviceStateTitle(slos: readonly Pick<Slo, 'name' | 'status'>[]): string {
  const each = slos.map((s) => `${s.name}: ${s.status?.state ?? 'not evaluated'}`);
  return [SERVICE_STATE_RULE, '', ...(each.length ? each : ['(no SLOs)'])].join('\n');
}

export function StateBadge({ state, title }: { state: SloState | null | undefined; title?: string }) {
  const text = state === 'no-data' || !state ? 'no data' : state;
  return (
    <Badge tone={budgetTone(state)} title={title}>
      {text}
    </Badge>
  );
}

/** Error budget remaining as the API gives it (a fraction; negative when overspent). */
export function BudgetMeter({ remaining }: { remaining: number | null | undefined }) {
  if (remaining === null || remaining === undefined) return <span className="muted">—</span>;
  const tone = remaining <= 0 ? 'bad' : remaining < 0.25 ? 'warn' : '';
  const width = Math.max(0, Math.min(1, remaining)) * 100;
  return (
    <span className="slo-budget" title={`Error budget remaining: ${remaining}`}>
      <span className={`meter ${tone}`} aria-hidden="true">
        <span style={{ width: `${width}%` }} />
      </span>
      <span className="slo-budget-figure" data-budget-remaining={remaining}>
        {formatPercent(remaining, 2)}
      </span>
    </span>
  );
}

export type SloSort = 'budget' | 'name' | 'burn';

export function sortSlos(slos: readonly Slo[], sort: SloSort): Slo[] {
  const budget = (s: Slo) => s.status?.errorBudget.remaining ?? Number.POSITIVE_INFINITY;
  const burn = (s: Slo) => s.status?.burnRates['1h'] ?? Number.NEGATIVE_INFINITY;
  return [...slos].sort((a, b) =>
    sort === 'budget'
      ? budget(a) - budget(b) || a.name.localeCompare(b.name)
      : sort === 'burn'
        ? burn(b) - burn(a) || a.name.localeCompare(b.name)
        : a.name.localeCompare(b.name),
  );
}

/** Dense SLO table: state, target, SLI, budget remaining, 1 h burn rate, data age. */
export function SloTable({ slos, showService = true }: { slos: readonly Slo[]; showService?: boolean }) {
  return (
    <table className="table">
      <thead>
        <tr>
          <th>SLO</th>
          {showService && <th>Service</th>}
          <th>State</th>
          <th className="num">Target</th>
          <th>Window</th>
          <th className="num">SLI</th>
          <th>Budget remaining</th>
          <th className="num">Burn 1h</th>
          <th className="num" title="Seconds since the newest minute with data">
            Data age
          </th>
        </tr>
      </thead>
      <tbody>
        {slos.map((s) => (
          <tr key={s.name}>
            <td>
              <SloLink name={s.name}>{s.displayName ?? s.name}</SloLink>
              {s.displayName && <span className="hint">{s.name}</span>}
            </td>
            {showService && (
              <td>
                {s.serviceInCatalog ? <ServiceLink name={s.service} /> : s.service}
                {s.ownerTeam && <span className="hint">{s.ownerTeam}</span>}
              </td>
            )}
            <td>
              <StateBadge state={s.status?.state} />
            </td>
            <td className="num">{formatPercent(s.definition.objective, 3)}</td>
            <td>
              {s.definition.window.duration} {s.definition.window.type}
              <span className="hint">{s.definition.budgetingMethod}</span>
            </td>
            <td className="num">{formatPercent(s.status?.sli, 3)}</td>
            <td>
              <BudgetMeter remaining={s.status?.errorBudget.remaining} />
            </td>
            <td className="num">{formatRate(s.status?.burnRates['1h'])}</td>
            <td className="num">
              {s.status?.dataAge === null || s.status === null
                ? '—'
                : formatDuration(s.status.dataAge * 1000)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function formatRate(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return '—';
  return `${rate < 10 ? rate.toFixed(2) : rate.toFixed(1)}×`;
}

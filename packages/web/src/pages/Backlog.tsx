import type { Backlog as BacklogData, Outcome } from '@headroom/core/api/discovery';
import { Link, useSearchParams } from 'react-router';
import { seg } from '../api/client';
import { useApi } from '../api/hooks';
import { confidenceLabel, impactLabel } from '../components/ost-evidence';
import { Async, Badge, Card, Empty, PageHeader, Time, type Tone } from '../components/ui';
import { formatNumber } from '../format';
import '../styles/discovery.css';

const STATUSES = ['idea', 'building', 'shipped', 'dropped'] as const;
const statusTone = (s: string): Tone => (s === 'shipped' ? 'ok' : s === 'building' ? 'info' : 'muted');

export function Backlog() {
  const [params, setParams] = useSearchParams();
  const outcome = params.get('outcome') ?? '';
  const status = params.get('status') ?? 'idea,building';
  const chosen = new Set(status.split(',').filter(Boolean));
  const outcomes = useApi<{ items: Outcome[] }>('/discovery/outcomes');
  const backlog = useApi<BacklogData>('/discovery/backlog', { outcome, status: status || undefined });

  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    next.set(key, value);
    if (key === 'outcome' && value === '') next.delete('outcome');
    setParams(next, { replace: true });
  };
  const flip = (s: string) => {
    const next = new Set(chosen);
    if (next.has(s)) next.delete(s);
    else next.add(s);
    set('status', STATUSES.filter((x) => next.has(x)).join(','));
  };

  return (
    <>
      <PageHeader
        title="Solution backlog"
        crumbs={[
          { to: '/discovery', label: 'Discovery' },
          { to: '/discovery/tree', label: 'Opportunity tree' },
        ]}
      >
        <p className="muted">
          Every solution ranked by RICE = reach × impact × confidence ÷ effort (Intercom’s scales: impact 3
          massive, 2 high, 1 medium, 0.5 low, 0.25 minimal; confidence 100/80/50 %; effort in person-months).
          Reach is the number of teams affected from the opportunity’s evidence unless a solution overrides it
          with a reason. Unscored solutions come last.
        </p>
      </PageHeader>
      <div className="row ost-filters">
        <label className="ost-inline">
          Outcome
          <select value={outcome} onChange={(e) => set('outcome', e.target.value)}>
            <option value="">all outcomes</option>
            {(outcomes.data?.items ?? []).map((o) => (
              <option key={o.name} value={o.name}>
                {o.title}
              </option>
            ))}
          </select>
        </label>
        <fieldset className="ost-statuses">
          <legend>Status</legend>
          {STATUSES.map((s) => (
            <label key={s} className="ost-check">
              <input type="checkbox" checked={chosen.has(s)} onChange={() => flip(s)} /> {s}
            </label>
          ))}
        </fieldset>
      </div>
      <Async state={backlog}>
        {(b) => (
          <Card>
            {b.items.length === 0 ? (
              <Empty>
                No solutions with these statuses. Add solutions under an opportunity on the{' '}
                <Link to="/discovery/tree">tree</Link>.
              </Empty>
            ) : (
              <table className="table" aria-label="Backlog ranked by RICE">
                <thead>
                  <tr>
                    <th className="num">Rank</th>
                    <th>Solution</th>
                    <th>Status</th>
                    <th className="num">RICE</th>
                    <th className="num">Reach</th>
                    <th>Reach from</th>
                    <th>Impact</th>
                    <th>Confidence</th>
                    <th className="num">Effort (pm)</th>
                    <th>Opportunity</th>
                    <th>Outcome</th>
                  </tr>
                </thead>
                <tbody>
                  {b.items.map((i) => (
                    <tr key={i.solution} data-solution={i.solution}>
                      <td className="num">{i.rank}</td>
                      <td>
                        <Link
                          to={`/discovery/tree?outcome=${seg(i.outcome)}&opportunity=${seg(i.opportunity)}`}
                        >
                          {i.title}
                        </Link>{' '}
                        <code className="muted">{i.solution}</code>
                      </td>
                      <td>
                        <Badge tone={statusTone(i.status)}>{i.status}</Badge>
                      </td>
                      {i.score === null ? (
                        <td colSpan={6} className="muted">
                          not scored
                        </td>
                      ) : (
                        <>
                          <td className="num">
                            <strong data-testid="backlog-score">{formatNumber(i.score.score)}</strong>
                          </td>
                          <td className="num">{formatNumber(i.score.reach)}</td>
                          <td>
                            {i.score.reachSource === 'override' ? (
                              <>
                                <Badge tone="warn">override</Badge> {i.score.reachReason}
                              </>
                            ) : (
                              <>
                                <Badge>evidence</Badge> <span className="muted">{i.score.reachReason}</span>
                              </>
                            )}
                          </td>
                          <td>{impactLabel(i.score.impact)}</td>
                          <td>{confidenceLabel(i.score.confidence)}</td>
                          <td className="num">{formatNumber(i.score.effort)}</td>
                        </>
                      )}
                      <td>
                        <Link
                          to={`/discovery/tree?outcome=${seg(i.outcome)}&opportunity=${seg(i.opportunity)}`}
                        >
                          {i.opportunityTitle}
                        </Link>
                      </td>
                      <td>
                        <Link to={`/discovery/tree?outcome=${seg(i.outcome)}`}>{i.outcomeTitle}</Link>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            <p className="hint">
              Computed <Time at={b.at} />.
            </p>
          </Card>
        )}
      </Async>
    </>
  );
}
